"""Read stored samples: the newest of a kind, one by number, or all of them."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from jtai.canonical import AGENCIES
from jtai.errors import NotFoundError
from jtai.pseudonym import pseudonym
from jtai.sampling.stored_sample import FRONT_DOOR, TRACKED, Member, Replacement, Sample
from jtai.store import sampling as store

if TYPE_CHECKING:
    from jtai.workspace import Workspace


def load_sample(ws: Workspace, sample_id: int) -> Sample:
    """A stored sample by id.

    Raises:
        NotFoundError: no such sample.
    """
    conn = ws.connect()
    try:
        return load(ws, conn, sample_id)
    finally:
        conn.close()


def latest_sample(ws: Workspace, kind: str = TRACKED) -> Sample | None:
    """The newest sample of a kind (``tracked`` or ``front_door``), or None if none is drawn."""
    conn = ws.connect()
    try:
        sample_id = store.latest_sample_id(conn, kind)
        return load(ws, conn, sample_id) if sample_id is not None else None
    finally:
        conn.close()


def all_samples(ws: Workspace) -> list[Sample]:
    """Every sample drawn in the workspace, oldest first."""
    conn = ws.connect()
    try:
        return [load(ws, conn, i) for i in store.sample_ids(conn)]
    finally:
        conn.close()


def tracked_cases(ws: Workspace) -> list[Member]:
    """The children to track now: picks of the newest tracked sample, replacements applied."""
    sample = latest_sample(ws, TRACKED)
    return sample.picks if sample else []


def load(ws: Workspace, conn: sqlite3.Connection, sample_id: int) -> Sample:
    """Sample ``sample_id`` read on an open connection, pseudonyms computed with the key.

    Raises:
        NotFoundError: no such sample.
    """
    row = store.sample_row(conn, sample_id)
    if row is None:
        raise NotFoundError(
            f"There is no sample {sample_id}.", hint="List samples with `jtai sample show --list`."
        )
    members = [
        Member(
            position=m["position"],
            role=m["role"],
            drawn_as=m["drawn_as"],
            child_key=m["child_key"],
            child_id=None if _unlinked_key(m["child_key"]) else m["child_key"],
            pseudonym=pseudonym(ws.key, m["child_key"]),
            record_id=m["record_id"],
            group=m["grp"],
            stratum=m["stratum"],
            reason=m["reason"],
        )
        for m in store.member_rows(conn, sample_id)
    ]
    by_position = {m.position: m for m in members}
    replacements = [
        Replacement(
            withdrawn=_ref(by_position.get(r["withdrawn_position"]), row["kind"]),
            reserve=_ref(by_position.get(r["reserve_position"]), row["kind"]),
            reason=r["reason"],
            replaced_by=r["replaced_by"],
            replaced_at=r["replaced_at"],
            withdrawn_position=r["withdrawn_position"],
            reserve_position=r["reserve_position"],
        )
        for r in store.replacement_rows(conn, sample_id)
    ]
    return Sample(
        id=row["id"],
        kind=row["kind"],
        framework=row["framework"],
        seed=row["seed"],
        parameters=json.loads(row["parameters"]),
        frame_size=row["frame_size"],
        frame_hash=row["frame_hash"],
        linked=bool(row["linked"]),
        summary=json.loads(row["summary"]),
        created_by=row["created_by"],
        created_at=row["created_at"],
        members=members,
        replacements=replacements,
    )


def _unlinked_key(key: str) -> bool:
    """Whether a child key stands for records linkage has not reached."""
    prefix, sep, _ = key.partition(":")
    return bool(sep) and (prefix in ("la", "record") or prefix in AGENCIES)


def _ref(member: Member | None, kind: str) -> str:
    if member is None:  # a replacement row naming no member: `jtai sample verify` reports it
        return "(no such member)"
    return member.record_ref or member.pseudonym if kind == FRONT_DOOR else member.pseudonym

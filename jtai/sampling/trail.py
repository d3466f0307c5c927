"""Sampling's entries in the workspace audit log (``sample.draw``, ``sample.replace``).

Each entry is written in the same transaction as the rows it describes and names members
by pseudonym (and record reference at the front door), never by an agency identifier.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jtai import audit
from jtai.pseudonym import pseudonym

if TYPE_CHECKING:
    from jtai.sampling.stored_sample import Sample
    from jtai.workspace import Workspace

DRAW = "sample.draw"
REPLACE = "sample.replace"


def member_refs(key: bytes, members: list[dict[str, Any]]) -> list[list[Any]]:
    """``[position, drawn as, pseudonym, R<record> or None, stratum]`` per member."""
    return [
        [
            m["position"],
            m["role"],
            pseudonym(key, m["child_key"]),
            f"R{m['record_id']}" if m.get("record_id") is not None else None,
            m["stratum"],
        ]
        for m in members
    ]


def reasons_digest(reasons: list[tuple[int, str]]) -> str:
    """SHA-256 of the members' ``(position, reason)`` pairs, in position order, as hex.

    The reasons are shown by ``jtai sample show`` and in exports; the log keeps this digest
    of them rather than the text, so a reason edited in the database is found.
    """
    text = json.dumps([[position, reason] for position, reason in sorted(reasons)], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_refs(sample: Sample) -> list[list[Any]]:
    """The same list for a stored sample (members as drawn, before any replacement)."""
    return [[m.position, m.drawn_as, m.pseudonym, m.record_ref, m.stratum] for m in sample.members]


class Trail:
    """Writes the entries inside a store transaction, then records the log's head after it."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.entry: dict[str, Any] | None = None

    def draw(self, actor: str, detail: dict[str, Any]) -> Callable[[sqlite3.Connection, int], None]:
        """The callback that logs a draw once the sample has its number."""

        def write(conn: sqlite3.Connection, sample_id: int) -> None:
            self.entry = audit.append(
                conn, actor=actor, action=DRAW, case_ref=None, detail={"sample": sample_id, **detail}
            )

        return write

    def replace(
        self, actor: str, case_ref: str, detail: dict[str, Any]
    ) -> Callable[[sqlite3.Connection], None]:
        """The callback that logs a replacement."""

        def write(conn: sqlite3.Connection) -> None:
            self.entry = audit.append(conn, actor=actor, action=REPLACE, case_ref=case_ref, detail=detail)

        return write

    def saved(self) -> None:
        """Call after the transaction committed: move the log's head file forward."""
        audit.save_head(self.ws.root, self.entry)


@dataclass(frozen=True)
class Logged:
    """What the audit log says about one sample.

    Attributes:
        draw: the detail of its ``sample.draw`` entry, or None (drawn before sampling was logged).
        replacements: the details of its ``sample.replace`` entries, oldest first.
    """

    draw: dict[str, Any] | None
    replacements: list[dict[str, Any]] = field(default_factory=list)


def logged(ws: Workspace, sample_id: int) -> Logged:
    """The audit log's entries about sample ``sample_id``."""
    draw: dict[str, Any] | None = None
    replacements: list[dict[str, Any]] = []
    conn = ws.connect()
    try:
        for entry in audit.entries(conn):
            detail = entry.get("detail")
            if not isinstance(detail, dict) or detail.get("sample") != sample_id:
                continue
            if entry["action"] == DRAW and draw is None:
                draw = detail
            elif entry["action"] == REPLACE:
                replacements.append(detail)
    finally:
        conn.close()
    return Logged(draw, replacements)


def changes(sample: Sample, log: Logged) -> list[str]:
    """How the stored sample differs from what the tool wrote, one phrase each (none: it agrees).

    Compared: the draw (seed, frame, every member's position, role drawn as, case and
    stratum, and a digest of the members' reasons) and the replacements with the audit log,
    and every member's current role with the role its draw and replacements give it. A draw
    logged before reasons were (no ``reasons_sha256``) has its reasons unchecked. Without a
    logged draw (a sample drawn before sampling was logged) the roles are checked against
    the stored replacements only.
    """
    found: list[str] = []
    positions = [m.position for m in sample.members]
    if positions != list(range(1, len(positions) + 1)):
        found.append("the members' positions are not 1 to " + str(len(positions)))
    swaps = [(r.withdrawn_position, r.reserve_position, r.reason) for r in sample.replacements]
    if log.draw is not None:
        draw = log.draw
        if (draw.get("seed"), draw.get("frame_hash"), draw.get("frame_size")) != (
            sample.seed,
            sample.frame_hash,
            sample.frame_size,
        ):
            found.append("the seed or frame is not the one the log records")
        recorded = {row[0]: row for row in draw.get("members") or [] if isinstance(row, list) and row}
        for row in stored_refs(sample):
            if recorded.pop(row[0], None) != row:
                found.append(f"member {row[0]} is not the one the log records")
        found += [f"member {position} the log records is missing" for position in sorted(recorded)]
        if reasons_logged(log) and draw.get("reasons_sha256") != reasons_digest(
            [(m.position, m.reason) for m in sample.members]
        ):
            found.append("the members' reasons are not the ones the log records")
        logged_swaps = [_swap(detail) for detail in log.replacements]
        for n, (stored, said) in enumerate(zip(swaps, logged_swaps, strict=False), start=1):
            if stored != said:
                found.append(f"replacement {n} is not the one the log records")
        if len(swaps) != len(logged_swaps):
            found.append(f"{len(swaps)} replacements are stored and the log records {len(logged_swaps)}")
        swaps = logged_swaps
    roles = {m.position: m.drawn_as for m in sample.members}
    for withdrawn, promoted, _reason in swaps:
        roles[withdrawn], roles[promoted] = "withdrawn", "pick"
    for m in sample.members:
        if m.role != roles[m.position]:
            found.append(f"member {m.position}'s role is {m.role}, not {roles[m.position]}")
    return found


def reasons_logged(log: Logged) -> bool:
    """Whether the logged draw holds a digest of the members' reasons (draws since it did)."""
    return log.draw is not None and "reasons_sha256" in log.draw


def _swap(detail: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(withdrawn position, promoted position, reason) of a ``sample.replace`` entry."""
    withdrawn, promoted = detail.get("withdrawn") or [None], detail.get("promoted") or [None]
    return (withdrawn[0], promoted[0], detail.get("reason"))

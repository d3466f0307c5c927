"""Draw, store and read samples in a workspace (what the ``jtai sample`` commands call)."""

from __future__ import annotations

import datetime as dt
import getpass
import secrets
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai.errors import ConfigError, NotFoundError, UsageError
from jtai.pseudonym import pseudonym
from jtai.sampling.draw import PICK, Draw, draw_stratified
from jtai.sampling.exclude import read_exclusions
from jtai.sampling.frame import build_frame, child_keys
from jtai.sampling.frontdoor import (
    FRONT_DOOR_INPUT_COLUMNS,
    FRONT_DOOR_INPUT_EVENTS,
    OUTCOMES,
    SOURCES,
    build_front_door,
    explain,
    window_text,
)
from jtai.sampling.read import load
from jtai.sampling.spec import (
    CohortRule,
    FrontDoorSpec,
    TrackedSpec,
    cohort_rule,
    front_door_parameters,
    front_door_spec,
    tracked_parameters,
    tracked_spec,
)
from jtai.sampling.stored_sample import FRONT_DOOR, TRACKED, Sample
from jtai.sampling.trail import Trail, member_refs, reasons_digest
from jtai.store import sampling as store
from jtai.workspace import workspace_framework

if TYPE_CHECKING:
    import pandas as pd

    from jtai.sampling.frame import CohortCount
    from jtai.workspace import Workspace

TRACKED_HASH_COLUMNS = ("key", "age", "age_band", "sex", "risk_type", "agencies", "agencies_involved")
# What the tracked sample reads of each record: the store's sampling columns but for these.
TRACKED_INPUT_COLUMNS = tuple(
    c for c in store.RECORD_COLUMNS if c not in ("id", "source", "outcome", "extra")
)
FRONT_DOOR_HASH_COLUMNS = (
    "key",
    "child_id",
    "event_type",
    "event_date",
    "source",
    "outcome",
    "outcome_basis",
)


def fieldwork_start(ws: Workspace) -> dt.date:
    """The workspace's first day of fieldwork.

    Raises:
        ConfigError: it is not set.
    """
    value = ws.config.get("fieldwork_start")
    if not isinstance(value, dt.date):
        raise ConfigError(
            "fieldwork_start is not set, so the sampling window cannot be placed.",
            file=str(ws.config_path),
            hint="Set it as YYYY-MM-DD.",
        )
    return value


def draw_tracked(
    ws: Workspace,
    *,
    n: int | None = None,
    reserves: int | None = None,
    seed: int | None = None,
    exclude: Path | None = None,
) -> Sample:
    """Draw and store the tracked children of the theme cohort.

    Args:
        n: children to track (default: the framework's).
        reserves: reserves per stratum (default: the framework's).
        seed: random seed (default: a new random one, stored with the sample).
        exclude: a file of children to leave out, one pseudonym or child id per line.

    Raises:
        NotFoundError: no records, or no child eligible (the message says why).
        ConfigError: fieldwork_start is not set, or the framework is invalid.
    """
    fw = workspace_framework(ws)
    rule = cohort_rule(fw, fieldwork_start(ws))
    spec = tracked_spec(fw, n=n, reserves=reserves)
    seed = _check_seed(seed)
    conn = ws.connect()
    try:
        records = read_records(conn)
        keys = set(child_keys(records).dropna())
        excluded, unmatched = read_exclusions(ws.key, exclude, keys) if exclude else (set(), [])
        frame, count, draw = tracked_draw(records, rule, spec, seed, excluded)
        notes = list(draw.notes)
        if unmatched:
            what = "entry" if len(unmatched) == 1 else "entries"
            notes.append(
                f"{len(unmatched)} {what} of {exclude} match no child: lines {', '.join(unmatched)}."
            )
        linked = count.unlinked_records == 0
        if not linked:
            notes.append(_linkage_note(count.unlinked_records))
        parameters = {
            **tracked_parameters(rule, spec),
            "exclude": str(exclude) if exclude else None,
            "excluded": sorted(pseudonym(ws.key, k) for k in excluded),
        }
        summary = {
            "allocation": draw.allocation,
            "coverage": _coverage(frame, draw, list(spec.strata)[1:]),
            "cohort": count.to_dict(),
            "explanation": count.explain(rule),
            "notes": notes,
        }
        members = members_of(frame, draw, record_ids=False)
        return _save(ws, conn, TRACKED, fw.id, seed, parameters, frame, draw, linked, summary, members)
    finally:
        conn.close()


def draw_front_door(
    ws: Workspace,
    *,
    n: int | None = None,
    months: int | None = None,
    seed: int | None = None,
    reserves: int = 0,
) -> Sample:
    """Draw and store a sample of contacts and referrals, by source and outcome.

    Raises:
        NotFoundError: no contact or referral in the window (the message says how many
            there are outside it).
    """
    fw = workspace_framework(ws)
    spec = front_door_spec(fw, fieldwork_start(ws), n=n, months=months, reserves=reserves)
    seed = _check_seed(seed)
    conn = ws.connect()
    try:
        records = read_records(conn, spec.event_types)
        frame, counts, draw = front_door_draw(records, spec, seed)
        unlinked = store.record_counts(conn)[1]
        notes = list(draw.notes)
        if counts["undated"]:
            notes.append(
                f"{counts['undated']:,} contacts or referrals have no date and are not in the frame."
            )
        if unlinked:
            notes.append(_linkage_note(unlinked))
        parameters = front_door_parameters(spec)
        summary = {
            "allocation": draw.allocation,
            "counts": counts,
            "explanation": explain(counts, spec),
            "notes": notes,
        }
        members = members_of(frame, draw, record_ids=True)
        return _save(
            ws, conn, FRONT_DOOR, fw.id, seed, parameters, frame, draw, unlinked == 0, summary, members
        )
    finally:
        conn.close()


def _save(
    ws: Workspace,
    conn: sqlite3.Connection,
    kind: str,
    framework: str,
    seed: int,
    parameters: dict[str, Any],
    frame: pd.DataFrame,
    draw: Draw,
    linked: bool,
    summary: dict[str, Any],
    members: list[dict[str, Any]],
) -> Sample:
    """Store a drawn sample with its audit-log entry, and read it back."""
    trail = Trail(ws)
    sample_id = store.insert_sample(
        conn,
        kind=kind,
        framework=framework,
        seed=seed,
        parameters=parameters,
        frame_size=len(frame),
        frame_hash=draw.frame_hash,
        linked=linked,
        summary=summary,
        created_by=who(),
        created_at=now(),
        members=members,
        then=trail.draw(who(), _draw_detail(ws, kind, framework, seed, frame, draw, members)),
    )
    trail.saved()
    return load(ws, conn, sample_id)


def tracked_draw(
    records: pd.DataFrame, rule: CohortRule, spec: TrackedSpec, seed: int, excluded: set[str]
) -> tuple[pd.DataFrame, CohortCount, Draw]:
    """Build the cohort frame and draw from it (the same steps for a draw and a check).

    Raises:
        NotFoundError: no child is eligible (the message says why).
    """
    frame, count = build_frame(records, rule, spec, exclude=excluded)
    if frame.empty:
        raise NotFoundError(
            f"No child is eligible for tracking: {count.explain(rule)}",
            hint="Check that the extracts with the theme's events and flags are loaded and that "
            "fieldwork_start in inspection.yaml is right.",
        )
    dims = list(spec.strata)
    draw = draw_stratified(
        frame,
        dimensions=dims,
        levels={d: spec.levels(d) for d in dims},
        n=spec.n,
        reserves=spec.reserves,
        seed=seed,
        hash_columns=TRACKED_HASH_COLUMNS,
        spread=True,
        unit_name="children",
    )
    return frame, count, draw


def front_door_draw(
    records: pd.DataFrame, spec: FrontDoorSpec, seed: int
) -> tuple[pd.DataFrame, dict[str, int], Draw]:
    """Build the front-door frame and draw from it.

    Raises:
        NotFoundError: no contact or referral in the window.
    """
    frame, counts = build_front_door(records, spec)
    if frame.empty:
        total = int(records["event_type"].isin(spec.event_types).sum())
        raise NotFoundError(
            f"No {' or '.join(spec.event_types)} record falls in {window_text(spec)}: "
            f"{total:,} such records are loaded, all outside the window or undated "
            f"({counts['undated']:,} undated).",
            hint="Check fieldwork_start in inspection.yaml, or widen the window with --months.",
        )
    draw = draw_stratified(
        frame,
        dimensions=list(spec.strata),
        levels={"source": list(SOURCES), "outcome": list(OUTCOMES)},
        n=spec.n,
        reserves=spec.reserves,
        seed=seed,
        hash_columns=FRONT_DOOR_HASH_COLUMNS,
        spread=False,
        when_short="largest",
        distinct="child_id",
        unit_name="contacts and referrals",
    )
    return frame, counts, draw


def _check_seed(seed: int | None) -> int:
    """The seed to use: the given one (0 to 2**63 - 1, as the store keeps it) or a new one."""
    if seed is None:
        return new_seed()
    if not 0 <= seed < 2**63:
        raise UsageError(f"--seed is {seed}; give a whole number from 0 to {2**63 - 1}.")
    return seed


def new_seed() -> int:
    """A fresh random seed (stored with the sample, so the draw can be repeated)."""
    return secrets.randbelow(2**31)


def who() -> str:
    """The user name of whoever runs the command."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def now() -> str:
    """The time now, UTC, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def read_records(conn: sqlite3.Connection, front_door: Sequence[str] | None = None) -> pd.DataFrame:
    """The records a sample is drawn from: all (tracked), or for ``front_door`` sampling of
    those event types, only them and the events that show what followed.

    Raises:
        NotFoundError: no records are loaded at all.
    """
    if store.record_counts(conn)[0] == 0:
        raise NotFoundError(
            "No records are loaded in this workspace, so there is nothing to sample.",
            hint="Load the agencies' extracts first with `jtai load FILE --agency AGENCY`.",
        )
    if front_door is not None:
        events = sorted({*front_door, *FRONT_DOOR_INPUT_EVENTS})
        return store.read_records(conn, events, FRONT_DOOR_INPUT_COLUMNS)
    return store.read_records(conn, columns=TRACKED_INPUT_COLUMNS)


def _draw_detail(
    ws: Workspace,
    kind: str,
    framework: str,
    seed: int,
    frame: pd.DataFrame,
    draw: Draw,
    members: list[dict[str, Any]],
) -> dict[str, Any]:
    """What the audit log keeps of a draw: enough to check the stored sample against it."""
    return {
        "kind": kind,
        "framework": framework,
        "seed": seed,
        "frame_size": len(frame),
        "frame_hash": draw.frame_hash,
        "members": member_refs(ws.key, members),
        "reasons_sha256": reasons_digest([(m["position"], m["reason"]) for m in members]),
    }


def _linkage_note(unlinked: int) -> str:
    return (
        f"Linkage has not run on {unlinked:,} records: each of them counts as a child of its own "
        "(by the LA child id or agency person id). Run `jtai link`, then draw again."
    )


def members_of(frame: pd.DataFrame, draw: Draw, *, record_ids: bool) -> list[dict[str, Any]]:
    key_col = "child_id" if record_ids else "key"
    return [
        {
            "position": i,
            "role": m.role,
            "child_key": str(frame.at[m.row, key_col]),
            "record_id": int(str(frame.at[m.row, "record_id"])) if record_ids else None,
            "group": m.group,
            "stratum": m.stratum,
            "reason": str(frame.at[m.row, "reason"]),
        }
        for i, m in enumerate(draw.members, start=1)
    ]


def _coverage(frame: pd.DataFrame, draw: Draw, dims: list[str]) -> dict[str, dict[str, list[int]]]:
    """Per other dimension, per level: [eligible, picked]."""
    picked = frame.loc[[m.row for m in draw.members if m.role == PICK]]
    return {
        d: {
            str(level): [int(count), int((picked[d] == level).sum())]
            for level, count in frame[d].value_counts(sort=False).sort_index().items()
        }
        for d in dims
    }

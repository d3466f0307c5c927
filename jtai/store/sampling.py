"""SQL for the sampling area: samples, their members and replacements.

A sample keeps what is needed to repeat and defend it: the seed, the parameters, a hash
of the frame it was drawn from, who drew it and when. Members keep their role (``pick``,
``reserve``, or ``withdrawn`` once replaced), the role they were drawn as, their stratum
and a one-line reason.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from jtai.canonical import IDENTIFYING
from jtai.store.core import transaction

if TYPE_CHECKING:
    import pandas as pd

DDL = """
CREATE TABLE IF NOT EXISTS samples (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('tracked', 'front_door')),
    framework TEXT NOT NULL,
    seed INTEGER NOT NULL,
    parameters TEXT NOT NULL,
    frame_size INTEGER NOT NULL,
    frame_hash TEXT NOT NULL,
    linked INTEGER NOT NULL,
    summary TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sample_members (
    sample_id INTEGER NOT NULL REFERENCES samples(id),
    position INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('pick', 'reserve', 'withdrawn')),
    drawn_as TEXT NOT NULL CHECK (drawn_as IN ('pick', 'reserve')),
    child_key TEXT NOT NULL,
    record_id INTEGER,
    grp TEXT NOT NULL,
    stratum TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (sample_id, position)
);
CREATE TABLE IF NOT EXISTS sample_replacements (
    id INTEGER PRIMARY KEY,
    sample_id INTEGER NOT NULL REFERENCES samples(id),
    withdrawn_position INTEGER NOT NULL,
    reserve_position INTEGER NOT NULL,
    reason TEXT NOT NULL,
    replaced_by TEXT NOT NULL,
    replaced_at TEXT NOT NULL
);
"""

RECORD_COLUMNS = (
    "id",
    "agency",
    "subject",
    "agency_person_id",
    "la_child_id",
    "dob",
    "sex",
    "event_type",
    "event_date",
    "end_date",
    "source",
    "outcome",
    "flags",
    "extra",
    "child_id",
)
IDENTIFIER_COLUMNS = ("agency", *IDENTIFYING)


def read_records(
    conn: sqlite3.Connection,
    event_types: Sequence[str] | None = None,
    columns: Sequence[str] = RECORD_COLUMNS,
) -> pd.DataFrame:
    """The canonical records sampling needs, as a DataFrame (``id`` int64, the rest text).

    Args:
        event_types: only these event types (all when None).
        columns: the columns to read (``id`` always comes first).
    """
    import pandas as pd

    names = ["id", *(c for c in columns if c != "id")]
    unknown = set(names) - set(RECORD_COLUMNS)
    if unknown:
        raise ValueError(f"not a sampling column: {sorted(unknown)}")
    sql = f"SELECT {', '.join(names)} FROM records"
    params: list[str] = []
    if event_types is not None:
        sql += f" WHERE event_type IN ({', '.join('?' for _ in event_types)})"
        params = list(event_types)
    frame = pd.read_sql_query(sql + " ORDER BY id", conn, params=params)
    return frame.astype({"id": "int64", **{c: "string" for c in names[1:]}})


def record_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """How many records are loaded, and how many of them have no linkage child id."""
    row = conn.execute("SELECT count(*), count(*) - count(child_id) FROM records").fetchone()
    return int(row[0]), int(row[1])


def insert_sample(
    conn: sqlite3.Connection,
    *,
    kind: str,
    framework: str,
    seed: int,
    parameters: dict[str, Any],
    frame_size: int,
    frame_hash: str,
    linked: bool,
    summary: dict[str, Any],
    created_by: str,
    created_at: str,
    members: Iterable[dict[str, Any]],
    then: Callable[[sqlite3.Connection, int], None] | None = None,
) -> int:
    """Store a sample and its members in one transaction; return the sample's id.

    Each member is a dict with position, role, child_key, record_id, group, stratum, reason.
    ``then(conn, sample_id)`` runs inside the same transaction (to write the audit entry).
    """
    members = list(members)
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO samples (kind, framework, seed, parameters, frame_size, frame_hash, linked, "
            "summary, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                kind,
                framework,
                seed,
                json.dumps(parameters, sort_keys=True, default=str),
                frame_size,
                frame_hash,
                int(linked),
                json.dumps(summary, sort_keys=True, default=str),
                created_by,
                created_at,
            ),
        )
        sample_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO sample_members (sample_id, position, role, drawn_as, child_key, record_id, grp, "
            "stratum, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    sample_id,
                    m["position"],
                    m["role"],
                    m["role"],
                    m["child_key"],
                    m.get("record_id"),
                    m["group"],
                    m["stratum"],
                    m["reason"],
                )
                for m in members
            ],
        )
        if then is not None:
            then(conn, sample_id)
    return sample_id


def sample_row(conn: sqlite3.Connection, sample_id: int) -> sqlite3.Row | None:
    """One sample's row, or None."""
    row: sqlite3.Row | None = conn.execute("SELECT * FROM samples WHERE id = ?", (sample_id,)).fetchone()
    return row


def latest_sample_id(conn: sqlite3.Connection, kind: str) -> int | None:
    """The id of the newest sample of ``kind`` (``tracked`` or ``front_door``), or None."""
    row = conn.execute("SELECT max(id) FROM samples WHERE kind = ?", (kind,)).fetchone()
    return int(row[0]) if row[0] is not None else None


def sample_ids(conn: sqlite3.Connection) -> list[int]:
    """Every sample's id, oldest first."""
    return [int(r[0]) for r in conn.execute("SELECT id FROM samples ORDER BY id")]


def member_rows(conn: sqlite3.Connection, sample_id: int) -> list[sqlite3.Row]:
    """A sample's members in position order."""
    return conn.execute(
        "SELECT * FROM sample_members WHERE sample_id = ? ORDER BY position", (sample_id,)
    ).fetchall()


def replacement_rows(conn: sqlite3.Connection, sample_id: int) -> list[sqlite3.Row]:
    """A sample's replacements, oldest first."""
    return conn.execute(
        "SELECT * FROM sample_replacements WHERE sample_id = ? ORDER BY id", (sample_id,)
    ).fetchall()


def record_replacement(
    conn: sqlite3.Connection,
    *,
    sample_id: int,
    withdrawn_position: int,
    reserve_position: int,
    reason: str,
    replaced_by: str,
    replaced_at: str,
    then: Callable[[sqlite3.Connection], None] | None = None,
) -> None:
    """Withdraw one pick, promote one reserve, and record why, in one transaction.

    ``then(conn)`` runs inside the same transaction (to write the audit entry).
    """
    with transaction(conn):
        conn.execute(
            "UPDATE sample_members SET role = 'withdrawn' WHERE sample_id = ? AND position = ?",
            (sample_id, withdrawn_position),
        )
        conn.execute(
            "UPDATE sample_members SET role = 'pick' WHERE sample_id = ? AND position = ?",
            (sample_id, reserve_position),
        )
        conn.execute(
            "INSERT INTO sample_replacements (sample_id, withdrawn_position, reserve_position, reason, "
            "replaced_by, replaced_at) VALUES (?, ?, ?, ?, ?, ?)",
            (sample_id, withdrawn_position, reserve_position, reason, replaced_by, replaced_at),
        )
        if then is not None:
            then(conn)


def identifiers(conn: sqlite3.Connection, child_keys: Sequence[str]) -> dict[str, dict[str, list[str]]]:
    """Child key -> identifier column -> distinct values on the child's records.

    A key is a linkage child id, or an unlinked key: ``la:<la_child_id>``,
    ``<agency>:<agency_person_id>`` or ``record:<id>``.
    """
    out: dict[str, dict[str, list[str]]] = {}
    cols = ", ".join(IDENTIFIER_COLUMNS)
    for key in child_keys:
        if key.startswith("la:"):
            sql, params = f"SELECT {cols} FROM records WHERE child_id IS NULL AND la_child_id = ?", [key[3:]]
        elif key.startswith("record:"):
            sql, params = f"SELECT {cols} FROM records WHERE id = ?", [key[7:]]
        else:
            agency, _, person = key.partition(":")
            sql = f"SELECT {cols} FROM records WHERE child_id = ?"
            params = [key]
            if person:
                sql += (
                    " OR (child_id IS NULL AND la_child_id IS NULL AND agency = ? AND agency_person_id = ?)"
                )
                params += [agency, person]
        values: dict[str, list[str]] = {c: [] for c in IDENTIFIER_COLUMNS}
        for row in conn.execute(sql, params):
            for c in IDENTIFIER_COLUMNS:
                if row[c] is not None and str(row[c]) not in values[c]:
                    values[c].append(str(row[c]))
        out[key] = values
    return out

"""SQL for the linkage area: runs, scored pairs, reviewers' decisions, the model, child ids.

A child's id lives in ``records.child_id``; this module is the only writer of that column.
Pairs are keyed by the ids of two records, smaller first, so a reviewer's decision about
two records survives every re-run of ``jtai link``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from jtai.canonical import CONTACT_FIELDS, FIELDS, IDENTITY_FIELDS
from jtai.store.core import transaction
from jtai.store.link_basis import IdentityChunk, decisions_now, files_now, save_identities

if TYPE_CHECKING:
    import pandas as pd

DDL = """
CREATE TABLE IF NOT EXISTS link_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    run_by TEXT NOT NULL,
    upper REAL NOT NULL,
    lower REAL NOT NULL,
    records INTEGER NOT NULL,
    children INTEGER NOT NULL,
    automatic_links INTEGER NOT NULL,
    review_pairs INTEGER NOT NULL,
    blocked_pairs INTEGER NOT NULL,
    seconds REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS link_pairs (
    left_id INTEGER NOT NULL,
    right_id INTEGER NOT NULL,
    match_probability REAL NOT NULL,
    match_weight REAL NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('linked', 'review', 'blocked', 'decided')),
    reason TEXT,
    PRIMARY KEY (left_id, right_id),
    CHECK (left_id < right_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_pairs_status ON link_pairs(status);
CREATE TABLE IF NOT EXISTS link_decisions (
    id INTEGER PRIMARY KEY,
    left_id INTEGER NOT NULL,
    right_id INTEGER NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('same', 'different', 'unsure')),
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    CHECK (left_id < right_id)
);
CREATE INDEX IF NOT EXISTS link_decisions_pair ON link_decisions(left_id, right_id);
CREATE TABLE IF NOT EXISTS link_model (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    trained_at TEXT NOT NULL,
    settings TEXT NOT NULL
);
"""

# Schema 6: what a run read (so a re-run on the same inputs can keep its outcome) and its
# whole summary.
RUN_INPUTS = """
ALTER TABLE link_runs ADD COLUMN inputs TEXT;
ALTER TABLE link_runs ADD COLUMN summary TEXT;
"""

# What linkage compares: every identity field but ethnicity.
IDENTITY_COLUMNS: tuple[str, ...] = (
    "id",
    "subject",
    "agency",
    *(f for f in IDENTITY_FIELDS if f != "ethnicity"),
)
# identity columns that most extracts leave empty
CONTACT_COLUMNS: frozenset[str] = frozenset(CONTACT_FIELDS)
_RECORD_COLUMNS = ", ".join(
    [
        "r.id, r.file_id, f.name AS file_name, r.sheet, r.source_row, r.agency, r.subject",
        *(f"r.{f}" for f in FIELDS),
        "r.child_id",
    ]
)


def now() -> str:
    """The current UTC time as ISO text, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def identity_groups(conn: sqlite3.Connection, newer_than: int = 0) -> tuple[pd.DataFrame, Any, Any]:
    """Distinct identities as recorded, and which records hold each (records with ids above ``newer_than``).

    A child's events repeat one identity, so linkage reads each distinct combination of
    the identity fields once (about a third of the rows of a typical store).

    Returns:
        ``(groups, record_ids, record_group)``: one row per distinct combination of
        :data:`IDENTITY_COLUMNS` (``id`` is its smallest record id; rows in ``id`` order;
        a contact column no record fills is left out),
        every record id, and the row of ``groups`` each record belongs to.
    """
    import numpy as np
    import pandas as pd

    cur = conn.cursor()
    cur.row_factory = None
    # the contact fields most extracts lack: grouping on columns that are empty everywhere
    # costs time at a million records, so only those holding a value are read
    filled = "SELECT 1 FROM records WHERE {} IS NOT NULL AND id > ? LIMIT 1"
    present = [
        c
        for c in IDENTITY_COLUMNS[1:]
        if c not in CONTACT_COLUMNS or cur.execute(filled.format(c), (newer_than,)).fetchone()
    ]
    fields = ", ".join(present)
    old_cache = cur.execute("PRAGMA cache_size").fetchone()[0]
    cur.execute("PRAGMA cache_size = -131072")  # 128 MB while grouping a million rows
    try:
        cur.execute(
            f"SELECT MIN(id) AS first_id, GROUP_CONCAT(id), {fields} FROM records "
            f"WHERE id > ? GROUP BY {fields} ORDER BY first_id",
            (newer_than,),
        )
        rows = cur.fetchall()
    finally:
        cur.execute(f"PRAGMA cache_size = {int(old_cache)}")
    columns = list(zip(*rows, strict=True)) if rows else [()] * (len(present) + 2)
    groups = pd.DataFrame({"id": np.array(columns[0], dtype=np.int64)})
    for name, values in zip(present, columns[2:], strict=True):
        groups[name] = pd.array(values, dtype="string")
    lists = columns[1]
    counts = np.fromiter((text.count(",") + 1 for text in lists), dtype=np.int64, count=len(lists))
    record_ids = np.array(",".join(lists).split(",") if lists else [], dtype=np.int64)
    record_group = np.repeat(np.arange(len(lists), dtype=np.int64), counts)
    return groups, record_ids, record_group


def previous_child_ids(conn: sqlite3.Connection) -> dict[int, str]:
    """The child id each record holds now (before a new run), for records that have one."""
    cur = conn.cursor()
    cur.row_factory = None
    return dict(cur.execute("SELECT id, child_id FROM records WHERE child_id IS NOT NULL"))


def child_ids_of(conn: sqlite3.Connection, record_ids: Iterable[int]) -> dict[int, str]:
    """The child id each of ``record_ids`` holds now, for those that have one."""
    import json

    cur = conn.cursor()
    cur.row_factory = None
    wanted = json.dumps([int(i) for i in record_ids])
    query = (
        "SELECT id, child_id FROM records "
        "WHERE child_id IS NOT NULL AND id IN (SELECT value FROM json_each(?))"
    )
    return dict(cur.execute(query, (wanted,)))


def held_child_ids(conn: sqlite3.Connection) -> set[str]:
    """Every child id some record holds now."""
    cur = conn.cursor()
    cur.row_factory = None
    return {row[0] for row in cur.execute("SELECT DISTINCT child_id FROM records WHERE child_id IS NOT NULL")}


def save_run(
    conn: sqlite3.Connection,
    *,
    run: dict[str, Any],
    pairs: Iterable[tuple[int, int, float, float, str, str | None]],
    assignments: Iterable[tuple[str, int]],
    model_settings: str | None,
    progress: Callable[[str], None] | None = None,
    only_changes: bool = False,
    identities: IdentityChunk | None = None,
) -> int:
    """Write one linking run in a single transaction: its summary, pairs and child ids.

    Args:
        run: the ``link_runs`` columns except ``id``.
        pairs: ``(left_id, right_id, probability, weight, status, reason)``; they replace
            the pairs of the previous run.
        assignments: ``(child_id, record_id)`` for every record whose child id changes
            (any other record keeps its id).
        model_settings: the trained splink model as JSON, or None to keep the previous one.
        progress: called with the name of each part as it starts (after the run's pairs
            are cleared, before the child ids): an interrupt there undoes the whole save.
        only_changes: ``pairs`` are only the new and changed ones (an incremental run,
            which removes no pair); the previous run's other pairs stay as they are.
        identities: the identities the run read, kept for the next incremental run.

    Returns:
        The id of the run.
    """
    with transaction(conn):
        if not only_changes:
            conn.execute("DELETE FROM link_pairs")
        if progress is not None:
            progress("Writing scored pairs")
        # in key order: SQLite then fills each page of the table once, where pairs in any
        # other order would visit its pages again and again (three times as long)
        in_order = sorted(pairs, key=_pair_key)
        conn.executemany("INSERT OR REPLACE INTO link_pairs VALUES (?, ?, ?, ?, ?, ?)", in_order)
        if progress is not None:
            progress("Writing child ids")
        # through a temporary table, changing only the records whose id changes: a re-run on
        # unchanged data writes nothing to records
        conn.execute("DROP TABLE IF EXISTS temp.link_new_ids")
        conn.execute("CREATE TEMP TABLE link_new_ids (id INTEGER PRIMARY KEY, child_id TEXT NOT NULL)")
        conn.executemany("INSERT INTO temp.link_new_ids (child_id, id) VALUES (?, ?)", assignments)
        conn.execute(
            "UPDATE records SET child_id = n.child_id FROM temp.link_new_ids n "
            "WHERE n.id = records.id AND records.child_id IS NOT n.child_id"
        )
        conn.execute("DROP TABLE temp.link_new_ids")
        if identities is not None:
            save_identities(conn, identities)
        if model_settings is not None:
            conn.execute(
                "INSERT OR REPLACE INTO link_model (id, trained_at, settings) VALUES (1, ?, ?)",
                (run["finished_at"], model_settings),
            )
        names = ", ".join(run)
        marks = ", ".join("?" for _ in run)
        cur = conn.execute(f"INSERT INTO link_runs ({names}) VALUES ({marks})", tuple(run.values()))
        return int(cur.lastrowid or 0)


def inputs(conn: sqlite3.Connection) -> tuple[str, bool]:
    """A fingerprint of what linking reads, and whether every record has a child id.

    Records are only ever added (by a load) or removed (by an unload), never changed in
    place, so the loaded files with their record counts and id ranges, and the reviewers'
    decisions, say whether the data changed since a run.
    """
    import hashlib

    counts = conn.execute("SELECT COUNT(*), MIN(id), MAX(id), COUNT(child_id) FROM records").fetchone()
    parts = [
        repr(tuple(counts[:3])),
        decisions_now(conn),
        repr(list(files_now(conn))),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest(), counts[0] == counts[3]


def last_run(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """The summary of the latest linking run, or None before the first."""
    row = conn.execute("SELECT * FROM link_runs ORDER BY id DESC LIMIT 1").fetchone()
    return dict(row) if row else None


def model_settings(conn: sqlite3.Connection) -> str | None:
    """The trained splink model (JSON) of the latest run, or None."""
    row = conn.execute("SELECT settings FROM link_model WHERE id = 1").fetchone()
    return str(row[0]) if row else None


def pair(conn: sqlite3.Connection, left_id: int, right_id: int) -> dict[str, Any] | None:
    """The scored pair of two records (in either order), or None if the model never scored it."""
    low, high = sorted((left_id, right_id))
    row = conn.execute("SELECT * FROM link_pairs WHERE left_id = ? AND right_id = ?", (low, high)).fetchone()
    return dict(row) if row else None


def representative(conn: sqlite3.Connection, record_id: int) -> int:
    """The smallest id of the records identical to this one in agency, person id and identity.

    Linkage scores and stores pairs by these representatives, so any record of a person
    finds the pair its representative is in.
    """
    fields = IDENTITY_COLUMNS[1:]
    match = " AND ".join(f"o.{f} IS r.{f}" for f in fields)
    row = conn.execute(
        f"SELECT MIN(o.id) FROM records r JOIN records o ON {match} WHERE r.id = ?", (record_id,)
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else record_id


def review_queue(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """Pairs waiting for review with no decision yet, strongest candidates first.

    The order is by the left record id, not by score: the review is blind.
    """
    rows = conn.execute(
        "SELECT p.left_id, p.right_id FROM link_pairs p WHERE p.status = 'review' AND NOT EXISTS "
        "(SELECT 1 FROM link_decisions d WHERE d.left_id = p.left_id AND d.right_id = p.right_id) "
        "ORDER BY p.left_id, p.right_id"
    ).fetchall()
    return [(int(r[0]), int(r[1])) for r in rows]


def add_decision(conn: sqlite3.Connection, left_id: int, right_id: int, decision: str, reviewer: str) -> None:
    """Record a reviewer's decision about two records (the latest decision counts)."""
    low, high = sorted((left_id, right_id))
    with transaction(conn):
        conn.execute(
            "INSERT INTO link_decisions (left_id, right_id, decision, reviewer, decided_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (low, high, decision, reviewer, now()),
        )


def undo_decision(conn: sqlite3.Connection, reviewer: str) -> tuple[int, int] | None:
    """Remove the reviewer's latest decision; return its pair, or None if there is none."""
    with transaction(conn):
        row = conn.execute(
            "SELECT id, left_id, right_id FROM link_decisions WHERE reviewer = ? ORDER BY id DESC LIMIT 1",
            (reviewer,),
        ).fetchone()
        if row is None:
            return None
        conn.execute("DELETE FROM link_decisions WHERE id = ?", (row[0],))
    return int(row[1]), int(row[2])


def decisions(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The latest decision for every decided pair."""
    rows = conn.execute(
        "SELECT d.* FROM link_decisions d JOIN (SELECT MAX(id) AS id FROM link_decisions "
        "GROUP BY left_id, right_id) latest ON latest.id = d.id ORDER BY d.id"
    ).fetchall()
    return [dict(r) for r in rows]


def decision_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many pairs have each latest decision (same, different, unsure)."""
    counts = {"same": 0, "different": 0, "unsure": 0}
    for row in decisions(conn):
        counts[row["decision"]] += 1
    return counts


def records_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Full records (with their file's name) for the given record ids, in id order."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(
        f"SELECT {_RECORD_COLUMNS} FROM records r JOIN files f ON f.id = r.file_id "
        f"WHERE r.id IN ({marks}) ORDER BY r.id",
        tuple(ids),
    ).fetchall()
    return [dict(r) for r in rows]


def records_of_child(conn: sqlite3.Connection, child_id: str) -> list[dict[str, Any]]:
    """Every record of one child, in date order (undated records last), then by id."""
    rows = conn.execute(
        f"SELECT {_RECORD_COLUMNS} FROM records r JOIN files f ON f.id = r.file_id "
        "WHERE r.child_id = ? ORDER BY r.event_date IS NULL, r.event_date, r.id",
        (child_id,),
    ).fetchall()
    return [dict(r) for r in rows]


def child_ids(conn: sqlite3.Connection) -> list[str]:
    """Every child id in use, sorted."""
    rows = conn.execute(
        "SELECT DISTINCT child_id FROM records WHERE child_id IS NOT NULL ORDER BY child_id"
    ).fetchall()
    return [str(r[0]) for r in rows]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Records, records with a child id, and children (subject 'child') in the store."""
    row = conn.execute(
        "SELECT COUNT(*), COUNT(child_id), COUNT(DISTINCT CASE WHEN subject = 'child' "
        "THEN child_id END) FROM records"
    ).fetchone()
    return {"records": int(row[0]), "linked_records": int(row[1]), "children": int(row[2])}


def export_rows(conn: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """Every record's provenance and child id, in record order, for ``jtai link export``."""
    cur = conn.cursor()
    cur.row_factory = None
    yield from cur.execute(
        "SELECT r.id, r.agency, f.name, r.sheet, r.source_row, r.agency_person_id, r.subject, "
        "r.child_id FROM records r JOIN files f ON f.id = r.file_id ORDER BY r.id"
    )


def _pair_key(pair: tuple[int, int, float, float, str, str | None]) -> tuple[int, int]:
    """A pair's key in ``link_pairs``: its two record ids."""
    return pair[0], pair[1]

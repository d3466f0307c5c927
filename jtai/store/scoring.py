"""SQL for the scoring area: cases, judgements (append-only, versioned) and the audit log.

Judgements and audit entries are never updated or deleted: triggers refuse it, a change is
a new version, and every row written is also an entry of the hash-chained audit log, so
``jtai audit verify`` can tell when the database was changed behind the tool's back.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable
from typing import Any

DDL = """
CREATE TABLE IF NOT EXISTS score_cases (
    ref TEXT PRIMARY KEY,
    child_key TEXT,
    origin TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS judgements (
    id INTEGER PRIMARY KEY,
    case_ref TEXT NOT NULL,
    criterion TEXT NOT NULL,
    agency TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('rater', 'agreed')),
    inspector TEXT NOT NULL,
    inspectorate TEXT NOT NULL,
    value TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    framework TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS judgements_slot ON judgements(case_ref, criterion, agency, role, inspector);
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    case_ref TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_case ON audit_log(case_ref);
CREATE TRIGGER IF NOT EXISTS judgements_no_update BEFORE UPDATE ON judgements
BEGIN
    SELECT RAISE(ABORT, 'judgements are append-only: record a new version instead');
END;
CREATE TRIGGER IF NOT EXISTS judgements_no_delete BEFORE DELETE ON judgements
BEGIN
    SELECT RAISE(ABORT, 'judgements are append-only: record a new version instead');
END;
CREATE TRIGGER IF NOT EXISTS cases_no_update BEFORE UPDATE ON score_cases
BEGIN
    SELECT RAISE(ABORT, 'cases are append-only');
END;
CREATE TRIGGER IF NOT EXISTS cases_no_delete BEFORE DELETE ON score_cases
BEGIN
    SELECT RAISE(ABORT, 'cases are append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
"""

# Keyed entries (jtai.audit_keys): the id of the key an entry's HMAC was made with, NULL if unkeyed.
AUDIT_KEY_ID = "ALTER TABLE audit_log ADD COLUMN key_id TEXT;\n"

GUARD_TRIGGERS = (
    "judgements_no_update",
    "judgements_no_delete",
    "cases_no_update",
    "cases_no_delete",
    "audit_no_update",
    "audit_no_delete",
)
GUARDED_TABLES = ("judgements", "score_cases", "audit_log")
CASE_COLUMNS = ("ref", "child_key", "origin", "added_by", "added_at")
JUDGEMENT_COLUMNS = (
    "id",
    "case_ref",
    "criterion",
    "agency",
    "role",
    "inspector",
    "inspectorate",
    "value",
    "note",
    "version",
    "reason",
    "source",
    "framework",
    "recorded_at",
)

# The newest version of each slot: a rater's own judgement, or the agreed one.
_CURRENT = """
SELECT * FROM (
    SELECT j.*, ROW_NUMBER() OVER (
        PARTITION BY case_ref, criterion, agency, role,
                     CASE role WHEN 'rater' THEN inspector ELSE '' END
        ORDER BY version DESC, id DESC) AS newest
    FROM judgements j {where}
) WHERE newest = 1
ORDER BY case_ref, id
"""


# ---- cases -------------------------------------------------------------------------------


def case_row(conn: sqlite3.Connection, ref: str) -> sqlite3.Row | None:
    """The registered case ``ref``, or None."""
    row: sqlite3.Row | None = conn.execute("SELECT * FROM score_cases WHERE ref = ?", (ref,)).fetchone()
    return row


def case_rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every registered case, in the order added."""
    return conn.execute("SELECT * FROM score_cases ORDER BY rowid").fetchall()


def insert_case(
    conn: sqlite3.Connection, ref: str, child_key: str | None, origin: str, added_by: str, added_at: str
) -> bool:
    """Register a case unless it is already there; True when it was added."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO score_cases (ref, child_key, origin, added_by, added_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (ref, child_key, origin, added_by, added_at),
    )
    return cursor.rowcount == 1


def child_ids(conn: sqlite3.Connection) -> list[str]:
    """Every child id that linkage gave to a record."""
    return [r[0] for r in conn.execute("SELECT DISTINCT child_id FROM records WHERE child_id IS NOT NULL")]


def linked_agencies(conn: sqlite3.Connection, child_id: str) -> list[str]:
    """The agencies holding any record that linkage gave to ``child_id``, sorted."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT agency FROM records WHERE child_id = ? ORDER BY agency", (child_id,)
        )
    ]


def linkage_ran(conn: sqlite3.Connection) -> bool:
    """True when linkage has given a child id to at least one record."""
    return conn.execute("SELECT 1 FROM records WHERE child_id IS NOT NULL LIMIT 1").fetchone() is not None


def chronology(conn: sqlite3.Connection, child_key: str, limit: int = 200) -> list[sqlite3.Row]:
    """A child's records, newest first (event date, agency, event type, outcome, flags).

    ``child_key`` is a child id, or one of sampling's keys for an unlinked child
    (``la:ID``, ``record:N``, ``AGENCY:PERSON_ID``).
    """
    columns = "id, agency, event_type, event_date, end_date, outcome, flags"
    where, params = _child_where(child_key)
    return conn.execute(
        f"SELECT {columns} FROM records WHERE {where} "
        "ORDER BY event_date IS NULL, event_date DESC, id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()


def _child_where(child_key: str) -> tuple[str, list[str]]:
    """The WHERE clause (and its parameters) selecting a child's records by its key."""
    if child_key.startswith("la:"):
        return "la_child_id = ?", [child_key[3:]]
    if child_key.startswith("record:") and child_key[7:].isdigit():
        return "id = ?", [child_key[7:]]
    agency, _, person = child_key.partition(":")
    where, params = "child_id = ?", [child_key]
    if person:
        where += " OR (child_id IS NULL AND agency = ? AND agency_person_id = ?)"
        params += [agency, person]
    return where, params


IDENTIFIER_FIELDS = (
    "agency_person_id",
    "la_child_id",
    "nhs_number",
    "upn",
    "pnc_id",
    "first_name",
    "last_name",
    "dob",
)


def identifier_values(
    conn: sqlite3.Connection, child_key: str, *, agency: str | None = None
) -> dict[str, list[str]]:
    """Identifier column -> the distinct values on a child's records (of one agency if given).

    ``name`` holds each record's first and last name together.

    For the private files that let an agency find the child's case; never for a report.
    """
    where, params = _child_where(child_key)
    if agency is not None:
        where = f"({where}) AND agency = ?"
        params = [*params, agency]
    found: dict[str, list[str]] = {c: [] for c in (*IDENTIFIER_FIELDS, "name")}
    rows = conn.execute(
        f"SELECT {', '.join(IDENTIFIER_FIELDS)} FROM records WHERE {where} ORDER BY id", params
    )
    for row in rows:
        values = {c: str(row[c]).strip() if row[c] is not None else "" for c in IDENTIFIER_FIELDS}
        values["name"] = " ".join(v for v in (values["first_name"], values["last_name"]) if v)
        for column, value in values.items():
            if value and value not in found[column]:
                found[column].append(value)
    return found


# ---- judgements --------------------------------------------------------------------------


def next_version(
    conn: sqlite3.Connection, case_ref: str, criterion: str, agency: str, role: str, inspector: str
) -> int:
    """The version number the next judgement in this slot takes."""
    sql = (
        "SELECT max(version) FROM judgements WHERE case_ref = ? AND criterion = ? AND agency = ? AND role = ?"
    )
    params: list[Any] = [case_ref, criterion, agency, role]
    if role == "rater":
        sql += " AND inspector = ?"
        params.append(inspector)
    value = conn.execute(sql, params).fetchone()[0]
    return int(value or 0) + 1


def insert_judgement(conn: sqlite3.Connection, row: dict[str, Any]) -> int:
    """Insert one judgement row (every column but ``id``); returns its id."""
    names = [c for c in JUDGEMENT_COLUMNS if c != "id"]
    cursor = conn.execute(
        f"INSERT INTO judgements ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [row[n] for n in names],
    )
    assert cursor.lastrowid is not None
    return int(cursor.lastrowid)


def current_judgements(
    conn: sqlite3.Connection,
    *,
    case_ref: str | None = None,
    inspector: str | None = None,
    role: str | None = None,
    criterion: str | None = None,
) -> list[sqlite3.Row]:
    """The newest version of every slot, optionally for one case, inspector, role or criterion.

    With ``inspector`` and role 'rater' this is what that inspector may see while rating blind.
    """
    clauses, params = _filters(case_ref=case_ref, inspector=inspector, role=role, criterion=criterion)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return conn.execute(_CURRENT.format(where=where), params).fetchall()


def judgement_history(
    conn: sqlite3.Connection, *, case_ref: str | None = None, inspector: str | None = None
) -> list[sqlite3.Row]:
    """Every version of every judgement, oldest first."""
    clauses, params = _filters(case_ref=case_ref, inspector=inspector)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return conn.execute(f"SELECT * FROM judgements {where} ORDER BY id", params).fetchall()


def judgement_by_id(conn: sqlite3.Connection) -> dict[int, sqlite3.Row]:
    """Every judgement row by id (for verification)."""
    return {int(r["id"]): r for r in conn.execute("SELECT * FROM judgements ORDER BY id")}


def inspectors(conn: sqlite3.Connection) -> list[str]:
    """Inspectors who have given a rater's judgement, sorted."""
    return [
        r[0]
        for r in conn.execute("SELECT DISTINCT inspector FROM judgements WHERE role = 'rater' ORDER BY 1")
    ]


def _filters(**named: str | None) -> tuple[list[str], list[Any]]:
    columns = {"case_ref": "case_ref", "inspector": "inspector", "role": "role", "criterion": "criterion"}
    clauses: list[str] = []
    params: list[Any] = []
    for key, value in named.items():
        if value is not None:
            clauses.append(f"{columns[key]} = ?")
            params.append(value)
    return clauses, params


# ---- audit log ---------------------------------------------------------------------------


def audit_tail(conn: sqlite3.Connection) -> sqlite3.Row | None:
    """The last audit entry, or None for an empty log."""
    row: sqlite3.Row | None = conn.execute("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return row


def insert_audit(conn: sqlite3.Connection, entry: dict[str, Any]) -> None:
    """Append one audit entry (all columns given, ``seq`` included)."""
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, case_ref, detail, prev_hash, hash, key_id) "
        "VALUES (:seq, :at, :actor, :action, :case_ref, :detail, :prev_hash, :hash, :key_id)",
        entry,
    )


def audit_entries(conn: sqlite3.Connection, *, case_ref: str | None = None) -> Iterable[sqlite3.Row]:
    """Audit entries in order, optionally for one case."""
    if case_ref is None:
        return conn.execute("SELECT * FROM audit_log ORDER BY seq")
    return conn.execute("SELECT * FROM audit_log WHERE case_ref = ? ORDER BY seq", (case_ref,))


def triggers(conn: sqlite3.Connection) -> dict[str, str]:
    """Name -> SQL of every trigger on the judgements, cases and audit tables."""
    marks = ", ".join("?" for _ in GUARDED_TABLES)
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
        GUARDED_TABLES,
    )
    return {str(name): str(text or "") for name, text in rows}


def expected_triggers() -> dict[str, str]:
    """Name -> SQL of the guard triggers as :data:`DDL` creates them (as SQLite stores them)."""
    return dict(_expected_triggers())


@functools.cache
def _expected_triggers() -> tuple[tuple[str, str], ...]:
    memory = sqlite3.connect(":memory:")
    try:
        memory.executescript(DDL)
        found = triggers(memory)
    finally:
        memory.close()
    return tuple((name, found[name]) for name in GUARD_TRIGGERS)

"""SQL for loaded files, canonical records and the quarantine (records are inserted by
:mod:`jtai.store.record_inserts`, whose functions are named here too)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from jtai.store.core import transaction
from jtai.store.record_inserts import RECORD_COLUMNS as RECORD_COLUMNS
from jtai.store.record_inserts import add_columns as add_columns
from jtai.store.record_inserts import add_records as add_records
from jtai.store.record_inserts import insert_batches as insert_batches
from jtai.store.record_inserts import record_batches as record_batches
from jtai.store.unload import next_record_id

DDL = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    agency TEXT NOT NULL,
    mapping TEXT NOT NULL,
    stored_as TEXT NOT NULL,
    size INTEGER NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sheets (
    file_id INTEGER NOT NULL REFERENCES files(id),
    sheet TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_accepted INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    PRIMARY KEY (file_id, sheet)
);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    sheet TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    agency TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT 'child',
    agency_person_id TEXT,
    la_child_id TEXT,
    nhs_number TEXT,
    upn TEXT,
    pnc_id TEXT,
    first_name TEXT,
    last_name TEXT,
    dob TEXT,
    sex TEXT,
    ethnicity TEXT,
    postcode TEXT,
    event_type TEXT NOT NULL,
    event_date TEXT,
    end_date TEXT,
    source TEXT,
    outcome TEXT,
    team TEXT,
    worker TEXT,
    flags TEXT,
    details TEXT,
    extra TEXT,
    child_id TEXT,
    row_hash INTEGER
);
CREATE INDEX IF NOT EXISTS records_child ON records(child_id);
CREATE INDEX IF NOT EXISTS records_event ON records(event_type, event_date);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    sheet TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    column_name TEXT,
    value TEXT,
    rule TEXT NOT NULL,
    message TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quarantine_file ON quarantine(file_id, sheet);
"""

# Schema 2: loading pays for no index on records. The child index holds linked records only
# (``child_id = ?`` still uses it; rows load unlinked, so a load adds nothing to it), and the
# event index is gone: the queries by event type scan, which costs a fraction of a second
# at a million records, against a second or more of index building at every large load.
INDEXES_V2 = """
DROP INDEX IF EXISTS records_event;
DROP INDEX IF EXISTS records_child;
CREATE INDEX IF NOT EXISTS records_linked ON records(child_id) WHERE child_id IS NOT NULL;
"""

# Schema 5: identity fields linkage compares when an extract holds them (see
# ``jtai.canonical.CONTACT_FIELDS``), added after the other columns.
CONTACT_COLUMNS = """
ALTER TABLE records ADD COLUMN address_line_1 TEXT;
ALTER TABLE records ADD COLUMN address_line_2 TEXT;
ALTER TABLE records ADD COLUMN town TEXT;
ALTER TABLE records ADD COLUMN previous_postcode TEXT;
ALTER TABLE records ADD COLUMN former_last_name TEXT;
ALTER TABLE records ADD COLUMN email TEXT;
ALTER TABLE records ADD COLUMN phone TEXT;
"""

QUARANTINE_COLUMNS = ("file_id", "sheet", "source_row", "column_name", "value", "rule", "message", "raw")


@contextmanager
def bulk_load(conn: sqlite3.Connection) -> Iterator[None]:
    """Settings for writing many records on this connection, restored afterwards.

    Foreign keys are not checked row by row: the loader writes only rows of the file it
    has just inserted, in the same transaction. A larger page cache holds more of the
    pages being written. Call outside a transaction (SQLite ignores the foreign-key
    setting inside one).
    """
    fk = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if fk else 'OFF'}")
        conn.execute(f"PRAGMA cache_size = {int(cache)}")


def file_by_hash(conn: sqlite3.Connection, sha256: str) -> sqlite3.Row | None:
    """The loaded file with this content hash, if any."""
    row: sqlite3.Row | None = conn.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()
    return row


def add_file(
    conn: sqlite3.Connection,
    *,
    sha256: str,
    name: str,
    agency: str,
    mapping: str,
    stored_as: str,
    size: int,
    loaded_at: str,
    loaded_by: str,
) -> int:
    """Record a loaded file; return its id."""
    cursor = conn.execute(
        "INSERT INTO files (sha256, name, agency, mapping, stored_as, size, loaded_at, loaded_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (sha256, name, agency, mapping, stored_as, size, loaded_at, loaded_by),
    )
    return int(cursor.lastrowid or 0)


def add_sheet(
    conn: sqlite3.Connection, file_id: int, sheet: str, read: int, accepted: int, quarantined: int
) -> None:
    """Record the reconciliation of one sheet (or CSV file)."""
    conn.execute(
        "INSERT INTO sheets (file_id, sheet, rows_read, rows_accepted, rows_quarantined) "
        "VALUES (?, ?, ?, ?, ?)",
        (file_id, sheet, read, accepted, quarantined),
    )


def add_quarantine(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Insert quarantined rows; each holds the values of :data:`QUARANTINE_COLUMNS` in order."""
    marks = ", ".join("?" * len(QUARANTINE_COLUMNS))
    conn.executemany(f"INSERT INTO quarantine ({', '.join(QUARANTINE_COLUMNS)}) VALUES ({marks})", rows)


def record_hashes(conn: sqlite3.Connection, agency: str) -> list[int]:
    """The ``row_hash`` of every record of an agency (to find rows loaded before)."""
    if conn.execute("SELECT 1 FROM files WHERE agency = ? LIMIT 1", (agency,)).fetchone() is None:
        return []  # nothing of this agency yet: no need to read the records
    rows = conn.execute("SELECT row_hash FROM records WHERE agency = ? AND row_hash IS NOT NULL", (agency,))
    return [r[0] for r in rows]


def records_by_hash(conn: sqlite3.Connection, agency: str, hashes: Sequence[int]) -> dict[int, sqlite3.Row]:
    """The first record (id, file name, sheet, source_row) of an agency with each ``row_hash``."""
    found: dict[int, sqlite3.Row] = {}
    for start in range(0, len(hashes), 500):
        batch = list(hashes[start : start + 500])
        marks = ", ".join("?" * len(batch))
        for row in conn.execute(
            "SELECT r.row_hash, r.id, f.name AS file, r.sheet, r.source_row FROM records r "
            f"JOIN files f ON f.id = r.file_id WHERE r.agency = ? AND r.row_hash IN ({marks}) ORDER BY r.id",
            (agency, *batch),
        ):
            found.setdefault(row["row_hash"], row)
    return found


def quarantined(
    conn: sqlite3.Connection,
    *,
    limit: int | None = None,
    file: str | None = None,
    rule: str | None = None,
    agency: str | None = None,
) -> list[sqlite3.Row]:
    """Quarantined rows with their file's name and agency, in load order; optionally filtered."""
    where, params = _quarantine_filter(file, rule, agency)
    sql = (
        "SELECT q.id, f.name AS file, f.agency, q.sheet, q.source_row, q.column_name, q.value, q.rule, "
        f"q.message, q.raw FROM quarantine q JOIN files f ON f.id = q.file_id {where}ORDER BY q.id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return list(conn.execute(sql, params))


def quarantine_count(
    conn: sqlite3.Connection, *, file: str | None = None, rule: str | None = None, agency: str | None = None
) -> int:
    """How many rows are in the quarantine, or match the filters given."""
    where, params = _quarantine_filter(file, rule, agency)
    sql = f"SELECT count(*) FROM quarantine q JOIN files f ON f.id = q.file_id {where}"
    return int(conn.execute(sql, params).fetchone()[0])


def _quarantine_filter(file: str | None, rule: str | None, agency: str | None) -> tuple[str, list[str]]:
    """A WHERE clause (with a trailing space, or empty) and its parameters."""
    where, params = [], []
    for column, value in (("f.name", file), ("q.rule", rule), ("f.agency", agency)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return (f"WHERE {' AND '.join(where)} " if where else ""), params


def loaded_files(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every loaded file with its totals, oldest first."""
    return list(
        conn.execute(
            "SELECT f.*, coalesce(sum(s.rows_read), 0) AS rows_read, "
            "coalesce(sum(s.rows_accepted), 0) AS rows_accepted, "
            "coalesce(sum(s.rows_quarantined), 0) AS rows_quarantined "
            "FROM files f LEFT JOIN sheets s ON s.file_id = f.id GROUP BY f.id ORDER BY f.id"
        )
    )


def insert_records(
    conn: sqlite3.Connection,
    rows: Sequence[Mapping[str, Any]],
    *,
    agency: str,
    file_name: str = "test-records",
) -> list[int]:
    """Insert canonical records as if one file had been loaded (for tests and benchmarks).

    Real extracts come in through :func:`jtai.ingest.load_files`; this writes the same tables
    directly. Each row is a mapping of ``records`` columns (``child_id`` included); missing
    columns default to: this ``agency``, subject ``child``, event type ``person``, sheet ``""``
    and the row's position as a spreadsheet would number it (header = row 1).

    Returns:
        The ids of the new records, in the order given.

    Raises:
        ValueError: a row names a column the records table does not have.
    """
    import datetime as dt
    import hashlib

    columns = (*RECORD_COLUMNS[1:], "child_id")  # file_id is this call's own file
    unknown = {key for row in rows for key in row} - set(columns)
    if unknown:
        raise ValueError(f"not columns of records: {', '.join(sorted(unknown))}")
    defaults: dict[str, Any] = {"sheet": "", "agency": agency, "subject": "child", "event_type": "person"}
    loaded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    digest = hashlib.sha256(f"{file_name}:{agency}:{len(rows)}:{loaded_at}:{id(rows)}".encode()).hexdigest()
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO files (sha256, name, agency, mapping, stored_as, size, loaded_at, loaded_by) "
            "VALUES (?, ?, ?, 'canonical', '', 0, ?, 'test')",
            (digest, file_name, agency, loaded_at),
        )
        file_id = int(cur.lastrowid or 0)
        first = next_record_id(conn)  # ids of records removed by `jtai unload` are not given again
        conn.executemany(
            f"INSERT INTO records (id, file_id, {', '.join(columns)}) "
            f"VALUES (?, ?, {', '.join('?' for _ in columns)})",
            (
                (
                    first + i,
                    file_id,
                    *(row.get(c, i + 2 if c == "source_row" else defaults.get(c)) for c in columns),
                )
                for i, row in enumerate(rows)
            ),
        )
    return list(range(first, first + len(rows)))

"""SQL for loaded files, canonical records and the quarantine."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from jtai.canonical import FIELDS
from jtai.store.core import transaction
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

RECORD_COLUMNS: tuple[str, ...] = (
    *("file_id", "sheet", "source_row", "agency", "subject"),
    *FIELDS,
    "extra",
    "row_hash",
)
# Values bound per insert statement: one statement inserts as many rows as fit (fewer runs
# of SQLite's statement, each of which also releases and takes Python's lock), within the
# 999 parameters every SQLite build accepts.
_MAX_PARAMETERS = 999
# The columns that may be NULL and hold text: an empty string bound for one is written as NULL.
_OPTIONAL_COLUMNS = frozenset(FIELDS) - {"event_type"} | {"extra"}
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


def add_records(
    conn: sqlite3.Connection,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    constants: Mapping[str, int | str] | None = None,
) -> None:
    """Insert records given row by row (each holds the values of ``columns``): see :func:`add_columns`.

    Raises:
        sqlite3.ProgrammingError: a row does not hold one value per column.
    """
    table = list(rows)
    if any(len(row) != len(columns) for row in table):  # a short row would take values of the next
        raise sqlite3.ProgrammingError(f"each row must hold {len(columns)} values, one per column.")
    add_columns(
        conn,
        columns,
        [list(c) for c in zip(*table, strict=True)] or [[] for _ in columns],
        constants=constants,
    )


def add_columns(
    conn: sqlite3.Connection,
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    *,
    constants: Mapping[str, int | str] | None = None,
) -> None:
    """Insert records given column by column: ``values[i]`` holds column ``columns[i]`` of every row.

    Names come from :data:`RECORD_COLUMNS`; columns left out are NULL (faster for sparse
    extracts). Values the same in every row (``constants``: file, sheet, agency...) are
    written into the statement once, not bound for each row (binding is most of the cost of
    an insert). Each statement inserts many rows (:data:`_MAX_PARAMETERS`), their values laid
    out straight from the columns, with no tuple per row. An empty string in an optional
    field (every field but ``event_type``, and ``extra``) is written as NULL, as None is:
    pass empty cells as ``""``, which binds at the cost of any other text, while Python's
    sqlite3 looks for an adapter for each None it binds (about three times the cost).

    Raises:
        ValueError: a name is not a record column, or the columns differ in length.
    """
    constants = dict(constants or {})
    unknown = (set(columns) | set(constants)) - set(RECORD_COLUMNS)
    if unknown:
        raise ValueError(f"not record columns: {sorted(unknown)}")
    if len(values) != len(columns) or len({len(v) for v in values}) > 1:
        raise ValueError("give one list of values per column, all of the same length.")
    n = len(values[0]) if values else 0
    literals = {name: _literal(value) for name, value in constants.items()}
    if any(v is None for v in literals.values()):  # a value SQL text cannot hold: bind it
        values = [*([value] * n for value in constants.values()), *values]
        columns, literals = [*constants, *columns], {}
    if not columns or not n:
        return
    row = ", ".join([*(str(v) for v in literals.values()), *(_marker(c) for c in columns)])
    insert = f"INSERT INTO records ({', '.join([*literals, *columns])}) VALUES "
    per = max(1, _MAX_PARAMETERS // len(columns))
    full = n - n % per
    conn.executemany(insert + ", ".join([f"({row})"] * per), _statements(values, per, full))
    conn.executemany(insert + f"({row})", zip(*(v[full:] for v in values), strict=True))


def _statements(values: Sequence[Sequence[Any]], per: int, stop: int) -> Iterator[list[Any]]:
    """The parameters of ``per`` rows at a time, up to row ``stop``, row after row in one list."""
    width = len(values)
    for start in range(0, stop, per):
        flat: list[Any] = [None] * (per * width)
        for i, column in enumerate(values):
            flat[i::width] = column[start : start + per]  # column i of each row, in one C loop
        yield flat


def _marker(column: str) -> str:
    """The parameter of a column in the insert: an optional field's empty string is NULL."""
    return "NULLIF(?, '')" if column in _OPTIONAL_COLUMNS else "?"


def _literal(value: int | str) -> str | None:
    """``value`` as an SQL literal, or None when it cannot be one (text holding NUL)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a constant must be int or str, not {type(value).__name__}")
    if isinstance(value, int):
        return str(int(value))
    if "\x00" in value:
        return None
    return "'" + value.replace("'", "''") + "'"


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

"""SQL for inserting canonical records in bulk: many rows per statement, laid out from columns.

Inserting has two parts: laying the values out as each statement's parameters
(:func:`record_batches`, plain Python) and running the statements (:func:`insert_batches`,
SQLite); ``bench/ingest.py`` times them apart.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jtai.canonical import FIELDS

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


@dataclass(frozen=True)
class RecordBatches:
    """Records ready to insert: the statements and their parameters.

    Attributes:
        many: the statement inserting ``per`` rows; ``batches`` holds its parameters, one
            list per run.
        one: the statement inserting one row; ``rest`` holds the parameters of the rows left.
        rows: how many records.
    """

    many: str
    batches: list[list[Any]]
    one: str
    rest: list[tuple[Any, ...]]
    rows: int


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

    The same as :func:`insert_batches` of :func:`record_batches` (see there).
    """
    insert_batches(conn, record_batches(columns, values, constants=constants))


def record_batches(
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    *,
    constants: Mapping[str, int | str] | None = None,
) -> RecordBatches:
    """The statements inserting these records, with their parameters; ``values[i]`` is column ``columns[i]``.

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
    row = ", ".join([*(str(v) for v in literals.values()), *(_marker(c) for c in columns)])
    insert = f"INSERT INTO records ({', '.join([*literals, *columns])}) VALUES "
    per = max(1, _MAX_PARAMETERS // max(1, len(columns)))
    full = n - n % per if columns else 0
    return RecordBatches(
        insert + ", ".join([f"({row})"] * per),
        list(_statements(values, per, full)),
        insert + f"({row})",
        list(zip(*(v[full:] for v in values), strict=True)),
        n,
    )


def insert_batches(conn: sqlite3.Connection, records: RecordBatches) -> None:
    """Run the statements of :func:`record_batches` (in a transaction: see :func:`jtai.store.transaction`)."""
    if records.batches:
        conn.executemany(records.many, records.batches)
    if records.rest:
        conn.executemany(records.one, records.rest)


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

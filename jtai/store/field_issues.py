"""SQL for field issues: bad cells of accepted records, kept with their raw value and rule.

A row whose other values are usable is accepted with the bad field empty; the issue says
which column held what, the rule it broke and what to do. The record is found by its file,
sheet and source row (one record per source row of a sheet).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

DDL = """
CREATE TABLE IF NOT EXISTS field_issues (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    sheet TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    column_name TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT,
    rule TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS field_issues_file ON field_issues(file_id, sheet, source_row);
"""

COLUMNS: tuple[str, ...] = (
    "file_id",
    "sheet",
    "source_row",
    "column_name",
    "field",
    "value",
    "rule",
    "message",
)


def add(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Insert field issues; each holds the values of :data:`COLUMNS` in order."""
    marks = ", ".join("?" * len(COLUMNS))
    conn.executemany(f"INSERT INTO field_issues ({', '.join(COLUMNS)}) VALUES ({marks})", rows)


def issues(
    conn: sqlite3.Connection,
    *,
    limit: int | None = None,
    file: str | None = None,
    rule: str | None = None,
    agency: str | None = None,
) -> list[sqlite3.Row]:
    """Field issues with their file's name and agency, in load order; optionally filtered."""
    where, params = _filter(file, rule, agency)
    sql = (
        "SELECT i.id, f.name AS file, f.agency, i.sheet, i.source_row, i.column_name, i.field, i.value, "
        f"i.rule, i.message FROM field_issues i JOIN files f ON f.id = i.file_id {where}ORDER BY i.id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return list(conn.execute(sql, params))


def count(
    conn: sqlite3.Connection, *, file: str | None = None, rule: str | None = None, agency: str | None = None
) -> int:
    """How many field issues there are, or match the filters given."""
    where, params = _filter(file, rule, agency)
    sql = f"SELECT count(*) FROM field_issues i JOIN files f ON f.id = i.file_id {where}"
    return int(conn.execute(sql, params).fetchone()[0])


def by_agency_and_rule(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Field issues counted per agency and rule."""
    return list(
        conn.execute(
            "SELECT f.agency, i.rule, count(*) AS n FROM field_issues i JOIN files f ON f.id = i.file_id "
            "GROUP BY f.agency, i.rule ORDER BY f.agency, n DESC, i.rule"
        )
    )


def _filter(file: str | None, rule: str | None, agency: str | None) -> tuple[str, list[str]]:
    """A WHERE clause (with a trailing space, or empty) and its parameters."""
    where, params = [], []
    for column, value in (("f.name", file), ("i.rule", rule), ("f.agency", agency)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return (f"WHERE {' AND '.join(where)} " if where else ""), params

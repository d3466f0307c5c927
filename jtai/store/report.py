"""Read-only queries for reports: identifying values for the anonymity guard, data quality.

Reports write no tables, so there is no DDL here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from jtai.anonymity.guard import IdentifyingIndex
from jtai.canonical import IDENTIFIERS, NAME_FIELDS
from jtai.store.scoring import case_rows

# Columns of `records` that hold an identifier (searched as whole tokens), and names.
IDENTIFIER_COLUMNS: tuple[str, ...] = IDENTIFIERS
NAME_COLUMNS: tuple[str, ...] = NAME_FIELDS


def distinct_values(conn: sqlite3.Connection, column: str) -> Iterator[str]:
    """Every distinct non-empty value of one identifying column of ``records``.

    Args:
        column: one of the names in IDENTIFIER_COLUMNS, NAME_COLUMNS, ``dob`` or ``postcode``.
    """
    if column not in {*IDENTIFIER_COLUMNS, *NAME_COLUMNS, "dob", "postcode"}:
        raise ValueError(f"not an identifying column: {column}")
    cursor = conn.execute(
        f"SELECT DISTINCT {column} FROM records WHERE {column} IS NOT NULL AND {column} <> ''"
    )
    for (value,) in cursor:
        yield str(value)


def full_names(conn: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    """Every distinct (first name, last name) pair of ``records``."""
    cursor = conn.execute(
        "SELECT DISTINCT first_name, last_name FROM records "
        "WHERE first_name IS NOT NULL AND first_name <> '' AND last_name IS NOT NULL AND last_name <> ''"
    )
    for first, last in cursor:
        yield str(first), str(last)


def record_counts(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Records per agency: rows, distinct children, rows without a child id."""
    return list(
        conn.execute(
            "SELECT agency, COUNT(*) AS records, COUNT(DISTINCT child_id) AS children, "
            "SUM(child_id IS NULL) AS unlinked FROM records GROUP BY agency ORDER BY agency"
        )
    )


def file_counts(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Per loaded file and sheet: its name, agency and row counts."""
    return list(
        conn.execute(
            "SELECT f.name, f.agency, s.sheet, s.rows_read, s.rows_accepted, s.rows_quarantined "
            "FROM files f JOIN sheets s ON s.file_id = f.id ORDER BY f.agency, f.name, s.sheet"
        )
    )


def quarantine_reasons(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Quarantined rows counted by agency, rule and column (never their values)."""
    return list(
        conn.execute(
            "SELECT f.agency, q.rule, q.column_name, COUNT(*) AS rows FROM quarantine q "
            "JOIN files f ON f.id = q.file_id GROUP BY f.agency, q.rule, q.column_name "
            "ORDER BY rows DESC, f.agency, q.rule"
        )
    )


def events_between(
    conn: sqlite3.Connection, event_types: tuple[str, ...], start: str, end: str
) -> list[sqlite3.Row]:
    """Events of the given types dated from ``start`` to ``end`` (ISO dates), by month."""
    marks = ",".join("?" for _ in event_types)
    return list(
        conn.execute(
            f"SELECT substr(event_date, 1, 7) AS month, event_type, COUNT(*) AS n FROM records "
            f"WHERE event_type IN ({marks}) AND event_date BETWEEN ? AND ? "
            f"GROUP BY month, event_type ORDER BY month, event_type",
            [*event_types, start, end],
        )
    )


def index_from_store(conn: sqlite3.Connection) -> IdentifyingIndex:
    """The anonymity guard's index of every record loaded in a workspace (children and adults)."""
    index = IdentifyingIndex()
    for column in NAME_COLUMNS:
        for value in distinct_values(conn, column):
            index.add_name(value, None)
    for first, last in full_names(conn):
        index.add_name(first, last)
    for column in IDENTIFIER_COLUMNS:
        for value in distinct_values(conn, column):
            index.add_identifier(value)
    for value in distinct_values(conn, "dob"):
        index.add_date_of_birth(value)
    for value in distinct_values(conn, "postcode"):
        index.add_postcode(value)
    for row in case_rows(conn):
        index.add_pseudonym(row["ref"])
    return index

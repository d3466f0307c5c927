"""SQL for data-quality profiles: records by event type, key fields filled, quarantine reasons."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from jtai.store.records import RECORD_COLUMNS

PROFILE_FIELDS: tuple[str, ...] = ("nhs_number", "dob", "first_name", "last_name", "postcode", "la_child_id")


def profile_counts(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Records per agency and event type."""
    return list(
        conn.execute(
            "SELECT agency, event_type, count(*) AS n FROM records GROUP BY agency, event_type "
            "ORDER BY agency, n DESC, event_type"
        )
    )


def profile_completeness(
    conn: sqlite3.Connection, fields: Sequence[str] = PROFILE_FIELDS
) -> list[sqlite3.Row]:
    """Per agency: records, and how many have each of ``fields`` filled (columns of ``records``).

    Raises:
        ValueError: a field is not a column of ``records``.
    """
    unknown = set(fields) - set(RECORD_COLUMNS)
    if unknown:
        raise ValueError(f"not columns of records: {', '.join(sorted(unknown))}")
    filled = ", ".join(f"sum({f} IS NOT NULL AND {f} != '') AS {f}" for f in fields)
    return list(
        conn.execute(
            f"SELECT agency, count(*) AS records, {filled} FROM records GROUP BY agency ORDER BY agency"
        )
    )


def profile_quarantine(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Quarantined rows per agency and rule."""
    return list(
        conn.execute(
            "SELECT f.agency, q.rule, count(*) AS n FROM quarantine q JOIN files f ON f.id = q.file_id "
            "GROUP BY f.agency, q.rule ORDER BY f.agency, n DESC"
        )
    )

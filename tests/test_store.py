"""The store: schema versions, transactions and the direct record writer used by tests."""

from __future__ import annotations

import sqlite3

import pytest

from jtai import store
from jtai.errors import WorkspaceError
from jtai.store import profile, records


def test_new_store_is_at_current_schema(ws) -> None:
    """A new workspace's database carries the current schema version and WAL mode."""
    conn = ws.connect()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_newer_schema_is_refused(ws) -> None:
    """A database written by a newer jtai is refused with advice to upgrade."""
    raw = sqlite3.connect(ws.db_path)
    raw.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(WorkspaceError, match="written by a newer jtai"):
        ws.connect()


def test_transaction_rolls_back_on_error(ws) -> None:
    """A failed block leaves nothing behind."""
    conn = ws.connect()
    with pytest.raises(RuntimeError), store.transaction(conn):
        conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
        raise RuntimeError("stop")
    assert conn.execute("SELECT COUNT(*) FROM meta").fetchone()[0] == 0
    conn.close()


def test_insert_records_fills_defaults(ws) -> None:
    """Directly inserted records get the agency, subject, event type and spreadsheet rows."""
    conn = ws.connect()
    ids = records.insert_records(
        conn, [{"first_name": "Ada"}, {"first_name": "Bo", "child_id": "k2"}], agency="police"
    )
    rows = conn.execute(
        "SELECT id, agency, subject, event_type, sheet, source_row, first_name, child_id "
        "FROM records ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        (ids[0], "police", "child", "person", "", 2, "Ada", None),
        (ids[1], "police", "child", "person", "", 3, "Bo", "k2"),
    ]
    conn.close()


def test_insert_records_refuses_unknown_columns(ws) -> None:
    """A column the records table lacks is an error, not silently dropped."""
    conn = ws.connect()
    with pytest.raises(ValueError, match="not columns of records: truth"):
        records.insert_records(conn, [{"truth": "T1"}], agency="csc")
    assert conn.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 0
    conn.close()


def test_profile_completeness_counts_the_fields_asked_for(ws) -> None:
    """Completeness counts filled values per agency for any record columns, and refuses others."""
    conn = ws.connect()
    records.insert_records(conn, [{"upn": "A1", "sex": "male"}, {"upn": "", "sex": None}], agency="education")
    [row] = profile.profile_completeness(conn, ("upn", "sex"))
    assert (row["agency"], row["records"], row["upn"], row["sex"]) == ("education", 2, 1, 1)
    with pytest.raises(ValueError, match="not columns of records: x; DROP"):
        profile.profile_completeness(conn, ("x; DROP",))
    conn.close()

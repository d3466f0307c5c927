"""The store: schema versions, transactions and the direct record writer used by tests."""

from __future__ import annotations

import sqlite3

import pytest

from jtai import store
from jtai.errors import WorkspaceError
from jtai.store import profile, records
from jtai.store.connection import PAGE_SIZE


def test_new_store_is_at_current_schema(ws) -> None:
    """A new workspace's database carries the current schema version and WAL mode."""
    conn = ws.connect()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_new_store_has_large_pages(ws) -> None:
    """A new store is created with 16 KiB pages, which bulk loads write and commit faster."""
    conn = ws.connect()
    assert conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16_384
    conn.close()


def test_newer_schema_is_refused(ws) -> None:
    """A database written by a newer jtai is refused with advice to upgrade."""
    raw = sqlite3.connect(ws.db_path)
    raw.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(WorkspaceError, match="written by a newer jtai"):
        ws.connect()


def test_schema_1_workspace_is_migrated(tmp_path) -> None:
    """A database at schema 1 gains schema 2's indexes, and keeps its records, on opening."""
    from jtai.store import schema

    path = tmp_path / "jtai.db"
    raw = sqlite3.connect(path)
    for statement in schema._statements(schema.MIGRATIONS[0]):
        raw.execute(statement)
    raw.execute("PRAGMA user_version = 1")
    raw.execute("INSERT INTO files VALUES (1, 'h', 'f.csv', 'police', 'police', 'x', 1, 'd', 'u')")
    raw.execute(
        "INSERT INTO records (file_id, sheet, source_row, agency, event_type, child_id) "
        "VALUES (1, '', 2, 'police', 'person', 'C1')"
    )
    raw.commit()
    raw.close()
    conn = store.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "records_linked" in names
    assert not {"records_child", "records_event"} & names
    assert [r[0] for r in conn.execute("SELECT child_id FROM records")] == ["C1"]
    conn.close()


def test_child_queries_use_the_linked_index(ws) -> None:
    """Looking records up by child uses the partial index that unlinked rows stay out of."""
    conn = ws.connect()
    plan = " ".join(
        str(r[-1])
        for r in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM records WHERE child_id = ?", ("C1",))
    )
    assert "records_linked" in plan
    records.insert_records(conn, [{"first_name": "Ada"}], agency="police")
    entries = conn.execute(
        "SELECT count(*) FROM records INDEXED BY records_linked WHERE child_id IS NOT NULL"
    )
    assert entries.fetchone()[0] == 0
    conn.close()


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


def _bulk_file(conn: sqlite3.Connection) -> int:
    return records.add_file(
        conn,
        sha256="2" * 64,
        name="bulk.csv",
        agency="police",
        mapping="police",
        stored_as="extracts/bulk.csv",
        size=1,
        loaded_at="2026-01-01T00:00:00+00:00",
        loaded_by="tester",
    )


def test_add_records_writes_many_rows_per_statement_in_order(ws) -> None:
    """Rows written several hundred to a statement, and the few left over, keep their order."""
    conn = ws.connect()
    n = 1000  # with 3 columns: 333 rows to a statement, 3 statements and 1 row left over
    rows = [(i + 2, "arrest", f"name {i}" if i % 3 else "") for i in range(n)]
    with store.transaction(conn):
        file_id = _bulk_file(conn)
        constants = {"file_id": file_id, "sheet": "", "agency": "police", "subject": "child"}
        records.add_records(conn, ["source_row", "event_type", "first_name"], iter(rows), constants=constants)
    got = conn.execute("SELECT source_row, event_type, first_name FROM records ORDER BY id").fetchall()
    assert [tuple(r) for r in got] == [(r, e, f or None) for r, e, f in rows]
    conn.close()


def test_add_records_refuses_a_row_of_the_wrong_length(ws) -> None:
    """A row short of a value is refused, even when a long row beside it makes up the count."""
    conn = ws.connect()
    rows: list[tuple[object, ...]] = [(i + 2, "arrest", "") for i in range(400)]
    rows[0], rows[1] = (2, "arrest"), (3, "arrest", "", "extra value")
    refused = pytest.raises(sqlite3.ProgrammingError, match="each row must hold 3 values")
    with refused, store.transaction(conn):
        constants = {"file_id": _bulk_file(conn), "sheet": "", "agency": "police", "subject": "child"}
        records.add_records(conn, ["source_row", "event_type", "first_name"], rows, constants=constants)
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 0
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

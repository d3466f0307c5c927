"""Large tables checked in chunks, each written once checked: the same store as a table checked whole."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from jtai import workspace
from jtai.ingest import chunks, load_files, loader

TODAY = dt.date(2026, 1, 1)
HEADER = "agency_person_id,first_name,last_name,dob,sex,postcode,event_type,event_date,nhs_number"
ROWS = [
    "P1,Ann,Lee,2005-01-01,F,SB1 1AA,arrest,2018-01-01,",
    "P2,Bob,Ray,31/02/2005,M,SB1 1AB,arrest,2018-01-02,",  # a field issue: no such day
    "P3,Cal,Fox,2006-03-03,Martian,4011,arrest,2018-01-03,12345",  # three field issues
    "P1,Ann,Lee,2005-01-01,F,SB1 1AA,arrest,2018-01-01,",  # repeats row 2, in the chunk before
    ",,,2005-01-01,F,,arrest,2018-01-04,",  # no person id, which police rows require: quarantined
    "P4,Dee,Orr,2007-04-04,F,SB1 1AD,arrest,2018-01-05,,too,many",  # ragged
    ",,,,,,,,",  # blank: not a row
    "P5,Eve,Ash,2008-05-05,F,SB1 1AE,arrest,2018-01-06,",
    "P5,Eve,Ash,2008-05-05,F,SB1 1AE,arrest,2018-01-06,",  # repeats the row before, same chunk
    "P3,Cal,Fox,2006-03-03,Martian,4011,arrest,2018-01-03,12345",  # repeats row 4, issues and all
    "P6,Fay,Elm,2009-06-06,F,SB1 1AF,arrest,2018-01-07,",  # loaded before (see below)
    "P7,Gus,Oak,2010-07-07,M,SB1 1AG,arrest,2030-01-08,",  # an event after today: quarantined
]
EARLIER = [
    "P6,Fay,Elm,2009-06-06,F,SB1 1AF,arrest,2018-01-07,",
    "P9,Ida,Yew,2011-01-01,F,,arrest,2018-02-01,",
]


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _store(root: Path, tmp: Path) -> tuple[dict[str, object], dict[str, list[tuple[object, ...]]]]:
    """Load an earlier extract, then ROWS, into a new workspace; the results and every table written."""
    ws = workspace.create(root, area="Seaborough", framework="exploitation-2018")
    load_files(ws, [_csv(tmp / "earlier.csv", EARLIER)], agency="police", today=TODAY)
    result = load_files(ws, [_csv(tmp / "police.csv", ROWS)], agency="police", today=TODAY).to_dict()
    for file in result["files"]:  # type: ignore[attr-defined]
        file.pop("loaded_at", None)
    with sqlite3.connect(ws.db_path) as conn:
        tables = {
            name: conn.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()
            for name in ("records", "quarantine", "field_issues", "sheets")
        }
    return result, tables


@pytest.mark.parametrize(("first", "size"), [(1, 1), (1, 3), (2, 2), (2, 5), (3, 3), (4, 2)])
def test_a_table_checked_in_chunks_is_written_as_if_checked_whole(tmp_path, monkeypatch, first, size) -> None:
    """Records, quarantine (repeats across chunks included), field issues and totals are the same."""
    whole = _store(tmp_path / "whole", tmp_path)
    monkeypatch.setattr(chunks, "FIRST_ROWS", first)
    monkeypatch.setattr(chunks, "CHUNK_ROWS", size)
    chunked = _store(tmp_path / "chunked", tmp_path)
    assert chunked == whole
    result, tables = whole
    assert (result["totals"]["accepted"], result["totals"]["quarantined"]) == (4, 7)  # type: ignore[index]
    assert len(tables["field_issues"]) == 4  # rows 3 and 4; none of row 11, which repeats row 4
    held = [(q[3], q[6], q[7]) for q in tables["quarantine"] if q[1] == 2]  # row, rule, message
    assert [(row, rule) for row, rule, _ in held] == [
        (5, "duplicate_row"),
        (6, "missing_required"),
        (7, "ragged_row"),
        (10, "duplicate_row"),
        (11, "duplicate_row"),
        (12, "duplicate_row"),
        (13, "date_in_future"),
    ]
    assert [m for _, rule, m in held if rule == "duplicate_row"] == [
        "The same values as row 2; loaded once.",
        "The same values as row 9; loaded once.",
        "The same values as row 4; loaded once.",
        "The same values as record R1 (earlier.csv, row 2), loaded before; not added again.",
    ]


def test_each_chunk_is_written_before_the_next_is_checked(ws, tmp_path, monkeypatch) -> None:
    """One chunk's values are held at a time: checks and writes take turns, chunk by chunk."""
    monkeypatch.setattr(chunks, "FIRST_ROWS", 2)
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 4)
    steps: list[str] = []
    check, write = loader.validate, loader.store.insert_batches

    def checking(*args, **kwargs):  # type: ignore[no-untyped-def]
        steps.append("check")
        return check(*args, **kwargs)

    def writing(*args, **kwargs):  # type: ignore[no-untyped-def]
        steps.append("write")
        return write(*args, **kwargs)

    monkeypatch.setattr(loader, "validate", checking)
    monkeypatch.setattr(loader.store, "insert_batches", writing)
    result = load_files(ws, [_csv(tmp_path / "p.csv", ROWS)], agency="police", today=TODAY)
    assert result.accepted == 5
    assert steps == ["check", "write"] * 4  # 2 rows, then 4, 4 and the last 2 (12 read; the blank is not one)


@pytest.mark.parametrize("failure", [KeyboardInterrupt, sqlite3.OperationalError, MemoryError])
def test_a_check_failing_after_chunks_were_written_leaves_nothing(ws, tmp_path, monkeypatch, failure) -> None:
    """An error or interrupt in the checks of a later chunk is raised, and the load rolled back."""
    monkeypatch.setattr(chunks, "FIRST_ROWS", 1)
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 3)
    check = loader.validate
    calls: list[int] = []

    def fails_third(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise failure("stopped")
        return check(*args, **kwargs)

    monkeypatch.setattr(loader, "validate", fails_third)
    with pytest.raises(failure):
        load_files(ws, [_csv(tmp_path / "p.csv", ROWS)], agency="police", today=TODAY)
    with sqlite3.connect(ws.db_path) as conn:
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("files", "records")]
    assert counts == [0, 0]
    assert list(ws.extracts_dir.glob("*")) == []


def test_an_interrupt_while_writing_stops_the_load(ws, tmp_path, monkeypatch) -> None:
    """Interrupted while a chunk is written, the load rolls back and checks no more chunks."""
    monkeypatch.setattr(chunks, "FIRST_ROWS", 1)
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 2)
    check, write = loader.validate, loader.store.insert_batches
    checks: list[int] = []
    calls: list[int] = []

    def checking(*args, **kwargs):  # type: ignore[no-untyped-def]
        checks.append(1)
        return check(*args, **kwargs)

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return write(*args, **kwargs)

    monkeypatch.setattr(loader, "validate", checking)
    monkeypatch.setattr(loader.store, "insert_batches", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_files(ws, [_csv(tmp_path / "p.csv", ROWS)], agency="police", today=TODAY)
    with sqlite3.connect(ws.db_path) as conn:
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 0
    assert len(checks) == 2  # of the chunks written and interrupted: no more


def test_sheets_checked_in_chunks_repeat_earlier_sheets_as_whole_ones_do(tmp_path, monkeypatch) -> None:
    """A workbook's sheets in chunks of one row: the rows repeating an earlier sheet are set aside alike."""
    import openpyxl

    list_3 = [
        ["Child Unique ID", "Gender", "Date of Birth", "Date of Referral"],
        ["1001", "a) Male", "2010-05-01", "2018-01-10"],
        ["1002", "b) Female", "2011-06-02", "2018-01-11"],
    ]
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in {
        "List 3": list_3,
        "Referrals": [*list_3, ["1003", "a) Male", "2012-07-03", "2018-01-12"]],
    }.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "annex.xlsx"
    book.save(path)

    def load(root: Path) -> tuple[object, ...]:
        ws = workspace.create(root, area="Seaborough", framework="exploitation-2018")
        (file,) = load_files(ws, [path], agency="csc", today=TODAY).files
        with sqlite3.connect(ws.db_path) as conn:
            held = conn.execute("SELECT sheet, source_row, message FROM quarantine ORDER BY id").fetchall()
        return [s.to_dict() for s in file.sheets], held

    whole = load(tmp_path / "whole")
    monkeypatch.setattr(chunks, "FIRST_ROWS", 1)
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 1)
    assert load(tmp_path / "chunked") == whole
    assert whole[1] == [
        ("Referrals", 2, "The same values as sheet List 3, row 2; loaded once."),
        ("Referrals", 3, "The same values as sheet List 3, row 3; loaded once."),
    ]


def test_a_large_table_is_split_after_a_small_first_chunk(tmp_path, monkeypatch) -> None:
    """The first chunk is small (writing starts early), the others up to full; every row in one chunk."""
    from jtai.ingest import file_tables
    from jtai.ingest.mapping import load_builtin

    path = _csv(tmp_path / "p.csv", ROWS)
    (raw,) = file_tables.read_tables(path.read_bytes(), path, load_builtin("police"))
    monkeypatch.setattr(chunks, "FIRST_ROWS", 2)
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 5)
    parts = chunks.split(raw)
    assert [p.rows.tolist() for p in parts] == [[2, 3], [4, 5, 6, 8, 9], [10, 11, 12, 13]]
    assert [len(p.ragged) for p in parts] == [1, 0, 0]  # row 7, counted once
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 20)
    assert [p.rows.tolist() for p in chunks.split(raw)] == [[2, 3], [4, 5, 6, 8, 9, 10, 11, 12, 13]]
    monkeypatch.setattr(chunks, "FIRST_ROWS", len(raw.frame))
    assert chunks.split(raw) == [raw]

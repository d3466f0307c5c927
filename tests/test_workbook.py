"""Every .xlsx jtai writes is a real workbook: readable headers, frozen, filtered, typed cells."""

from __future__ import annotations

import datetime as dt
import stat
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from _sample_helpers import add_children

from jtai.errors import ConflictError, ExitCode, UsageError
from jtai.workbook import Column, Workbook, header_row, label, require_suffix


def assert_table(sheet: Any, headers: list[str] | None = None) -> None:
    """A table sheet as people read it: bold header of words, frozen, filtered, widths fitted."""
    first = [c.value for c in sheet[1]]
    if headers is not None:
        assert first[: len(headers)] == headers
    assert all(c.font.b for c in sheet[1] if c.value), "header cells are bold"
    assert not any("_" in str(v) for v in first if v), f"headers in words, not keys: {first}"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    assert all(sheet.column_dimensions[c.column_letter].width >= 6 for c in sheet[1])


def test_labels_are_words_people_read() -> None:
    """Keys become headers in words; known abbreviations keep their capitals; words stay words."""
    assert label("nhs_number") == "NHS number"
    assert label("dob") == "Date of birth"
    assert label("la_child_id") == "LA child id"
    assert label("recorded_at") == "Recorded at"
    assert label("Top reasons") == "Top reasons"


def test_table_cells_are_typed_and_safe(tmp_path: Path) -> None:
    """Dates and times are date cells (UTC), identifiers text, formulas neutralised; file 0600."""
    book = Workbook()
    cols = [
        Column("case", kind="id"),
        Column("dob", kind="date"),
        Column("recorded_at", kind="datetime"),
        Column("nhs_number", kind="id"),
        Column("note"),
        Column("count", kind="number"),
    ]
    rows = [
        {
            "case": "C-7KQ3-XM9D",
            "dob": "2002-06-16",
            "recorded_at": "2026-12-03T07:43:01.692273+01:00",
            "nhs_number": 450000001,
            "note": '=HYPERLINK("http://x")',
            "count": "12",
        },
        {
            "case": "C-2",
            "dob": "not a date",
            "recorded_at": None,
            "nhs_number": "0123",
            "note": "",
            "count": 3,
        },
    ]
    sheet_name = book.table("Cases", cols, rows).title
    path = tmp_path / "t.xlsx"
    book.save(path)
    assert zipfile.is_zipfile(path) and stat.S_IMODE(path.stat().st_mode) == 0o600
    sheet = openpyxl.load_workbook(path)[sheet_name]
    assert_table(sheet, ["Case", "Date of birth", "Recorded at", "NHS number", "Note", "Count"])
    case, dob, when, nhs, note, count = sheet[2]
    assert dob.is_date and dob.value == dt.datetime(2002, 6, 16) and dob.number_format == "yyyy-mm-dd"
    assert when.is_date and when.value == dt.datetime(2026, 12, 3, 6, 43, 1)  # +01:00 turned to UTC
    assert nhs.data_type == "s" and nhs.value == "450000001"
    assert note.data_type == "s" and note.value == '\'=HYPERLINK("http://x")'
    assert count.value == 12 and case.value == "C-7KQ3-XM9D"
    assert sheet["B3"].value == "not a date" and sheet["D3"].value == "0123"


def test_dropdown_instructions_and_protected_header(tmp_path: Path) -> None:
    """A list to pick from (inline or on a hidden sheet), instructions first, header cells locked."""
    book = Workbook()
    sheet = book.table("Grades", ["case", "grade", "note"], [["C-1", None, None], ["C-2", None, None]])
    book.dropdown(sheet, "grade", ["Good", "Poor"], prompt="Pick one")
    book.dropdown(sheet, "note", [f"choice {i}, long" for i in range(40)], strict=False)
    book.protect_header(sheet, editable=["grade", "note"])
    book.instructions("How to fill this in", ["Fill in the grades", "Then import."])
    path = tmp_path / "g.xlsx"
    book.save(path)
    loaded = openpyxl.load_workbook(path)
    assert loaded.sheetnames[0] == "How to fill this in" and loaded.active.title == "How to fill this in"
    assert loaded["How to fill this in"]["A1"].font.b
    assert loaded["Lists"].sheet_state == "hidden"
    grades = loaded["Grades"]
    inline, listed = grades.data_validations.dataValidation
    assert (inline.type, inline.formula1, str(inline.sqref)) == ("list", '"Good,Poor"', "B2:B3")
    assert listed.formula1 == "Lists!$A$1:$A$40" and listed.errorStyle == "warning"
    assert grades.protection.sheet
    assert grades["A1"].protection.locked and grades["A2"].protection.locked
    assert not grades["B2"].protection.locked and not grades["C3"].protection.locked


def test_table_below_lines_of_names_and_values(tmp_path: Path) -> None:
    """Lines before a table: names bold, values typed and safe; the table starts below, as any other."""
    book = Workbook(lists_title="Grades")
    facts = [("Framework", "exploitation-2018"), ("Tracked sample", 3)]
    guide = book.instructions("Guide", ["Audit of the children", "Grade each row."], facts=facts)
    book.protect(guide)
    assert book.pick_list(["Good", "Poor"]) == book.pick_list(["Good", "Poor"]) == "Grades!$A$1:$A$2"
    before = [("Case", "C-7KQ3-XM9D"), ("NHS number", "0123"), ("dob", "2002-06-16"), ("Auditor", None),
              ("Note", "=cmd()")]  # fmt: skip
    cols = [Column("criterion", kind="id"), Column("text", "What is judged", wrap=True), Column("grade"),
            Column("when", kind="date")]  # fmt: skip
    rows = [["FD1", "=SUM(A1)", None, "2018-03-19"], ["007", "Plans are reviewed.", None, None]]
    sheet = book.table("C-7KQ3-XM9D", cols, rows, before=before)
    assert header_row(before) == 7 and header_row([]) == 1
    book.dropdown(sheet, 3, ["Good", "Poor"], first_row=8, rows=2, listed=True)
    book.protect(sheet, editable=["B4", "C8:C9"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    loaded = openpyxl.load_workbook(path)
    assert loaded.sheetnames == ["Guide", "Grades", "C-7KQ3-XM9D"]
    guide = loaded["Guide"]
    shown = [guide.cell(r, 1).value for r in (1, 3, 4, 6)]
    assert shown == ["Audit of the children", "Framework", "Tracked sample", "Grade each row."]
    assert guide["B3"].value == "exploitation-2018" and guide["B4"].value == 3 and guide["A3"].font.b
    sheet = loaded["C-7KQ3-XM9D"]
    assert [sheet.cell(r, 1).value for r in range(1, 6)] == ["Case", "NHS number", "Date of birth",
                                                             "Auditor", "Note"]  # fmt: skip
    assert all(sheet.cell(r, 1).font.b for r in range(1, 6)) and sheet["A6"].value is None
    assert sheet["B2"].data_type == "s" and sheet["B2"].value == "0123"
    assert sheet["B5"].data_type == "s" and sheet["B5"].value == "'=cmd()"
    assert [c.value for c in sheet[7]] == ["Criterion", "What is judged", "Grade", "When"]
    assert all(c.font.b for c in sheet[7])
    assert sheet.freeze_panes == "A8" and sheet.auto_filter.ref == "A7:D9"
    assert sheet["A9"].data_type == "s" and sheet["A9"].value == "007"
    assert sheet["B8"].value == "'=SUM(A1)" and sheet["B8"].alignment.wrap_text
    assert sheet["D8"].is_date and sheet["D8"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["A"].width >= len("NHS number")
    (dropdown,) = sheet.data_validations.dataValidation
    assert dropdown.formula1 == "Grades!$A$1:$A$2" and str(dropdown.sqref) == "C8:C9"
    assert sheet.protection.sheet and loaded["Guide"].protection.sheet and loaded["Grades"].protection.sheet
    assert not sheet["B4"].protection.locked and not sheet["C9"].protection.locked
    assert sheet["B1"].protection.locked and sheet["C7"].protection.locked and sheet["B8"].protection.locked


def test_suffixes_it_cannot_write_are_refused(tmp_path: Path) -> None:
    """A workbook is only written to .xlsx; other suffixes name what can be written."""
    with pytest.raises(UsageError, match=r"written as \.csv or \.xlsx; the name says \.txt"):
        require_suffix(tmp_path / "q.txt", (".csv", ".xlsx"))
    with pytest.raises(UsageError):
        Workbook().save(tmp_path / "q.csv")
    existing = tmp_path / "x.xlsx"
    existing.write_text("mine")
    with pytest.raises(ConflictError):
        Workbook().save(existing)
    assert existing.read_text() == "mine"


def _quarantined(ws: Any, tmp_path: Path) -> None:
    from jtai.ingest import load_files

    source = tmp_path / "p.csv"
    source.write_text(
        'agency_person_id,event_type,event_date\nP1,arrest,=HYPERLINK("x")\nP2,arrest,2018-01-02\n',
        encoding="utf-8",
    )
    load_files(ws, [source], agency="police", today=dt.date(2026, 1, 1))


def test_quarantine_export_is_a_workbook(run, ws, tmp_path: Path) -> None:
    """`jtai quarantine -o q.xlsx` writes a workbook (not CSV text); --export stays an alias; .txt refused."""
    _quarantined(ws, tmp_path)
    target = tmp_path / "q.xlsx"
    result = run("-w", str(ws.root), "quarantine", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(target)
    sheet = openpyxl.load_workbook(target)["Quarantine"]
    assert_table(sheet, ["File", "Agency", "Sheet", "Row", "Column", "Value", "Rule", "Message", "Raw"])
    assert sheet["F2"].value == '\'=HYPERLINK("x")' and sheet["D2"].value == 2
    alias = run("-w", str(ws.root), "quarantine", "--export", str(tmp_path / "a.xlsx"))
    assert alias.exit_code == 0 and zipfile.is_zipfile(tmp_path / "a.xlsx")
    refused = run("-w", str(ws.root), "quarantine", "-o", str(tmp_path / "q.txt"))
    assert refused.exit_code == ExitCode.USAGE and not (tmp_path / "q.txt").exists()
    assert "written as .csv or .xlsx" in refused.stderr


def test_link_export_is_a_workbook(run, ws, tmp_path: Path) -> None:
    """`jtai link export -o links.xlsx` writes a workbook; ids are text; the old FILE argument still works."""
    import _link_helpers as h

    h.load(ws.connect(), h.records(h.population(5)))
    target = tmp_path / "links.xlsx"
    result = run("-w", str(ws.root), "link", "export", "-o", str(target))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target)["Links"]
    assert_table(sheet, ["Record", "Agency", "Source file", "Sheet", "Row", "Agency person id"])
    assert all(c.data_type == "s" for c in sheet["F"][1:])
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    old = run("-w", str(ws.root), "link", "export", str(tmp_path / "old.csv"))
    assert old.exit_code == 0 and (tmp_path / "old.csv").read_text().startswith("record,agency")
    refused = run("-w", str(ws.root), "link", "export", "-o", str(tmp_path / "links.ods"))
    assert refused.exit_code == ExitCode.USAGE


def test_sample_export_dates_and_identifiers(run, ws, tmp_path: Path) -> None:
    """A sample workbook: dates of birth as date cells, identifiers as text, drawn-at as a date."""
    add_children(ws)
    assert run("-w", str(ws.root), "sample", "tracked", "--seed", "7").exit_code == 0
    target = tmp_path / "s.xlsx"
    result = run("-w", str(ws.root), "sample", "export", "-o", str(target), "--with-identifiers")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    sheet = book["Sample 1"]
    assert_table(sheet)
    headers = [c.value for c in sheet[1]]
    dob = sheet.cell(row=2, column=headers.index("Date of birth") + 1)
    assert dob.is_date, dob.value
    case = sheet.cell(row=2, column=headers.index("Case") + 1)
    assert case.data_type == "s" and case.value.startswith("C-")
    about = {r[0].value: r[1] for r in book["About"].iter_rows()}
    assert about["Drawn at (UTC)"].is_date and about["Seed"].value == 7


def test_judgement_export_is_typed(run, ws, tmp_path: Path) -> None:
    """`jtai score export -o j.xlsx`: worded headers, recorded-at as date cells, reads back in."""
    from _score_helpers import hand_case, judge

    conn = ws.connect()
    hand_case(conn, "C-AAAA-AAAA")
    judge(conn, "C-AAAA-AAAA", "FD1", "police", "good")
    target = tmp_path / "j.xlsx"
    result = run("-w", str(ws.root), "score", "export", "-o", str(target))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target)["judgements"]
    assert_table(sheet, ["Case", "Criterion", "Agency", "Grade", "Note"])
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=headers.index("Recorded at (UTC)") + 1).is_date
    again = run("-w", str(ws.root), "score", "import", str(target))
    assert again.exit_code == 0, again.output
    assert "1 unchanged" in again.stdout


def test_load_template_as_a_workbook_loads_back(run, ws, tmp_path: Path) -> None:
    """`load --template police -o police.xlsx` is a workbook with the canonical header; a .txt is refused."""
    target = tmp_path / "police.xlsx"
    made = run("-w", str(ws.root), "load", "--template", "police", "-o", str(target))
    assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(target)
    sheet = book["police"]
    headers = [c.value for c in sheet[1]]
    assert "agency_person_id" in headers and sheet["A1"].font.b and sheet.freeze_panes == "A2"
    sheet.cell(row=2, column=headers.index("agency_person_id") + 1, value="P1")
    sheet.cell(row=2, column=headers.index("event_type") + 1, value="arrest")
    sheet.cell(row=2, column=headers.index("event_date") + 1, value=dt.date(2018, 1, 2))
    book.save(target)
    loaded = run("-w", str(ws.root), "load", str(target), "--agency", "police")
    assert loaded.exit_code == 0, loaded.output
    assert "Rows read 1 = 1 accepted" in loaded.stdout
    refused = run("-w", str(ws.root), "load", "--template", "police", "-o", str(tmp_path / "p.txt"))
    assert refused.exit_code == ExitCode.USAGE and not (tmp_path / "p.txt").exists()

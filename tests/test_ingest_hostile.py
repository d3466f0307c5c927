"""Hostile files: every row and every bad cell accounted for, against counts the test computes itself.

Each test writes its file (workbooks with openpyxl, as scripts write them: formulas without
a saved value), works out from what it wrote how many rows must be accepted or quarantined
and which cells must be field issues, then loads the file and compares.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from jtai.errors import ExitCode, UsageError
from jtai.ingest import load_files

TODAY = dt.date(2026, 1, 1)
DATA = Path(__file__).resolve().parent / "data" / "ingest"
HEADER = [
    "agency_person_id",
    "first_name",
    "last_name",
    "dob",
    "postcode",
    "event_type",
    "event_date",
    "team",
]


def _stored(ws: Any, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(ws.db_path) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def _issues(ws: Any) -> set[tuple[int, str, str]]:
    """(row, column, rule) of every stored field issue."""
    return set(_stored(ws, "SELECT source_row, column_name, rule FROM field_issues"))


def _book(
    path: Path, rows: list[list[Any]], title: str = "Extract", errors: dict[str, str] | None = None
) -> Path:
    """A workbook as openpyxl writes it: formulas are saved with no value; ``errors``: cell -> #N/A..."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for ref, error in (errors or {}).items():
        sheet[ref].value = error
        sheet[ref].data_type = "e"
    book.save(path)
    return path


def _rows(n: int) -> list[list[Any]]:
    return [
        [
            f"P{i}",
            f"Name{i}",
            "Smith",
            "2005-01-01",
            "SW1A 1AA",
            "arrest",
            f"2018-01-{i % 28 + 1:02d}",
            "Team A",
        ]
        for i in range(n)
    ]


def test_formulas_without_a_saved_value_are_field_issues(ws, tmp_path) -> None:
    """Formula cells in optional fields: the record is kept, one formula_without_value issue per cell."""
    rows = _rows(12)
    formulas = {(3, "dob"), (5, "postcode"), (5, "team"), (9, "dob")}  # (data row, column)
    for i, column in formulas:
        rows[i][HEADER.index(column)] = f'=A{i + 2}&"x"'
    path = _book(tmp_path / "formulas.xlsx", [HEADER, *rows])
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert (file.rows_read, file.accepted, file.quarantined) == (len(rows), len(rows), 0)
    assert _issues(ws) == {(i + 2, column, "formula_without_value") for i, column in formulas}
    dobs = dict(_stored(ws, "SELECT source_row, dob FROM records"))
    assert [r for r, d in dobs.items() if d is None] == sorted(i + 2 for i, c in formulas if c == "dob")
    (value,) = _stored(ws, "SELECT value FROM field_issues WHERE source_row = 5")
    assert value == ('=A5&"x"',)


def test_a_formula_in_the_event_date_quarantines_its_row(ws, tmp_path) -> None:
    """The event date cannot be placed: those rows are quarantined under formula_without_value."""
    rows = _rows(10)
    dated = [2, 7]
    for i in dated:
        rows[i][HEADER.index("event_date")] = "=TODAY()"
    path = _book(tmp_path / "dates.xlsx", [HEADER, *rows])
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert (file.accepted, file.quarantined) == (len(rows) - len(dated), len(dated))
    assert dict(file.reasons) == {"formula_without_value": len(dated)}
    quarantined = _stored(ws, "SELECT source_row, column_name, value, raw FROM quarantine")
    assert [(r, c, v) for r, c, v, _ in quarantined] == [(i + 2, "event_date", "=TODAY()") for i in dated]
    assert json.loads(quarantined[0][3])["event_date"] == "=TODAY()"  # the raw row keeps the formula


def test_excel_error_cells_are_field_issues(ws, tmp_path) -> None:
    """#N/A, #REF!, #VALUE!, #DIV/0! are never silent empties: one excel_error issue each."""
    rows = _rows(8)
    errors = {"H2": "#N/A", "H3": "#REF!", "E4": "#VALUE!", "D9": "#DIV/0!"}
    path = _book(tmp_path / "errors.xlsx", [HEADER, *rows], errors=errors)
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert (file.accepted, file.quarantined, file.field_issues) == (len(rows), 0, len(errors))
    letters = {chr(ord("A") + i): h for i, h in enumerate(HEADER)}
    expected = {(int(ref[1:]), letters[ref[0]], "excel_error") for ref in errors}
    assert _issues(ws) == expected
    values = {v for (v,) in _stored(ws, "SELECT value FROM field_issues")}
    assert values == set(errors.values())


def test_annex_a_lists_10_and_11_with_uncalculated_formulas(ws, tmp_path) -> None:
    """An Annex A workbook written by a script: formula dates are issues, or quarantine when required."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    adoption = book.create_sheet("List 10")
    adoption.append(
        [
            "Child Unique ID",
            "Gender",
            "Date of Birth",
            "Date of Decision that Child Should be Placed for Adoption",
            "Date of Adoption Order",
        ]
    )
    adopters = book.create_sheet("List 11")
    adopters.append(["Individual adopter identifier", "Date enquiry received", "Date Stage 1 started"])
    formula_dates = 0
    for i in range(6):
        dob = "=DATE(2015,1,1)" if i % 2 else "2015-01-01"
        formula_dates += dob.startswith("=")
        adoption.append([f"C{i}", "a) Male", dob, "2018-01-01", "=C2+400"])
    for i in range(4):
        adopters.append([f"A{i}", "=TODAY()" if i == 1 else "2018-03-01", "=B2+7"])
    path = tmp_path / "annex.xlsx"
    book.save(path)
    (file,) = load_files(ws, [path], agency="csc", today=TODAY).files
    sheets = {s.sheet: s for s in file.sheets}
    # List 10: the dob formulas and every adoption-order formula are issues; all rows kept
    assert (sheets["List 10"].accepted, sheets["List 10"].quarantined) == (6, 0)
    assert dict(sheets["List 10"].issues) == {"formula_without_value": formula_dates + 6}
    # List 11: the enquiry date is the event date: its formula quarantines the row
    assert (sheets["List 11"].accepted, sheets["List 11"].quarantined) == (3, 1)
    assert dict(sheets["List 11"].reasons) == {"formula_without_value": 1}
    assert dict(sheets["List 11"].issues) == {"formula_without_value": 3}
    assert file.rows_read == file.accepted + file.quarantined == 10


def test_nul_bytes_cost_only_their_cells(ws, tmp_path) -> None:
    """A NUL byte is a field issue of its cell (a required one quarantines the row); other rows load."""
    lines = [",".join(HEADER)]
    nul_cells = {(4, "last_name"), (7, "team"), (9, "first_name")}
    nul_required = 12
    for i, row in enumerate(_rows(15)):
        for column in [c for r, c in nul_cells if r == i]:
            row[HEADER.index(column)] = row[HEADER.index(column)][:2] + "\x00" + row[HEADER.index(column)][2:]
        if i == nul_required:
            row[0] = "P\x0012"
        lines.append(",".join(row))
    path = tmp_path / "nul.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert file.status == "loaded", file.message
    assert (file.rows_read, file.accepted, file.quarantined) == (15, 14, 1)
    assert dict(file.reasons) == {"nul_byte": 1}
    assert _issues(ws) == {(r + 2, c, "nul_byte") for r, c in nul_cells}
    (message,) = _stored(ws, "SELECT message FROM quarantine")
    assert "agency_person_id 'P\ufffd12' holds a NUL byte" in message[0]


@pytest.mark.parametrize("where", [3, 9])
def test_an_unclosed_quote_costs_only_its_row(ws, tmp_path, where: int) -> None:
    """The row with the quote is set aside naming its line; every other row loads (also at the end)."""
    rows = _rows(10)
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    lines[where + 1] = lines[where + 1].replace("Name", '"Name', 1)  # a quote opened, never closed
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert (file.rows_read, file.accepted, file.quarantined) == (10, 9, 1)
    (row, rule, message) = _stored(ws, "SELECT source_row, rule, message FROM quarantine")[0]
    assert (row, rule) == (where + 2, "unclosed_quote")
    assert message.startswith(f"A quote opened on line {where + 2} of the file is never closed")
    ids = {r for (r,) in _stored(ws, "SELECT agency_person_id FROM records")}
    assert ids == {f"P{i}" for i in range(10)} - {f"P{where}"}


def test_a_quoted_field_with_line_breaks_still_reads_beside_a_broken_quote(ws, tmp_path) -> None:
    """A quoted field holding a line break is one row; the broken quote further on costs its row only."""
    text = (
        ",".join(HEADER) + "\n"
        'P1,"Ann\nMarie",Smith,2005-01-01,SW1A 1AA,arrest,2018-01-01,Team A\n'
        'P2,"Bo,Smith,2005-01-01,SW1A 1AA,arrest,2018-01-02,Team A\n'
        "P3,Cy,Smith,2005-01-01,SW1A 1AA,arrest,2018-01-03,Team A\n"
    )
    path = tmp_path / "lines.csv"
    path.write_text(text, encoding="utf-8")
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert (file.rows_read, file.accepted, dict(file.reasons)) == (3, 2, {"unclosed_quote": 1})
    assert _stored(ws, "SELECT source_row, first_name FROM records ORDER BY id") == [
        (2, "Ann Marie"),
        (4, "Cy"),
    ]
    assert _stored(ws, "SELECT message FROM quarantine")[0][0].startswith(
        "A quote opened on line 4 of the file"
    )


def _police_file(path: Path, n: int) -> Path:
    types = ["police_incident", "arrest", "crime_victim"]
    lines = ["agency_person_id,event_type,event_date"]
    lines += [f"P{i},{types[i % 3]},2018-01-{i % 28 + 1:02d}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_police_file_given_as_health_is_refused_naming_police(run, ws, tmp_path) -> None:
    """Exit 8 naming the likely agency; nothing added; --force loads it; --agency Police works."""
    path = _police_file(tmp_path / "extract.csv", 30)
    refused = run("-w", str(ws.root), "load", str(path), "--agency", "health")
    assert refused.exit_code == ExitCode.CONFLICT
    assert refused.stderr.startswith(
        "Error: extract.csv: its records look like Police records (police), not health: 30 of its 30 rows "
        "with an event type that only one agency records are police event types (arrest 10, crime_victim 10, "
        "police_incident 10); nothing of it was added. Load it with --agency police, or add --force"
    )
    assert _stored(ws, "SELECT count(*) FROM records") == [(0,)]
    forced = run("-w", str(ws.root), "load", str(path), "--agency", "health", "--force", "--json")
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["totals"]["accepted"] == 30


def test_agency_names_ignore_case_and_a_typo_gets_a_suggestion(ws, tmp_path) -> None:
    """--agency Police loads as police; polce is refused with 'Did you mean police?'."""
    path = _police_file(tmp_path / "p.csv", 6)
    (file,) = load_files(ws, [path], agency="Police", today=TODAY).files
    assert (file.status, file.agency, file.accepted) == ("loaded", "police", 6)
    with pytest.raises(UsageError) as caught:
        load_files(ws, [path], agency="polce", today=TODAY)
    assert str(caught.value) == (
        "unknown agency 'polce'. Did you mean police? "
        "Use one of: csc, police, health, probation, yos, education."
    )


def test_a_few_rows_of_another_agency_are_not_refused(ws, tmp_path) -> None:
    """A health file with one arrest among its own events loads: only a clear majority is refused."""
    lines = ["agency_person_id,event_type,event_date"]
    lines += [f"H{i},ae_attendance,2018-01-02" for i in range(9)] + ["H9,arrest,2018-01-03"]
    path = tmp_path / "health.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (file,) = load_files(ws, [path], agency="health", today=TODAY).files
    assert (file.status, file.accepted) == ("loaded", 10)


def _annex_list_3_csv(path: Path) -> tuple[Path, int]:
    header = [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of Referral",
        "Referral Source",
        "Allocated Team",
        "Allocated Worker",
    ]
    rows = [
        [f"{1000 + i}", "a) Male", "WBRI", "2010-01-01", "8", f"2018-02-{i + 1:02d}", "1B", "Team", "W"]
        for i in range(7)
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path, len(rows)


def test_an_annex_a_list_saved_as_csv_under_another_name_is_recognised(ws, tmp_path) -> None:
    """The header says List 3: the rows load as referrals; under police it is refused (exit 2)."""
    path, n = _annex_list_3_csv(tmp_path / "export 2018-02.csv")
    (file,) = load_files(ws, [path], agency="csc", today=TODAY).files
    assert (file.status, file.mapping, file.accepted) == ("loaded", "annex-a", n)
    assert _stored(ws, "SELECT DISTINCT event_type, source FROM records") == [
        ("referral", "1B: Individual - acquaintance")
    ]
    (wrong,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert (wrong.status, wrong.exit_code) == ("error", ExitCode.USAGE)
    assert wrong.message.startswith(
        "export 2018-02.csv: is an Ofsted Annex A list (List 3, Referrals) saved as CSV"
    )


def test_a_partial_mapping_warns_of_canonical_columns_left_in_extra(run, ws, tmp_path) -> None:
    """A column named nhs_number that the mapping does not map is kept in extra, with a warning."""
    mapping = tmp_path / "ours.yaml"
    mapping.write_text(
        "name: ours\nfields:\n  agency_person_id: [Ref]\n  event_type: [Type]\n  event_date: [When]\n",
        encoding="utf-8",
    )
    path = tmp_path / "ours.csv"
    rows = [f"R{i},arrest,2018-01-0{i + 1},9434765919,2005-01-01" for i in range(4)]
    path.write_text("Ref,Type,When,nhs_number,dob\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = run("-w", str(ws.root), "load", str(path), "--agency", "police", "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"Warning: ours.csv: the column {name!r} has the name of the canonical field {name}, but the mapping "
        "'ours' does not map it, so it is kept in extra, where linkage and the chronologies do not use it. "
        f"To use it, add it under fields: {name}: [{name}]."
        for name in ("nhs_number", "dob")
    ]
    extras = [json.loads(e) for (e,) in _stored(ws, "SELECT extra FROM records")]
    assert extras == [{"nhs_number": "9434765919", "dob": "2005-01-01"}] * len(rows)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "page.xlsx",
            b"<!DOCTYPE html>\n<html><body><table><tr><td>ID</td></tr></table></body></html>",
            "page.xlsx: is a web page (HTML), not a CSV or Excel file, whatever its name says; it was "
            "probably saved from a browser or a report viewer. Export or download the data itself as .xlsx "
            "or CSV from the source system, and load that.",
        ),
        (
            "bom.csv",
            b"\xef\xbb\xbf",
            "bom.csv: the file is empty (it holds only a byte-order mark or blank lines, no header and no "
            "rows). Export it again from the source system.",
        ),
    ],
)
def test_files_that_are_not_extracts_get_a_message_that_points_the_right_way(
    ws, tmp_path, name: str, content: bytes, message: str
) -> None:
    """A web page saved as .xlsx, a file of only a byte-order mark: what they are, also with a mapping."""
    path = tmp_path / name
    path.write_bytes(content)
    for mapping in (None, "annex-a"):
        (file,) = load_files(ws, [path], agency="csc", mapping=mapping, today=TODAY).files
        assert (file.status, file.exit_code, file.message) == ("error", ExitCode.BAD_INPUT, message)


def test_febrl_with_its_postcodes_mapped_loses_no_row(ws, tmp_path) -> None:
    """FEBRL's Australian postcodes and odd birth dates are field issues: all 1,000 people are kept."""
    source = DATA.parent / "febrl" / "febrl-dataset1.csv"  # the copy the linkage smoke test reads
    mapping = tmp_path / "febrl.yaml"
    mapping.write_text(
        "name: febrl\nevent_type: person\nrequired: [agency_person_id]\nfields:\n"
        "  agency_person_id: [rec_id]\n  first_name: [given_name]\n  last_name: [surname]\n"
        "  postcode: [postcode]\n  dob: [date_of_birth]\n",
        encoding="utf-8",
    )
    with source.open(encoding="utf-8", newline="") as handle:
        records = [{k.strip(): v.strip() for k, v in r.items()} for r in csv.DictReader(handle)]
    expected = Counter(_dob_rule(r["date_of_birth"]) for r in records if r["date_of_birth"])
    del expected[""]
    expected["invalid_postcode"] = sum(1 for r in records if r["postcode"])  # 4 digits: never a UK postcode
    (file,) = load_files(ws, [source], agency="health", mapping=str(mapping), today=TODAY).files
    assert (file.rows_read, file.accepted, file.quarantined) == (len(records), len(records), 0)
    rules = Counter(rule for (rule,) in _stored(ws, "SELECT rule FROM field_issues"))
    assert rules == expected
    assert expected["unparseable_date"] > 0  # the file does hold impossible dates


def _dob_rule(text: str) -> str:
    """The rule a YYYYMMDD date of birth breaks, or "" (worked out here, not by jtai)."""
    try:
        day = dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return "unparseable_date"
    if day > TODAY:
        return "date_in_future"
    return "date_too_early" if day < dt.date(1900, 1, 1) else ""


def test_a_row_that_names_no_one_is_quarantined_as_no_person(ws, tmp_path) -> None:
    """With no required id, a row without any identifier or name is set aside; one with a name is kept."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "name: loose\nrequired: []\nfields:\n  nhs_number: [NHS]\n  first_name: [Name]\n"
        "  event_type: [Type]\n  event_date: [When]\n",
        encoding="utf-8",
    )
    rows = [("9434765919", "", "arrest"), ("", "Ann", "arrest"), ("", "", "arrest"), ("12345", "", "arrest")]
    path = tmp_path / "loose.csv"
    path.write_text("NHS,Name,Type,When\n" + "".join(f"{a},{b},{c},2018-01-02\n" for a, b, c in rows))
    (file,) = load_files(ws, [path], agency="police", mapping=str(mapping), today=TODAY).files
    nobody = [i + 2 for i, (nhs, name, _) in enumerate(rows) if name == "" and nhs != "9434765919"]
    assert (file.accepted, file.quarantined, dict(file.reasons)) == (
        2,
        len(nobody),
        {"no_person": len(nobody)},
    )
    assert sorted(r for (r,) in _stored(ws, "SELECT source_row FROM quarantine")) == nobody
    assert _issues(ws) == set()  # the bad NHS number's row is quarantined: its raw row holds the value


def test_rows_set_aside_as_loaded_before_keep_no_field_issues(ws, tmp_path) -> None:
    """A re-saved extract repeats records with field issues: its rows are duplicates; no issues stored."""
    lines = [",".join(HEADER)] + [",".join(r) for r in _rows(5)]
    lines[2] = lines[2].replace("SW1A 1AA", "4011")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    second.write_text("\n".join(lines) + "\r\n", encoding="utf-8")  # other bytes, the same rows
    result = load_files(ws, [first, second], agency="police", today=TODAY)
    (a, b) = result.files
    assert (a.accepted, a.field_issues) == (5, 1)
    assert (b.accepted, b.quarantined, b.field_issues, dict(b.reasons)) == (0, 5, 0, {"duplicate_row": 5})
    assert _stored(
        ws, "SELECT f.name, i.source_row FROM field_issues i JOIN files f ON f.id = i.file_id"
    ) == [("a.csv", 3)]


def test_unload_removes_a_files_field_issues(ws, tmp_path) -> None:
    """jtai unload takes the file's field issues with its records, and says how many."""
    from jtai.ingest.unload import unload_files

    lines = [",".join(HEADER)] + [",".join(r) for r in _rows(4)]
    lines[1], lines[3] = lines[1].replace("SW1A 1AA", "4011"), lines[3].replace("2005-01-01", "2005-02-30")
    path = tmp_path / "issues.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_files(ws, [path], agency="police", today=TODAY)
    assert len(_issues(ws)) == 2
    (done,) = unload_files(ws, [str(path)])
    assert (done.removed["records"], done.removed["field_issues"]) == (4, 2)
    assert _issues(ws) == set()

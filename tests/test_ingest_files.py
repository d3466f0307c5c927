"""Files at the edges: UTF-16 and damaged UTF-8 text, header-only files, workbook sheets."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from jtai.errors import ExitCode, InputError
from jtai.ingest import load_files
from jtai.ingest.encoding import decode, kind_of

TODAY = dt.date(2026, 1, 1)
TEXT = "agency_person_id,last_name,event_type\r\nP1,O\u2019Neill,arrest\r\nP2,Smith,arrest\r\n"


def _names(ws) -> list[str]:  # type: ignore[no-untyped-def]
    with sqlite3.connect(ws.db_path) as conn:
        return [r[0] for r in conn.execute("SELECT last_name FROM records ORDER BY id")]


def test_utf16_with_a_stray_last_byte_is_one_error_and_others_load(ws, tmp_path) -> None:
    """UTF-16 cut short by a byte is an error of its own (exit 4); the files around it load."""
    odd = tmp_path / "utf16-odd.csv"
    odd.write_bytes(TEXT.encode("utf-16") + b"x")
    good = tmp_path / "good.csv"
    good.write_text(TEXT, encoding="utf-8")
    result = load_files(ws, [odd, good], agency="police", today=TODAY)
    assert [f.status for f in result.files] == ["error", "loaded"]
    assert result.files[0].exit_code == ExitCode.BAD_INPUT
    assert result.files[0].message == (
        "utf16-odd.csv: is UTF-16 text, but its last character is cut off (the file has an odd number "
        "of bytes). The file was damaged in copying or export: export it again from the source system, "
        "as CSV UTF-8 if it offers that."
    )
    assert result.accepted == 2


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(ws, tmp_path, encoding: str) -> None:
    """UTF-16 without a byte-order mark is recognised as text, not refused as binary."""
    path = tmp_path / "nobom.csv"
    path.write_bytes(TEXT.encode(encoding))
    assert kind_of(path.read_bytes()) == "csv"
    result = load_files(ws, [path], agency="police", today=TODAY)
    assert (result.files[0].status, result.accepted) == ("loaded", 2)
    assert _names(ws) == ["O\u2019Neill", "Smith"]


def test_binary_data_with_nuls_is_still_binary() -> None:
    """NUL bytes that do not pair with printable text are still refused as binary."""
    with pytest.raises(InputError, match="holds binary data"):
        kind_of(bytes(range(256)) * 8)


def test_utf8_with_one_bad_byte_is_refused_naming_the_line(ws, tmp_path) -> None:
    """UTF-8 text with one byte that is not UTF-8 is not garbled as Windows-1252: one clear error."""
    path = tmp_path / "damaged.csv"
    path.write_bytes(TEXT.encode("utf-8").replace(b"Smith", b"Sm\x92th"))
    result = load_files(ws, [path], agency="police", today=TODAY)
    (file,) = result.files
    assert (file.status, file.exit_code) == ("error", ExitCode.BAD_INPUT)
    assert file.message == (
        "damaged.csv: is UTF-8 text except at line 3: byte 66 of the file (0x92) is not UTF-8. "
        "Reading the file in another encoding would garble its other characters. Open it, correct "
        "that character, and save it as UTF-8 (in Excel: Save As > CSV UTF-8), then load it again."
    )
    assert path.read_bytes()[65:66] == b"\x92"  # the 66th byte
    assert _names(ws) == []


def test_windows_1252_text_still_loads(ws, tmp_path) -> None:
    """Text with no valid UTF-8 sequence is Windows-1252, read as before."""
    path = tmp_path / "cp1252.csv"
    path.write_bytes(TEXT.replace("Smith", "Beyonc\u00e9").encode("cp1252"))
    result = load_files(ws, [path], agency="police", today=TODAY)
    assert result.accepted == 2
    assert _names(ws) == ["O\u2019Neill", "Beyonc\u00e9"]


def test_bad_utf8_counts_the_bytes_after_the_first() -> None:
    """The message says how many more bytes are not UTF-8, and counts a BOM as bytes of the file."""
    data = b"\xef\xbb\xbf" + "a\n\u2019\u2019\u2019\n".encode() + b"\x92\x93\n"
    with pytest.raises(InputError, match=r"line 3: byte 16 of the file \(0x92\) is not UTF-8; 1 more"):
        decode(data)


@pytest.mark.parametrize(
    "content",
    [b"agency_person_id,event_type", b"agency_person_id,event_type\n,\n", b"agency_person_id,event_type\n"],
    ids=["no-line-break", "row-of-commas", "header-only"],
)
def test_header_without_data_rows_is_one_error(ws, tmp_path, content: bytes) -> None:
    """A header with no line break, or with only a row of commas, reads as a header-only file."""
    path = tmp_path / "h.csv"
    path.write_bytes(content)
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert (file.status, file.exit_code) == ("error", ExitCode.BAD_INPUT)
    assert file.message == (
        "h.csv, row 1: has a header row but no data rows. Check the export; an empty extract adds nothing."
    )


def test_unclosed_quote_after_the_header_is_still_a_parse_error(ws, tmp_path) -> None:
    """A damaged line after a header without data is not mistaken for an empty file."""
    path = tmp_path / "q.csv"
    path.write_bytes(b'agency_person_id,event_type\n"P1,arrest')
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert (file.status, file.rows_read, dict(file.reasons)) == ("loaded", 1, {"unclosed_quote": 1})


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


LIST_1 = [
    ["Child Unique ID", "Gender", "Date of Birth", "Date of Contact"],
    ["1001", "a) Male", "2010-05-01", "2018-01-10"],
]


def test_a_known_sheet_without_a_header_rejects_the_workbook(ws, tmp_path) -> None:
    """A list the mapping names whose header is not found stops the file: no rows silently lost."""
    path = _workbook(
        tmp_path / "annex.xlsx",
        {"List 1": LIST_1, "List 3": [["Kid", "Referred on"], ["1001", "2018-01-10"]]},
    )
    (file,) = load_files(ws, [path], agency="csc", today=TODAY).files
    assert (file.status, file.exit_code) == ("error", ExitCode.BAD_INPUT)
    assert file.message.startswith(
        "annex.xlsx, sheet 'List 3': no header row found in the first 30 rows (no column has a name the "
        "mapping knows), so its 2 rows cannot be read; nothing of the workbook was added. Check the sheet"
    )
    assert _names(ws) == []


def test_unknown_and_empty_sheets_are_skipped_and_say_so(ws, tmp_path) -> None:
    """A cover sheet the mapping does not name, and an empty list, are listed as skipped."""
    path = _workbook(
        tmp_path / "annex.xlsx",
        {"Cover": [["Annex A return for Seaborough"]], "List 1": LIST_1, "List 2": []},
    )
    (file,) = load_files(ws, [path], agency="csc", today=TODAY).files
    assert file.status == "loaded", file.message
    assert {s.sheet: (s.rows_read, s.skipped) for s in file.sheets} == {
        "List 1": (1, None),
        "Cover": (0, "the mapping has no sheet of this name"),
        "List 2": (0, "the sheet is empty"),
    }


def test_annex_a_workbook_is_for_childrens_social_care_only(ws, tmp_path) -> None:
    """An Annex A workbook given as police data is refused as a usage error; nothing is stored."""
    path = _workbook(tmp_path / "annex.xlsx", {"List 1": LIST_1})
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert (file.status, file.exit_code) == ("error", ExitCode.USAGE)
    assert file.message == (
        "annex.xlsx: is an Ofsted Annex A workbook (sheets 'List 1'), the return of children's social care, "
        "so it cannot be loaded as police records. Load it with --agency csc."
    )
    assert _names(ws) == []


LIST_3 = [
    ["Child Unique ID", "Gender", "Date of Birth", "Date of Referral"],
    ["1001", "a) Male", "2010-05-01", "2018-01-10"],
    ["1002", "b) Female", "2011-06-02", "2018-01-11"],
]


def test_a_sheet_repeating_an_earlier_sheets_rows_quarantines_them(ws, tmp_path) -> None:
    """Two sheets of one list (List 3, Referrals): the repeated rows are duplicates, each row counted once."""
    more = [*LIST_3, ["1003", "a) Male", "2012-07-03", "2018-01-12"]]
    path = _workbook(tmp_path / "annex.xlsx", {"List 3": LIST_3, "Referrals": more})
    (file,) = load_files(ws, [path], agency="csc", today=TODAY).files
    assert file.status == "loaded", file.message
    assert [(s.sheet, s.rows_read, s.accepted, s.quarantined) for s in file.sheets] == [
        ("List 3", 2, 2, 0),
        ("Referrals", 3, 1, 2),
    ]
    with sqlite3.connect(ws.db_path) as conn:
        records = conn.execute("SELECT sheet, la_child_id FROM records ORDER BY id").fetchall()
        held = conn.execute("SELECT sheet, source_row, rule, message FROM quarantine ORDER BY id").fetchall()
    assert records == [("List 3", "1001"), ("List 3", "1002"), ("Referrals", "1003")]
    assert held == [
        ("Referrals", 2, "duplicate_row", "The same values as sheet List 3, row 2; loaded once."),
        ("Referrals", 3, "duplicate_row", "The same values as sheet List 3, row 3; loaded once."),
    ]

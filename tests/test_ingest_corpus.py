"""The corpus of bad and awkward files: each gives its documented outcome, never a traceback.

The files are in tests/data/ingest/corpus (written by make_corpus.py there); docs/ingest.md
lists the same outcomes for users.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from jtai.ingest import load_files

CORPUS = Path(__file__).resolve().parent / "data" / "ingest" / "corpus"
TODAY = dt.date(2026, 1, 1)

# file -> (rows read, accepted, quarantined, reasons) for files that load
LOADS: dict[str, tuple[int, int, int, dict[str, int]]] = {
    "utf8-bom.csv": (2, 2, 0, {}),
    "cp1252.csv": (2, 2, 0, {}),
    "utf16.csv": (2, 2, 0, {}),
    "semicolon.csv": (2, 2, 0, {}),
    "tab.tsv": (2, 2, 0, {}),
    "junk-header-rows.csv": (2, 2, 0, {}),
    "blank-lines.csv": (2, 2, 0, {}),
    "xls-renamed.xlsx": (2, 2, 0, {}),
    "ragged.csv": (4, 2, 2, {"ragged_row": 2}),
    "unclosed-quote.csv": (3, 2, 1, {"unclosed_quote": 1}),  # the row after it loads
    "bad-dates.csv": (3, 2, 1, {"unparseable_date": 1}),  # a bad dob is a field issue
    "future-date.csv": (2, 1, 1, {"date_in_future": 1}),  # the event date
    "date-too-early.csv": (2, 2, 0, {}),  # the dob: a field issue
    "birth-after-event.csv": (2, 2, 0, {}),
    "end-before-start.csv": (2, 2, 0, {}),
    "unknown-event-type.csv": (2, 1, 1, {"unknown_code": 1}),
    "unknown-flag.csv": (2, 2, 0, {}),
    "bad-sex.csv": (2, 2, 0, {}),
    "missing-required.csv": (3, 1, 2, {"missing_required": 2}),
    "duplicate-rows.csv": (4, 2, 2, {"duplicate_row": 2}),
    "bad-nhs.csv": (3, 3, 0, {}),
    "bad-postcode.csv": (2, 2, 0, {}),
}
# file -> field issues (rule: count) of the accepted rows, for files that have some
ISSUES: dict[str, dict[str, int]] = {
    "bad-dates.csv": {"unparseable_date": 1},
    "date-too-early.csv": {"date_too_early": 1},
    "birth-after-event.csv": {"birth_after_event": 1},
    "end-before-start.csv": {"end_before_start": 1},
    "unknown-flag.csv": {"unknown_code": 1},
    "bad-sex.csv": {"unknown_code": 1},
    "bad-nhs.csv": {"invalid_nhs_number": 2},
    "bad-postcode.csv": {"invalid_postcode": 1},
}
# file -> the whole error message for files that cannot be read at all
ERRORS: dict[str, str] = {
    "empty.csv": "empty.csv: the file is empty (0 bytes). Export it again from the source system.",
    "binary.csv": "binary.csv: is not a CSV or Excel file (it holds binary data). "
    "Export the data as CSV or .xlsx and load that.",
    "header-only.csv": "header-only.csv, row 1: has a header row but no data rows. "
    "Check the export; an empty extract adds nothing.",
    "no-header.csv": "no-header.csv: no header row found in the first 30 rows (no column has a name the "
    "mapping knows). Check the file is the right extract for this agency, or give a --mapping.",
    "missing-required-column.csv": "missing-required-column.csv, row 1: there is no column for the required "
    "field 'event_type' (looked for: 'event_type'). Rename the column, or give a --mapping that names it.",
    "not-a-workbook.xlsx": "not-a-workbook.xlsx: is a ZIP file but not an Excel workbook. Load the .xlsx or "
    ".csv file itself, not an archive or another Office document.",
    "damaged.xlsx": "damaged.xlsx: is damaged: it starts like an .xlsx file but is not complete. "
    "Copy or export it again from the source system.",
    "encrypted.xlsx": "encrypted.xlsx: is password-protected (encrypted), so it cannot be read. Open it in "
    "Excel, remove the password (File > Info > Protect Workbook), save, and load it again.",
}


def test_corpus_is_complete() -> None:
    """Every corpus file has an expected outcome, and there are at least 25 bad files."""
    files = {p.name for p in CORPUS.iterdir()}
    assert files == set(LOADS) | set(ERRORS) | {"annex-a-messy.xlsx"}
    assert len(files) >= 25


@pytest.mark.parametrize("name", sorted(LOADS))
def test_corpus_file_loads_with_its_outcome(ws, name: str) -> None:
    """The file loads; its rows are accounted for with the expected reasons and field issues."""
    result = load_files(ws, [CORPUS / name], agency="police", today=TODAY)
    (file,) = result.files
    assert file.status == "loaded", file.message
    assert (file.rows_read, file.accepted, file.quarantined, dict(file.reasons)) == LOADS[name]
    assert file.rows_read == file.accepted + file.quarantined
    assert dict(sum((s.issues for s in file.sheets), Counter())) == ISSUES.get(name, {})


def test_corpus_unreadable_files_are_one_clear_error_each(ws) -> None:
    """Each unreadable file is one error with its message; a good file in the same load still loads."""
    names = sorted(ERRORS)
    result = load_files(
        ws, [*(CORPUS / n for n in names), CORPUS / "semicolon.csv"], agency="police", today=TODAY
    )
    assert [f.status for f in result.files] == ["error"] * len(names) + ["loaded"]
    assert {f.name: f.message for f in result.files[:-1]} == ERRORS
    assert result.accepted == 2


def test_corpus_rows_keep_their_spreadsheet_row_numbers(ws) -> None:
    """Quarantined rows point at the row a spreadsheet shows, below junk and blank lines too."""
    import sqlite3

    load_files(
        ws,
        [CORPUS / "ragged.csv", CORPUS / "junk-header-rows.csv", CORPUS / "blank-lines.csv"],
        agency="police",
        today=TODAY,
    )
    with sqlite3.connect(ws.db_path) as conn:
        quarantined = conn.execute(
            "SELECT source_row, rule, message, raw FROM quarantine WHERE rule = 'ragged_row' ORDER BY id"
        ).fetchall()
        quarantined_later = conn.execute(
            "SELECT source_row, message FROM quarantine WHERE rule = 'duplicate_row' ORDER BY id"
        ).fetchall()
        rows = conn.execute(
            "SELECT f.name, source_row FROM records r JOIN files f ON f.id = r.file_id"
        ).fetchall()
    assert quarantined == [
        (
            3,
            "ragged_row",
            "The row has 13 fields; the header has 11.",
            '{"line": "P5,,A,B,2005-01-01,F,,arrest,2018-01-01,,,extra,fields"}',
        ),
        (4, "ragged_row", "The row has 4 fields; the header has 11.", '{"line": "P6,,A,B"}'),
    ]
    # the good rows of the other two files repeat those of ragged.csv: quarantined, by their rows
    assert [q[0] for q in quarantined_later] == [5, 6, 2, 5]
    assert quarantined_later[0][1] == (
        "The same values as record R1 (ragged.csv, row 2), loaded before; not added again."
    )
    assert rows == [("ragged.csv", 2), ("ragged.csv", 5)]

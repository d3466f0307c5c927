"""Data-quality profile and quarantine listing from the library."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jtai.ingest import load_files
from jtai.ingest.profile import profile, quarantine_rows

DATA = Path(__file__).resolve().parent / "data" / "ingest"


def test_profile_counts_event_types_and_completeness(ws) -> None:
    """Per agency: records by event type, shares of key fields filled, quarantine by rule."""
    load_files(ws, [DATA / "liia-tools-Annex_A.xlsx"], agency="csc", today=dt.date(2026, 1, 1))
    load_files(ws, [DATA / "corpus" / "bad-dates.csv"], agency="police", today=dt.date(2026, 1, 1))
    data = profile(ws)["agencies"]
    assert list(data) == ["csc", "police"]
    csc = data["csc"]
    assert csc["records"] == 59
    assert csc["event_types"] == {
        "child_protection_plan": 7,
        "care_leaver": 6,
        "referral": 6,
        "adopter": 5,
        "adoption": 5,
        "assessment": 5,
        "child_in_need": 5,
        "contact": 5,
        "early_help": 5,
        "looked_after": 5,
        "section_47": 5,
    }
    assert csc["completeness"] == {
        "nhs_number": 0.0,
        "dob": 0.8136,  # 48 of 59: the 5 born after their event are kept without a dob
        "first_name": 0.0,
        "last_name": 0.0,
        "postcode": 0.0,
        "la_child_id": 0.9153,
    }
    assert csc["quarantined"] == {}
    assert csc["field_issues"] == {"birth_after_event": 5, "excel_error": 10}
    assert data["police"]["quarantined"] == {"unparseable_date": 1}
    assert data["police"]["field_issues"] == {"unparseable_date": 1}


def test_quarantine_rows_keep_the_raw_row(ws) -> None:
    """Each quarantined row comes back with where it was, why, and all its raw cells."""
    load_files(ws, [DATA / "corpus" / "bad-dates.csv"], agency="police", today=dt.date(2026, 1, 1))
    first = quarantine_rows(ws)[0]
    assert {k: first[k] for k in ("file", "agency", "sheet", "row", "column", "value", "rule")} == {
        "file": "bad-dates.csv",
        "agency": "police",
        "sheet": "",
        "row": 4,
        "column": "event_date",
        "value": "yesterday",
        "rule": "unparseable_date",
    }
    assert first["raw"]["agency_person_id"] == "P9"
    assert first["message"] == "event_date 'yesterday' is not a date; write DD/MM/YYYY or YYYY-MM-DD."


def test_quarantine_export_neutralises_formulas(ws, tmp_path) -> None:
    """A raw value that a spreadsheet would run as a formula is exported with a leading quote."""
    import csv

    from jtai.ingest.profile import export_quarantine

    source = tmp_path / "p.csv"
    source.write_text('agency_person_id,event_type,event_date\nP1,arrest,=HYPERLINK("x")\n', encoding="utf-8")
    load_files(ws, [source], agency="police", today=dt.date(2026, 1, 1))
    target = tmp_path / "q.csv"
    assert export_quarantine(ws, target) == 1
    with target.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["value"] == '\'=HYPERLINK("x")'
    assert (
        row["raw"]
        == '{"agency_person_id": "P1", "event_type": "arrest", "event_date": "=HYPERLINK(\\"x\\")"}'
    )


def test_library_queries_refuse_an_unknown_rule_or_agency(ws) -> None:
    """Quarantine and field-issue rows and counts check their filters, called from the library too."""
    import pytest

    from jtai.errors import UsageError
    from jtai.ingest.profile import field_issue_count, field_issue_rows, quarantine_count

    for query in (quarantine_rows, quarantine_count, field_issue_rows, field_issue_count):
        with pytest.raises(UsageError, match="nonsense"):
            query(ws, rule="nonsense")
        with pytest.raises(UsageError):
            query(ws, agency="nowhere")

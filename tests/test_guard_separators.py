"""The anonymity guard reads identifiers, postcodes and birth dates however they are separated."""

from __future__ import annotations

from pathlib import Path

import pytest
from _report_helpers import CLEAN_FINDINGS, write_findings

from jtai import workspace
from jtai.anonymity.guard import IdentifyingIndex
from jtai.store.records import insert_records

CHILD = {
    "first_name": "Keziah",
    "last_name": "Trevanion",
    "dob": "2005-11-28",
    "postcode": "SB1 0SR",
    "la_child_id": "1000284",
    "nhs_number": "9999355307",
    "upn": "R999705916887",
    "sex": "female",
}


@pytest.fixture
def index() -> IdentifyingIndex:
    """The child above: NHS 9999355307, UPN R999705916887, LA id 1000284, SB1 0SR, born 2005-11-28."""
    ix = IdentifyingIndex()
    ix.add_name(CHILD["first_name"], CHILD["last_name"])
    for key in ("la_child_id", "nhs_number", "upn"):
        ix.add_identifier(CHILD[key])
    ix.add_date_of_birth(CHILD["dob"])
    ix.add_postcode(CHILD["postcode"])
    return ix


WRITTEN = [
    ("NHS 999\u2013935\u20135307 was checked.", "identifier"),  # en dashes, as Word writes them
    ("NHS 999\u2011935\u20115307 was checked.", "identifier"),  # non-breaking hyphens
    ("NHS 999\u2014935\u22125307", "identifier"),  # an em dash and a minus sign
    ("NHS 999.935.5307", "identifier"),
    ("NHS (999) 935 5307", "identifier"),
    ("NHS 9999 355 307", "identifier"),
    ("NHS 999\u00a0935\u202f5307", "identifier"),  # a no-break space and a narrow one
    ("NHS 999\u2009935\u20095307", "identifier"),  # thin spaces
    ("NHS 999 _ 935 / 5307", "identifier"),
    ("NHS9999355307", "identifier"),
    ("nhs9999355307 was checked", "identifier"),
    ("UPN R 999705916887", "identifier"),
    ("UPN R 9997 0591 6887", "identifier"),
    ("UPNR999705916887", "identifier"),
    ("LA id 1000 284", "identifier"),
    ("LA1000284", "identifier"),
    ("LA-1000284", "identifier"),
    ("at SB1-0SR", "postcode"),
    ("at SB1/0SR", "postcode"),
    ("at SB1.0SR", "postcode"),
    ("at SB1_0SR", "postcode"),
    ("at sb1\u20130sr", "postcode"),
    ("born 20051128", "date of birth"),
    ("born 28112005", "date of birth"),
    ("born 28 / 11 / 2005", "date of birth"),
    ("born 28 - 11 - 2005", "date of birth"),
    ("born 28\u201311\u20132005", "date of birth"),
    ("born 28_11_2005", "date of birth"),
]


@pytest.mark.parametrize(("text", "kind"), WRITTEN)
def test_separated_forms_hit(index: IdentifyingIndex, text: str, kind: str) -> None:
    """Any run of spaces, dashes, dots, slashes, underscores or brackets between groups is read as nothing."""
    assert [hit.kind for hit in index.scan_text(text)] == [kind]


FINDINGS_TEXT = (
    "Inspectors tracked 20 children and sampled 35 cases across 4 agencies. In 2017/18, 1,284 "
    "contacts were screened, 999 of them within 24 hours; 935 led to a strategy discussion and "
    "5307 were closed (see pages 12-14 and 2017-18 data, para 3.2.1). Since 2005, the area has "
    "recorded 28 / 11 missing episodes per month, and on 28 November 2015 the partnership met. "
    "Of the 1000 referrals, 284 were repeats; SB1 and SB2 areas had 0 SR reports. Page 1 of 10."
)


def test_ordinary_numbers_in_findings_pass(index: IdentifyingIndex) -> None:
    """Counts, years, ranges and page numbers in a realistic finding are not identifiers or dates."""
    assert index.scan_text(FINDINGS_TEXT) == []


@pytest.mark.parametrize("text", ["NHS 99993553070", "19999355307", "UPN R9997059168871", "XSB1 0SR"])
def test_longer_numbers_pass(index: IdentifyingIndex, text: str) -> None:
    """A number that only contains an identifier, or a different postcode, is not a hit."""
    assert index.scan_text(text) == []


@pytest.mark.parametrize(
    "text", [text for text, _ in WRITTEN[:1] + WRITTEN[4:5] + WRITTEN[11:12] + WRITTEN[-5:-4]]
)
def test_cli_letter_refuses_separated_forms(run, tmp_path: Path, text: str) -> None:  # type: ignore[no-untyped-def]
    """The letter naming a loaded child's NHS number, UPN or birth date, however separated: exit 10."""
    ws = workspace.create(tmp_path / "ws", area="Seaborough", framework="exploitation-2018")
    conn = ws.connect()
    try:
        insert_records(conn, [{**CHILD, "child_id": "k1"}], agency="csc")
    finally:
        conn.close()
    write_findings(ws, CLEAN_FINDINGS + f"  - {{kind: main, section: front_door, text: {text!r}}}\n")
    result = run("--workspace", str(ws.root), "report", "letter", "--html", str(tmp_path / "l.html"))
    assert result.exit_code == 10, result.output
    assert not (tmp_path / "l.html").exists()

"""The anonymity guard: names, identifiers, dates of birth and postcodes refuse an output."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from _report_helpers import sample_letter
from hypothesis import given
from hypothesis import strategies as st

from jtai import workspace
from jtai.errors import ExitCode, IdentifyingDataError
from jtai.report.build_letter import public_phrases
from jtai.report.guard import IdentifyingIndex, check_html
from jtai.report.letter import letter_html
from jtai.report.publish import publish


@pytest.fixture
def index() -> IdentifyingIndex:
    """One child: Jayden Smith, born 3 April 2005, NHS 943 476 5919, postcode SS1 2AB."""
    ix = IdentifyingIndex()
    ix.add_name("Jayden", "Smith")
    ix.add_name("Will", "Carter")
    ix.add_name("May", "Young")
    ix.add_name("Ann", "Signer")  # shares the Ofsted signatory's name
    ix.add_identifier("9434765919")
    ix.add_identifier("18/123456A")
    ix.add_identifier("42")  # too short to search
    ix.add_date_of_birth("2005-04-03")
    ix.add_date_of_birth("2018-05-09")  # a baby born on the letter's date
    ix.add_postcode("SS1 2AB")
    return ix


def _kinds(ix: IdentifyingIndex, text: str) -> list[str]:
    return [hit.kind for hit in ix.scan_text(text)]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Jayden went missing twice.", ["name"]),
        ("Work with Smith improved.", ["name"]),
        ("JAYDEN SMITH", ["name"]),
        ("jayden smith", ["name"]),
        ("Will Carter was seen.", ["name"]),
        ("born 3 April 2005", ["date of birth"]),
        ("born 3rd April 2005", ["date of birth"]),
        ("born 3 Apr 2005", ["date of birth"]),
        ("born April 3, 2005", ["date of birth"]),
        ("born 03/04/2005", ["date of birth"]),
        ("born 03/04/2005.", ["date of birth"]),
        ("born 3/4/2005", ["date of birth"]),
        ("born 3.4.05", ["date of birth"]),
        ("born 2005-04-03", ["date of birth"]),
        ("NHS number 943 476 5919", ["identifier"]),
        ("NHS number 9434765919", ["identifier"]),
        ("PNC 18/123456a", ["identifier"]),
        ("lives at SS1 2AB", ["postcode"]),
        ("lives at ss12ab", ["postcode"]),
    ],
)
def test_identifying_text_hits(index: IdentifyingIndex, text: str, kinds: list[str]) -> None:
    """Each usual written form of an identifying value is found."""
    assert _kinds(index, text) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "Will the partnership act on this? It will.",  # 'Will' is an ordinary word
        "In May 2018, young people said they felt safer.",
        "Young people were seen.",
        "a jayden in lower case is not a name in running text",
        "Blacksmith and Smithson are other words",
        "born 4 March 2005 (a different date)",
        "42 children were seen",  # identifiers under 5 characters are not searched
        "SS1 is only the outward code",
        "born 04/03/2006",
    ],
)
def test_ordinary_text_passes(index: IdentifyingIndex, text: str) -> None:
    """Ordinary words, other dates, short numbers and partial postcodes are not hits."""
    assert _kinds(index, text) == []


def test_letter_with_a_childs_details_refused(index: IdentifyingIndex) -> None:
    """Name, ID, both DOB forms and postcode in a letter: refused, each hit located, masked."""
    letter = sample_letter(
        strengths=("Jayden was helped.", "Her NHS number 943 476 5919 was shared."),
        priority_actions=("The child born 3 April 2005 at SS1 2AB.", "Also born 03/04/2005."),
    )
    with pytest.raises(IdentifyingDataError) as caught:
        check_html(index, letter_html(letter), what="The letter", public=public_phrases(letter))
    error = caught.value
    assert error.exit_code == ExitCode.IDENTIFYING == 10
    message = str(error)
    assert message.startswith("The letter would contain identifying data (5 found), so nothing was written: ")
    assert "under 'Key strengths'): a name (J*****)" in message
    assert "under 'Key strengths'): an identifier (9** *** ****)" in message
    assert "under 'Areas for priority action'): a date of birth (3 ***** ****)" in message
    assert "under 'Areas for priority action'): a postcode (S** ***)" in message
    assert "under 'Areas for priority action'): a date of birth (0*/**/****)" in message
    for value in ("Jayden", "943 476 5919", "3 April 2005", "SS1 2AB", "03/04/2005"):
        assert value not in message


def test_settings_text_is_not_searched(index: IdentifyingIndex) -> None:
    """The signatory 'Ann Signer' and the letter's own date do not block a clean letter."""
    letter = sample_letter()
    check_html(index, letter_html(letter), what="The letter", public=public_phrases(letter))


def test_same_name_outside_the_settings_still_hits(index: IdentifyingIndex) -> None:
    """A child's surname equal to a signatory's is still found where the author wrote it."""
    letter = sample_letter(strengths=("Signer was supported well.",))
    with pytest.raises(IdentifyingDataError, match=r"\(1 found\).*'Key strengths'\): a name \(S\*\*\*\*\*\)"):
        check_html(index, letter_html(letter), what="The letter", public=public_phrases(letter))


def test_refused_output_writes_nothing(index: IdentifyingIndex, tmp_path: Path) -> None:
    """When the guard refuses, neither the HTML nor the PDF file exists afterwards."""
    ws = workspace.create(tmp_path / "ws", area="Seaborough", framework="exploitation-2018")
    letter = sample_letter(headline=("Jayden Smith was safer.",))
    pdf, html = ws.reports_dir / "letter.pdf", ws.reports_dir / "letter.html"
    with pytest.raises(IdentifyingDataError):
        publish(
            ws,
            what="The letter",
            html=lambda paged: letter_html(letter, paged=paged),
            pdf_path=pdf,
            html_path=html,
            public=public_phrases(letter),
            index=index,
        )
    assert sorted(p.name for p in ws.reports_dir.iterdir()) == []


def test_scan_is_fast_with_many_children() -> None:
    """200,000 children: building the sets and scanning a long letter take well under seconds."""
    ix = IdentifyingIndex()
    start = time.perf_counter()
    for n in range(200_000):
        ix.add_name(f"Name{n}", f"Surname{n}")
        ix.add_identifier(f"ID{n:08d}")
        ix.add_postcode(f"SS{n % 9 + 1} {n % 10}AB")
    built = time.perf_counter() - start
    letter = letter_html(sample_letter(main_findings=())) * 20
    start = time.perf_counter()
    hits = ix.scan_html(letter)
    scanned = time.perf_counter() - start
    assert hits == []
    assert built < 10 and scanned < 2, (built, scanned)


def test_pseudonyms_refused_in_publishable_outputs(index: IdentifyingIndex) -> None:
    """A case pseudonym in the letter is refused; the evidence pack may hold pseudonyms."""
    letter = sample_letter(strengths=("Case C-7KQ3-XM9D shows good practice.",))
    html = letter_html(letter)
    with pytest.raises(
        IdentifyingDataError, match=r"\(1 found\).*'Key strengths'\): a pseudonym \(C-\*\*\*\*-\*\*\*\*\)"
    ):
        check_html(index, html, what="The letter", public=public_phrases(letter), pseudonyms=True)
    check_html(index, html, what="The evidence pack", public=public_phrases(letter))


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@given(day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2025, 12, 31)), form=st.integers(0, 8))
def test_every_written_form_of_a_birth_date_is_found(day: dt.date, form: int) -> None:
    """Any date of birth, written in any of the usual forms, is found inside a sentence."""
    ix = IdentifyingIndex()
    ix.add_date_of_birth(day.isoformat())
    month = _MONTHS[day.month - 1]
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    written = [
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
        day.isoformat(),
        f"{day.day} {month} {day.year}",
        f"{day.day}{suffix} {month} {day.year}",
        f"{month} {day.day}, {day.year}",
        f"{day.day} {month[:3]} {day.year}",
        f"{day:%d.%m.%y}",
        f"{day:%d-%m-%Y}",
    ][form]
    hits = ix.scan_text(f"The child, born {written}, was seen.")
    assert [hit.kind for hit in hits][:1] == ["date of birth"], written

"""The anonymity guard: names, identifiers, dates of birth and postcodes refuse an output."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from _report_helpers import CLEAN_FINDINGS, import_judgements, make_workspace, sample_letter, write_findings
from hypothesis import given
from hypothesis import strategies as st

from jtai import workspace
from jtai.anonymity.guard import IdentifyingIndex, check_html
from jtai.errors import ExitCode, IdentifyingDataError
from jtai.pseudonym import pseudonym
from jtai.report.letter import letter_html
from jtai.report.letter_context import public_phrases
from jtai.report.publish import Targets, publish


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
    ix.add_name("David", "Brinemore")
    ix.add_name("Ella Rose", "Okafor-Penhallow")
    ix.add_identifier("9993562548")
    ix.add_identifier("LA0012345")
    ix.add_date_of_birth("2002-12-11")
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
        # a name ends at an apostrophe, "/", "_" or a hyphen
        ("Brinemore's mother was seen.", ["name"]),
        ("Brinemore’s mother was seen.", ["name"]),
        ("Brinemoreʼs mother was seen.", ["name"]),  # a modifier letter that looks like an apostrophe
        ("David's mum was not seen", ["name"]),
        ("Brinemore/Smith", ["name", "name"]),
        ("David_Brinemore", ["name"]),
        ("David-Brinemore", ["name"]),
        ("david_brinemore and david-brinemore", ["name", "name"]),
        ("Ｂｒｉｎｅｍｏｒｅ was seen", ["name"]),  # full-width letters
        # a double-barrelled name is found whole or in part
        ("Penhallow was seen.", ["name"]),
        ("okafor-penhallow was seen.", ["name"]),
        ("ella rose was seen.", ["name"]),
        ("Ella-Rose Okafor-Penhallow", ["name"]),
        # identifiers and dates joined to other text
        ("9993562548's record", ["identifier"]),
        ("LA0012345/LA0012346", ["identifier"]),
        ("ref_LA0012345", ["identifier"]),
        ("PNC 18/123456A's", ["identifier"]),
        ("born 11-Dec-2002", ["date of birth"]),
        ("born 11-DEC-02", ["date of birth"]),
        ("born 11 dec. 2002", ["date of birth"]),
        ("born 11Dec2002", ["date of birth"]),
        ("born 11th of December 2002", ["date of birth"]),
        ("born 2002/12/11", ["date of birth"]),
        ("born 11.12.2002", ["date of birth"]),
        ("at SS1 2AB's door", ["postcode"]),
        # a two-digit year after a space, a comma or an apostrophe
        ("born 11 Dec 02", ["date of birth"]),
        ("born 11 Dec 02.", ["date of birth"]),
        ("born 11 December, 02", ["date of birth"]),
        ("born 11th December '02", ["date of birth"]),
        ("born 11 Dec ’02", ["date of birth"]),
        ("born December 11, '02", ["date of birth"]),
        ("born 3 Apr 05 and seen", ["date of birth"]),
        # a name that is no ordinary word, in any case
        ("a jayden in lower case is still a name", ["name"]),
        ("brinemore's mother, in lower case", ["name"]),
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
        "a smith in lower case is an ordinary word",
        "Blacksmith and Smithson are other words",
        "born 4 March 2005 (a different date)",
        "42 children were seen",  # identifiers under 5 characters are not searched
        "SS1 is only the outward code",
        "born 04/03/2006",
        # ordinary words joined by hyphens and apostrophes
        "multi-agency work and Multi-Agency Safeguarding Hubs",
        "the children's well-being; it's co-ordinated",
        "Young people's views and Will's plan",  # 'Will' and 'Young' are ordinary words
        "an 18-year-old, May-June 2018",
        "On 3 May 20 children were seen.",  # not a date of birth 2020-05-03 or 1920-05-03
        "born 11-Dec-2003",
        "born 11 Dec 03",
        "met on 11 Dec 02:30",  # a time, not a year
        "met on 11 Dec 02am",
        "on 11 Dec 02.5 hours",
        "on 3 Apr 05th",
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
            targets=Targets(pdf, html),
            public=public_phrases(letter),
            index=index,
        )
    assert sorted(p.name for p in ws.reports_dir.iterdir()) == []


@pytest.mark.parametrize(
    "text",
    [
        "Quillfeather's mother was seen.",
        "Quillfeather’s mother was seen.",
        "Jayden's mother was seen.",
        "Work with Quillfeather/Smith improved.",
        "Jayden_Quillfeather was seen.",
        "Jayden-Quillfeather was seen.",
        "NHS number 9993562548's owner was seen.",
        "The child born 03-Apr-2004 was seen.",
    ],
)
def test_cli_letter_refuses_a_name_joined_to_other_text(run, tmp_path: Path, text: str) -> None:  # type: ignore[no-untyped-def]
    """A loaded child's name, NHS number or birth date joined to other text: exit 10, nothing written."""
    ws = make_workspace(tmp_path / "ws")
    write_findings(ws, CLEAN_FINDINGS + f"  - {{kind: main, section: front_door, text: {text!r}}}\n")
    result = run("--workspace", str(ws.root), "report", "letter", "--pdf", str(tmp_path / "l.pdf"))
    assert result.exit_code == 10, result.output
    assert "The letter would contain identifying data (1 found), so nothing was written:" in result.stderr
    assert "Quillfeather" not in result.stderr and "9993562548" not in result.stderr
    assert list(tmp_path.glob("*.pdf")) == [] and list(ws.reports_dir.iterdir()) == []


def test_cli_evidence_refuses_a_name_in_a_note(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An evidence note "Jayden's mum was not seen": the evidence pack is refused, exit 10."""
    ws = make_workspace(tmp_path / "ws")
    case = pseudonym(ws.key, "k1")
    import_judgements(
        ws,
        [
            f"  - {{case: {case}, criterion: DD2, agency: csc, grade: good, inspector: Al, "
            'inspectorate: ofsted, note: "Jayden\'s mum was not seen"}',
        ],
    )
    result = run("--workspace", str(ws.root), "report", "evidence", "--html", str(tmp_path / "ev.html"))
    assert result.exit_code == 10, result.output
    assert "under 'C-" in result.stderr and "a name (J*****)" in result.stderr
    assert not (tmp_path / "ev.html").exists()


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


@pytest.mark.parametrize(
    "written",
    [
        "C-7KQ3-XM9D's",
        "c-7kq3-xm9d",
        "C_7KQ3_XM9D",
        "case_C-7KQ3-XM9D",
        "C\u20137KQ3\u2013XM9D",  # en dashes
        "C7KQ3XM9D",  # without its dashes
        "c7kq3xm9d",
        "C-7KQ3XM9D",
        "C7KQ3-XM9D",
        "C-7KQ3\u00ad-XM9D",  # a soft hyphen
        "C\u200b7KQ3XM9D",
    ],
)
def test_pseudonyms_in_any_case_or_joined(index: IdentifyingIndex, written: str) -> None:
    """A pseudonym in lower case, with underscores or joined to other text is refused too."""
    with pytest.raises(IdentifyingDataError, match=r"\(1 found\).*a pseudonym"):
        check_html(index, f"<p>Seen in {written} today.</p>", what="The letter", pseudonyms=True)


@pytest.mark.parametrize(
    "text",
    [
        "The CHARTERED and CARPENTER rules.",  # a C and eight letters that could be a pseudonym's
        "Appendix C 2018 data and C.2018.DATA",
        "C2018 and C-20 and CB2 1TN",
        "C12345678 is a number, not a pseudonym",
    ],
)
def test_words_shaped_like_a_pseudonym_pass(index: IdentifyingIndex, text: str) -> None:
    """A word or number that could be a pseudonym without its dashes is not taken for one."""
    check_html(index, f"<p>{text}</p>", what="The letter", pseudonyms=True)


@pytest.mark.parametrize("written", ["CKQXMHDTA", "ckqxm-hdta", "C KQXM HDTA", "C.KQXM.HDTA"])
def test_a_registered_case_is_refused_however_written(index: IdentifyingIndex, written: str) -> None:
    """A pseudonym of letters only, without its dashes: refused once the case is registered."""
    html = f"<p>Seen in {written} today.</p>"
    check_html(index, html, what="The letter", pseudonyms=True)  # could be a word
    index.add_pseudonym("C-KQXM-HDTA")
    with pytest.raises(IdentifyingDataError, match=r"\(1 found\).*a pseudonym \([Cc]"):
        check_html(index, html, what="The letter", pseudonyms=True)


def test_cli_letter_refuses_a_registered_case_written_with_spaces(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A judged case's pseudonym in a headline, written "C 7KQ3 XM9D": exit 10, nothing written."""
    ws = make_workspace(tmp_path / "ws")
    case = pseudonym(ws.key, "k1")
    import_judgements(
        ws,
        [
            f"  - {{case: {case}, criterion: DD2, agency: csc, grade: good, inspector: Al, "
            "inspectorate: ofsted}",
        ],
    )
    write_findings(
        ws, f"headline: 'In case {case.replace('-', ' ')} the child was safer.'\n" + CLEAN_FINDINGS
    )
    result = run("--workspace", str(ws.root), "report", "letter", "--html", str(tmp_path / "l.html"))
    assert result.exit_code == 10, result.output
    assert "(1 found)" in result.stderr and "a pseudonym (C " in result.stderr
    assert not (tmp_path / "l.html").exists()


def test_public_phrases_are_blanked_as_whole_words(index: IdentifyingIndex) -> None:
    """A public phrase "Ann" does not hide the child's name "Annabel" written in the text."""
    index.add_name("Annabel", None)
    html = "<p>Ann chaired the meeting. Annabel was seen.</p>"
    with pytest.raises(IdentifyingDataError, match=r"\(1 found\).*a name \(A\*\*\*\*\*\*\)"):
        check_html(index, html, what="The letter", public=["Ann"])


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

"""The anonymity guard reads text as a reader sees it: invisible and look-alike characters hide nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _report_helpers import CLEAN_FINDINGS, make_workspace, write_findings

from jtai.anonymity.guard import IdentifyingIndex, check_html, name_words
from jtai.anonymity.visible_text import fold, normalise, readable
from jtai.errors import IdentifyingDataError


@pytest.fixture
def index() -> IdentifyingIndex:
    """One child: Keston Brinemore, born 6 December 2003."""
    ix = IdentifyingIndex()
    ix.add_name("Keston", "Brinemore")
    ix.add_date_of_birth("2003-12-06")
    ix.add_identifier("9434765919")
    ix.add_postcode("SS1 2AB")
    return ix


def _kinds(ix: IdentifyingIndex, text: str) -> list[str]:
    return [hit.kind for hit in ix.scan_text(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Kest\u00adon was seen.",  # a soft hyphen, as pasted from Word
        "Kes\u200bton was seen.",  # zero-width space
        "Kes\u200cton was seen.",  # zero-width non-joiner
        "Kes\u200dton was seen.",  # zero-width joiner
        "Kes\u2060ton was seen.",  # word joiner
        "Kes\ufeffton was seen.",  # byte order mark
        "Kes\u200eton was seen.",  # a left-to-right mark
        "Kes\u200fton was seen.",  # a right-to-left mark
        "\u202aKeston\u202c was seen.",  # a bidi embedding
        "Kes\u2066ton\u2069 was seen.",  # a bidi isolate
        "K\u00ade\u00ads\u00adt\u00ado\u00adn was seen.",
        "Kes\u034fton was seen.",  # combining grapheme joiner
        "Kes\ufe0fton was seen.",  # a variation selector
        "Kes\u0336ton was seen.",  # a combining strike-through
        "Kes\u3164ton was seen.",  # a Hangul filler, a letter that shows nothing
        "\u202enotseK\u202c was seen.",  # a right-to-left override shows "Keston"
        "\u202enotseK was seen",  # an override running to the end of the line
        "\u041aeston was seen.",  # a Cyrillic capital Ka
        "K\u0435st\u043en was seen.",  # Cyrillic small ie and o
        "K\u03b5st\u03bfn was seen.",  # Greek small epsilon and omicron
        "K\u00e9ston was seen.",  # an accent
        "Ke\u0301ston was seen.",  # a combining accent
        "\U0001d40a\U0001d41e\U0001d42c\U0001d42d\U0001d428\U0001d427 was seen.",  # mathematical bold
        "\u212aeston was seen.",  # the Kelvin sign
    ],
)
def test_invisible_and_look_alike_characters_hide_no_name(index: IdentifyingIndex, text: str) -> None:
    """A name broken by an invisible character, or spelt with look-alike letters, is still found."""
    assert _kinds(index, text) == ["name"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("NHS number 943\u00ad476\u00ad5919", "identifier"),
        ("NHS number 94347\u200b65919", "identifier"),
        ("at SS1\u200b 2AB", "postcode"),
        ("at \u0405S1 2AB", "postcode"),  # a Cyrillic capital Dze
        ("born 6\u00ad Dec\u200b 2003", "date of birth"),
        ("born 6 D\u0435c 2003", "date of birth"),  # a Cyrillic small ie in the month
        ("kes\u00adton brine\u200bmore", "name"),
    ],
)
def test_invisible_characters_hide_no_other_value(index: IdentifyingIndex, text: str, kind: str) -> None:
    """Identifiers, postcodes, dates and full names are found through invisible characters too."""
    assert _kinds(index, text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Kestrel and Kingston were seen.",
        "Ke\u200bston\u200bbury is a place.",
        "\u202eKeston\u202c was seen.",  # shown reversed: "notseK"
        "Ελληνικά and кириллица are other scripts.",
        "Caf\u00e9 staff and na\u00efve questions",
    ],
)
def test_ordinary_text_with_such_characters_passes(index: IdentifyingIndex, text: str) -> None:
    """Other words, other scripts and accents are not hits."""
    assert _kinds(index, text) == []


def test_a_child_named_in_another_script_is_found_in_it() -> None:
    """A name loaded in Cyrillic or with an accent is found as written, and without the accent."""
    ix = IdentifyingIndex()
    ix.add_name("\u041e\u043b\u0435\u0433", "Zo\u00eb")
    assert _kinds(ix, "\u041e\u043b\u0435\u0433 was seen.") == ["name"]
    assert _kinds(ix, "Zoe was seen.") == ["name"]
    assert _kinds(ix, "Zo\u00eb was seen.") == ["name"]


def test_a_hit_is_masked_whatever_its_letters() -> None:
    """The message shows only the first letter, accented letters included."""
    ix = IdentifyingIndex()
    ix.add_name("Zo\u00ebella", None)
    assert [hit.masked for hit in ix.scan_text("Zo\u00ebella was seen.")] == ["Z******"]


def test_a_letter_with_a_hidden_name_is_refused(index: IdentifyingIndex) -> None:
    """A soft hyphen written as an HTML character reference hides nothing either."""
    with pytest.raises(IdentifyingDataError, match=r"\(2 found\).*a name \(K\*\*\*\*\*\)"):
        check_html(index, "<p>Kest&shy;on was seen.</p><p>Kes&#x200B;ton was seen.</p>", what="The letter")


def test_the_forms_that_are_read() -> None:
    """normalise drops invisibles and undoes overrides; readable and fold go further."""
    assert normalise("Kest\u00adon \u202enotseK\u202c") == "Keston Keston"
    assert normalise("Caf\u00e9 \uff2b") == "Caf\u00e9 K"  # accents kept, full-width read
    assert readable("\u041a\u0435ston") == "Keston"
    assert fold("K\u00c9STON") == "keston"
    assert name_words("Zo\u00eb O'Brien") == ["zo\u00eb", "brien"]  # as the redactor needs them


@pytest.mark.parametrize("headline", ["Jay\u00adden was safer.", "Jayd\u200ben was safer."])
def test_cli_letter_refuses_a_hidden_name_in_a_headline(run, tmp_path: Path, headline: str) -> None:  # type: ignore[no-untyped-def]
    """A loaded child's name in a headline, broken by an invisible character: exit 10, nothing written."""
    ws = make_workspace(tmp_path / "ws")
    write_findings(ws, f"headline: {json.dumps(headline)}\n" + CLEAN_FINDINGS)
    result = run("--workspace", str(ws.root), "report", "letter", "--html", str(tmp_path / "l.html"))
    assert result.exit_code == 10, result.output
    assert "(1 found)" in result.stderr and "a name (J*****)" in result.stderr
    assert not (tmp_path / "l.html").exists()

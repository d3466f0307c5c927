"""The anonymity guard: a publishable output never names, identifies or dates a child.

Before a letter, evidence pack or self-assessment is written, its text is searched for every
name, identifier, date of birth and postcode in the workspace's ``records``. Any hit refuses
the output (:class:`~jtai.errors.IdentifyingDataError`, exit code 10) and nothing is written.

How text matches (the rules users see in docs/reports.md):

- **Identifiers** (agency person id, LA child id, NHS number, UPN, PNC id) of 5 characters or
  more match as whole tokens, ignoring case, spaces, ``-`` and ``/`` (``943 476 5919``,
  ``18/123456A``). Shorter ones cannot be told apart from ordinary numbers and are not searched.
- **Dates of birth** match in every usual written form: ``03/04/2005``, ``3/4/2005``,
  ``3.4.05``, ``2005-04-03``, ``3 April 2005``, ``3rd April 2005``, ``3 Apr 2005``,
  ``April 3, 2005``. Numbers are read day first, as in England.
- **Postcodes** match full postcodes with or without the space, in any case.
- **Full names** (first name then last name) match in any case.
- **A single name** matches as a whole word written with a capital initial ("Jayden", not
  "jayden" inside a sentence), unless it is an ordinary English word in
  :data:`~jtai.report.common_words.COMMON_WORDS` ("Will", "May", "Young").
- **Pseudonyms** (``C-7KQ3-XM9D``) are refused in publishable outputs (the letter and the
  self-assessment): whoever holds the workspace can trace one back to a child. The evidence
  pack names cases by pseudonym on purpose.
- Phrases the tool itself writes from the workspace settings and the framework (the area,
  addressees' roles and names, signatories' names and titles, the letter's dates, section
  titles and criterion texts) are public: each exact phrase is
  blanked out before the search, so the signatory "Ann Signer" does not block a letter about a
  child called Signer, while "Signer" written anywhere else still does.

Lookups are set membership per token, so the cost grows with the text, not with the number
of children (one pass builds the sets from the store).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from jtai.errors import IdentifyingDataError
from jtai.report.common_words import COMMON_WORDS

_MONTHS = {
    name: number
    for number, full in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
    for name in (full, full[:3], "sept" if full == "september" else full[:3])
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMERIC_DATE = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/\-]|\.\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
_SPACED_NUMBER = re.compile(r"(?<!\d)(?<!\d )\d{3}[ \-]\d{3}[ \-]\d{4}(?!\d)")
_TOKEN = re.compile(r"[^\W_](?:[\w'’/\-]*[^\W_])?")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
_PSEUDONYM = re.compile(r"\b[A-Z]-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")
MIN_IDENTIFIER = 5
MAX_LISTED = 20


@dataclass(frozen=True)
class Hit:
    """One identifying value found in an output.

    Attributes:
        kind: "name", "identifier", "date of birth", "postcode" or "pseudonym".
        line: the line of the output's text (1-based) it is on.
        where: the heading it falls under.
        masked: the matched text with all but its first character hidden.
    """

    kind: str
    line: int
    where: str
    masked: str

    def describe(self) -> str:
        """One line for the user: what kind of value, and where."""
        article = "an" if self.kind[0] in "aeiou" else "a"
        return f"line {self.line} ({self.where}): {article} {self.kind} ({self.masked})"


@dataclass
class IdentifyingIndex:
    """The identifying values of a workspace, ready for fast lookup."""

    names: set[str] = field(default_factory=set)
    full_names: set[str] = field(default_factory=set)
    identifiers: set[str] = field(default_factory=set)
    dates_of_birth: set[dt.date] = field(default_factory=set)
    postcodes: set[str] = field(default_factory=set)
    _longest_full: int = 2

    def add_name(self, first: str | None, last: str | None) -> None:
        """Add one person's first and last names (either may be missing)."""
        tokens: list[list[str]] = []
        for value in (first, last):
            words = [_fold(word) for word in (value or "").split() if len(word) >= 2]
            self.names.update(words)
            tokens.append(words)
        if tokens[0] and tokens[1]:
            joined = tokens[0] + tokens[1]
            self.full_names.add(" ".join(joined))
            self._longest_full = max(self._longest_full, len(joined))

    def add_identifier(self, value: str) -> None:
        """Add one identifier (ignored when shorter than :data:`MIN_IDENTIFIER`)."""
        key = _NOT_ALNUM.sub("", value).upper()
        if len(key) >= MIN_IDENTIFIER:
            self.identifiers.add(key)

    def add_date_of_birth(self, value: str) -> None:
        """Add one date of birth written as ISO ``YYYY-MM-DD`` (others are ignored)."""
        with contextlib.suppress(ValueError):
            self.dates_of_birth.add(dt.date.fromisoformat(value[:10]))

    def add_postcode(self, value: str) -> None:
        """Add one postcode, in any case, with or without its space."""
        key = _NOT_ALNUM.sub("", value).upper()
        if len(key) >= 5:
            self.postcodes.add(key)

    def scan_text(self, text: str, *, where: str = "text", line: int = 1) -> list[Hit]:
        """Every identifying value in one line of text."""
        hits: list[Hit] = []

        def hit(kind: str, matched: str) -> None:
            hits.append(Hit(kind, line, where, _mask(matched)))

        for day, written in _iter_dates(text):
            if day in self.dates_of_birth:
                hit("date of birth", written)
        for match in _POSTCODE.finditer(text):
            if (match[1] + match[2]).upper() in self.postcodes:
                hit("postcode", match[0])
        for match in _SPACED_NUMBER.finditer(text):
            if _NOT_ALNUM.sub("", match[0]) in self.identifiers:
                hit("identifier", match[0])
        tokens = [m[0] for m in _TOKEN.finditer(text)]
        index = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            key = _NOT_ALNUM.sub("", token).upper()
            if len(key) >= MIN_IDENTIFIER and key in self.identifiers:
                hit("identifier", token)
                continue
            length = self._full_name_at(tokens, index - 1)
            if length:
                hit("name", " ".join(tokens[index - 1 : index - 1 + length]))
                index += length - 1
            elif token[0].isupper() and _fold(token) in self.names and _fold(token) not in COMMON_WORDS:
                hit("name", token)
        return hits

    def _full_name_at(self, tokens: list[str], index: int) -> int:
        """How many tokens from ``index`` spell a full name (0 if none)."""
        words = [_fold(tokens[index])]
        for end in range(index + 1, min(len(tokens), index + self._longest_full)):
            words.append(_fold(tokens[end]))
            if " ".join(words) in self.full_names:
                return end - index + 1
        return 0

    def scan_html(self, html: str, *, public: Iterable[str] = (), pseudonyms: bool = False) -> list[Hit]:
        """Every identifying value in the visible text and metadata of an HTML document.

        Args:
            html: the document.
            public: phrases the tool wrote from the workspace settings; they are blanked
                out before the search (exact, case-sensitive occurrences only).
            pseudonyms: also refuse pseudonyms (``C-7KQ3-XM9D``): a published document names
                no case, since whoever holds the workspace can trace a pseudonym back.
        """
        phrases = sorted({p for p in public if p and len(p) >= 2}, key=len, reverse=True)
        hits: list[Hit] = []
        for number, (where, text) in enumerate(html_lines(html), start=1):
            for phrase in phrases:
                text = text.replace(phrase, " " * len(phrase))
            hits.extend(self.scan_text(text, where=where, line=number))
            if pseudonyms:
                hits.extend(Hit("pseudonym", number, where, _mask(m[0])) for m in _PSEUDONYM.finditer(text))
        return hits


def index_from_store(conn: sqlite3.Connection) -> IdentifyingIndex:
    """Build the index from every record loaded in a workspace store (children and adults)."""
    from jtai.store import report as queries

    index = IdentifyingIndex()
    # set comprehensions over each column: one pass, no per-value method calls
    for column in queries.NAME_COLUMNS:
        index.names.update(
            folded
            for value in queries.distinct_values(conn, column)
            for word in value.split()
            if len(word) >= 2 and (folded := _fold(word))
        )
    for first, last in queries.full_names(conn):
        words = [_fold(w) for w in f"{first} {last}".split() if len(w) >= 2]
        if len(words) >= 2:
            index.full_names.add(" ".join(words))
            index._longest_full = max(index._longest_full, len(words))
    for column in queries.IDENTIFIER_COLUMNS:
        index.identifiers.update(
            key
            for value in queries.distinct_values(conn, column)
            if len(key := _NOT_ALNUM.sub("", value).upper()) >= MIN_IDENTIFIER
        )
    for value in queries.distinct_values(conn, "dob"):
        index.add_date_of_birth(value)
    for value in queries.distinct_values(conn, "postcode"):
        index.add_postcode(value)
    return index


def check_html(
    index: IdentifyingIndex, html: str, *, what: str, public: Iterable[str] = (), pseudonyms: bool = False
) -> None:
    """Refuse an output that holds identifying data.

    Args:
        index: the workspace's identifying values.
        html: the output (its text and metadata are searched).
        what: what the output is, for the message ("The letter").
        public: phrases from the workspace settings that are not searched.
        pseudonyms: refuse case pseudonyms too (publishable outputs).

    Raises:
        IdentifyingDataError: one or more hits; the message lists them (values masked).
    """
    hits = index.scan_html(html, public=public, pseudonyms=pseudonyms)
    if not hits:
        return
    listed = "; ".join(hit.describe() for hit in hits[:MAX_LISTED])
    more = f"; and {len(hits) - MAX_LISTED} more" if len(hits) > MAX_LISTED else ""
    raise IdentifyingDataError(
        f"{what} would contain identifying data ({len(hits)} found), so nothing was written: {listed}{more}.",
        hint="Remove or reword these in the findings or notes they come from, then render again.",
    )


def html_lines(html: str) -> list[tuple[str, str]]:
    """The text of an HTML document as (heading, line) pairs, metadata first."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.lines


class _TextParser(HTMLParser):
    _BLOCKS = frozenset(
        {
            "p",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "td",
            "th",
            "caption",
            "div",
            "title",
            "address",
            "figcaption",
            "dt",
            "dd",
            "tr",
            "br",
            "section",
            "header",
            "footer",
            "text",
            "desc",
        }
    )
    _SKIP = frozenset({"style", "script"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[str, str]] = []
        self._buffer: list[str] = []
        self._heading = "document metadata"
        self._in_heading = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        for name, value in attrs:
            if value and name in {"content", "alt", "title", "aria-label"}:
                self.lines.append((self._heading, value))
        if tag in self._BLOCKS:
            self._flush()
        self._in_heading = tag in {"h1", "h2", "h3", "h4"}

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        if tag in self._BLOCKS:
            text = self._flush()
            if tag in {"h1", "h2", "h3", "h4"} and text:
                self._heading = f"under {text!r}" if len(text) < 80 else f"under {text[:77]!r}..."
        if tag in {"h1", "h2", "h3", "h4"}:
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> str:
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if text:
            self.lines.append((self._heading, text))
        return text


def _iter_dates(text: str) -> Iterable[tuple[dt.date, str]]:
    for match in _NUMERIC_DATE.finditer(text):
        year = int(match[4])
        years = [year] if len(match[4]) == 4 else [1900 + year, 2000 + year]
        for full_year in years:
            day = _date(full_year, int(match[3]), int(match[1]))
            if day:
                yield day, match[0]
    for match in _ISO_DATE.finditer(text):
        day = _date(int(match[1]), int(match[2]), int(match[3]))
        if day:
            yield day, match[0]
    for match in _DAY_MONTH_YEAR.finditer(text):
        day = _date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
        if day:
            yield day, match[0]
    for match in _MONTH_DAY_YEAR.finditer(text):
        day = _date(int(match[3]), _MONTHS[match[1].lower()], int(match[2]))
        if day:
            yield day, match[0]


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _fold(word: str) -> str:
    return word.replace("’", "'").casefold()


def _mask(text: str) -> str:
    return text[:1] + re.sub(r"[0-9A-Za-z]", "*", text[1:])

"""The anonymity guard: a publishable output never names, identifies or dates a child.

Before a letter, evidence pack or self-assessment is written, its text is searched for every
name, identifier, date of birth and postcode in the workspace's ``records``. Any hit refuses
the output (:class:`~jtai.errors.IdentifyingDataError`, exit code 10) and nothing is written.

How text matches (the full rules, with examples, are in docs/reports.md):

- **Words**: a word is a run of letters and digits; an apostrophe, ``/``, ``_`` or a hyphen
  ends one. Text is read as a reader sees it (:mod:`jtai.anonymity.visible_text`: NFKC, no
  invisible characters, overrides undone, look-alike letters as Latin ones, no accents), and
  also as a reader *reads* it (:mod:`jtai.anonymity.readings`): spaced-out letters joined,
  a word broken by a hyphen joined, markup and entities typed into a findings file undone,
  symbols typed for letters read as letters.
- **Identifiers** (5 characters or more), **dates of birth** (every usual written form,
  :mod:`jtai.anonymity.written_dates`) and **postcodes** match exactly, ignoring case and
  whatever separates their groups.
- **Names**: a full name or a name of two words or more in any case; a single name in any
  case unless it is an ordinary English word (then only with a capital initial, and never
  the words of :data:`~jtai.anonymity.common_words.COMMON_WORDS`); and a **near miss** of a
  name (:mod:`jtai.anonymity.near_names`: one edit, two for names of 8 letters or more,
  digits for letters, doubled letters) that is not itself an ordinary word.
- **Pseudonyms** are refused in publishable outputs (the letter and the self-assessment),
  however they are written; the evidence pack names cases by pseudonym on purpose.
- Phrases the tool writes from the settings and the framework, and its own dates, are blanked
  out as exact phrases of whole words before the search (:func:`blank_public`).

Lookups are set membership per word, and near misses go through a deletion index, so the
cost grows with the text, not with the number of children.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from jtai.anonymity.common_words import COMMON_WORDS
from jtai.anonymity.near_names import NearNames
from jtai.anonymity.ordinary_words import is_ordinary
from jtai.anonymity.readings import readings
from jtai.anonymity.visible_text import fold, html_lines, normalise, readable
from jtai.anonymity.written_dates import iter_dates
from jtai.errors import IdentifyingDataError

# A word is a run of letters and digits: an apostrophe, "/", "_" or a hyphen ends it, so
# "Smith's", "Smith/Jones", "Jayden_Smith" and "Jayden-Smith" are read as the names in them.
_WORD = re.compile(r"[^\W_]+")
# What may stand between the groups of an identifier, a postcode or a pseudonym as people
# write them: spaces of every width, every Unicode dash (category Pd) and the minus sign, dots,
# slashes, underscores, brackets and apostrophes ("999–935–5307", "(999) 935 5307", "SB1.0SR").
_ALL_DASHES = (
    "".join(chr(code) for code in range(0x10000) if unicodedata.category(chr(code)) == "Pd") + "\u2212"
)
_SEPARATORS = re.compile(r"[\s./\\_()\[\]'’" + re.escape(_ALL_DASHES) + "]+")
_LEADING_LETTERS = re.compile(r"[A-Za-z]+(?=\d)")
_TRAILING_LETTERS = re.compile(r"(?<=\d)[A-Za-z]+$")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
_CROCKFORD = "[0-9A-HJKMNP-TV-Z]"
_DASHES = "-_\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# a pseudonym as written: a prefix letter, then two groups of four, each maybe after a mark
_PSEUDONYM = re.compile(
    rf"(?<![0-9A-Za-z])([A-Z])([{_DASHES}./ ]?)({_CROCKFORD}{{4}})([{_DASHES}./ ]?)({_CROCKFORD}{{4}})"
    r"(?![0-9A-Za-z])",
    re.IGNORECASE,
)
_PSEUDONYM_KEY = re.compile(rf"C{_CROCKFORD}{{8}}")
_MAX_JOINED = 8  # groups that may together spell an identifier ("R 9997 0591 6887")
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
    pseudonyms: set[str] = field(default_factory=set)
    near: NearNames = field(default_factory=NearNames)
    # word as written -> whether it is a name alone: reports repeat their words
    _seen: dict[str, bool] = field(default_factory=dict, repr=False)
    _longest_full: int = 2

    def add_name(self, first: str | None, last: str | None) -> None:
        """Add one person's first and last names (either may be missing)."""
        given, family = _name_keys(first), _name_keys(last)
        self.add_name_words([*given, *family])
        self._add_full(given, family)

    def add_name_words(self, words: Iterable[str]) -> None:
        """Add name words (folded, as :func:`_name_keys` gives them), exact and for near misses."""
        for word in words:
            if word not in self.names:
                self.names.add(word)
                self.near.add(word)
                self._seen.clear()

    def _add_full(self, given: list[str], family: list[str]) -> None:
        # a name of two words or more ("Okafor-Brinemore", "Ella Rose") is matched in any
        # case, like a first name followed by a last name
        for words in (given + family if given and family else [], given, family):
            if len(words) >= 2:
                self.full_names.add(" ".join(words))
                self._longest_full = max(self._longest_full, len(words))

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

    def add_pseudonym(self, value: str) -> None:
        """Add one registered case pseudonym (``C-7KQ3-XM9D``; other references are ignored)."""
        key = _NOT_ALNUM.sub("", value).upper()
        if _PSEUDONYM_KEY.fullmatch(key):
            self.pseudonyms.add(key)

    def scan_text(self, text: str, *, where: str = "text", line: int = 1) -> list[Hit]:
        """Every identifying value in one line of text."""
        hits: list[Hit] = []
        text = readable(text)

        def hit(kind: str, matched: str) -> None:
            hits.append(Hit(kind, line, where, _mask(matched)))

        for day, written in iter_dates(text):
            if day in self.dates_of_birth:
                hit("date of birth", written)
        for kind, written in self._codes_in(text):
            hit(kind, written)
        # a pseudonym names a case (its own rule), and its groups ("AD4M") are no name in any reading
        cases_out = _PSEUDONYM.sub(lambda m: " " * len(m[0]) if m[2] and m[4] else m[0], text)
        as_written, *others = readings(cases_out)
        seen = set()
        for written in self._names_in(as_written):
            seen.add(written.casefold())
            hit("name", written)
        for reading in others:  # a name found only when the line is read another way
            for written in self._names_in(reading):
                if written.casefold() not in seen:
                    seen.add(written.casefold())
                    hit("name", written)
        return hits

    def _names_in(self, text: str) -> list[str]:
        """The names written in one reading of a line: whole, alone, or as near misses.

        One-letter words (the "s" of "Smith's", initials) are no part of any name.
        """
        found = []
        words = [m[0] for m in _WORD.finditer(text) if len(m[0]) >= 2]
        index = 0
        while index < len(words):
            length = self._full_name_at(words, index)
            if length:
                found.append(" ".join(words[index : index + length]))
                index += length
                continue
            if self._single_name(words[index]):
                found.append(words[index])
            index += 1
        return found

    def _single_name(self, word: str) -> bool:
        """A loaded name standing alone, or a near miss of one (see the module's rules)."""
        known = self._seen.get(word)
        if known is None:
            known = self._seen[word] = self._is_single_name(word)
        return known

    def _is_single_name(self, word: str) -> bool:
        folded = fold(word)
        if folded in COMMON_WORDS:
            return False
        if folded in self.names:
            return word[0].isupper() or not is_ordinary(folded)
        return self.near.match(folded) is not None and not is_ordinary(folded)

    def _codes_in(self, text: str) -> list[tuple[str, str]]:
        """The identifiers and postcodes written in ``text``, whatever separates their groups.

        Groups of letters and digits joined only by separators (:data:`_SEPARATORS`) are read
        as one: ``(999) 935 5307`` is ``9999355307``. The longest value spelt from each group
        on is taken, so ``LA0012345/LA0012346`` holds both.
        """
        groups = list(_WORD.finditer(text))
        linked = [
            _SEPARATORS.fullmatch(text, a.end(), b.start()) is not None for a, b in itertools.pairwise(groups)
        ]
        found = []
        start = 0
        while start < len(groups):
            best: tuple[str, int, int, int] | None = None
            key = ""
            for end in range(start, min(len(groups), start + _MAX_JOINED)):
                if end > start and not linked[end - 1]:
                    break
                key += groups[end][0].upper()
                match = self._code(key, groups[start][0], groups[end][0])
                if match:
                    best = (match[0], groups[start].start() + match[1], end, groups[end].end() - match[2])
            if best is None:
                start += 1
                continue
            found.append((best[0], text[best[1] : best[3]]))
            start = best[2] + 1
        return found

    def _code(self, key: str, first: str, last: str) -> tuple[str, int, int] | None:
        """What ``key`` is (its kind, and how many glued letters to drop at each end), if anything.

        Letters glued to the digits of the first or last group may be dropped for an
        identifier (``NHS9999355307``, ``UPNR999705916887``, ``1000284th``), never for a
        postcode: ``XSB1 0SR`` is another postcode than ``SB1 0SR``.
        """
        if key in self.identifiers:
            return "identifier", 0, 0
        if key in self.postcodes:
            return "postcode", 0, 0
        leading = _LEADING_LETTERS.match(first)
        trailing = _TRAILING_LETTERS.search(last)
        if leading is None and trailing is None:
            return None
        for head in range(len(leading[0]) + 1 if leading else 1):
            for tail in range(len(trailing[0]) + 1 if trailing else 1):
                core = key[head : len(key) - tail]
                if len(core) >= MIN_IDENTIFIER and core in self.identifiers:
                    return "identifier", head, tail
        return None

    def _full_name_at(self, words: list[str], index: int) -> int:
        """How many words from ``index`` spell the longest full name there (0 if none)."""
        folded = [fold(words[index])]
        longest = 0
        for end in range(index + 1, min(len(words), index + self._longest_full)):
            folded.append(fold(words[end]))
            if " ".join(folded) in self.full_names:
                longest = end - index + 1
        return longest

    def scan_html(self, html: str, *, public: Iterable[str] = (), pseudonyms: bool = False) -> list[Hit]:
        """Every identifying value in the visible text and metadata of an HTML document.

        Args:
            html: the document.
            public: phrases the tool wrote from the workspace settings; they are blanked
                out before the search (exact, case-sensitive occurrences only).
            pseudonyms: also refuse pseudonyms (``C-7KQ3-XM9D``): a published document names
                no case, since whoever holds the workspace can trace a pseudonym back.
        """
        blank = blank_public(public)
        hits: list[Hit] = []
        for number, (where, written) in enumerate(html_lines(html), start=1):
            text = blank(readable(written))
            hits.extend(self.scan_text(text, where=where, line=number))
            if pseudonyms:
                hits.extend(Hit("pseudonym", number, where, _mask(p)) for p in self._pseudonyms_in(text))
        return hits

    def _pseudonyms_in(self, text: str) -> list[str]:
        """Every case pseudonym written in ``text`` (see the module's rules)."""
        found = []
        for match in _PSEUDONYM.finditer(text):
            prefix, first, body = match[1].upper(), match[2], (match[3] + match[5]).upper()
            dashed = bool(first) and bool(match[4]) and (first + match[4]).strip(_DASHES) == ""
            mixed = not (body.isdigit() or body.isalpha()) and not (set(first + match[4]) & set("./ "))
            if dashed or prefix + body in self.pseudonyms or (prefix == "C" and mixed):
                found.append(match[0])
        return found


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


def blank_public(public: Iterable[str]) -> Callable[[str], str]:
    """A function that blanks every public phrase out of a text, matched whole: "Ann" not in "Anna"."""
    phrases = sorted({readable(p) for p in public if p and len(p) >= 2}, key=len, reverse=True)
    if not phrases:
        return lambda text: text
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, phrases)) + r")(?![^\W_])")
    return lambda text: pattern.sub(lambda m: " " * len(m[0]), text)


def name_words(value: str | None) -> list[str]:
    """The words of a name as the guard compares them: ``O'Brien-Smith`` gives ``brien``, ``smith``.

    Apostrophes, hyphens, ``/`` and ``_`` split a name as they split text, so a double-barrelled
    name is found written whole or in part; one-letter parts (``O'``, initials) are dropped.
    """
    return [word.casefold() for word in _WORD.findall(normalise(value or "")) if len(word) >= 2]


def _name_keys(value: str | None) -> list[str]:
    """The words of a name as the index holds them: see :func:`jtai.anonymity.visible_text.fold`."""
    return [fold(word) for word in name_words(value)]


def _mask(text: str) -> str:
    return text[:1] + _WORD.sub(lambda m: "*" * len(m[0]), text[1:])

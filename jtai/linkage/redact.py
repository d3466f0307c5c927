"""Free text of a pseudonymised chronology, with what identifies the child taken out.

The child's names become its pseudonym. Its identifiers (written with or without spaces,
``-`` or ``/``), its dates of birth (in the usual written forms) and every postcode and
NHS-number-like number, whoever's, become ``(... withheld)``. The anonymity guard of the
reports then reads the result with the child's own values: if it still finds one (a form
written here is not taken out), the whole text is withheld rather than shown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from jtai.anonymity.guard import IdentifyingIndex, name_words
from jtai.canonical import IDENTIFIERS, NAME_FIELDS

IDENTIFIER_FIELDS = IDENTIFIERS
MIN_IDENTIFIER = 5  # shorter identifiers cannot be told from ordinary numbers in text
WITHHELD_TEXT = "(withheld: it holds identifying data)"

_POSTCODE = re.compile(r"(?<![0-9A-Za-z])[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}(?![0-9A-Za-z])", re.I)
_NHS_LIKE = re.compile(r"(?<![0-9])[0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{4}(?![0-9])")
_SEPARATOR = r"[\s\-/_.]*"
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")  # fmt: skip
_ORDINAL = r"(?:st|nd|rd|th)?"


class Redactor:
    """Takes one child's identifying values out of free text.

    Args:
        records: the child's records (mappings with the name, identifier, ``dob`` and
            ``postcode`` columns).
        pseudonym: what the child's names become.
    """

    def __init__(self, records: Iterable[Mapping[str, Any]], pseudonym: str) -> None:
        self.pseudonym = pseudonym
        self.index = IdentifyingIndex()
        names: set[str] = set()
        identifiers: set[str] = set()
        births: set[dt.date] = set()
        for r in records:
            self.index.add_name(_text(r, "first_name"), _text(r, "last_name"))
            for key in NAME_FIELDS:
                names.update(name_words(_text(r, key)))
            for key in IDENTIFIER_FIELDS:
                value = _text(r, key)
                if value:
                    self.index.add_identifier(value)
                    identifiers.add(re.sub(r"[^0-9A-Za-z]", "", value))
            dob, postcode = _text(r, "dob"), _text(r, "postcode")
            if dob:
                self.index.add_date_of_birth(dob)
                births.update(_day(dob))
            if postcode:
                self.index.add_postcode(postcode)
        self._names = _alternatives(sorted(names, key=len, reverse=True), r"(?<!\w)", r"(?!\w)")
        spelt = [_SEPARATOR.join(map(re.escape, i)) for i in identifiers if len(i) >= MIN_IDENTIFIER]
        self._identifiers = _alternatives(spelt, r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])")
        self._births = _alternatives([p for day in births for p in _date_forms(day)], r"(?<!\w)", r"(?!\w)")

    def __call__(self, text: str) -> str:
        """``text`` with the child's names, identifiers, dates of birth and postcodes taken out."""
        if self._names is not None:
            text = self._names.sub(self.pseudonym, text)
        if self._identifiers is not None:
            text = self._identifiers.sub("(identifier withheld)", text)
        if self._births is not None:
            text = self._births.sub("(date of birth withheld)", text)
        text = _POSTCODE.sub("(postcode withheld)", text)
        text = _NHS_LIKE.sub("(identifier withheld)", text)
        if self.index.scan_text(text):
            return WITHHELD_TEXT
        return text


def _text(record: Mapping[str, Any], key: str) -> str | None:
    value = record[key]
    return str(value) if value else None


def _day(text: str) -> list[dt.date]:
    try:
        return [dt.date.fromisoformat(text[:10])]
    except ValueError:
        return []


def _alternatives(patterns: list[str], before: str, after: str) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile(before + "(?:" + "|".join(patterns) + ")" + after, re.IGNORECASE)


def _date_forms(day: dt.date) -> list[str]:
    """Patterns for the ways ``day`` is written: 03/04/2005, 3.4.05, 2005-04-03, 3rd April 2005..."""
    d, m = rf"0?{day.day}", rf"0?{day.month}"
    year = rf"(?:{day.year}|{day.year % 100:02d})"
    full = _MONTH_NAMES[day.month - 1]
    month = rf"(?:{full}|{full[:3]}{'t?' if day.month == 9 else ''})\.?"
    return [
        rf"{d}[/.\-]{m}[/.\-]{year}",
        rf"{day.year}[/.\-]{m}[/.\-]{d}",
        rf"{d}{_ORDINAL}\s+(?:of\s+)?{month},?\s+{day.year}",
        rf"{month}\s+{d}{_ORDINAL},?\s+{day.year}",
    ]

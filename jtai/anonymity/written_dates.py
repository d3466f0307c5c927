"""Dates as people write them in English text, for the anonymity guard.

Every usual form is read: ``03/04/2005``, ``3/4/2005``, ``3.4.05``, ``3-4-2005``, ``3 / 4 / 2005``,
``3–4–2005`` (any dash), ``20050403``, ``03042005``,
``2005-04-03``, ``2005/04/03``, ``3 April 2005``, ``3rd of April 2005``, ``3 Apr 2005``,
``3-Apr-2005``, ``03-APR-05``, ``3Apr2005``, ``6 Dec 03``, ``6th December '03``, ``April 3, 2005``,
``April 3, '05``. Numbers are read day first, as in England; a two-digit year is read as both
centuries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

_MONTH_NAMES = (
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
)
MONTHS: dict[str, int] = {
    name: number
    for number, full in enumerate(_MONTH_NAMES, start=1)
    for name in (full, full[:3], "sept" if full == "september" else full[:3])
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
# Every dash is read as "-" (one character for one, so what was matched can be quoted).
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))
# numbers separated twice by the same mark, maybe with spaces round it ("28 / 11 / 2005")
_NUMERIC = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*([/.\-_])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?![\d/\-]|\.\d)")
_YEAR_FIRST = re.compile(r"(?<![\d/.\-])(\d{4})\s*([/.\-_])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?![\d/\-]|\.\d)")
# eight digits in a row: "20051128" (year first) or "28112005" (day first)
_COMPACT = re.compile(r"(?<!\d)(\d{8})(?!\d)")
# a two-digit year ("03", "'03", "’03"), unless a letter, a time or another number follows it
_SHORT_YEAR = r"['\u2018\u2019]?(\d{2})(?![\w/\-:]|[.,]\d)"
_QUOTED_YEAR = r"['\u2018\u2019](\d{2})(?![\w/\-:]|[.,]\d)"
# day, then month by name: "3 April 2005", "3rd of Apr. 2005", "3-Apr-2005", "03-APR-05", "3Apr2005",
# "6 Dec 03", "6th December '03". A two-digit year is not one when a letter, a time or another
# number follows ("3 May 20th", "6 Dec 10:30", "6 Dec 10am"); "3 May 20 children" is read as a
# date, so a count after a date is best written in words.
_DAY_MONTH = re.compile(
    rf"(?<![\d/.\-])(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-/._]\s*|\s+(?:of\s+)?|)({_MONTH_RE})\.?"
    rf"(?:\s*[-/._]\s*|,?\s*)(?:(\d{{4}})(?![\d/\-]|\.\d)|{_SHORT_YEAR})",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"(?<![A-Za-z])({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?:(\d{{4}})(?!\d)|{_QUOTED_YEAR})",
    re.IGNORECASE,
)


def iter_dates(text: str) -> Iterable[tuple[dt.date, str]]:
    """Every date written in ``text``, with the text it was read from (a two-digit year: twice)."""
    text = text.translate(_DASHES)
    for match in _COMPACT.finditer(text):
        digits = match[1]
        year_first = (digits[:4], digits[4:6], digits[6:])
        day_first = (digits[4:], digits[2:4], digits[:2])
        for year, month, day_of_month in (year_first, day_first):
            day = _date(int(year), int(month), int(day_of_month))
            if day:
                yield day, match[0]
    for match in _NUMERIC.finditer(text):
        for year in _years(match[4]):
            day = _date(year, int(match[3]), int(match[1]))
            if day:
                yield day, match[0]
    for match in _YEAR_FIRST.finditer(text):
        day = _date(int(match[1]), int(match[3]), int(match[4]))
        if day:
            yield day, match[0]
    for match in _DAY_MONTH.finditer(text):
        for year in _years(match[3] or match[4]):
            day = _date(year, MONTHS[match[2].lower()], int(match[1]))
            if day:
                yield day, match[0]
    for match in _MONTH_DAY.finditer(text):
        for year in _years(match[3] or match[4]):
            day = _date(year, MONTHS[match[1].lower()], int(match[2]))
            if day:
                yield day, match[0]


def _years(written: str) -> list[int]:
    year = int(written)
    return [year] if len(written) == 4 else [1900 + year, 2000 + year]


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None

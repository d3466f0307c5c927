"""Small pieces of English used by every report: dates, lists, agency names."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from markupsafe import Markup, escape

# The agency groups of a letter's "areas for improvement", in the order letters use.
AGENCY_HEADINGS: dict[str, str] = {
    "partnership": "The partnership",
    "csc": "Children's social care",
    "police": "Police",
    "health": "Health",
    "probation": "Probation",
    "yos": "Youth offending service",
    "education": "Education",
    "lscb": "Local Safeguarding Children Board",
}


def format_date(day: dt.date | None) -> str:
    """``2018-03-19`` as ``19 March 2018`` (the form published letters use)."""
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"


def format_span(start: dt.date, end: dt.date) -> str:
    """A date range as letters write it: ``19 and 23 March 2018``, ``28 February and 2 March 2018``."""
    if start.year != end.year:
        return f"{format_date(start)} and {format_date(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%B} and {format_date(end)}"
    return f"{start.day} and {format_date(end)}"


def format_list(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    values = [item for item in items if item]
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


def agency_heading(agency: str) -> str:
    """The heading for an agency id; an unknown id is shown as written."""
    return AGENCY_HEADINGS.get(agency, agency)


def number_word(n: int) -> str:
    """Numbers up to ten in words, as letters write them; larger ones as digits."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[n] if 0 <= n < len(words) else str(n)


def shorten(text: str, width: int = 110) -> str:
    """``text`` cut at a word before ``width`` characters, with ``...`` when cut."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3].rsplit(" ", 1)[0] + "..."


_ABBREVIATIONS = {"cse": "CSE"}


def stratum_label(stratum: str) -> str:
    """A sampling stratum as readers write it: ``cse | 14-15 | female`` as ``CSE, 14-15, female``."""
    parts = [part.strip() for part in stratum.split("|")]
    return ", ".join(_ABBREVIATIONS.get(part, part.replace("_", " ")) for part in parts)


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month from ``start``'s month to ``end``'s, both included."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def with_commands(text: str) -> Markup:
    """``text`` escaped for HTML, with each `` `jtai ...` `` shown as code instead of backticks."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))  # noqa: S704 - escaped first

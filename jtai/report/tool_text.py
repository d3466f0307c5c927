"""Dates the tool writes itself, and the date a report is dated by.

The guard searches authored text for a child's date of birth in every written form. The
tool's own dates are not authored: a sampling window that starts on a day a child was born
("from 2017-09-19 to 2018-03-18") says nothing about the child, and a report writer cannot
reword it. :func:`sampling_dates` gives those dates as the samples wrote them, and
:func:`chart_dates` where the monthly charts start, so every report blanks them out before
the guard runs, as it does the settings' own phrases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from jtai.anonymity.written_dates import iter_dates
from jtai.report.area_results import fieldwork
from jtai.report.text import format_date

if TYPE_CHECKING:
    from jtai.sampling import Sample


def sampling_dates(samples: Iterable[Sample]) -> list[str]:
    """Every date the samples' own explanations and notes hold, as written there, and when drawn."""
    found: list[str] = []
    for sample in samples:
        texts = [str(sample.summary.get("explanation") or ""), *map(str, sample.summary.get("notes", []))]
        found += [written for text in texts for _, written in iter_dates(text)]
        found.append(sample.created_at[:10])
    return sorted(set(found))


def year_before(fieldwork_start: dt.date) -> dt.date:
    """Where the evidence pack's monthly charts start: the first of the month a year before fieldwork."""
    return dt.date(fieldwork_start.year - 1, fieldwork_start.month, 1)


def chart_dates(config: Mapping[str, Any]) -> list[str]:
    """The chart window's first day as the evidence pack writes it (``1 March 2017``, ISO)."""
    day = config.get("fieldwork_start")
    if not isinstance(day, dt.date):
        return []
    start = year_before(day)
    return [format_date(start), start.isoformat()]


def report_date(config: Mapping[str, Any]) -> dt.date:
    """The date a report is dated by: the letter's date, else publication, else the end of fieldwork.

    Never the day it happens to be rendered, so the same workspace gives the same report.
    """
    for key in ("letter_date", "publication_date"):
        day = config.get(key)
        if isinstance(day, dt.date):
            return day
    return fieldwork(config)[1]

"""Working-day deadlines: England's bank holidays from the maintained ``holidays`` package.

A working day is Monday to Friday and not a bank holiday in England (substitute days
included: when Christmas falls on a Saturday, the Monday after is a holiday).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day in England (not a weekend, not a bank holiday)."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start``.

    ``start`` itself is never counted: 1 working day after a Friday is the next Monday
    (or the Tuesday when that Monday is a bank holiday).

    Args:
        start: the day the period starts from (e.g. the letter's publication date).
        days: how many working days to count, zero or more.

    Returns:
        The last day of the period; ``start`` itself when ``days`` is 0.

    Raises:
        ValueError: ``days`` is negative.
    """
    if days < 0:
        raise ValueError("days must be zero or more")
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days fall after ``start`` up to and including ``end``."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def working_days_before(end: dt.date, days: int) -> dt.date:
    """The date ``days`` working days before ``end``: the inverse of :func:`add_working_days`.

    ``end`` itself is never counted: 1 working day before a Monday is the Friday before
    (or the Thursday when that Friday is a bank holiday).

    Raises:
        ValueError: ``days`` is negative.
    """
    if days < 0:
        raise ValueError("days must be zero or more")
    day = end
    counted = 0
    while counted < days:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day

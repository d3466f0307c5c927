"""Working-day deadlines across England's bank holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jtai.workdays import add_working_days, is_working_day, working_days_between

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2018, 3, 29), 1, D(2018, 4, 3)),  # Maundy Thursday: skips Good Friday, Easter Monday
        (D(2018, 3, 28), 2, D(2018, 4, 3)),
        (D(2019, 4, 18), 1, D(2019, 4, 23)),  # Easter 2019
        (D(2018, 12, 24), 1, D(2018, 12, 27)),  # Christmas Day and Boxing Day
        (D(2018, 12, 21), 5, D(2019, 1, 2)),  # across the new year, 1 January a holiday
        (D(2021, 12, 24), 1, D(2021, 12, 29)),  # Christmas on a Saturday: substitute days 27, 28
        (D(2020, 12, 24), 1, D(2020, 12, 29)),  # Boxing Day on a Saturday: substitute 28
        (D(2018, 5, 9), 70, D(2018, 8, 16)),  # the Southend letter's publication date
        (D(2018, 3, 17), 1, D(2018, 3, 19)),  # from a Saturday
        (D(2018, 3, 16), 0, D(2018, 3, 16)),
    ],
)
def test_add_working_days(start: dt.date, days: int, expected: dt.date) -> None:
    """Weekends and England's bank holidays are not counted; the start day never is."""
    assert add_working_days(start, days) == expected


def test_working_days_between_inverts_add() -> None:
    """Counting the days back gives the number added, across Easter and Christmas."""
    for start in (D(2018, 3, 1), D(2018, 12, 1), D(2024, 3, 20)):
        for days in (1, 10, 70):
            assert working_days_between(start, add_working_days(start, days)) == days


def test_bank_holidays_are_not_working_days() -> None:
    """Good Friday, Easter Monday, the May and August holidays and Christmas are off."""
    for day in (D(2018, 3, 30), D(2018, 4, 2), D(2018, 5, 7), D(2018, 8, 27), D(2018, 12, 25)):
        assert not is_working_day(day)
    assert is_working_day(D(2018, 4, 3))


def test_negative_days_refused() -> None:
    """A negative period is a programming error, not a date in the past."""
    with pytest.raises(ValueError, match="zero or more"):
        add_working_days(D(2018, 1, 1), -1)


@given(
    start=st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31)),
    days=st.integers(min_value=1, max_value=120),
)
def test_deadline_properties(start: dt.date, days: int) -> None:
    """The deadline is a working day, after the start, with exactly ``days`` working days up to it."""
    end = add_working_days(start, days)
    assert end > start
    assert is_working_day(end)
    assert working_days_between(start, end) == days
    # a working week never holds more than five working days, and bank holidays only add days
    assert (end - start).days >= days + 2 * ((days - 1) // 5)

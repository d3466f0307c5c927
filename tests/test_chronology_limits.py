"""Chronology gaps at their exact limits (across bank holidays), and every unscreened exploitation flag."""

from __future__ import annotations

import datetime as dt

import pytest

from jtai.linkage.chronology import Event, gaps
from jtai.workdays import working_days_between


def _event(record: str, kind: str, date: str, end: str | None = None, flags: str | None = None,
           agency: str = "csc") -> Event:  # fmt: skip
    return Event(record, date, end, agency, kind, kind, None, None, None, None, flags, None)


def _days(start: str, end: str) -> int:
    return working_days_between(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize(("held", "late"), [("2018-04-16", False), ("2018-04-17", True)])
def test_icpc_limit_is_15_working_days_across_easter(held: str, late: bool) -> None:
    """A conference 15 working days after the discussion (Easter between) is in time; 16 is late."""
    assert _days("2018-03-22", held) == (16 if late else 15)
    found = gaps([_event("R1", "strategy_discussion", "2018-03-22"), _event("R2", "icpc", held)])
    expected = (
        [
            "Initial child protection conference 16 working days after the strategy discussion on "
            "2018-03-22 (within 15 expected)."
        ]
        if late
        else []
    )
    assert [g.message for g in found] == expected


@pytest.mark.parametrize(("done", "late"), [("2018-05-08", False), ("2018-05-09", True)])
def test_assessment_limit_is_45_working_days_across_bank_holidays(done: str, late: bool) -> None:
    """An assessment 45 working days after the referral (Easter, early May between) is in time; 46 late."""
    assert _days("2018-03-01", done) == (46 if late else 45)
    found = gaps([_event("R1", "referral", "2018-03-01"), _event("R2", "assessment", "2018-03-05", done)])
    expected = (
        ["Assessment completed 46 working days after the referral on 2018-03-01 (within 45 expected)."]
        if late
        else []
    )
    assert [g.message for g in found] == expected


@pytest.mark.parametrize(("interview", "late"), [("2018-04-02", False), ("2018-04-03", True)])
def test_return_interview_limit_is_72_hours_bank_holiday_or_not(interview: str, late: bool) -> None:
    """72 hours are calendar time: 3 days after a Good Friday return is in time, 4 days is late."""
    found = gaps(
        [
            _event("R1", "missing_episode", "2018-03-29", "2018-03-30", agency="police"),
            _event("R2", "return_home_interview", interview),
        ]
    )
    expected = (
        ["Return home interview 4 days after the return on 2018-03-30 (due within 72 hours)."] if late else []
    )
    assert [g.message for g in found] == expected


def test_a_second_flag_without_screening_is_a_gap() -> None:
    """Flagged and screened in 2016, flagged again in 2018 with no screening: the 2018 flag is a gap."""
    found = gaps(
        [
            _event("R1", "police_incident", "2016-05-10", flags="cse", agency="police"),
            _event("R2", "exploitation_screening", "2016-05-20"),
            _event("R3", "police_incident", "2018-02-10", flags="missing;county_lines", agency="police"),
        ]
    )
    assert [(g.kind, g.date, g.records) for g in found] == [("exploitation_screening", "2018-02-10", ("R3",))]
    assert found[0].message == (
        "Police recorded county lines on 2018-02-10 with no exploitation screening within 28 days."
    )


def test_screening_window_is_28_days_either_side() -> None:
    """A screening 28 days before or after a flag covers it; 29 days does not."""
    flag = _event("R1", "police_incident", "2018-02-10", flags="cse", agency="police")
    for screened, gap in (
        ("2018-01-13", False),
        ("2018-03-10", False),
        ("2018-01-12", True),
        ("2018-03-11", True),
    ):
        found = gaps([flag, _event("R2", "exploitation_screening", screened)])
        assert bool(found) is gap, screened


def test_flags_close_together_are_one_gap_and_later_ones_another() -> None:
    """Unscreened flags each within 28 days of the last are one gap; a flag months later starts another."""
    found = gaps(
        [
            _event("R3", "police_incident", "2018-03-01", flags="cse", agency="police"),
            _event("R1", "police_incident", "2018-02-10", flags="cse", agency="police"),
            _event("R2", "contact", "2018-02-20", flags="cse"),
            _event("R4", "police_incident", "2018-09-01", flags="gang", agency="police"),
        ]
    )
    assert [(g.date, g.records) for g in found] == [
        ("2018-02-10", ("R1", "R2", "R3")),
        ("2018-09-01", ("R4",)),
    ]
    assert "on 2018-02-10 (and 2 more times to 2018-03-01) with no" in found[0].message

"""Indicators: each built-in rule on a hand-built fixture whose value is counted by hand."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from jtai.indicators import builtin_indicators
from jtai.indicators.definitions import Indicator, parse_indicators
from jtai.indicators.measure import Count, Record, count, wilson
from jtai.workdays import add_working_days

# a period that holds every fixture date below: 1 January to 31 May 2018
START, END = dt.date(2018, 1, 1), dt.date(2018, 6, 1)
_ids = iter(range(1, 10_000))


def rec(key: str, event_type: str, date: str | None, agency: str = "csc", **fields: object) -> Record:
    """One record of child ``key``; ``end`` sets the end date, other keywords are fields."""
    end = fields.pop("end", None)
    extra = fields.pop("extra", None)
    return Record(
        next(_ids),
        key,
        agency,
        event_type,
        date,
        end if isinstance(end, str) else None,
        {"extra": json.dumps(extra) if extra else None, **fields},
    )


def rule(indicator_id: str) -> Indicator:
    """A built-in indicator by id."""
    return next(i for i in builtin_indicators() if i.id == indicator_id)


def counted(indicator_id: str, records: list[Record], start: dt.date = START, end: dt.date = END) -> Count:
    """The counts of one built-in indicator over the records."""
    return count(rule(indicator_id), records, start, end)


def test_contacts_decided_within_one_working_day_across_easter() -> None:
    """Friday to Monday and Maundy Thursday to the Tuesday after Easter are one working day."""
    records = [
        rec("a", "contact", "2018-03-02"),  # Friday
        rec("a", "mash_decision", "2018-03-05"),  # Monday: 1 working day
        rec("b", "contact", "2018-03-29"),  # Thursday before Good Friday
        rec("b", "mash_decision", "2018-04-03"),  # Tuesday after Easter Monday: 1 working day
        rec("c", "contact", "2018-03-07"),  # Wednesday
        rec("c", "mash_decision", "2018-03-09"),  # Friday: 2 working days
        rec("d", "contact", "2018-03-07"),  # no decision at all
    ]
    assert counted("contact_decision_1wd", records) == Count(2, 4)


def test_return_home_interview_at_exactly_72_hours() -> None:
    """72 hours after the return is in time, a minute later is not; one episode per child and day."""
    records = [
        rec("a", "missing_episode", "2018-01-31", "police", end="2018-02-01"),
        rec("a", "missing_episode", "2018-01-31", "csc", end="2018-02-01"),  # the same episode
        rec("a", "return_home_interview", "2018-02-04"),  # 72 hours after midnight on the 1st
        rec("b", "missing_episode", "2018-02-10", "police"),
        rec("b", "return_home_interview", "2018-02-14"),  # 96 hours
        rec("c", "missing_episode", "2018-02-28", "police", end="2018-03-01T10:00"),
        rec("c", "return_home_interview", "2018-03-04T10:00"),  # exactly 72 hours
        rec("d", "missing_episode", "2018-02-28", "police", end="2018-03-01T10:00"),
        rec("d", "return_home_interview", "2018-03-04T10:01"),  # 72 hours and a minute
    ]
    assert counted("rhi_72h", records) == Count(2, 4)


def test_an_interview_after_the_next_episode_answers_that_one() -> None:
    """Missing again before any interview: the first episode had none, the second had one."""
    records = [
        rec("a", "missing_episode", "2018-04-01", "police"),
        rec("a", "missing_episode", "2018-04-02", "police"),
        rec("a", "return_home_interview", "2018-04-03"),
    ]
    assert counted("rhi_72h", records) == Count(1, 2)


def test_children_missing_three_or_more_times() -> None:
    """Distinct days count: two agencies' records of one day are one episode."""
    records = [
        *(rec("a", "missing_episode", d, "police") for d in ("2017-06-01", "2017-11-01", "2018-02-01")),
        rec("a", "missing_episode", "2018-02-01", "csc"),
        rec("b", "missing_episode", "2017-12-01", "police"),
        rec("b", "missing_episode", "2017-12-01", "csc"),
        rec("b", "missing_episode", "2018-01-05", "police"),
        rec("c", "missing_episode", "2018-01-05", "police"),
        rec("d", "missing_episode", "2016-01-05", "police"),  # before the 12 months
    ]
    found = count(rule("missing_3plus"), records, dt.date(2017, 3, 19), dt.date(2018, 3, 19))
    assert found == Count(1, 3)


def test_rereferrals_within_twelve_months_edge() -> None:
    """A referral exactly 12 months after the last is a re-referral; a day later is not."""
    records = [
        rec("a", "referral", "2017-06-01"),  # before the period: looked back to, not counted
        rec("a", "referral", "2018-02-01"),
        rec("b", "referral", "2017-01-15"),
        rec("b", "referral", "2018-01-16"),  # 12 months and a day
        rec("c", "referral", "2017-02-01"),
        rec("c", "referral", "2018-02-01"),  # exactly 12 months
        rec("d", "referral", "2018-03-01"),
    ]
    found = count(rule("rereferral_12m"), records, dt.date(2017, 9, 19), dt.date(2018, 3, 19))
    assert found == Count(2, 4)


def test_rereferrals_as_annex_a_counts_them() -> None:
    """More than one referral in the last 12 months (the latest included) is a re-referral."""
    records = [
        rec("a", "referral", "2018-02-01", extra={"referrals_last_12_months": 2}),
        rec("b", "referral", "2018-02-01", extra={"referrals_last_12_months": 1}),
        rec("c", "referral", "2018-02-01", extra={"referrals_last_12_months": 4}),
        rec("d", "referral", "2018-02-01"),  # not recorded: left out
    ]
    assert counted("rereferral_annex_a", records) == Count(2, 3)


def test_conference_at_fifteen_working_days_across_easter() -> None:
    """Tuesday 27 March 2018 + 15 working days (Easter skipped) is Thursday 19 April."""
    assert add_working_days(dt.date(2018, 3, 27), 15) == dt.date(2018, 4, 19)
    records = [
        rec("a", "section_47", "2018-03-27", extra={"icpc_date": "2018-04-19"}),
        rec("b", "section_47", "2018-03-27", extra={"icpc_date": "2018-04-20"}),
        rec("c", "section_47", "2018-03-27", extra={"icpc_unnecessary": "yes"}),  # excluded
    ]
    assert counted("s47_icpc_15wd", records) == Count(1, 2)


def test_assessment_at_forty_five_working_days_across_three_bank_holidays() -> None:
    """From 1 March 2018, Good Friday, Easter Monday and 7 May skipped: day 45 is 8 May."""
    assert add_working_days(dt.date(2018, 3, 1), 45) == dt.date(2018, 5, 8)
    records = [
        rec("a", "assessment", "2018-03-01", end="2018-05-08"),
        rec("b", "assessment", "2018-03-01", end="2018-05-09"),
        rec("c", "assessment", "2018-03-01"),  # not authorised yet: excluded
    ]
    assert counted("assessment_45wd", records) == Count(1, 2)


def test_assessments_with_the_child_seen() -> None:
    """Yes counts, no does not, an unanswered assessment is left out."""
    records = [
        rec("a", "assessment", "2018-02-01", extra={"child_seen": "yes"}),
        rec("b", "assessment", "2018-02-01", extra={"child_seen": "no"}),
        rec("c", "assessment", "2018-02-01"),
    ]
    assert counted("assessment_child_seen", records) == Count(1, 2)


def test_children_missing_education() -> None:
    """Of three children known to education in the period, one is missing education in it."""
    records = [
        rec("a", "school_enrolment", "2018-01-10", "education"),
        rec("a", "child_missing_education", "2018-02-10", "education"),
        rec("b", "attendance_concern", "2018-01-10", "education"),
        rec("b", "child_missing_education", "2017-06-10", "education"),  # before the period
        rec("c", "exclusion", "2018-03-10", "education"),
        rec("d", "school_enrolment", "2016-09-01", "education"),  # not in the period at all
    ]
    assert counted("children_missing_education", records) == Count(1, 3)


@pytest.mark.parametrize("agency", ["health", "police"])
def test_partners_at_strategy_discussions(agency: str) -> None:
    """A partner's record of the discussion the day after counts; four days later does not."""
    records = [
        rec("a", "strategy_discussion", "2018-02-01"),
        rec("a", "strategy_discussion", "2018-02-02", agency),
        rec("b", "strategy_discussion", "2018-02-01"),
        rec("c", "strategy_discussion", "2018-02-01"),
        rec("c", "strategy_discussion", "2018-02-05", agency),
        rec("d", "strategy_discussion", "2018-02-01", "police" if agency == "health" else "health"),
    ]
    assert counted(f"strategy_{agency}", records) == Count(1, 3)


def test_exploitation_screening_and_meetings() -> None:
    """Children flagged for exploitation in the period: screened or discussed in the period."""
    records = [
        rec("a", "police_incident", "2018-02-01", "police", flags="missing;cse"),
        rec("a", "exploitation_screening", "2018-02-10"),
        rec("a", "multi_agency_meeting", "2018-02-11"),
        rec("b", "police_incident", "2018-02-01", "police", flags="gang"),
        rec("b", "exploitation_screening", "2017-11-01"),  # before the period
        rec("c", "police_incident", "2018-02-01", "police", flags="domestic_abuse"),  # not exploitation
    ]
    assert counted("exploitation_screened", records) == Count(1, 2)
    assert counted("exploitation_meeting", records) == Count(1, 2)


def test_repeat_child_protection_plans() -> None:
    """A plan with previous plans counts; none before does not; not recorded is left out."""
    records = [
        rec("a", "child_protection_plan", "2018-02-01", extra={"previous_plans": 2}),
        rec("b", "child_protection_plan", "2018-02-01", extra={"previous_plans": 0}),
        rec("c", "child_protection_plan", "2018-02-01"),
    ]
    assert counted("repeat_cp_plan", records) == Count(1, 2)


def test_not_available_says_what_the_data_lacks() -> None:
    """No interviews loaded, no conference dates, no records at all: each says so."""
    episodes = [rec("a", "missing_episode", "2018-02-01", "police")]
    assert "No return home interviews are loaded" in counted("rhi_72h", episodes).reason
    s47 = [rec("a", "section_47", "2018-02-01", extra={"icpc_unnecessary": "yes"})]
    assert counted("s47_icpc_15wd", s47).reason == "None of the loaded section 47 enquiries has an icpc date."
    assert counted("contact_decision_1wd", []).reason == "No contacts are loaded."
    assert not counted("contact_decision_1wd", []).available


def test_wilson_interval_reference_values() -> None:
    """Published Wilson intervals: 0 of 10 is 0-27.8%, 5 of 10 is 23.7-76.3%."""
    low, high = wilson(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson(5, 10)
    assert (low, high) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert wilson(0, 0) == (0.0, 0.0)


def test_an_area_adds_its_own_indicator() -> None:
    """An indicators file of the same shape adds rules; a bad one names the file and line."""
    from jtai.errors import ConfigError

    (own,) = parse_indicators(
        "indicators:\n"
        "  - id: gp_seen\n"
        "    title: A&E attendances\n"
        "    kind: field\n"
        "    definition: A&E attendances recorded as self-harm.\n"
        "    start: {event_types: [ae_attendance], label: A&E attendances}\n"
        "    field: flags\n"
        "    values: [self_harm]\n",
        "indicators.yaml",
    )
    records = [
        rec("a", "ae_attendance", "2018-02-01", "health", flags="self_harm"),
        rec("b", "ae_attendance", "2018-02-01", "health", flags="other"),
    ]
    assert count(own, records, START, END) == Count(1, 2)
    with pytest.raises(ConfigError, match=r"indicators.yaml, line 4"):
        parse_indicators("indicators:\n  - id: x\n    title: X\n    kind: ratio\n", "indicators.yaml")

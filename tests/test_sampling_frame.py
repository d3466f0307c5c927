"""The tracked cohort frame and the front-door frame, built from small record tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from jtai.sampling import CohortRule, FrontDoorSpec, TrackedSpec, build_frame, build_front_door
from jtai.sampling.frontdoor import outcome_group, source_group
from jtai.store.sampling import RECORD_COLUMNS

START = dt.date(2018, 3, 19)
RULE = CohortRule(
    START, 6, 0, 17, ("missing_episode", "child_missing_education"), ("cse", "criminal_exploitation", "gang")
)
SPEC = TrackedSpec(
    risk_types=(
        ("cse", ("cse",)),
        ("criminal_exploitation", ("criminal_exploitation", "gang")),
        ("missing", ("missing",)),
        ("missing_education", ("child_missing_education",)),
    ),
    agencies=("csc", "police", "health", "probation", "yos", "education"),
)
COLUMNS = list(RECORD_COLUMNS)


def records(*rows: dict[str, Any]) -> pd.DataFrame:
    """A records table: each row's missing columns are empty."""
    full = [
        {c: None for c in COLUMNS} | {"id": i, "subject": "child", "event_type": "person"} | r
        for i, r in enumerate(rows, 1)
    ]
    frame = pd.DataFrame(full, columns=COLUMNS)
    return frame.astype({c: "string" for c in COLUMNS if c != "id"})


def test_cohort_rule_window_age_and_reason() -> None:
    """Theme events or flags in the window qualify; age and window bound the cohort; the reason reads well."""
    df = records(
        # c1: gang flag in window, police + education + CSC -> criminal exploitation
        {
            "child_id": "c1",
            "agency": "police",
            "dob": "2003-06-01",
            "sex": "male",
            "event_type": "police_incident",
            "event_date": "2018-01-02",
            "flags": "gang",
        },
        {
            "child_id": "c1",
            "agency": "education",
            "dob": "2003-06-01",
            "event_type": "exclusion",
            "event_date": "2017-12-01",
        },
        {
            "child_id": "c1",
            "agency": "csc",
            "sex": "male",
            "event_type": "child_in_need",
            "event_date": "2017-01-01",
            "end_date": "2018-02-01",
        },
        # c2: missing episode in window, no flag -> missing (implied by the event)
        {
            "child_id": "c2",
            "agency": "police",
            "dob": "2009-03-19",
            "sex": "female",
            "event_type": "missing_episode",
            "event_date": "2018-03-18",
        },
        # c3: CSE flag before the window only -> not in the cohort
        {
            "child_id": "c3",
            "agency": "police",
            "dob": "2005-01-01",
            "event_type": "police_incident",
            "event_date": "2017-09-18",
            "flags": "cse",
        },
        # c4: 18 on fieldwork start -> outside ages
        {
            "child_id": "c4",
            "agency": "police",
            "dob": "2000-03-19",
            "event_type": "missing_episode",
            "event_date": "2018-01-01",
        },
        # c5: no date of birth anywhere
        {"child_id": "c5", "agency": "police", "event_type": "missing_episode", "event_date": "2018-01-01"},
        # c6: undated person record with a CSE flag (a standing flag) and a missing flag -> cse first
        {"child_id": "c6", "agency": "csc", "dob": "2004-03-20", "sex": "female", "flags": "missing;cse"},
    )
    frame, count = build_frame(df, RULE, SPEC)
    assert frame["key"].tolist() == ["c1", "c2", "c6"]
    assert frame["age"].tolist() == [14, 9, 13]
    assert frame["risk_type"].tolist() == ["criminal_exploitation", "missing", "cse"]
    assert frame["reason"].tolist() == [
        "criminal exploitation, 14-15, male; CSC, police, education involved",
        "missing, 0-9, female; police involved",
        "CSE, 10-13, female; CSC involved",
    ]
    assert frame["agencies_involved"].tolist() == ["multi-agency", "single agency", "single agency"]
    assert (count.children, count.matched_rule, count.no_dob, count.outside_age, count.eligible) == (
        6,
        5,
        1,
        1,
        3,
    )
    assert count.explain(RULE) == (
        "3 of 6 children are eligible; 5 had a theme event or risk flag from 2017-09-19 to 2018-03-18; "
        "1 of those have no date of birth; 1 are outside ages 0-17 on 2018-03-19."
    )


def test_unlinked_records_stand_for_their_own_child() -> None:
    """Without linkage, LA child id then agency person id name the child, and the count says so."""
    df = records(
        {
            "agency": "csc",
            "la_child_id": "L1",
            "dob": "2004-01-01",
            "event_type": "missing_episode",
            "event_date": "2018-01-01",
        },
        {
            "agency": "csc",
            "la_child_id": "L1",
            "dob": "2004-01-01",
            "sex": "female",
            "event_type": "referral",
            "event_date": "2018-01-05",
        },
        {"agency": "police", "agency_person_id": "P9", "dob": "2006-01-01", "flags": "cse"},
        {"agency": "subject-less", "dob": "2006-01-01", "flags": "cse"},
    )
    frame, count = build_frame(df, RULE, SPEC, exclude={"police:P9"})
    assert frame["key"].tolist() == ["la:L1", "record:4"]
    assert frame["child_id"].isna().all()
    assert frame["sex"].tolist() == ["female", "unknown"]
    assert (count.unlinked_records, count.excluded, count.eligible) == (4, 1, 2)


def test_adults_are_not_children() -> None:
    """Records of adults (adopters) never enter the cohort."""
    df = records({"child_id": "a1", "subject": "adult", "dob": "2005-01-01", "flags": "cse"})
    frame, count = build_frame(df, RULE, SPEC)
    assert frame.empty and count.children == 0


def test_source_codes() -> None:
    """Annex A source codes, with or without letter prefix or label, map to the four sources."""
    cases = {
        "q) 6: Police": "police",
        "6": "police",
        "Police": "police",
        "q)": "police",
        "e) 2A": "schools",
        "2B": "schools",
        "School": "schools",
        "g) 3A": "health",
        "l) 3F": "health",
        "3C: School nurse": "health",
        "GP": "health",
        "a) 1A": "other",
        "s) 8": "other",
        "10": "other",
        "": "other",
        None: "other",
    }
    assert {k: source_group(k) for k in cases} == cases


def test_outcome_texts() -> None:
    """Outcome texts map to NFA, early help, assessment or section 47; unknown ones to None."""
    cases = {
        "NFA": "no further action",
        "No further action": "no further action",
        "Early help": "early help",
        "Section 47": "section 47",
        "s47 enquiry": "section 47",
        "Strategy discussion": "section 47",
        "Single assessment": "assessment",
        "CIN": "assessment",
        "x": None,
        "": None,
        None: None,
    }
    assert {k: outcome_group(k) for k in cases} == cases


def test_front_door_frame_derives_outcomes() -> None:
    """Outcomes come from the record, Annex A's NFA column, later steps within 45 days, else NFA."""
    df = records(
        {
            "child_id": "c1",
            "event_type": "contact",
            "event_date": "2018-01-01",
            "source": "q) 6: Police",
            "outcome": "NFA",
        },
        {"child_id": "c2", "event_type": "referral", "event_date": "2018-01-01", "source": "e) 2A"},
        {"child_id": "c2", "event_type": "assessment", "event_date": "2018-01-03"},
        {"child_id": "c2", "event_type": "strategy_discussion", "event_date": "2018-01-20"},
        {"child_id": "c3", "event_type": "contact", "event_date": "2018-02-01", "source": "3A"},
        {"child_id": "c3", "event_type": "early_help", "event_date": "2018-05-01"},
        {
            "child_id": "c4",
            "event_type": "referral",
            "event_date": "2018-02-01",
            "extra": '{"referral_nfa": "a) Yes"}',
        },
        {"child_id": "c5", "event_type": "contact", "event_date": "2017-01-01", "source": "6"},
        {"child_id": "c6", "event_type": "contact", "source": "6"},
    )
    frame, counts = build_front_door(df, FrontDoorSpec(START))
    assert frame["record_id"].tolist() == [1, 2, 5, 7]
    assert frame["source"].tolist() == ["police", "schools", "health", "other"]
    assert frame["reason"].tolist() == [
        "contact from police; no further action",
        "referral from schools; section 47 (from later records)",
        "contact from health; no further action (no later step recorded)",
        "referral from other source; no further action",
    ]
    assert counts == {
        "in_window": 4,
        "no_source": 1,
        "from_later_records": 1,
        "no_later_step": 1,
        "undated": 1,
    }


def test_front_door_next_steps() -> None:
    """A contact then a referral means assessment; a MASH decision gives its outcome; NFA "no" is a floor."""
    df = records(
        {"child_id": "c1", "event_type": "contact", "event_date": "2018-01-01", "source": "6"},
        {"child_id": "c1", "event_type": "referral", "event_date": "2018-01-02", "source": "6"},
        {"child_id": "c2", "event_type": "contact", "event_date": "2018-01-01", "source": "6"},
        {
            "child_id": "c2",
            "event_type": "mash_decision",
            "event_date": "2018-01-02",
            "outcome": "Early help",
        },
        {
            "child_id": "c3",
            "event_type": "referral",
            "event_date": "2018-01-01",
            "extra": '{"referral_nfa": "no"}',
        },
        {"child_id": "c3", "event_type": "early_help", "event_date": "2018-01-05"},
    )
    frame, _ = build_front_door(df, FrontDoorSpec(START))
    assert dict(zip(frame["record_id"], frame["outcome"], strict=True)) == {
        1: "assessment",
        2: "no further action",
        3: "early help",
        5: "assessment",
    }


dates = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2018, 6, 30)).map(dt.date.isoformat)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["contact", "referral", "assessment", "mash_decision", "section_47"]),
            st.none() | dates,
            st.sampled_from([None, "6", "e) 2A", "3B", "s) 8", "Police", "?"]),
            st.sampled_from([None, "NFA", "Early help", "x", "Section 47"]),
            st.integers(0, 5),
        ),
        max_size=40,
    )
)
def test_front_door_frame_loses_nothing(
    rows: list[tuple[str, str | None, str | None, str | None, int]],
) -> None:
    """Every contact and referral dated in the window is in the frame once, with a known source, outcome."""
    df = records(
        *[
            {"event_type": e, "event_date": d, "source": s, "outcome": o, "child_id": f"c{c}"}
            for e, d, s, o, c in rows
        ]
    )
    frame, counts = build_front_door(df, FrontDoorSpec(START))
    wanted = [
        i
        for i, (e, d, *_rest) in enumerate(rows, 1)
        if e in ("contact", "referral") and d is not None and "2017-09-19" <= d < "2018-03-19"
    ]
    assert frame["record_id"].tolist() == wanted
    assert set(frame["source"]) <= {"police", "schools", "health", "other"}
    assert set(frame["outcome"]) <= {"no further action", "early help", "assessment", "section 47"}
    undated = sum(1 for e, d, *_rest in rows if e in ("contact", "referral") and d is None)
    assert counts["undated"] == undated

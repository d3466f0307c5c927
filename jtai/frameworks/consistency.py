"""The rules across a framework file: one part of it checked against another.

A criterion naming an agency that is not in scope, grades out of order, calendar days in the
wrong order: each problem comes with the path of the YAML node it concerns, so the loader can
name the line. Field-level rules are in the schema (:mod:`jtai.frameworks.schema`).
"""

from __future__ import annotations

from itertools import pairwise

from jtai.canonical import AGENCIES, EVENT_TYPES, RISK_FLAGS
from jtai.frameworks.schema import CASE_QUESTION_ID, Calendar, Framework

STRATA = ("risk_type", "age_band", "sex", "agencies_involved")

Path = tuple[str | int, ...]


def problems(fw: Framework) -> list[tuple[Path, str]]:
    """Rules across the file; each problem with the path of the node it concerns."""
    found: list[tuple[Path, str]] = []

    def unique(path: Path, ids: list[str], what: str) -> None:
        seen: set[str] = set()
        for i, value in enumerate(ids):
            if value.lower() in seen:
                found.append(((*path, i), f"{what} {value!r} appears twice."))
            seen.add(value.lower())

    for i, agency in enumerate(fw.agencies):
        if agency not in AGENCIES:
            found.append((("agencies", i), f"unknown agency {agency!r} (known: {', '.join(AGENCIES)})."))
    unique(("agencies",), fw.agencies, "agency")
    unique(("inspectorates",), [x.id for x in fw.inspectorates], "inspectorate")
    for i, item in enumerate(fw.inspectorates):
        for j, agency in enumerate(item.agencies):
            if agency not in fw.agencies:
                found.append(
                    (
                        ("inspectorates", i, "agencies", j),
                        f"agency {agency!r} is not in the framework's agencies.",
                    )
                )
    unique(("scale", "grades"), fw.scale_ids, "scale value")
    ranks = [g.rank for g in fw.scale.grades]
    if ranks != sorted(ranks, reverse=True) or len(set(ranks)) != len(ranks):
        found.append((("scale", "grades"), "grades must be listed best first with distinct, falling ranks."))
    for i, value in enumerate(fw.scale.note_required):
        if value not in fw.scale_ids:
            found.append((("scale", "note_required", i), f"{value!r} is not a value of the scale."))
    answers = [a.id for a in fw.case_question.answers]
    unique(("case_question", "answers"), answers, "answer")
    for i, value in enumerate(fw.case_question.not_safer):
        if value not in answers:
            found.append((("case_question", "not_safer", i), f"{value!r} is not one of the answers."))
    unique(("sections",), [s.id for s in fw.sections], "section")
    criterion_ids: set[str] = set()
    for si, section in enumerate(fw.sections):
        for ci, criterion in enumerate(section.criteria):
            path: Path = ("sections", si, "criteria", ci)
            if criterion.id.lower() in criterion_ids:
                found.append(((*path, "id"), f"criterion {criterion.id!r} appears twice."))
            criterion_ids.add(criterion.id.lower())
            if criterion.id.lower() == CASE_QUESTION_ID:
                found.append(((*path, "id"), f"{CASE_QUESTION_ID!r} is reserved for the case question."))
            for ai, agency in enumerate(criterion.agencies):
                if agency not in fw.agencies:
                    found.append(
                        ((*path, "agencies", ai), f"agency {agency!r} is not in the framework's agencies.")
                    )
    found.extend(_calendar_problems(fw.calendar))
    audit_criterion = fw.local_audits.criterion
    if audit_criterion is not None and fw.criterion(audit_criterion) is None:
        found.append(
            (("local_audits", "criterion"), f"{audit_criterion!r} is not a criterion of the framework.")
        )
    for i, event in enumerate(fw.cohort.event_types):
        if event not in EVENT_TYPES:
            found.append((("cohort", "event_types", i), f"unknown event type {event!r}."))
    for i, flag in enumerate(fw.cohort.flags):
        if flag not in RISK_FLAGS:
            found.append((("cohort", "flags", i), f"unknown risk flag {flag!r}."))
    if fw.cohort.age.min > fw.cohort.age.max:
        found.append((("cohort", "age"), "age min is above age max."))
    tracked = fw.sampling.tracked
    for i, stratum in enumerate(tracked.strata):
        if stratum not in STRATA:
            found.append(
                (("sampling", "tracked", "strata", i), f"unknown stratum {stratum!r} ({', '.join(STRATA)}).")
            )
    for i, (low, high) in enumerate(tracked.age_bands):
        if low > high:
            found.append((("sampling", "tracked", "age_bands", i), "an age band starts above its end."))
    for name, flags in tracked.risk_types.items():
        for i, flag in enumerate(flags):
            if flag not in RISK_FLAGS:
                found.append((("sampling", "tracked", "risk_types", name, i), f"unknown risk flag {flag!r}."))
    for i, event in enumerate(fw.sampling.front_door.event_types):
        if event not in EVENT_TYPES:
            found.append((("sampling", "front_door", "event_types", i), f"unknown event type {event!r}."))
    return found


def _calendar_problems(cal: Calendar) -> list[tuple[Path, str]]:
    """The days of week 1 and 2 come in order, after the notification and before fieldwork."""
    found: list[tuple[Path, str]] = []
    order = (
        ("notification_day", cal.notification_day),
        ("data_due_day", cal.data_due_day),
        ("children_selected_day", cal.children_selected_day),
        ("audits_due_day", cal.audits_due_day),
    )
    for (earlier, first), (later, second) in pairwise(order):
        if second < first:
            found.append((("calendar", later), f"{later} ({second}) comes before {earlier} ({first})."))
    if cal.fieldwork_first_day <= cal.audits_due_day:
        found.append(
            (
                ("calendar", "fieldwork_first_day"),
                f"fieldwork_first_day ({cal.fieldwork_first_day}) must come after audits_due_day "
                f"({cal.audits_due_day}).",
            )
        )
    if cal.accuracy_check_after_fieldwork + cal.accuracy_check_working_days > cal.publication_after_fieldwork:
        found.append(
            (
                ("calendar", "publication_after_fieldwork"),
                "publication comes before the accuracy check ends "
                "(accuracy_check_after_fieldwork + accuracy_check_working_days).",
            )
        )
    return found

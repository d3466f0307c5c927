"""Findings: grades aggregated by criterion and agency, and candidate findings by threshold.

Each item (case x criterion x agency) has one *final* value: the agreed judgement when
moderation resolved it, else the inspectors' grade when they agree or only one rated it,
else the lowest grade given (the cautious reading; the item counts as unresolved). A
case's final answer to the case question is the agreed one, else "not safer" if any
inspector answered so, else the answer when inspectors agree, else ``unresolved``.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jtai.frameworks import CASE_QUESTION_ID, Framework
from jtai.scoring import judgements

UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class Final:
    """The value an item counts as in findings."""

    case_ref: str
    criterion: str
    agency: str
    value: str
    unresolved: bool


def finals(conn: sqlite3.Connection, fw: Framework) -> list[Final]:
    """The final value of every item judged (case question rows included)."""
    agreed = {(j.case_ref, j.criterion, j.agency): j.value for j in judgements.current(conn, role="agreed")}
    given: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for j in judgements.current(conn, role="rater", area_audits=False):
        given[(j.case_ref, j.criterion, j.agency)].append(j.value)
    out = []
    for item in sorted(set(given) | set(agreed)):
        if item in agreed:
            out.append(Final(*item, value=agreed[item], unresolved=False))
            continue
        values = given[item]
        if len(set(values)) == 1:
            out.append(Final(*item, value=values[0], unresolved=False))
        elif item[1] == CASE_QUESTION_ID:
            worst = next((v for v in fw.case_question.not_safer if v in values), UNRESOLVED)
            out.append(Final(*item, value=worst, unresolved=True))
        else:
            graded = [v for v in values if fw.rank(v) is not None]
            value = min(graded, key=lambda v: fw.rank(v) or 0) if graded else values[0]
            out.append(Final(*item, value=value, unresolved=True))
    return out


@dataclass
class Cell:
    """Grades of one criterion for one agency across cases.

    Attributes:
        counts: value id -> number of cases (grades and other values).
        cases: value id -> the cases with that final value.
        graded: cases with an ordinal grade (the denominator of the shares).
        share_good, share_poor, share_worst: shares of ``graded`` that are good or
            better, below good, and in the lowest grade (None when nothing is graded).
        not_safer: graded cases where the child is not safer.
        unresolved: items whose inspectors disagree and that moderation has not resolved.
    """

    criterion: str
    agency: str
    counts: dict[str, int] = field(default_factory=dict)
    cases: dict[str, list[str]] = field(default_factory=dict)
    graded: int = 0
    share_good: float | None = None
    share_poor: float | None = None
    share_worst: float | None = None
    not_safer: list[str] = field(default_factory=list)
    unresolved: int = 0


def case_answers(
    conn: sqlite3.Connection, fw: Framework, *, items: list[Final] | None = None
) -> dict[str, str]:
    """Each case's final answer to the case question (answer id, or ``unresolved``).

    ``items`` (from :func:`finals`) saves reading the judgements again.
    """
    items = finals(conn, fw) if items is None else items
    return {f.case_ref: f.value for f in items if f.criterion == CASE_QUESTION_ID}


def question_counts(
    conn: sqlite3.Connection, fw: Framework, *, items: list[Final] | None = None
) -> dict[str, int]:
    """How many cases gave each answer to the case question, in the framework's order."""
    answers = case_answers(conn, fw, items=items)
    counts = {a.id: 0 for a in fw.case_question.answers}
    for value in answers.values():
        counts[value] = counts.get(value, 0) + 1
    return counts


def aggregate(conn: sqlite3.Connection, fw: Framework, *, items: list[Final] | None = None) -> list[Cell]:
    """One cell per criterion x agency with any judgement, in framework order."""
    items = finals(conn, fw) if items is None else items
    answers = case_answers(conn, fw, items=items)
    not_safer = {c for c, v in answers.items() if v in fw.case_question.not_safer}
    cells: dict[tuple[str, str], Cell] = {}
    for f in items:
        if f.criterion == CASE_QUESTION_ID:
            continue
        cell = cells.setdefault((f.criterion, f.agency), Cell(f.criterion, f.agency))
        cell.counts[f.value] = cell.counts.get(f.value, 0) + 1
        cell.cases.setdefault(f.value, []).append(f.case_ref)
        cell.unresolved += int(f.unresolved)
        if fw.rank(f.value) is not None:
            cell.graded += 1
            if f.case_ref in not_safer:
                cell.not_safer.append(f.case_ref)
    for cell in cells.values():
        if cell.graded:
            cell.share_good = sum(cell.counts.get(g, 0) for g in fw.good_or_better) / cell.graded
            cell.share_poor = sum(cell.counts.get(g, 0) for g in fw.poor) / cell.graded
            cell.share_worst = cell.counts.get(fw.worst, 0) / cell.graded
    order = {c.id: i for i, (_, c) in enumerate(fw.criteria())}
    agencies = {a: i for i, a in enumerate(fw.agencies)}
    return sorted(cells.values(), key=lambda c: (order.get(c.criterion, 999), agencies.get(c.agency, 99)))


# What each kind of finding is called in the letter, and beside its id in JSON (``kind_label``).
KIND_LABELS = {
    "strength": "Strength",
    "improvement": "Area for improvement",
    "priority_action": "Area for priority action",
    "main": "Main finding",
}


@dataclass(frozen=True)
class Candidate:
    """A finding the grades suggest; report writers decide what goes in the letter."""

    kind: str  # strength | improvement | priority_action
    criterion: str
    agency: str
    share: float
    graded: int
    cases: list[str]
    why: str


def candidates(fw: Framework, cells: list[Cell]) -> list[Candidate]:
    """Candidate strengths, areas for improvement and priority actions by the framework thresholds.

    A cell needs ``findings.min_cases`` graded cases. Priority action: the share in the
    lowest grade reaches ``priority_min_share_inadequate``, or a case graded in the lowest
    grade is one where the child is not safer. Otherwise an area for improvement when the
    share below good reaches ``improvement_min_share_poor``; a strength when the share good
    or better reaches ``strength_min_share_good``.
    """
    rule = fw.findings
    out = []
    for cell in cells:
        if cell.graded < rule.min_cases or cell.share_good is None:
            continue
        worst_cases = cell.cases.get(fw.worst, [])
        share_worst = cell.share_worst or 0.0
        share_poor = cell.share_poor or 0.0
        unsafe = [c for c in worst_cases if c in cell.not_safer]
        poor_cases = [c for g in fw.poor for c in cell.cases.get(g, [])]
        good_cases = [c for g in fw.good_or_better for c in cell.cases.get(g, [])]
        of = f"of {cell.graded} graded cases"
        if share_worst >= rule.priority_min_share_inadequate or unsafe:
            why = f"{share_worst:.0%} {of} {fw.label(fw.worst).lower()}"
            if unsafe:
                why += f"; {len(unsafe)} of them where the child is not safer"
            out.append(
                Candidate(
                    "priority_action", cell.criterion, cell.agency, share_worst, cell.graded, worst_cases, why
                )
            )
        elif share_poor >= rule.improvement_min_share_poor:
            why = f"{share_poor:.0%} {of} below {fw.label(fw.good_or_better[-1]).lower()}"
            out.append(
                Candidate(
                    "improvement", cell.criterion, cell.agency, share_poor, cell.graded, poor_cases, why
                )
            )
        elif cell.share_good >= rule.strength_min_share_good:
            why = f"{cell.share_good:.0%} {of} {fw.label(fw.good_or_better[-1]).lower()} or better"
            out.append(
                Candidate(
                    "strength", cell.criterion, cell.agency, cell.share_good, cell.graded, good_cases, why
                )
            )
    return out


def findings_json(
    fw: Framework, cells: list[Cell], counts: dict[str, int], extra: Sequence[Candidate] = ()
) -> dict[str, Any]:
    """Aggregates, case-question counts and candidates (``extra`` after the grades' own), as JSON."""
    return {
        "framework": fw.id,
        "case_question": counts,
        "cells": [
            {
                "criterion": c.criterion,
                "agency": c.agency,
                "counts": c.counts,
                "graded": c.graded,
                "share_good_or_better": c.share_good,
                "share_below_good": c.share_poor,
                "share_lowest": c.share_worst,
                "not_safer": len(c.not_safer),
                "unresolved": c.unresolved,
            }
            for c in cells
        ],
        "candidates": [
            {
                "kind": k.kind,
                "kind_label": KIND_LABELS[k.kind],
                "criterion": k.criterion,
                "agency": k.agency,
                "share": k.share,
                "graded": k.graded,
                "cases": k.cases,
                "why": k.why,
            }
            for k in [*candidates(fw, cells), *extra]
        ],
    }

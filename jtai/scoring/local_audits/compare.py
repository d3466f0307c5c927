"""The area's audits against the inspectors' grades on the same children.

For each agency and criterion, the area's grade of each tracked child is paired with the
inspectors' final grade of the same item (the agreed judgement, else their common grade,
see :func:`jtai.scoring.findings.finals`). Only items both graded on the ordinal scale
count. Agreement is Cohen's weighted kappa (linear weights) and Gwet's AC1 with their
intervals (:mod:`jtai.scoring.agreement`); the difference is counted in grade steps, area
minus inspectors, so a positive mean says the area is more generous.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jtai.frameworks import CASE_QUESTION_ID, Framework
from jtai.scoring import judgements
from jtai.scoring.agreement import Statistic, cohen_kappa, gwet_ac
from jtai.scoring.findings import KIND_LABELS, Candidate, Final, finals

AREA = "area"
INSPECTORS = "inspectors"
ALL = "all"


@dataclass(frozen=True)
class Pair:
    """One item both graded: the area's grade and the inspectors' (value ids)."""

    case: str
    criterion: str
    agency: str
    area: str
    inspectors: str
    steps: int  # area rank minus inspectors' rank


@dataclass(frozen=True)
class Row:
    """One agency x criterion (or the agency's criteria together: ``criterion`` ``all``)."""

    agency: str
    criterion: str
    items: int
    kappa: Statistic
    ac1: Statistic
    mean_steps: float | None
    more_generous: int
    harsher: int
    same: int
    area_good_inspectors_worst: list[str] = field(default_factory=list)
    area_worst_inspectors_good: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Comparison:
    """Rows per agency x criterion, one per agency overall, and what could not be paired."""

    rows: list[Row]
    agencies: list[Row]
    pairs: list[Pair]
    area_items: int
    unpaired: int  # area grades with no inspectors' grade of the same item (yet)


def area_grades(conn: sqlite3.Connection) -> dict[tuple[str, str, str], str]:
    """(case, criterion, agency) -> the area's grade; with two auditors, the newest counts."""
    found: dict[tuple[str, str, str], tuple[int, str]] = {}
    for j in judgements.current(conn, role="rater", area_audits=True):
        item = (j.case_ref, j.criterion, j.agency)
        if item not in found or j.id > found[item][0]:
            found[item] = (j.id, j.value)
    return {item: value for item, (_, value) in found.items()}


def pair_up(fw: Framework, area: dict[tuple[str, str, str], str], items: list[Final]) -> list[Pair]:
    """The items both the area and the inspectors graded on the ordinal scale."""
    inspectors = {(f.case_ref, f.criterion, f.agency): f.value for f in items}
    pairs = []
    for (case, criterion, agency), value in sorted(area.items()):
        other = inspectors.get((case, criterion, agency))
        mine, theirs = fw.rank(value), fw.rank(other) if other else None
        if criterion == CASE_QUESTION_ID or other is None or mine is None or theirs is None:
            continue
        pairs.append(Pair(case, criterion, agency, value, other, mine - theirs))
    return pairs


def _row(fw: Framework, agency: str, criterion: str, pairs: list[Pair], units: Sequence[Hashable]) -> Row:
    ranks = [g.rank for g in fw.scale.grades]
    ratings: list[tuple[Any, str, int]] = []
    for unit, p in zip(units, pairs, strict=True):
        ratings.append((unit, AREA, fw.rank(p.area) or 0))
        ratings.append((unit, INSPECTORS, fw.rank(p.inspectors) or 0))
    good, worst = set(fw.good_or_better), fw.worst
    return Row(
        agency,
        criterion,
        len(pairs),
        cohen_kappa(ratings, AREA, INSPECTORS, ranks, weights="linear"),
        gwet_ac(ratings, ranks, weights="identity"),
        sum(p.steps for p in pairs) / len(pairs) if pairs else None,
        sum(p.steps > 0 for p in pairs),
        sum(p.steps < 0 for p in pairs),
        sum(p.steps == 0 for p in pairs),
        sorted({p.case for p in pairs if p.area in good and p.inspectors == worst}),
        sorted({p.case for p in pairs if p.area == worst and p.inspectors in good}),
    )


def compare(conn: sqlite3.Connection, fw: Framework, *, items: list[Final] | None = None) -> Comparison:
    """The area's audits against the inspectors' final grades, per agency x criterion and per agency."""
    area = area_grades(conn)
    pairs = pair_up(fw, area, finals(conn, fw) if items is None else items)
    by_cell: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    by_agency: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        by_cell[(p.agency, p.criterion)].append(p)
        by_agency[p.agency].append(p)
    agency_order = {a: i for i, a in enumerate(fw.agencies)}
    criterion_order = {c.id: i for i, (_, c) in enumerate(fw.criteria())}
    rows = [
        _row(fw, agency, criterion, cell, [p.case for p in cell])
        for (agency, criterion), cell in sorted(
            by_cell.items(),
            key=lambda kv: (agency_order.get(kv[0][0], 99), criterion_order.get(kv[0][1], 999)),
        )
    ]
    overall = [
        _row(fw, agency, ALL, found, [(p.case, p.criterion) for p in found])
        for agency, found in sorted(by_agency.items(), key=lambda kv: agency_order.get(kv[0], 99))
    ]
    graded_area = sum(1 for (_, c, _), v in area.items() if c != CASE_QUESTION_ID and fw.rank(v) is not None)
    return Comparison(rows, overall, pairs, graded_area, graded_area - len(pairs))


def pooled(fw: Framework, pairs: list[Pair], *, agency: str = ALL) -> Row:
    """Every pair together, each its own item: an area's agencies at once, or several areas'.

    Pairs of different areas may share a case reference, so items are told apart by their
    place in ``pairs``, never by their case.
    """
    return _row(fw, agency, ALL, pairs, range(len(pairs)))


def leadership_criterion(fw: Framework) -> str:
    """The criterion a finding on the area's audits is about: the framework's setting, else the
    first criterion of its leadership section, else its last criterion."""
    if fw.local_audits.criterion:
        found = fw.criterion(fw.local_audits.criterion)
        if found is not None:
            return found.id
    for section in fw.sections:
        if section.id == "leadership":
            return section.criteria[0].id
    return list(fw.criteria())[-1][1].id


def generosity_candidates(fw: Framework, result: Comparison) -> list[Candidate]:
    """A candidate area for improvement on leadership for each agency whose audits are markedly
    more generous than the inspectors' (``local_audits`` in the framework)."""
    rule = fw.local_audits
    out = []
    for row in result.agencies:
        if row.items < rule.min_items or row.mean_steps is None or row.mean_steps < rule.generous_min_steps:
            continue
        cases = sorted({p.case for p in result.pairs if p.agency == row.agency and p.steps > 0})
        why = (
            f"the area's own audits grade {row.agency} {row.mean_steps:+.1f} grade steps above the "
            f"inspectors on average over {row.items} items (more generous on {row.more_generous}, "
            f"harsher on {row.harsher}): leaders may not know front-line practice"
        )
        out.append(
            Candidate(
                "improvement",
                leadership_criterion(fw),
                row.agency,
                row.more_generous / row.items,
                row.items,
                cases,
                why,
            )
        )
    return out


def statistic_json(stat: Statistic) -> dict[str, Any]:
    """A statistic as JSON-ready data."""
    return {"value": stat.value, "ci_low": stat.ci_low, "ci_high": stat.ci_high, "note": stat.note}


def row_json(row: Row) -> dict[str, Any]:
    """One row as JSON-ready data."""
    return {
        "agency": row.agency,
        "criterion": row.criterion,
        "items": row.items,
        "weighted_kappa": statistic_json(row.kappa),
        "ac1": statistic_json(row.ac1),
        "mean_steps": row.mean_steps,
        "area_more_generous": row.more_generous,
        "area_harsher": row.harsher,
        "same": row.same,
        "area_good_inspectors_worst": row.area_good_inspectors_worst,
        "area_worst_inspectors_good": row.area_worst_inspectors_good,
    }


def comparison_json(fw: Framework, result: Comparison) -> dict[str, Any]:
    """The whole comparison as JSON-ready data, with the candidate findings it suggests."""
    return {
        "framework": fw.id,
        "area_items": result.area_items,
        "paired": len(result.pairs),
        "unpaired": result.unpaired,
        "agencies": [row_json(r) for r in result.agencies],
        "criteria": [row_json(r) for r in result.rows],
        "candidates": [
            {
                "kind": c.kind,
                "kind_label": KIND_LABELS[c.kind],
                "criterion": c.criterion,
                "agency": c.agency,
                "cases": c.cases,
                "why": c.why,
            }
            for c in generosity_candidates(fw, result)
        ],
    }

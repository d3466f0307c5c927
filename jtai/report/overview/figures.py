"""The overview's figures, computed from the areas read (plain data, no rendering)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from jtai.frameworks import Framework
from jtai.report import area_results
from jtai.report.overview.areas import Area
from jtai.report.overview.indicators import IndicatorRow, indicators_json, side_by_side
from jtai.report.overview.local_audits import AuditAgreement, audit_agreement, audits_json
from jtai.scoring.findings import KIND_LABELS

ALL_AREAS = "All areas"


@dataclass(frozen=True)
class GradeRow:
    """The grades one agency got on one criterion in one area (or in all of them together).

    ``counts`` holds every grade of the scale (zero where none was given); judgements such
    as "not applicable" are left out, as they are in every share of good or better.
    """

    criterion: str
    agency: str
    area: str
    counts: tuple[tuple[str, int], ...]
    good: int

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class Answers:
    """How the case question was answered in one area (or all): answer id -> cases."""

    area: str
    counts: tuple[tuple[str, int], ...]
    not_safer: int

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class Recurring:
    """Findings of one kind resting on one criterion, with the areas that made them."""

    kind: str
    criterion: str
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Overview:
    """Everything the overview shows."""

    framework: Framework
    areas: tuple[str, ...]
    grades: tuple[GradeRow, ...]
    answers: tuple[Answers, ...]
    recurring: tuple[Recurring, ...]
    indicators: tuple[IndicatorRow, ...] = ()
    audits: tuple[AuditAgreement, ...] = ()


def summarise(areas: list[Area]) -> Overview:
    """The cross-area figures (``areas`` share one framework; see :func:`read_areas`)."""
    fw = areas[0].framework
    return Overview(
        fw,
        tuple(a.name for a in areas),
        tuple(_grades(fw, areas)),
        tuple(_answers(fw, areas)),
        tuple(_recurring(areas)),
        tuple(side_by_side(areas)),
        tuple(audit_agreement(fw, areas, ALL_AREAS)),
    )


def _grades(fw: Framework, areas: list[Area]) -> list[GradeRow]:
    grades = fw.grade_ids
    good = set(fw.good_or_better)
    cells: dict[tuple[str, str], dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for area in areas:
        for g in area.graded:
            if g.criterion != area_results.CASE_QUESTION and g.value in grades:
                cells[(g.criterion, g.agency)][area.name][g.value] += 1
    order = {c.id: i for i, (_, c) in enumerate(fw.criteria())}
    agencies = {a: i for i, a in enumerate(fw.agencies)}
    rows = []
    for criterion, agency in sorted(
        cells, key=lambda k: (order.get(k[0], len(order)), agencies.get(k[1], len(agencies)), k)
    ):
        by_area = cells[(criterion, agency)]
        overall: Counter[str] = Counter()
        for area in areas:
            counts = by_area.get(area.name, Counter())
            overall.update(counts)
            rows.append(_row(criterion, agency, area.name, counts, grades, good))
        rows.append(_row(criterion, agency, ALL_AREAS, overall, grades, good))
    return rows


def _row(
    criterion: str, agency: str, area: str, counts: Counter[str], grades: list[str], good: set[str]
) -> GradeRow:
    return GradeRow(
        criterion, agency, area, tuple((g, counts[g]) for g in grades), sum(counts[g] for g in good)
    )


def _answers(fw: Framework, areas: list[Area]) -> list[Answers]:
    ids = [a.id for a in fw.case_question.answers]
    not_safer = set(fw.case_question.not_safer)
    rows = []
    overall: Counter[str] = Counter()
    for area in areas:
        counts = area_results.outcome_counts(fw, list(area.graded))
        overall.update(counts)
        rows.append(_answer_row(area.name, counts, ids, not_safer))
    rows.append(_answer_row(ALL_AREAS, overall, ids, not_safer))
    return rows


def _answer_row(area: str, counts: Counter[str], ids: list[str], not_safer: set[str]) -> Answers:
    shown = [*ids, *sorted(set(counts) - set(ids))]  # "unresolved" after the framework's answers
    return Answers(
        area,
        tuple((a, counts[a]) for a in shown if a in ids or counts[a]),
        sum(n for a, n in counts.items() if a in not_safer),
    )


def _recurring(areas: list[Area]) -> list[Recurring]:
    made: dict[tuple[str, str], list[str]] = defaultdict(list)
    for area in areas:
        for key in sorted({(f.kind, c) for f in area.findings for c in f.criteria}):
            made[key].append(area.name)
    fw = areas[0].framework
    order = {c.id: i for i, (_, c) in enumerate(fw.criteria())}
    kinds = list(KIND_LABELS)
    keys = sorted(made, key=lambda k: (-len(made[k]), kinds.index(k[0]), order.get(k[1], len(order))))
    return [Recurring(kind, criterion, tuple(made[(kind, criterion)])) for kind, criterion in keys]


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage, or an en dash when there is nothing."""
    return f"{part / whole:.0%}" if whole else "–"


def overview_json(ov: Overview) -> dict[str, Any]:
    """The overview as JSON-ready data: ids and labels both, counts beside every share."""
    fw = ov.framework
    return {
        "framework": fw.id,
        "framework_label": fw.title,
        "areas": list(ov.areas),
        "grades": [
            {
                "criterion": r.criterion,
                "agency": r.agency,
                "area": r.area,
                "counts": dict(r.counts),
                "graded": r.total,
                "good_or_better": r.good,
                "share_good_or_better": round(r.good / r.total, 4) if r.total else None,
            }
            for r in ov.grades
        ],
        "case_question": [
            {
                "area": a.area,
                "counts": dict(a.counts),
                "answered": a.total,
                "not_safer": a.not_safer,
                "share_not_safer": round(a.not_safer / a.total, 4) if a.total else None,
            }
            for a in ov.answers
        ],
        "findings": [
            {
                "kind": r.kind,
                "kind_label": KIND_LABELS[r.kind],
                "criterion": r.criterion,
                "areas": list(r.areas),
                "recurring": len(r.areas) > 1,
            }
            for r in ov.recurring
        ],
        "indicators": indicators_json(list(ov.indicators)),
        "local_audits": audits_json(list(ov.audits)),
    }

"""Moderation: agreement between inspectors who rated the same cases blind, and resolution.

An item is one case x criterion x agency. Only the ordinal grades count; "not applicable"
and "insufficient evidence" are left out of the statistics (but a disagreement about them
is still listed). The statistics come from :mod:`jtai.scoring.agreement`.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from jtai.frameworks import CASE_QUESTION_ID, Framework
from jtai.scoring import judgements
from jtai.scoring.agreement import AgreementSummary, Statistic, agreement_summary, pairwise
from jtai.scoring.judgements import Judgement, Rater


@dataclass(frozen=True)
class Disagreement:
    """An item the inspectors graded differently."""

    case_ref: str
    criterion: str
    agency: str
    grades: dict[str, str]  # inspector -> value
    spread: int | None  # rank difference; None when a value is outside the ordinal scale
    agreed: str | None  # the agreed value when moderation resolved it


@dataclass(frozen=True)
class Moderation:
    """Agreement overall, per criterion and per pair of inspectors, and the disagreements."""

    overall: AgreementSummary | None
    criteria: list[tuple[str, AgreementSummary]]
    pairs: list[tuple[str, str, AgreementSummary]]
    disagreements: list[Disagreement]
    inspectors: list[str]
    double_rated: int
    resolved: int = 0
    notes: list[str] = field(default_factory=list)


def _ratings(fw: Framework, rows: list[Judgement]) -> list[tuple[tuple[str, str, str], str, int]]:
    out = []
    for j in rows:
        rank = fw.rank(j.value)
        if rank is not None and j.criterion != CASE_QUESTION_ID:
            out.append(((j.case_ref, j.criterion, j.agency), j.inspector, rank))
    return out


def moderate(conn: sqlite3.Connection, fw: Framework, *, n_boot: int = 1000, seed: int = 0) -> Moderation:
    """Agreement statistics and disagreements over every rater's current judgements."""
    ranks = [g.rank for g in fw.scale.grades]
    rows = judgements.current(conn, role="rater", area_audits=False)
    agreed = {(j.case_ref, j.criterion, j.agency): j.value for j in judgements.current(conn, role="agreed")}
    ratings = _ratings(fw, rows)
    inspectors = sorted({j.inspector for j in rows})
    by_item: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    for j in rows:
        by_item[(j.case_ref, j.criterion, j.agency)][j.inspector] = j.value
    double = [item for item, given in by_item.items() if len(given) >= 2]
    options: dict[str, Any] = {"n_boot": n_boot, "seed": seed}
    overall = agreement_summary(ratings, ranks, **options) if ratings else None
    per_criterion = []
    for _, criterion in fw.criteria():
        subset = [r for r in ratings if r[0][1] == criterion.id]
        if any(len(by_item[(c, criterion.id, a)]) >= 2 for (c, _, a), _, _ in subset):
            per_criterion.append((criterion.id, agreement_summary(subset, ranks, **options)))
    pairs = []
    for a, b in combinations(inspectors, 2):
        shared = [i for i in double if a in by_item[i] and b in by_item[i]]
        if shared:
            pairs.append((a, b, pairwise(ratings, a, b, ranks, **options)))
    found = []
    for item in double:
        given = by_item[item]
        if len(set(given.values())) < 2:
            continue
        item_ranks = [fw.rank(v) for v in given.values()]
        spread = None if None in item_ranks else max(item_ranks) - min(item_ranks)  # type: ignore[type-var,operator]
        found.append(
            Disagreement(*item, grades=dict(sorted(given.items())), spread=spread, agreed=agreed.get(item))
        )
    order = {c.id: i for i, (_, c) in enumerate(fw.criteria())}
    found.sort(
        key=lambda d: (
            -(d.spread if d.spread is not None else 99),
            d.case_ref,
            order.get(d.criterion, 999),
            d.agency,
        )
    )
    return Moderation(
        overall=overall,
        criteria=per_criterion,
        pairs=pairs,
        disagreements=found,
        inspectors=inspectors,
        double_rated=len(double),
        resolved=sum(1 for d in found if d.agreed is not None),
    )


def resolve(
    conn: sqlite3.Connection,
    fw: Framework,
    *,
    case_ref: str,
    criterion: str,
    agency: str,
    value: str,
    note: str,
    moderator: Rater,
    reason: str | None = None,
    root: Path | None = None,
) -> Judgement | None:
    """Record the agreed judgement for one item (a new version if one was agreed before).

    Raises:
        UsageError, ConflictError: as :func:`jtai.scoring.judgements.write`.
    """
    return judgements.record(
        conn,
        fw,
        case_ref=case_ref,
        criterion=criterion,
        agency=agency,
        value=value,
        note=note,
        rater=moderator,
        role="agreed",
        reason=reason,
        source="moderation",
        root=root,
    )


def statistic_json(stat: Statistic) -> dict[str, Any]:
    """A statistic as JSON-ready data (None stays null, never NaN)."""
    return {
        "name": stat.name,
        "value": stat.value,
        "ci_low": stat.ci_low,
        "ci_high": stat.ci_high,
        "n_units": stat.n_units,
        "n_pairs": stat.n_pairs,
        "note": stat.note,
        "ci_method": stat.ci_method,
    }


def summary_json(summary: AgreementSummary) -> dict[str, Any]:
    """An agreement summary as JSON-ready data."""
    return {
        "percent_agreement": statistic_json(summary.percent_agreement),
        "kappa": statistic_json(summary.kappa),
        "ac1": statistic_json(summary.ac1),
        "ac2": statistic_json(summary.ac2),
        "alpha": statistic_json(summary.alpha),
        "n_units": summary.n_units,
        "n_single": summary.n_single,
        "n_raters": summary.n_raters,
        "n_ratings": summary.n_ratings,
    }


def moderation_json(result: Moderation) -> dict[str, Any]:
    """The whole moderation result as JSON-ready data."""
    return {
        "inspectors": result.inspectors,
        "double_rated": result.double_rated,
        "resolved": result.resolved,
        "overall": summary_json(result.overall) if result.overall else None,
        "criteria": [{"criterion": c, **summary_json(s)} for c, s in result.criteria],
        "pairs": [{"inspectors": [a, b], **summary_json(s)} for a, b, s in result.pairs],
        "disagreements": [
            {
                "case": d.case_ref,
                "criterion": d.criterion,
                "agency": d.agency,
                "grades": d.grades,
                "spread": d.spread,
                "agreed": d.agreed,
            }
            for d in result.disagreements
        ],
    }

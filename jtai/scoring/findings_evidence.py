"""Each authored finding against the judgements under its criteria.

A finding names the criteria it rests on (and optionally agencies and cases). Its *evidence*
is every final judgement (:func:`jtai.scoring.findings.finals`) under those criteria, for
those agencies (all agencies when it names none), across all cases judged: a key strength
the judgements do not bear out is a contradiction however well its own cases went.

Thresholds come from the framework's ``findings`` settings (defaults in
:class:`~jtai.frameworks.schema.FindingsRule`):

- a **strength** is contradicted when more than ``strength_max_share_poor`` (default 0.34)
  of its graded judgements are below good ("requires improvement" or worse);
- an **area for improvement** or **priority action** is contradicted when at least
  ``improvement_max_share_good`` (default 0.9) of them are good or better;
- either needs ``min_cases`` (default 2) graded judgements; with fewer, nothing is said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from jtai.frameworks import CASE_QUESTION_ID, Framework
from jtai.scoring.findings import Final


class Finding(Protocol):
    """What is read of one authored finding (:class:`jtai.scoring.findings_file.Finding`)."""

    @property
    def id(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def agencies(self) -> list[str]: ...
    @property
    def criteria(self) -> list[str]: ...
    @property
    def cases(self) -> list[str]: ...


class FindingsDoc(Protocol):
    """What is read of findings.yaml (:class:`jtai.scoring.findings_file.FindingsDoc`)."""

    @property
    def findings(self) -> Sequence[Finding]: ...
    @property
    def finding_lines(self) -> list[int]: ...


PARTNERSHIP = "partnership"
_KIND_WORDS = {
    "strength": "a key strength",
    "improvement": "an area for improvement",
    "priority_action": "an area for priority action",
}


@dataclass(frozen=True)
class Evidence:
    """The judgements one finding rests on.

    Attributes:
        finding: how the finding is named (its id, else ``finding 3``).
        line: its line in findings.yaml (0 when not known).
        kind: strength, improvement, priority_action or main.
        criteria, agencies: what it names (no agency: every agency).
        counts: grade id -> judgements, in the scale's order (best first).
        graded: judgements with a grade on the scale.
        share_good, share_poor: shares of ``graded`` good or better, and below good.
        cases: the cases judged under its criteria and agencies, sorted.
        named_cases: the cases the finding itself names.
    """

    finding: str
    line: int
    kind: str
    criteria: tuple[str, ...]
    agencies: tuple[str, ...]
    counts: dict[str, int]
    graded: int
    share_good: float | None
    share_poor: float | None
    cases: tuple[str, ...]
    named_cases: tuple[str, ...]


def evidence_of(fw: Framework, finding: Finding, items: list[Final], *, name: str, line: int = 0) -> Evidence:
    """The judgements under one finding's criteria and agencies, counted."""
    criteria = {c.lower() for c in finding.criteria}
    agencies = {a for a in finding.agencies if a != PARTNERSHIP}
    under = [
        f
        for f in items
        if f.criterion != CASE_QUESTION_ID
        and f.criterion.lower() in criteria
        and (not agencies or f.agency in agencies)
        and fw.rank(f.value) is not None
    ]
    counted = Counter(f.value for f in under)
    counts = {g.id: counted.get(g.id, 0) for g in fw.scale.grades}
    graded = len(under)
    good = sum(counts.get(g, 0) for g in fw.good_or_better)
    poor = sum(counts.get(g, 0) for g in fw.poor)
    return Evidence(
        finding=name,
        line=line,
        kind=finding.kind,
        criteria=tuple(finding.criteria),
        agencies=tuple(sorted(agencies, key=lambda a: fw.agencies.index(a) if a in fw.agencies else 99)),
        counts=counts,
        graded=graded,
        share_good=good / graded if graded else None,
        share_poor=poor / graded if graded else None,
        cases=tuple(sorted({f.case_ref for f in under})),
        named_cases=tuple(finding.cases),
    )


def all_evidence(fw: Framework, doc: FindingsDoc, items: list[Final]) -> list[Evidence]:
    """The evidence of every finding that names criteria, in file order (named as check names them)."""
    lines = [*doc.finding_lines, *[0] * len(doc.findings)]
    return [
        evidence_of(fw, f, items, name=f.id or f"finding {n}", line=lines[n - 1])
        for n, f in enumerate(doc.findings, start=1)
        if f.criteria
    ]


def contradiction(fw: Framework, ev: Evidence) -> str | None:
    """Why the judgements contradict this finding's kind (with the figures), or None."""
    rule = fw.findings
    if ev.kind == "main" or ev.graded < rule.min_cases or ev.share_good is None or ev.share_poor is None:
        return None
    under = f"under {', '.join(ev.criteria)}" + (f" for {', '.join(ev.agencies)}" if ev.agencies else "")
    good_label = fw.label(fw.good_or_better[-1]).lower()
    poor_label = fw.label(fw.poor[0]).lower() if fw.poor else "below good"
    poor = sum(ev.counts.get(g, 0) for g in fw.poor)
    good = sum(ev.counts.get(g, 0) for g in fw.good_or_better)
    if ev.kind == "strength" and ev.share_poor > rule.strength_max_share_poor:
        return (
            f"contradicted: {_KIND_WORDS[ev.kind]}, but {poor} of the {ev.graded} judgements {under} "
            f"({ev.share_poor:.0%}) are {poor_label} or worse; a strength allows at most "
            f"{rule.strength_max_share_poor:.0%} (findings.strength_max_share_poor)."
        )
    if ev.kind in ("improvement", "priority_action") and ev.share_good >= rule.improvement_max_share_good:
        return (
            f"contradicted: {_KIND_WORDS[ev.kind]}, but {good} of the {ev.graded} judgements {under} "
            f"({ev.share_good:.0%}) are {good_label} or better; at {rule.improvement_max_share_good:.0%} "
            "or more it is not one (findings.improvement_max_share_good)."
        )
    return None


def evidence_problems(fw: Framework, doc: FindingsDoc, items: list[Final]) -> list[tuple[int, str]]:
    """(index in ``doc.findings``, message) for findings naming no criterion or contradicted."""
    found = []
    evidence = iter(all_evidence(fw, doc, items))
    for n, finding in enumerate(doc.findings):
        if not finding.criteria:
            if finding.kind != "main":
                found.append((n, "names no criterion it rests on: add criteria: [...] from the framework."))
            continue
        why = contradiction(fw, next(evidence))
        if why:
            found.append((n, why))
    return found


def grade_summary(fw: Framework, ev: Evidence) -> str:
    """``3 good, 2 requires improvement (5 graded; 40% below good)``; ``none graded``."""
    if not ev.graded:
        return "none graded"
    parts = [f"{n} {fw.label(g).lower()}" for g, n in ev.counts.items() if n]
    return f"{', '.join(parts)} ({ev.graded} graded; {ev.share_poor or 0:.0%} below good)"


def silent_agencies(fw: Framework, doc: FindingsDoc, in_scope: list[str]) -> list[str]:
    """Agencies in scope that no area for improvement, priority action or main finding names."""
    named: set[str] = set()
    for finding in doc.findings:
        if finding.kind in ("improvement", "priority_action", "main"):
            named.update(finding.agencies)
    return [a for a in in_scope if a in fw.agencies and a not in named]

"""What reports read from the other areas (scoring, sampling), in one place.

Each function returns plain data, empty when that area has nothing recorded in the
workspace yet, so a report can always be rendered and says what is missing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jtai.errors import ConfigError
from jtai.frameworks import CASE_QUESTION_ID
from jtai.sampling import FRONT_DOOR, TRACKED, latest_sample
from jtai.scoring.agreement import agreement_summary
from jtai.scoring.findings import UNRESOLVED as UNRESOLVED
from jtai.scoring.findings import finals
from jtai.workspace import workspace_framework

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.sampling import Sample
    from jtai.workspace import Workspace

CASE_QUESTION = CASE_QUESTION_ID
"""The criterion id under which the case question's answers are stored."""


def fieldwork(config: Mapping[str, object]) -> tuple[dt.date, dt.date]:
    """The fieldwork week from inspection.yaml: (start, end); the end defaults to start + 4 days.

    Raises:
        ConfigError: no ``fieldwork_start`` (a report says when the inspection took place).
    """
    start = config.get("fieldwork_start")
    if not isinstance(start, dt.date):
        raise ConfigError(
            "fieldwork_start is not set, and a report says when the fieldwork took place.",
            file="inspection.yaml",
            hint="Set fieldwork_start (and fieldwork_end) as YYYY-MM-DD in inspection.yaml.",
        )
    end = config.get("fieldwork_end")
    return start, end if isinstance(end, dt.date) else start + dt.timedelta(days=4)


@dataclass(frozen=True)
class Graded:
    """The judgement that counts for one case x criterion x agency (see :func:`final_judgements`)."""

    case: str
    criterion: str
    agency: str
    value: str
    unresolved: bool = False


@dataclass(frozen=True)
class Note:
    """One inspector's evidence note on one case x criterion x agency, with the grade they gave.

    ``role`` is "rater", or "agreed" for a moderator's agreed judgement.
    """

    case: str
    criterion: str
    agency: str
    inspector: str
    inspectorate: str
    role: str
    value: str
    text: str


@dataclass(frozen=True)
class Agreement:
    """Agreement between inspectors on one criterion (or all of them: ``criterion`` "All")."""

    criterion: str
    items: int
    raters: int
    percent: str
    kappa: str
    ac1: str
    alpha: str


def final_judgements(conn: sqlite3.Connection, fw: Framework) -> list[Graded]:
    """One judgement per case x criterion x agency (the case question included).

    The value and ``unresolved`` are the scoring area's (:func:`jtai.scoring.findings.finals`,
    the one source of final values): the agreed judgement, else the inspectors' common grade,
    else the lowest grade given (for the case question: "not safer" if any inspector said
    so, else ``unresolved``), marked unresolved until moderation agrees one.
    """
    return [Graded(f.case_ref, f.criterion, f.agency, f.value, f.unresolved) for f in finals(conn, fw)]


def evidence_notes(conn: sqlite3.Connection) -> list[Note]:
    """Every note of every inspector and moderator, each as its latest version records it."""
    from jtai.scoring.judgements import current

    return [
        Note(j.case_ref, j.criterion, j.agency, j.inspector, j.inspectorate, j.role, j.value, j.note)
        for j in current(conn, area_audits=False)
        if j.note.strip()
    ]


def note_writers(conn: sqlite3.Connection) -> list[str]:
    """The names of the inspectors and moderators whose notes the evidence pack shows."""
    return sorted({note.inspector for note in evidence_notes(conn) if note.inspector.strip()})


def rater_judgements(conn: sqlite3.Connection) -> list[tuple[str, str, str, str, str]]:
    """(case, criterion, agency, inspector, value) of every current rater judgement."""
    from jtai.scoring.judgements import current

    return [
        (j.case_ref, j.criterion, j.agency, j.inspector, j.value)
        for j in current(conn, role="rater", area_audits=False)
    ]


def judged_by(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """(case, agency, inspector, inspectorate) of every current rater judgement."""
    from jtai.scoring.judgements import current

    return [(j.case_ref, j.agency, j.inspector, j.inspectorate) for j in current(conn, role="rater")]


def latest_judgement_day(conn: sqlite3.Connection) -> dt.date | None:
    """The day the latest current judgement was recorded, or None when there is none."""
    from jtai.scoring.judgements import current

    days = [j.recorded_at[:10] for j in current(conn) if j.recorded_at]
    try:
        return dt.date.fromisoformat(max(days)) if days else None
    except ValueError:
        return None


def case_outcomes(ws: Workspace) -> Counter[str]:
    """How many cases got each answer to the case question (empty when none is answered)."""
    fw = workspace_framework(ws)
    conn = ws.connect()
    try:
        return outcome_counts(fw, final_judgements(conn, fw))
    finally:
        conn.close()


def outcome_counts(fw: Framework, graded: list[Graded]) -> Counter[str]:
    """How many cases got each answer to the case question.

    A case whose inspectors gave different answers, none of them "not safer", and that
    moderation has not agreed is counted under :data:`UNRESOLVED`, never dropped.
    """
    known = {a.id for a in fw.case_question.answers}
    return Counter(
        g.value if g.value in known else UNRESOLVED for g in graded if g.criterion == CASE_QUESTION
    )


def unresolved_items(graded: list[Graded]) -> int:
    """How many graded items (case question excluded) inspectors disagree on, not yet moderated."""
    return sum(1 for g in graded if g.unresolved and g.criterion != CASE_QUESTION)


def agreement(fw: Framework, ratings: list[tuple[str, str, str, str, str]]) -> list[Agreement]:
    """Agreement per criterion where two or more inspectors graded the same items, then overall."""
    by_criterion: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
    for case, criterion, agency, inspector, value in ratings:
        rank = fw.rank(value)
        if rank is not None:
            by_criterion.setdefault(criterion, []).append(((case, agency), inspector, rank))
    ranks = sorted({g.rank for g in fw.scale.grades})
    rows = []
    groups = sorted(by_criterion.items())
    everything = [
        ((criterion, *unit), rater, rank) for criterion, items in groups for unit, rater, rank in items
    ]
    named: list[tuple[str, list[tuple[tuple[str, ...], str, int]]]] = [*groups, ("All criteria", everything)]
    for name, items in named:
        if len({rater for _, rater, _ in items}) < 2:
            continue
        summary = agreement_summary(items, ranks, n_boot=200, seed=0)
        if summary.n_units == 0:
            continue
        rows.append(
            Agreement(
                name,
                summary.n_units,
                summary.n_raters,
                summary.percent_agreement.format(),
                summary.kappa.format(),
                summary.ac1.format(),
                summary.alpha.format(),
            )
        )
    return rows


def samples(ws: Workspace) -> list[Sample]:
    """The newest tracked and front-door samples that exist."""
    found = [latest_sample(ws, kind) for kind in (TRACKED, FRONT_DOOR)]
    return [s for s in found if s is not None]

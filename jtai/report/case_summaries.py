"""The evidence pack's case summaries: one per tracked child, read before its notes.

Each summary names the child by pseudonym and gives the agencies involved, the chronology's
highlights (events counted by agency and type, over the months they span) and its gaps, the
grades by criterion and agency, and the answer to "is the child safer?". Dates are given as
months: an exact date could be a child's date of birth, which the anonymity guard refuses.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from typing import TYPE_CHECKING

from jtai.linkage.chronology import chronology
from jtai.report import area_results
from jtai.report.pack_blocks import Part, Table
from jtai.report.text import agency_heading, format_list

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.linkage.chronology import Chronology
    from jtai.sampling import Sample
    from jtai.workspace import Workspace

# What each kind of chronology gap means, in words without dates.
GAP_TEXT: dict[str, str] = {
    "return_home_interview": "a missing episode with no return home interview within 72 hours",
    "assessment": "a referral not followed by an assessment completed within 45 working days",
    "icpc": "an initial child protection conference more than 15 working days after the strategy discussion",
    "exploitation_screening": "exploitation risk recorded with no exploitation screening near it",
}


def case_summaries_part(
    ws: Workspace,
    fw: Framework,
    conn: sqlite3.Connection,
    graded: list[area_results.Graded],
    samples: list[Sample],
) -> Part:
    """One summary per tracked child picked, in sample order."""
    tracked = next((s for s in samples if s.kind == "tracked"), None)
    picks = [m for m in tracked.members if m.role == "pick"] if tracked else []
    if not picks:
        return Part(
            "cases",
            "Case summaries",
            missing="No tracked children have been drawn yet, so there is no case to summarise.",
        )
    subparts = []
    for member in picks:
        story = None
        if member.child_id is not None:
            story = chronology(ws, conn, member.child_id, pseudonymise=True)
        mine = [g for g in graded if g.case == member.pseudonym]
        subparts.append(case_summary(fw, member.pseudonym, story, mine))
    return Part(
        "cases",
        "Case summaries",
        (
            f"{len(picks)} tracked {'child' if len(picks) == 1 else 'children'}, each by pseudonym: the "
            "agencies involved, what their records show, the gaps a reader should look for, the "
            "grades and whether the child is safer.",
        ),
        subparts=tuple(subparts),
    )


def case_summary(
    fw: Framework, pseudonym: str, story: Chronology | None, graded: list[area_results.Graded]
) -> Part:
    """The summary of one tracked child."""
    paragraphs = []
    if story is None:
        paragraphs.append("Its records have not been linked, so there is no multi-agency chronology.")
    else:
        paragraphs.append(f"Agencies involved: {format_list(agency_heading(a) for a in story.agencies)}.")
        paragraphs += highlights(story)
        paragraphs.append(gaps_text(story))
    answer = next((g for g in graded if g.criterion == area_results.CASE_QUESTION), None)
    if answer is None:
        paragraphs.append(f"{fw.case_question.text} Not answered yet.")
    elif answer.value == area_results.UNRESOLVED:
        paragraphs.append(f"{fw.case_question.text} Inspectors differ; not yet agreed.")
    else:
        paragraphs.append(f"{fw.case_question.text} {fw.label(answer.value)}.")
    tables: tuple[Table, ...] = ()
    table = grades_table(fw, pseudonym, [g for g in graded if g.criterion != area_results.CASE_QUESTION])
    if table is not None:
        tables = (table,)
    return Part(f"case-{pseudonym}", pseudonym, tuple(paragraphs), tables)


def highlights(story: Chronology) -> list[str]:
    """Events counted by agency and type, with the months they span."""
    dated = [e for e in story.events if e.event_type != "person" and e.date]
    if not dated:
        return ["No dated events are recorded."]
    first = min(_month(e.date) for e in dated)
    last = max(_month(e.date) for e in dated)
    lines = [f"Records from {first:%B %Y} to {last:%B %Y}:"]
    by_agency: dict[str, Counter[str]] = {}
    for e in dated:
        by_agency.setdefault(e.agency, Counter())[e.event] += 1
    for agency in story.agencies:
        counts = by_agency.get(agency)
        if counts:
            items = ", ".join(f"{label} ({n})" for label, n in counts.most_common())
            lines.append(f"{agency_heading(agency)}: {items}.")
    return [" ".join(lines)]


def gaps_text(story: Chronology) -> str:
    """The chronology's gaps, counted by kind, with the months they fall in."""
    if not story.gaps:
        return "The chronology shows no gap in the checks jtai makes."
    kinds: dict[str, list[str]] = {}
    for gap in story.gaps:
        kinds.setdefault(gap.kind, []).append(f"{_month(gap.date):%B %Y}")
    parts = []
    for kind, months in kinds.items():
        what = GAP_TEXT.get(kind, kind.replace("_", " "))
        spans = format_list(dict.fromkeys(months))
        parts.append(f"{what} ({len(months)}; {spans})")
    return f"Gaps to look for: {'; '.join(parts)}."


def grades_table(fw: Framework, pseudonym: str, graded: list[area_results.Graded]) -> Table | None:
    """The case's grades: one row per criterion, one column per agency graded."""
    if not graded:
        return None
    agencies = [a for a in fw.agencies if any(g.agency == a for g in graded)]
    order = {c.id: n for n, (_, c) in enumerate(fw.criteria())}
    cell: dict[tuple[str, str], str] = {}
    for g in graded:
        label = fw.label(g.value)
        cell[(g.criterion, g.agency)] = f"{label} (to be agreed)" if g.unresolved else label
    criteria = sorted({g.criterion for g in graded}, key=lambda c: (order.get(c, len(order)), c))
    return Table.build(
        f"Grades for {pseudonym}",
        ("Criterion", *(agency_heading(a) for a in agencies)),
        ((c, *(cell.get((c, a), "") for a in agencies)) for c in criteria),
    )


def _month(text: str | None) -> dt.date:
    assert text is not None
    return dt.date(int(text[:4]), int(text[5:7]), 1)

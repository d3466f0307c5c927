"""Grades as shares with their counts, split by strand, and judgements outside an inspectorate.

A strand is where a case comes from: the tracked children (the deep dive) or the front-door
sample of contacts and referrals. Pooling them hides that they answer different criteria,
and raw counts hide that agencies are judged on very different numbers of items, so each
strand gets its own table of shares, every share beside the count it rests on.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from jtai.report import area_results
from jtai.report.pack_blocks import Part, Table
from jtai.report.text import agency_heading

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.sampling import Sample

STRANDS = {
    "tracked": "Tracked children",
    "front_door": "Front-door contacts and referrals",
    "other": "Other cases",
}


def strands(samples: list[Sample]) -> dict[str, str]:
    """Case reference -> strand: tracked first, then front door; cases in neither are "other"."""
    out: dict[str, str] = {}
    for kind in ("tracked", "front_door"):
        for sample in samples:
            if sample.kind == kind:
                for member in sample.members:
                    out.setdefault(member.pseudonym, kind)
    return out


def share_cell(n: int, total: int) -> str:
    """``12 (40%)``; empty when nothing was graded."""
    return f"{n:,} ({n / total:.0%})" if total else ""


def by_strand(
    fw: Framework, graded: list[area_results.Graded], samples: list[Sample]
) -> list[tuple[str, list[str], dict[str, Counter[str]]]]:
    """Per strand with grades: (title, agencies in order, agency -> grade counts)."""
    strand_of = strands(samples)
    grade_ids = fw.grade_ids
    counts: dict[str, dict[str, Counter[str]]] = {}
    for g in graded:
        if g.value in grade_ids and g.criterion != area_results.CASE_QUESTION:
            strand = strand_of.get(g.case, "other")
            counts.setdefault(strand, {}).setdefault(g.agency, Counter())[g.value] += 1
    out = []
    for strand, title in STRANDS.items():
        if strand in counts:
            agencies = [a for a in fw.agencies if a in counts[strand]]
            agencies += sorted(a for a in counts[strand] if a not in agencies)
            out.append((title, agencies, counts[strand]))
    return out


def strand_tables(fw: Framework, graded: list[area_results.Graded], samples: list[Sample]) -> list[Table]:
    """One table per strand: agency x grade, each cell a count with its share of the agency's row."""
    tables = []
    for title, agencies, counts in by_strand(fw, graded, samples):
        rows = []
        for agency in agencies:
            c = counts[agency]
            total = sum(c.values())
            rows.append((agency_heading(agency), *(share_cell(c[v], total) for v in fw.grade_ids), total))
        header = ("Agency", *(fw.label(v) for v in fw.grade_ids), "Judgements")
        tables.append(
            Table.build(
                f"Grades by agency: {title.lower()} (judgements and share of the agency's)",
                header,
                rows,
                numeric=range(1, len(header)),
            )
        )
    return tables


def outside_part(fw: Framework, judged: list[tuple[str, str, str, str]]) -> Part | None:
    """Judgements recorded by an inspector on an agency another inspectorate judges.

    Args:
        judged: (case, agency, inspector, inspectorate) of every current judgement.

    Returns:
        None when the framework does not say which inspectorate judges which agency.
    """
    if not any(i.agencies for i in fw.inspectorates):
        return None
    counts: Counter[tuple[str, str, str]] = Counter()
    for _case, agency, inspector, inspectorate in judged:
        if agency != "all" and fw.judges(inspectorate, agency) is False:
            found = fw.inspectorate(inspectorate)
            counts[(inspector, found.name if found else inspectorate, agency)] += 1
    text = [
        "Each inspectorate judges its own agencies: "
        + "; ".join(
            f"{i.name}: {', '.join(agency_heading(a) for a in i.agencies)}"
            for i in fw.inspectorates
            if i.agencies
        )
        + "."
    ]
    if not counts:
        text.append(
            "Every judgement was recorded by an inspector of the inspectorate that judges the agency."
        )
        return Part("outside", "Who judged which agency", tuple(text))
    table = Table.build(
        "Judgements recorded on another inspectorate's agency",
        ("Inspector", "Inspectorate", "Agency", "Judgements"),
        ((who, where, agency_heading(agency), n) for (who, where, agency), n in sorted(counts.items())),
        numeric=(3,),
    )
    text.append(
        f"{sum(counts.values())} judgements were recorded by an inspector on an agency another "
        "inspectorate judges: check that the right inspectorate agrees them."
    )
    return Part("outside", "Who judged which agency", tuple(text), (table,))

"""Rich renderables for the scoring commands: tables built from library results.

The commands print these; keeping them here keeps each command a few lines long.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.scoring.capture import Overview
    from jtai.scoring.findings import Candidate, Cell
    from jtai.scoring.judgements import Judgement
    from jtai.scoring.moderation import Moderation


def overview(view: Overview) -> RenderableType:
    """The case header, agencies involved and short chronology shown before capture."""
    case = view.case
    origin = {"records": "linked records", "sample": "sample", "hand": "named by hand"}.get(
        case.origin, case.origin
    )
    extra = f"; in {', '.join(case.sampled_as)}" if case.sampled_as else ""
    head = Text.assemble((f"Case {case.ref}", "bold"), f" ({origin}{extra})")
    if not view.agencies:
        return Group(head, Text("No records are linked to this case; judge it from the case file."))
    involved = Text("Agencies involved: " + ", ".join(view.agencies))
    if not view.events:
        return Group(head, involved)
    table = Table(
        "Date",
        "Agency",
        "Event",
        "Flags",
        title=f"Latest {len(view.events):,} of {view.total_events:,} events",
    )
    for event in view.events:
        table.add_row(event.date, event.agency, event.event, event.flags)
    return Group(head, involved, table)


def progress(rows: list[dict[str, object]]) -> RenderableType:
    """Cases with their progress (from :func:`jtai.scoring.progress.case_progress`)."""
    if not rows:
        return Text(
            "No cases yet: draw a sample (`jtai sample tracked`) or name one with `jtai score CASE --new`."
        )
    table = Table("Case", "Origin", "Judgements", "Inspectors", "Child safer?")
    for row in rows:
        inspectors = row["inspectors"]
        table.add_row(
            str(row["case"]),
            str(row["origin"]),
            f"{row['judged']}/{row['needed']}",
            ", ".join(inspectors) if isinstance(inspectors, list) else "",
            str(row["answer_label"] or ""),
        )
    return table


def history(fw: Framework, rows: list[Judgement]) -> RenderableType:
    """Every version of a case's judgements."""
    table = Table("Criterion", "Agency", "Inspector", "Role", "V", "Grade", "Reason", "When")
    for j in rows:
        table.add_row(
            j.criterion,
            j.agency,
            j.inspector,
            j.role,
            str(j.version),
            fw.label(j.value),
            j.reason,
            j.recorded_at[:19],
        )
    return table


def moderation(fw: Framework, result: Moderation) -> RenderableType:
    """Agreement per criterion and pair (undefined values as n/d with the reason), and disagreements."""
    if result.overall is None:
        return Text("No graded judgements yet: nothing to moderate.")
    parts: list[RenderableType] = [
        Text(
            f"{len(result.inspectors):,} inspectors; {result.double_rated:,} items rated by two or more; "
            f"{len(result.disagreements):,} disagreements ({result.resolved:,} resolved)."
        )
    ]
    table = Table(
        "Criterion or pair", "Items", "Agreement", "Cohen's kappa (w)", "Gwet's AC1", "Krippendorff's alpha"
    )
    rows = [("All", result.overall), *result.criteria]
    rows += [(f"{a} / {b}", summary) for a, b, summary in result.pairs]
    undefined: dict[str, list[str]] = {}
    for name, summary in rows:
        cells = [str(summary.n_units)]
        shown = (summary.percent_agreement, summary.kappa, summary.ac1, summary.alpha)
        for label, stat in zip(("agreement", "kappa", "AC1", "alpha"), shown, strict=True):
            cells.append(stat.format() if stat.defined else "n/d")
            if not stat.defined:
                undefined.setdefault(stat.note, []).append(f"{name} {label}")
        table.add_row(name, *cells)
    parts.append(table)
    parts += [Text(f"n/d = {note}: {', '.join(where)}.") for note, where in undefined.items()]
    if result.disagreements:
        listing = Table("Case", "Criterion", "Agency", "Grades", "Agreed", title="Disagreements")
        for d in result.disagreements:
            grades = "; ".join(f"{who}: {fw.label(v)}" for who, v in d.grades.items())
            listing.add_row(
                d.case_ref, d.criterion, d.agency, grades, fw.label(d.agreed) if d.agreed else "-"
            )
        parts.append(listing)
        parts.append(
            Text("Record the agreed grade with `jtai moderate resolve CASE CRITERION AGENCY --grade G`.")
        )
    return Group(*parts)


_KIND_NAMES = {
    "strength": "Strength",
    "improvement": "Area for improvement",
    "priority_action": "Priority action",
}


def findings(
    fw: Framework, cells: list[Cell], counts: dict[str, int], extra: Sequence[Candidate] = ()
) -> RenderableType:
    """Grades by criterion and agency, the case question, and candidate findings (``extra`` after)."""
    from jtai.scoring.findings import candidates

    answers = ", ".join(f"{fw.label(k)} {v}" for k, v in counts.items())
    table = Table(
        "Criterion", "Agency", *(g.label for g in fw.scale.grades), "Other", "Not safer", "Unresolved"
    )
    for c in cells:
        other = sum(n for k, n in c.counts.items() if fw.rank(k) is None)
        grades = [str(c.counts.get(g, 0)) for g in fw.grade_ids]
        table.add_row(c.criterion, c.agency, *grades, str(other), str(len(c.not_safer)), str(c.unresolved))
    lines = [
        Text(f"{_KIND_NAMES[k.kind]}: {k.criterion} {k.agency} ({k.why})")
        for k in [*candidates(fw, cells), *extra]
    ]
    return Group(Text(f"{fw.case_question.text} {answers}"), table, *lines)

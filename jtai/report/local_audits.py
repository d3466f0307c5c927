"""The "Quality of local audits" part of the evidence pack: the area's audits against the inspectors'."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from jtai.report.pack_blocks import Part, Table
from jtai.report.text import agency_heading

if TYPE_CHECKING:
    from jtai.frameworks import Framework


def local_audits_part(fw: Framework, conn: sqlite3.Connection) -> Part:
    """Per agency and criterion: agreement, the direction and size of the difference, the cases apart."""
    from jtai.scoring.local_audits.compare import compare, generosity_candidates

    title = "Quality of local audits"
    result = compare(conn, fw)
    if not result.pairs:
        missing = (
            "No audit by the area has been imported yet (`jtai audits import`)."
            if not result.area_items
            else f"{result.area_items} grades from the area's audits, none yet with an inspectors' grade "
            "of the same child, criterion and agency."
        )
        return Part("local-audits", title, missing=missing)
    good, worst = fw.label(fw.good_or_better[-1]).lower(), fw.label(fw.worst).lower()
    paragraphs = [
        f"The area audited the tracked children itself. {len(result.pairs)} of its grades are compared "
        "with the inspectors' final grade of the same child, criterion and agency (the agreed judgement "
        "where moderation agreed one). Steps is the mean difference, the area's grade minus the "
        "inspectors', in grade steps: above zero the area is more generous. Agreement is Cohen's "
        "weighted kappa (linear weights) and Gwet's AC1, with 95% intervals.",
    ]
    if result.unpaired:
        paragraphs.append(
            f"{result.unpaired} of the area's grades have no inspectors' grade to compare with."
        )
    header = ("Agency", "Criterion", "Items", "Weighted kappa", "Gwet's AC1", "Steps", "Higher", "Lower")
    rows = []
    for overall in result.agencies:
        for row in [overall, *(r for r in result.rows if r.agency == overall.agency)]:
            rows.append(
                (
                    agency_heading(row.agency) if row is overall else "",
                    "All criteria" if row is overall else row.criterion,
                    row.items,
                    row.kappa.format(),
                    row.ac1.format(),
                    "" if row.mean_steps is None else f"{row.mean_steps:+.1f}",
                    row.more_generous,
                    row.harsher,
                )
            )
    tables = [Table.build("The area's grades against the inspectors'", header, rows, numeric=(2, 5, 6, 7))]
    apart = [
        (agency_heading(r.agency), r.criterion, case, f"{good} or better", worst)
        for r in result.rows
        for case in r.area_good_inspectors_worst
    ] + [
        (agency_heading(r.agency), r.criterion, case, worst, f"{good} or better")
        for r in result.rows
        for case in r.area_worst_inspectors_good
    ]
    if apart:
        tables.append(
            Table.build(
                f"Children the area found {good} or better and the inspectors {worst}, and the reverse",
                ("Agency", "Criterion", "Case", "Area", "Inspectors"),
                apart,
            )
        )
    items = tuple(
        f"Candidate area for improvement ({c.criterion}, {agency_heading(c.agency)}): {c.why}."
        for c in generosity_candidates(fw, result)
    )
    return Part("local-audits", title, tuple(paragraphs), tuple(tables), items=items)

"""The table `jtai audits compare` prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

    from jtai.frameworks import Framework
    from jtai.scoring.local_audits.compare import Comparison, Row


def steps_text(row: Row) -> str:
    """The mean difference in grade steps, signed (``+1.0``): positive when the area is more generous."""
    return "" if row.mean_steps is None else f"{row.mean_steps:+.1f}"


def comparison_table(fw: Framework, result: Comparison) -> Table:
    """Per agency: its criteria together, then each criterion.

    Steps is the mean of area minus inspectors in grade steps; Higher and Lower count the
    items where the area's grade is above or below the inspectors'.
    """
    from rich.table import Table

    table = Table(title="The area's audits against the inspectors' grades")
    table.add_column("Agency")
    table.add_column("Criterion")
    table.add_column("Items", justify="right")
    table.add_column("Weighted kappa", no_wrap=True)
    table.add_column("Gwet's AC1", no_wrap=True)
    table.add_column("Steps", justify="right")
    table.add_column("Higher", justify="right")
    table.add_column("Lower", justify="right")
    table.add_column(
        f"Area {fw.label(fw.good_or_better[-1]).lower()}+, inspectors {fw.label(fw.worst).lower()}"
    )
    table.add_column("The reverse")
    for overall in result.agencies:
        rows = [overall, *(r for r in result.rows if r.agency == overall.agency)]
        for row in rows:
            table.add_row(
                row.agency if row is overall else "",
                "All criteria" if row is overall else row.criterion,
                str(row.items),
                row.kappa.format(),
                row.ac1.format(),
                steps_text(row),
                str(row.more_generous),
                str(row.harsher),
                ", ".join(row.area_good_inspectors_worst),
                ", ".join(row.area_worst_inspectors_good),
                style="bold" if row is overall else None,
            )
    return table

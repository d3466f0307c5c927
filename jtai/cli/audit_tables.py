"""What `jtai audits compare` prints: a table that fits 80 columns, then the children apart."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

    from jtai.frameworks import Framework
    from jtai.scoring.agreement import Statistic
    from jtai.scoring.local_audits.compare import Comparison, Row


def statistic_text(stat: Statistic) -> str:
    """``0.94 [0.85, 1.00]``, the value without an interval, or why it is not defined."""
    if stat.value is None:
        return stat.note
    if stat.ci_low is None or stat.ci_high is None:
        return f"{stat.value:.2f}"
    return f"{stat.value:.2f} [{stat.ci_low:.2f}, {stat.ci_high:.2f}]"


def steps_text(row: Row) -> str:
    """The mean difference in grade steps, signed (``+1.0``): positive when the area is more generous."""
    return "" if row.mean_steps is None else f"{row.mean_steps:+.1f}"


def comparison_table(result: Comparison) -> Table:
    """Per agency: its criteria together (in bold), then each criterion.

    Steps is the mean of area minus inspectors in grade steps; Up/dn counts the items
    where the area's grade is above / below the inspectors'; n: items compared.
    """
    from rich.table import Table

    table = Table(
        title="The area's audits against the inspectors' grades",
        caption="Kappa: Cohen's, linear weights. AC1: Gwet's. Steps: mean of area minus inspectors, "
        "in grade steps. Up/dn: items the area graded above / below the inspectors.",
        box=None,
        pad_edge=False,
        header_style="bold underline",
    )
    table.add_column("Criterion", no_wrap=True)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("Kappa [95% CI]", no_wrap=True)
    table.add_column("AC1 [95% CI]", no_wrap=True)
    table.add_column("Steps", justify="right", no_wrap=True)
    table.add_column("Up/dn", justify="right", no_wrap=True)
    for overall in result.agencies:
        for row in [overall, *(r for r in result.rows if r.agency == overall.agency)]:
            table.add_row(
                f"{row.agency}: all" if row is overall else f"  {row.criterion}",
                str(row.items),
                statistic_text(row.kappa),
                statistic_text(row.ac1),
                steps_text(row),
                f"{row.more_generous}/{row.harsher}",
                style="bold" if row is overall else None,
            )
    return table


def apart_lines(fw: Framework, result: Comparison) -> list[str]:
    """One line per agency x criterion where the area and the inspectors are at opposite ends."""
    good, worst = fw.label(fw.good_or_better[-1]).lower(), fw.label(fw.worst).lower()
    lines = []
    for row in result.rows:
        where = f"{row.agency} {row.criterion}"
        if row.area_good_inspectors_worst:
            cases = ", ".join(row.area_good_inspectors_worst)
            lines.append(f"Area {good} or better, inspectors {worst}: {where}: {cases}")
        if row.area_worst_inspectors_good:
            cases = ", ".join(row.area_worst_inspectors_good)
            lines.append(f"Area {worst}, inspectors {good} or better: {where}: {cases}")
    return lines

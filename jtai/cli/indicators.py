"""`jtai indicators`: multi-agency performance indicators from the loaded data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jtai.cli._common import JsonOption, cli

if TYPE_CHECKING:
    from jtai.indicators import Indicators


def indicators(
    cohort: Annotated[
        str,
        typer.Option(
            "--cohort",
            metavar="all|theme|tracked",
            help="Count over all loaded records, the framework's theme cohort, or the tracked children.",
        ),
    ] = "all",
    by: Annotated[
        str | None,
        typer.Option("--by", metavar="agency", help="Also break each indicator down by agency."),
    ] = None,
    comparators: Annotated[
        Path | None,
        typer.Option(
            "--comparators",
            metavar="FILE",
            help="YAML file of published figures to compare with (default: comparators.yaml "
            "in the workspace, if there is one).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Indicators from the loaded data: each a rate with its counts and 95% interval.

    Contacts decided within a working day, return home interviews within 72 hours, children
    missing three or more times, re-referrals, conferences within 15 working days,
    assessments within 45 working days, children missing education, health and police at
    strategy discussions, and more. "Not available" says what the data lacks. Definitions:
    docs/indicators.md; add your own in indicators.yaml in the workspace.

    Example: jtai indicators --cohort theme --by agency
    """
    from jtai.errors import UsageError
    from jtai.indicators import workspace_indicators

    if by is not None and by != "agency":
        raise UsageError(f"--by {by}: the only breakdown is --by agency.")
    found = workspace_indicators(
        cli().open_workspace(), cohort=cohort, by_agency=by == "agency", comparators=comparators
    )
    if json:
        cli().print_json(found.as_dict())
        return
    _show(found)


def _show(found: Indicators) -> None:
    from rich.table import Table

    who = {
        "all": "all loaded records",
        "theme": "the theme cohort",
        "tracked": "the tracked children",
    }[found.cohort]
    size = f" ({found.children:,} children)" if found.children is not None else ""
    table = Table("Indicator", "Period", "Rate (count; 95% CI)", title=f"Indicators for {who}{size}")
    for result in found.results:
        start, end = result.period
        period = f"{start:%d %b %Y} to {end - dt.timedelta(days=1):%d %b %Y}"
        table.add_row(result.indicator.title, period, result.overall.text())
        for agency, rate in result.by_agency.items():
            table.add_row(f"  {agency}", "", rate.text())
        for c in result.comparators:
            table.add_row(f"  {c.label} ({c.year})", "", f"{c.value:g}% ({c.source})")
    cli().show(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("indicators")(indicators)

"""`jtai overview WORKSPACE...`: the thematic overview across inspections."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jtai.cli._common import JsonOption, cli


def overview(
    workspaces: Annotated[
        list[Path],
        typer.Argument(
            help="The workspaces of one round of inspections (two or more).", metavar="WORKSPACE..."
        ),
    ],
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write the PDF here.", dir_okay=False, show_default=False)
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML here.", dir_okay=False, show_default=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a file named by --pdf or --html.")] = False,
    json: JsonOption = False,
) -> None:
    """Grades, safer children, findings, indicators and local audits across inspections on one framework.

    Each workspace is read without changing anything in it. Areas are named and children
    never are: the overview passes the anonymity guard of every area before it is written
    (exit code 10 otherwise). Workspaces on different frameworks are refused (exit code 8).
    With neither --pdf nor --html, a summary is printed.

    Example: jtai overview ../seaborough ../northmoor --pdf overview.pdf --html overview.html
    """
    from jtai.report.overview import overview_json, read_areas, summarise, write_overview

    areas = read_areas(workspaces)
    ov = summarise(areas)
    written = write_overview(ov, areas, pdf=pdf, html=html, force=force) if pdf or html else []
    if json:
        data = overview_json(ov)
        data["written"] = [{"format": w.kind, "path": str(w.path), "bytes": w.size} for w in written]
        cli().print_json(data)
        return
    for item in written:
        cli().out.print(f"Wrote the overview ({item.kind.upper()}): {item.path}", highlight=False)
    if not written:
        _summary(ov)


def _summary(ov: object) -> None:
    from rich.table import Table

    from jtai.report.overview import Overview
    from jtai.report.overview.figures import share

    assert isinstance(ov, Overview)
    fw = ov.framework
    table = Table(title=f"{fw.title}: {len(ov.areas)} areas", title_justify="left")
    for heading in (
        "Area",
        "Judgements",
        f"{fw.label(fw.good_or_better[-1])} or better",
        "Cases answered",
        "Not safer",
    ):
        table.add_column(heading, justify="left" if heading == "Area" else "right")
    by_area: dict[str, tuple[int, int]] = {}
    for row in ov.grades:
        judged, good = by_area.get(row.area, (0, 0))
        by_area[row.area] = (judged + row.total, good + row.good)
    for answers in ov.answers:
        judged, good = by_area.get(answers.area, (0, 0))
        table.add_row(
            answers.area,
            f"{judged:,}",
            f"{share(good, judged)} ({good:,})",
            f"{answers.total:,}",
            f"{share(answers.not_safer, answers.total)} ({answers.not_safer:,})",
        )
    cli().show(table)
    recurring = [r for r in ov.recurring if len(r.areas) > 1]
    compared = {r.indicator.id for r in ov.indicators if r.difference is not None}
    audited = sum(1 for a in ov.audits[:-1] if a.paired)
    cli().out.print(
        f"{len(recurring)} finding(s) recur in two or more areas; {len(compared)} indicator(s) can be "
        f"set against other areas; {audited} of {len(ov.areas)} areas have their own audits to compare. "
        "Write the report with --pdf FILE and/or --html FILE.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("overview")(overview)

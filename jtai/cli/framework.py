"""`jtai framework list | show ID`."""

from __future__ import annotations

from typing import Annotated

import typer

from jtai.cli._common import JsonOption, cli

framework_app = typer.Typer(
    help="The JTAI frameworks: themes, criteria, the judgement scale and sampling defaults.\n\n"
    "Example: jtai framework show exploitation-2018",
    no_args_is_help=True,
)


@framework_app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """List the built-in frameworks.

    Example: jtai framework list
    """
    from rich.table import Table

    from jtai.frameworks import list_frameworks

    frameworks = list_frameworks()
    if as_json:
        cli().print_json(
            [
                {"id": f.id, "year": f.year, "title": f.title, "criteria": len(list(f.criteria()))}
                for f in frameworks
            ]
        )
        return
    table = Table("Id", "Year", "Title", "Criteria")
    for f in frameworks:
        table.add_row(f.id, str(f.year), f.title, str(len(list(f.criteria()))))
    cli().show(table)


@framework_app.command("show")
def show_command(
    ref: Annotated[str, typer.Argument(help="A built-in framework id, or the path of your own YAML file.")],
    as_json: JsonOption = False,
) -> None:
    """Show (and validate) one framework: sections, criteria, scale, cohort and sampling.

    Example: jtai framework show exploitation-2018
    """
    from jtai.frameworks import load_framework

    fw = load_framework(ref)
    if as_json:
        cli().print_json(fw.model_dump(mode="json"))
        return
    cli().out.print(f"[bold]{fw.title}[/] ({fw.id})", highlight=False)
    cli().out.print(f"Theme: {fw.theme}", highlight=False)
    cli().out.print(f"[italic]{fw.note}[/]", highlight=False)
    cli().out.print("Inspectorates: " + ", ".join(i.name for i in fw.inspectorates), highlight=False)
    cli().out.print("Agencies: " + ", ".join(fw.agencies), highlight=False)
    grades = ", ".join(f"{n} {g.label} ({g.id})" for n, g in enumerate(fw.scale.grades, start=1))
    first = len(fw.scale.grades) + 1
    other = ", ".join(f"{n} {o.label} ({o.id})" for n, o in enumerate(fw.scale.other, start=first))
    cli().out.print(f"Scale: {grades}" + (f" (also: {other})" if other else ""), highlight=False)
    answers = " / ".join(f"{a.label} ({a.id})" for a in fw.case_question.answers)
    cli().out.print(f"Case question: {fw.case_question.text} ({answers})", highlight=False)
    for section in fw.sections:
        cli().out.print(f"\n[bold]{section.title}[/]  (section {section.id})", highlight=False)
        for criterion in section.criteria:
            cli().out.print(
                f"  {criterion.id}  {criterion.text}  [dim]({', '.join(criterion.agencies)})[/]",
                highlight=False,
            )
            if criterion.evidence:
                cli().out.print(f"      [dim]Evidence: {'; '.join(criterion.evidence)}[/]", highlight=False)
    c = fw.cohort
    cli().out.print(
        f"\nCohort: ages {c.age.min}-{c.age.max}, last {c.window_months} months; events "
        f"{', '.join(c.event_types) or '-'}; flags {', '.join(c.flags) or '-'}",
        highlight=False,
    )
    t = fw.sampling.tracked
    fd = fw.sampling.front_door
    cli().out.print(
        f"Sampling: {t.n} tracked children (+{t.reserves} reserves) by {', '.join(t.strata) or '-'}; "
        f"front door {fd.n} of {', '.join(fd.event_types)} in {fd.months} months",
        highlight=False,
    )
    cli().out.print(
        f"Statement of action: {fw.letter.statement_of_action_working_days} working days after publication",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(framework_app, name="framework")

"""`jtai framework list | show ID`."""

from __future__ import annotations

from typing import Annotated

import typer

from jtai.cli._common import JsonOption, console, print_json

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
        print_json(
            [
                {"id": f.id, "year": f.year, "title": f.title, "criteria": len(list(f.criteria()))}
                for f in frameworks
            ]
        )
        return
    table = Table("Id", "Year", "Title", "Criteria")
    for f in frameworks:
        table.add_row(f.id, str(f.year), f.title, str(len(list(f.criteria()))))
    console.print(table)


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
        print_json(fw.model_dump(mode="json"))
        return
    console.print(f"[bold]{fw.title}[/] ({fw.id})", highlight=False)
    console.print(f"Theme: {fw.theme}", highlight=False)
    console.print(f"[italic]{fw.note}[/]", highlight=False)
    console.print("Inspectorates: " + ", ".join(i.name for i in fw.inspectorates), highlight=False)
    console.print("Agencies: " + ", ".join(fw.agencies), highlight=False)
    grades = ", ".join(g.label for g in fw.scale.grades)
    other = ", ".join(o.label for o in fw.scale.other)
    console.print(f"Scale: {grades}" + (f" (also: {other})" if other else ""), highlight=False)
    answers = " / ".join(a.label for a in fw.case_question.answers)
    console.print(f"Case question: {fw.case_question.text} ({answers})", highlight=False)
    for section in fw.sections:
        console.print(f"\n[bold]{section.title}[/]", highlight=False)
        for criterion in section.criteria:
            console.print(
                f"  {criterion.id}  {criterion.text}  [dim]({', '.join(criterion.agencies)})[/]",
                highlight=False,
            )
            if criterion.evidence:
                console.print(f"      [dim]Evidence: {'; '.join(criterion.evidence)}[/]", highlight=False)
    c = fw.cohort
    console.print(
        f"\nCohort: ages {c.age.min}-{c.age.max}, last {c.window_months} months; events "
        f"{', '.join(c.event_types) or '-'}; flags {', '.join(c.flags) or '-'}",
        highlight=False,
    )
    t = fw.sampling.tracked
    fd = fw.sampling.front_door
    console.print(
        f"Sampling: {t.n} tracked children (+{t.reserves} reserves) by {', '.join(t.strata) or '-'}; "
        f"front door {fd.n} of {', '.join(fd.event_types)} in {fd.months} months",
        highlight=False,
    )
    console.print(
        f"Statement of action: {fw.letter.statement_of_action_working_days} working days after publication",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(framework_app, name="framework")

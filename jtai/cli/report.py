"""`jtai report letter | evidence | self-assessment`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jtai.cli._common import JsonOption, cli

if TYPE_CHECKING:
    from jtai.report.publish import Written

report_app = typer.Typer(
    help="Render the letter of findings, the evidence pack or the self-assessment (PDF and HTML).\n\n"
    "Example: jtai report letter --pdf letter.pdf --html letter.html",
    no_args_is_help=True,
)

PdfOption = Annotated[
    Path | None, typer.Option("--pdf", help="Write the PDF here.", dir_okay=False, show_default=False)
]
HtmlOption = Annotated[
    Path | None, typer.Option("--html", help="Write the HTML here.", dir_okay=False, show_default=False)
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace a file named by --pdf or --html.")]


@report_app.command("letter")
def letter(
    pdf: PdfOption = None, html: HtmlOption = None, force: ForceOption = False, json: JsonOption = False
) -> None:
    """The public letter of findings, from findings.yaml, after the anonymity guard.

    With neither --pdf nor --html, both go to the workspace's reports/ folder. Exits with
    code 10 and writes nothing if the letter would hold a name, identifier, date of birth
    or postcode loaded in the workspace; with 7 if there are no findings yet, and with 4 if
    `jtai findings check` reports problems with them.

    Example: jtai report letter --pdf letter.pdf --html letter.html
    """
    from jtai.report.letter import write_letter

    _show("letter", write_letter(cli().open_workspace(), pdf=pdf, html=html, force=force), json)


@report_app.command("evidence")
def evidence(
    pdf: PdfOption = None, html: HtmlOption = None, force: ForceOption = False, json: JsonOption = False
) -> None:
    """The internal evidence pack (OFFICIAL-SENSITIVE, pseudonyms only).

    Method, samples and seeds, judgement tables, charts, moderation statistics, how many
    children were safer, every inspector's evidence notes, data quality and quarantine reasons.

    Example: jtai report evidence --pdf evidence.pdf
    """
    from jtai.report.evidence import write_evidence

    _show("evidence pack", write_evidence(cli().open_workspace(), pdf=pdf, html=html, force=force), json)


@report_app.command("self-assessment")
def self_assessment(
    pdf: PdfOption = None,
    html: HtmlOption = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            help="An earlier workspace to show the change since.",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    json: JsonOption = False,
) -> None:
    """A local area's self-assessment against the framework, with its indicators and action plan.

    --compare names an earlier workspace on the same framework (not this one). The action plan
    is read from action-plan.yaml in the workspace. --json prints the files written, each
    criterion's position with the rule behind it, the indicators and the actions.

    Example: jtai report self-assessment --compare ../audit-2024 --pdf self-assessment.pdf
    """
    from jtai.report.selfassess import write_and_describe

    written, data = write_and_describe(
        cli().open_workspace(), pdf=pdf, html=html, compare=compare, force=force
    )
    if json:
        cli().print_json({"written": _written(written), **data})
        return
    _show("self-assessment", written, json)


def _written(written: list[Written]) -> list[dict[str, object]]:
    return [{"format": w.kind, "path": str(w.path), "bytes": w.size} for w in written]


def _show(what: str, written: list[Written], json: bool) -> None:
    if json:
        cli().print_json(_written(written))
        return
    for item in written:
        cli().out.print(
            f"Wrote the {what} ({item.kind.upper()}, {_size(item.size)}): {item.path}", highlight=False
        )


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(report_app, name="report")

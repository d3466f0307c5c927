"""`jtai demo`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from jtai.cli._common import JsonOption, cli
from jtai.errors import UsageError


def demo(
    directory: Annotated[
        Path | None,
        typer.Argument(help="Folder for the demo workspace (default: ./jtai-demo).", show_default=False),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Run the whole job on the fictional area in sample_data: load, link, sample, judge, report.

    Builds a workspace in DIR from the shipped sample data, loads every extract, links
    records into children, draws the tracked and front-door samples, imports the demo
    judgements and findings, and renders the letter of findings, the evidence pack and the
    self-assessment (PDF and HTML). Needs no network. Every run rebuilds DIR, deleting only
    what the demo wrote there; a non-empty folder that an earlier demo did not make, whose
    workspace was made again since (`jtai init --force`), or that holds anything the demo did
    not write, is refused, never deleted.

    Example: jtai demo ./jtai-demo
    """
    from jtai.demo import run_demo
    from jtai.sample_area import second_area_root

    target = directory or Path(os.environ.get("JTAI_DEMO_DIR") or "jtai-demo")
    if target.exists() and not target.is_dir():
        raise UsageError(
            f"{target} is a file, not a folder.", hint="Name a new or empty folder: jtai demo DIR"
        )

    def show(name: str) -> None:
        if not json:
            cli().err.print(f"[dim]- {name}...[/]", highlight=False)

    result = run_demo(target, on_step=show)
    if json:
        cli().print_json(
            {
                "workspace": str(result.root),
                "steps": [
                    {"step": s.name, "result": s.detail, "seconds": round(s.seconds, 2)} for s in result.steps
                ],
                "outputs": [
                    {"report": name, "format": w.kind, "path": str(w.path)} for name, w in result.outputs
                ],
                "notes": result.skipped,
                "anchor": result.anchor,
            }
        )
        return
    for step in result.steps:
        cli().out.print(f"{step.name}: {step.detail} ({step.seconds:.1f} s)", highlight=False)
    for note in result.skipped:
        cli().out.print(f"Note: {note}", highlight=False)
    cli().out.print(f"\nDemo workspace: [bold]{result.root}[/]", highlight=False)
    for name, written in result.outputs:
        cli().out.print(f"  {name} ({written.kind.upper()}): {written.path}", highlight=False)
    if result.anchor:
        cli().out.print(
            f"\nAudit anchor: {result.anchor} (keep it outside the workspace; "
            f"`jtai audit verify --anchor {result.anchor}` proves the log still extends it)",
            highlight=False,
            markup=False,
        )
    cli().out.print(f"\nNext: cd {result.root} && jtai sample show", highlight=False)
    second = second_area_root(result.root)
    if second.is_dir():
        cli().out.print(
            f"Two areas side by side: jtai overview {result.root} {second} --pdf overview.pdf",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("demo")(demo)

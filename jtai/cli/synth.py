"""`jtai synth`: write a fictional area's extracts and their true links."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jtai.cli._common import JsonOption, cli


def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write extracts/, truth/ and manifest.json into.")],
    children: Annotated[
        int, typer.Option("--children", min=1, help="Children aged 0-17 in the area.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed: same seed, same files.")] = 1,
    framework: Annotated[
        str | None,
        typer.Option("--framework", help="Framework id or YAML file: sets the theme cohort and window."),
    ] = None,
    fieldwork_start: Annotated[
        str | None,
        typer.Option(
            "--fieldwork-start", metavar="YYYY-MM-DD", help="First day of fieldwork (default 2018-03-19)."
        ),
    ] = None,
    rate: Annotated[
        list[str] | None,
        typer.Option(
            "--rate", metavar="NAME=VALUE", help="Change one noise rate (repeatable); see docs/synth.md."
        ),
    ] = None,
    no_noise: Annotated[bool, typer.Option("--no-noise", help="Set every identity noise rate to 0.")] = False,
    no_faults: Annotated[bool, typer.Option("--no-faults", help="Leave out the deliberate faults.")] = False,
    area: Annotated[str, typer.Option("--area", help="Name of the fictional area.")] = "Seaborough",
    force: Annotated[
        bool, typer.Option("--force", help="Write into OUT even if it is not empty (its files are replaced).")
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Write a fictional area's multi-agency extracts, with the true child of every row.

    Writes OUT/extracts/ (an Annex A workbook, six canonical CSVs) and OUT/truth/ (true links).
    OUT must be new or empty (or give --force), and never a workspace: write the files
    elsewhere, then load them with `jtai load`.

    No real person is in these files.

    Example: jtai synth seaborough-data --children 5000 --seed 1 --rate typo_first_name=0.05
    """
    from jtai.settings import cli_date
    from jtai.synth import generate, options_for

    cfg = options_for(
        children=children,
        seed=seed,
        framework=framework,
        fieldwork_start=cli_date("--fieldwork-start", fieldwork_start),
        rates=rate or [],
        noise=not no_noise,
        faults=not no_faults,
        area=area,
    )
    with cli().out.status("Generating...", spinner="dots"):
        result = generate(out, cfg, force=force)
    if json_:
        cli().print_json(
            {
                "out": str(out),
                "children": children,
                "seed": seed,
                "rows": result.rows,
                "records": result.records,
                "faults": result.faults,
            }
        )
        return
    cli().out.print(
        f"Wrote {result.records:,} rows for {children:,} children to {out}/extracts "
        f"({len(result.faults)} deliberate faults); the true links are in {out}/truth/truth.csv.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("synth")(synth)

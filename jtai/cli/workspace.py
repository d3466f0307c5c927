"""`jtai init`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jtai.cli._common import cli
from jtai.settings import cli_date


def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    area: Annotated[str, typer.Option("--area", help="The local area, e.g. 'Seaborough'.")],
    framework: Annotated[
        str,
        typer.Option("--framework", help="Framework id (see `jtai framework list`) or YAML file."),
    ],
    fieldwork_start: Annotated[
        str | None,
        typer.Option("--fieldwork-start", metavar="YYYY-MM-DD", help="First day of fieldwork."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing workspace (its data is lost).")
    ] = False,
) -> None:
    """Create a workspace for one inspection or self-assessment.

    Example: jtai init seaborough --area Seaborough --framework exploitation-2018 --fieldwork-start 2018-03-19
    """
    from jtai import workspace

    ws_root = directory.expanduser().resolve()

    def say(cleared: workspace.Cleared) -> None:
        removed = ", ".join(cleared.removed) or "nothing (no earlier workspace was there)"
        cli().out.print(f"Removed from {ws_root}: {removed}.", highlight=False)
        if cleared.kept:
            cli().out.print(
                f"Kept (not part of a workspace): {', '.join(cleared.kept)}. "
                "Delete yourself what belonged to the old workspace.",
                highlight=False,
            )

    ws = workspace.create(
        directory,
        area=area,
        framework=framework,
        fieldwork_start=cli_date("--fieldwork-start", fieldwork_start),
        force=force,
        on_cleared=say,
    )
    cli().out.print(f"Created workspace [bold]{ws.root}[/] for {area} ({framework}).", highlight=False)
    if ws.config["framework"] != framework:
        cli().out.print(f"The framework file is copied into it as {ws.config['framework']}.", highlight=False)
    cli().out.print(f"Edit {ws.config_path.name} there, then load extracts with `jtai load`.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("init")(init)

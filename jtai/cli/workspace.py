"""`jtai init`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jtai.cli._common import cli
from jtai.settings import cli_date


def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    area: Annotated[
        str | None, typer.Option("--area", help="The local area, e.g. 'Seaborough'.", show_default=False)
    ] = None,
    framework: Annotated[
        str | None,
        typer.Option(
            "--framework", help="Framework id (see `jtai framework list`) or YAML file.", show_default=False
        ),
    ] = None,
    fieldwork_start: Annotated[
        str | None,
        typer.Option("--fieldwork-start", metavar="YYYY-MM-DD", help="First day of fieldwork."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing workspace (its data is lost).")
    ] = False,
    repair_permissions: Annotated[
        bool,
        typer.Option(
            "--repair-permissions",
            help="Make an existing workspace private again (folders 0700, files 0600); nothing else changes.",
        ),
    ] = False,
) -> None:
    """Create a workspace for one inspection or self-assessment.

    Example: jtai init seaborough --area Seaborough --framework exploitation-2018 --fieldwork-start 2018-03-19
    """
    from jtai import workspace
    from jtai.errors import UsageError

    ws_root = directory.expanduser().resolve()
    if repair_permissions:
        _repair(
            ws_root, given=area is not None or framework is not None or force or fieldwork_start is not None
        )
        return
    if area is None or framework is None:
        missing = " and ".join(
            name for name, value in (("--area", area), ("--framework", framework)) if not value
        )
        raise UsageError(
            f"{missing} {'is' if ' and ' not in missing else 'are'} needed to create a workspace.",
            hint="Example: jtai init seaborough --area Seaborough --framework exploitation-2018",
        )

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


def _repair(root: Path, *, given: bool) -> None:
    """``jtai init DIR --repair-permissions``: folders 0700 and private files 0600 again."""
    from jtai import workspace
    from jtai.errors import UsageError
    from jtai.permissions import repair_permissions

    if given:
        raise UsageError(
            "--repair-permissions changes permissions only: give it with the workspace folder alone.",
            hint=f"Example: jtai init {root} --repair-permissions",
        )
    ws = workspace.find(explicit=root)
    changed = repair_permissions(ws.root)
    if not changed:
        cli().out.print(f"{ws.root} is private already: folders 0700, files 0600.", highlight=False)
        return
    cli().out.print(
        f"Made private (folders 0700, files 0600): {', '.join(str(p) for p in changed)}.",
        highlight=False,
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("init")(init)

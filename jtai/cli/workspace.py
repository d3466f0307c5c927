"""`jtai init`."""

from __future__ import annotations

import datetime as dt
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
    notification_date: Annotated[
        str | None,
        typer.Option(
            "--notification-date",
            metavar="YYYY-MM-DD",
            help="Day the area was notified; without --fieldwork-start, fieldwork is placed by the "
            "framework's calendar (see `jtai calendar`).",
        ),
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

    Example: jtai init sb --area Seaborough --framework exploitation-2018 --notification-date 2018-03-05
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

    start = cli_date("--fieldwork-start", fieldwork_start)
    notified = cli_date("--notification-date", notification_date)
    end = None
    if notified is not None:
        start, end = _fieldwork_from_notice(framework, notified, start)
    ws = workspace.create(
        directory,
        area=area,
        framework=framework,
        fieldwork_start=start,
        fieldwork_end=end,
        notification_date=notified,
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


def _fieldwork_from_notice(
    framework: str, notified: dt.date, start: dt.date | None
) -> tuple[dt.date, dt.date | None]:
    """Fieldwork start and end as the framework's calendar places them after ``notified``.

    A start given on the command line is kept (its end is then left to the default).

    Raises:
        UsageError: the notification comes after the given start of fieldwork.
        ConfigError: the notification day is not a working day; the framework is invalid.
    """
    from jtai.errors import UsageError
    from jtai.frameworks import load_framework
    from jtai.timetable import timetable

    if start is not None and start < notified:
        raise UsageError(
            f"--notification-date {notified} is after --fieldwork-start {start}.",
            hint="The area is notified before fieldwork starts.",
        )
    plan = timetable({"notification_date": notified, "fieldwork_start": start}, load_framework(framework))
    fieldwork = plan.milestone("fieldwork")
    return fieldwork.start, None if start is not None else fieldwork.end


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("init")(init)

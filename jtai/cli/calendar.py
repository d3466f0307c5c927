"""`jtai calendar`: the inspection's timetable in working days, on screen, as JSON or as ICS."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jtai.cli._common import JsonOption, cli, open_workspace


def calendar_command(
    ics: Annotated[
        Path | None,
        typer.Option("--ics", metavar="FILE", help="Also write the timetable as an iCalendar (.ics) file."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --ics file if it exists.")] = False,
    as_json: JsonOption = False,
) -> None:
    """The inspection's timetable in England's working days, from notification to statement of action.

    Counted from notification_date in inspection.yaml (or back from fieldwork_start), with
    the offsets of the framework's calendar settings. The ICS file holds one all-day event
    per milestone; importing it again into Outlook or Google Calendar updates the events.

    Example: jtai calendar --ics jtai-calendar.ics
    """
    from rich.table import Table

    from jtai.files import WRITE_HINT, write_private
    from jtai.timetable import timetable, to_ics
    from jtai.workspace import workspace_framework

    ws = open_workspace()
    table = timetable(ws.config, workspace_framework(ws))
    if ics is not None:
        write_private(ics, to_ics(table), force=force, hint=WRITE_HINT)
    if as_json:
        cli().print_json(table.as_dict())
        return
    shown = Table(
        "Day", "Date", "Milestone", "Counted from", title=f"Timetable: {table.area} ({table.framework})"
    )
    for m in table.milestones:
        when = f"{m.start:%a %d %b %Y}"
        if m.end != m.start:
            when += f" to {m.end:%a %d %b %Y}"
        shown.add_row(str(m.day), when, m.title, m.basis)
    cli().show(shown)
    for note in table.notes:
        cli().say(f"Note: {note}")
    if ics is not None:
        cli().say(f"Wrote {ics} ({len(table.milestones)} events).")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("calendar")(calendar_command)

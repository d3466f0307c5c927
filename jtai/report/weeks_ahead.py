"""The self-assessment's "The weeks ahead": the inspection timetable from today."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from jtai.errors import ConfigError
from jtai.report.pack_blocks import Part, Table
from jtai.report.text import format_date
from jtai.timetable import timetable

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.workspace import Workspace


def when(start: dt.date, end: dt.date, today: dt.date) -> str:
    """``today``, ``this week``, ``in 3 weeks``, ``under way`` or ``past``, in calendar weeks."""
    if end < today:
        return "past"
    if start <= today:
        return "today" if start == end == today else "under way"
    monday = today - dt.timedelta(days=today.weekday())
    weeks = (start - monday).days // 7
    return "this week" if weeks == 0 else "next week" if weeks == 1 else f"in {weeks} weeks"


def weeks_ahead_part(ws: Workspace, fw: Framework, today: dt.date | None = None) -> Part:
    """What the inspection's calendar says is due, and how many weeks away from ``today``.

    ``today`` is the day the report is dated by (its last audit), never the day it is
    rendered; without one, the whole timetable is shown.
    """
    title = "The weeks ahead"
    try:
        table = timetable(ws.config, fw)
    except ConfigError as exc:
        return Part("weeks-ahead", title, missing=f"No timetable: {exc.message}")
    shown = table.ahead(today) if today else list(table.milestones)

    def dates(start: dt.date, end: dt.date) -> str:
        return format_date(start) if end == start else f"{format_date(start)} to {format_date(end)}"

    if not shown:
        last = table.milestones[-1]
        return Part(
            "weeks-ahead",
            title,
            missing=f"Every step of the inspection's timetable is past: the last, {last.title.lower()}, "
            f"was on {format_date(last.start)}.",
        )
    text = "Counted in England's working days from the notification (day 1), with the framework's calendar."
    if today:
        text = f"As of {format_date(today)}, the date of the latest audit. {text}"
        rows: list[tuple[object, ...]] = [
            (m.title, dates(m.start, m.end), m.day, when(m.start, m.end, today)) for m in shown
        ]
        header: tuple[str, ...] = ("Step", "Date", "Day", "When")
    else:
        rows = [(m.title, dates(m.start, m.end), m.day) for m in shown]
        header = ("Step", "Date", "Day")
    return Part(
        "weeks-ahead",
        title,
        (text, *table.notes),
        (Table.build("The inspection's timetable", header, rows, numeric=(2,)),),
    )

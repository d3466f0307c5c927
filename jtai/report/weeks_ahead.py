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
    """What the inspection's calendar says is due, and how many weeks away (`jtai calendar`)."""
    title = "The weeks ahead"
    today = today or dt.date.today()
    try:
        table = timetable(ws.config, fw)
    except ConfigError as exc:
        return Part("weeks-ahead", title, missing=f"No timetable: {exc.message}")
    ahead = table.ahead(today)
    rows = [
        (
            m.title,
            format_date(m.start) if m.end == m.start else f"{format_date(m.start)} to {format_date(m.end)}",
            m.day,
            when(m.start, m.end, today),
        )
        for m in ahead
    ]
    if not rows:
        last = table.milestones[-1]
        return Part(
            "weeks-ahead",
            title,
            missing=f"Every step of the inspection's timetable is past: the last, {last.title.lower()}, "
            f"was on {format_date(last.start)}.",
        )
    text = (
        f"As of {format_date(today)}, counted in England's working days from the notification "
        "(day 1), with the framework's calendar settings (`jtai calendar` exports them to a calendar)."
    )
    return Part(
        "weeks-ahead",
        title,
        (text, *table.notes),
        (Table.build("The inspection's timetable", ("Step", "Date", "Day", "When"), rows, numeric=(2,)),),
    )

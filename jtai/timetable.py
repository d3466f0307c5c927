"""The inspection's timetable: what is due when, in England's working days.

Counted from ``notification_date`` in inspection.yaml (or back from ``fieldwork_start``
when the notification date is not set), with the offsets of the framework's ``calendar``
settings. A date set in inspection.yaml wins over the one the framework would give
(``fieldwork_start``, ``fieldwork_end``, ``publication_date``), and what is counted from it
moves with it: the accuracy check and publication from the end of fieldwork, the statement
of action from publication.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jtai.errors import ConfigError
from jtai.workdays import add_working_days, is_working_day, working_days_before, working_days_between

if TYPE_CHECKING:
    from jtai.frameworks import Framework

PRODUCT_ID = "-//jtai//inspection calendar//EN"


@dataclass(frozen=True)
class Milestone:
    """One step of the timetable: a day, or a span of days (both ends included).

    Attributes:
        id: a stable name (``audits_due``), used for the calendar event's UID.
        day: the inspection working day ``start`` falls on, counted from the notification.
        basis: what the date is counted from, in words.
    """

    id: str
    title: str
    start: dt.date
    end: dt.date
    day: int
    basis: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO text."""
        return {
            "id": self.id,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "day": self.day,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Timetable:
    """The milestones in date order, and notes on dates that differ from the framework's."""

    area: str
    framework: str
    milestones: tuple[Milestone, ...]
    notes: tuple[str, ...] = ()

    def milestone(self, milestone_id: str) -> Milestone:
        """The milestone with this id (KeyError when there is none)."""
        for m in self.milestones:
            if m.id == milestone_id:
                return m
        raise KeyError(milestone_id)

    def ahead(self, today: dt.date) -> list[Milestone]:
        """Milestones not yet over on ``today``, in date order."""
        return [m for m in self.milestones if m.end >= today]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "area": self.area,
            "framework": self.framework,
            "milestones": [m.as_dict() for m in self.milestones],
            "notes": list(self.notes),
        }


def _date(config: Mapping[str, object], key: str) -> dt.date | None:
    value = config.get(key)
    return value if isinstance(value, dt.date) else None


def timetable(config: Mapping[str, object], fw: Framework) -> Timetable:
    """The timetable of the inspection that ``config`` (inspection.yaml, as read) describes.

    Raises:
        ConfigError: neither ``notification_date`` nor ``fieldwork_start`` is set, or the
            notification date is not a working day.
    """
    cal = fw.calendar
    notified = _date(config, "notification_date")
    start_set = _date(config, "fieldwork_start")
    lead = cal.fieldwork_first_day - cal.notification_day
    if notified is None:
        if start_set is None:
            raise ConfigError(
                "neither notification_date nor fieldwork_start is set: the timetable counts from one.",
                file="inspection.yaml",
                hint="Set notification_date: YYYY-MM-DD (the day the area was told) in inspection.yaml.",
            )
        notified = working_days_before(start_set, lead)
        notice_basis = f"{lead} working days before fieldwork_start (notification_date is not set)"
    else:
        if not is_working_day(notified):
            raise ConfigError(
                f"notification_date {notified.isoformat()} ({notified:%A}) is not a working day in England.",
                file="inspection.yaml",
                hint="Give the working day the area was notified on.",
            )
        notice_basis = "notification_date"

    def day(number: int) -> dt.date:
        return add_working_days(notified, number - cal.notification_day)

    def number(date: dt.date) -> int:
        if date < notified:
            return cal.notification_day - working_days_between(date, notified)
        return cal.notification_day + working_days_between(notified, date)

    notes: list[str] = []
    planned_start = day(cal.fieldwork_first_day)
    field_start = start_set or planned_start
    if start_set is not None and start_set != planned_start:
        notes.append(
            f"fieldwork_start {start_set.isoformat()} is day {number(start_set)}; the framework puts "
            f"fieldwork on day {cal.fieldwork_first_day} ({planned_start.isoformat()})."
        )
    field_end = _date(config, "fieldwork_end") or add_working_days(field_start, cal.fieldwork_days - 1)
    end_basis = (
        "fieldwork_end" if _date(config, "fieldwork_end") else f"{cal.fieldwork_days} working days on site"
    )
    check_sent = add_working_days(field_end, cal.accuracy_check_after_fieldwork)
    check_due = add_working_days(check_sent, cal.accuracy_check_working_days)
    published = _date(config, "publication_date")
    publication = published or add_working_days(field_end, cal.publication_after_fieldwork)
    soa_days = fw.letter.statement_of_action_working_days
    statement = add_working_days(publication, soa_days)

    def at(m_id: str, title: str, start: dt.date, basis: str, end: dt.date | None = None) -> Milestone:
        return Milestone(m_id, title, start, end or start, number(start), basis)

    def numbered(name: str, n: int) -> str:
        return f"day {n} ({name} in the framework's calendar)"

    milestones = [
        at("notification", "The area is notified of the inspection", notified, notice_basis),
        at(
            "data_due",
            "Data and child lists due (Annex A, theme lists, key documents)",
            day(cal.data_due_day),
            numbered("data_due_day", cal.data_due_day),
        ),
        at(
            "children_selected",
            "Inspectors name the children to track; the area starts its audits",
            day(cal.children_selected_day),
            numbered("children_selected_day", cal.children_selected_day),
        ),
        at(
            "audits_due",
            "The area's audits of the tracked children due",
            day(cal.audits_due_day),
            numbered("audits_due_day", cal.audits_due_day),
        ),
        at(
            "fieldwork",
            "Fieldwork on site",
            field_start,
            "fieldwork_start" if start_set else numbered("fieldwork_first_day", cal.fieldwork_first_day),
            field_end,
        ),
        at("feedback", "Feedback to the area's leaders", field_end, f"last day of fieldwork ({end_basis})"),
        at(
            "accuracy_check",
            "Draft letter with the area for the accuracy check",
            check_sent,
            f"{cal.accuracy_check_after_fieldwork} working days after fieldwork, "
            f"{cal.accuracy_check_working_days} working days to reply",
            check_due,
        ),
        at(
            "publication",
            "The letter is published",
            publication,
            "publication_date"
            if published
            else f"{cal.publication_after_fieldwork} working days after fieldwork",
        ),
        at(
            "statement_of_action",
            "Written statement of action due",
            statement,
            f"{soa_days} working days after publication",
        ),
    ]
    milestones.sort(key=lambda m: (m.start, m.end))
    return Timetable(str(config.get("area", "")), fw.id, tuple(milestones), tuple(notes))


# ---- ICS (RFC 5545) --------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """A content line folded at 75 octets (continuation lines start with a space)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        limit = 75 if not parts else 74
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def uid(table: Timetable, milestone: Milestone) -> str:
    """A UID that stays the same across exports of the same inspection's milestone.

    It depends on the area, the framework and the milestone's id only, never on its date,
    so a calendar that imports the file again updates the event instead of adding one.
    """
    digest = hashlib.sha256(f"{table.area}\n{table.framework}".encode()).hexdigest()[:16]
    return f"{milestone.id}-{digest}@jtai"


def to_ics(table: Timetable, *, stamp: dt.datetime | None = None) -> str:
    """The timetable as an iCalendar file: one all-day event per milestone.

    ``stamp`` (UTC) is the DTSTAMP of every event; default now.
    """
    stamp = stamp or dt.datetime.now(dt.UTC)
    stamp_text = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"JTAI {table.area}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for m in table.milestones:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(table, m)}",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART;VALUE=DATE:{m.start:%Y%m%d}",
            # the end of an all-day event is the day after its last day
            f"DTEND;VALUE=DATE:{m.end + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(f'{name}: {m.title}')}",
            f"DESCRIPTION:{_escape(f'Inspection day {m.day}; {m.basis}.')}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)

"""One child's multi-agency chronology: every agency's events in date order, and the gaps.

A gap is something a reader of the case file should look for and may not find, e.g. a
missing episode with no return home interview within 72 hours of the child's return.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jtai.canonical import AGENCIES, EVENT_TYPES, IDENTIFYING, RISK_FLAGS
from jtai.linkage.redact import Redactor
from jtai.linkage.refs import child_pseudonym
from jtai.store import linkage as store
from jtai.workdays import working_days_between

if TYPE_CHECKING:
    from jtai.workspace import Workspace

RHI_HOURS = 72
ASSESSMENT_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15
SCREENING_DAYS = 28
_EXPLOITATION_FLAGS = frozenset({"cse", "criminal_exploitation", "county_lines", "trafficking", "gang"})
IDENTIFIER_FIELDS: tuple[str, ...] = IDENTIFYING
WITHHELD = "(withheld)"


@dataclass(frozen=True)
class Event:
    """One record of the child, as a line of the chronology."""

    record: str
    date: str | None
    end_date: str | None
    agency: str
    event_type: str
    event: str
    source: str | None
    outcome: str | None
    team: str | None
    worker: str | None
    flags: str | None
    details: str | None


@dataclass(frozen=True)
class Gap:
    """Something expected that the records do not show."""

    date: str
    kind: str
    message: str
    records: tuple[str, ...]


@dataclass
class Chronology:
    """A child's events, the identifiers each agency holds, and the gaps."""

    child_id: str
    pseudonym: str
    events: list[Event]
    identifiers: dict[str, dict[str, list[str]]]
    gaps: list[Gap] = field(default_factory=list)
    pseudonymised: bool = False

    @property
    def agencies(self) -> list[str]:
        """The agencies that hold a record of the child, in canonical order."""
        return [a for a in AGENCIES if a in self.identifiers]

    def rows(self) -> list[dict[str, Any]]:
        """The events as plain rows (for CSV, JSON and other areas)."""
        return [e.__dict__.copy() for e in self.events]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "case": self.pseudonym,
            "agencies": self.agencies,
            "identifiers": self.identifiers,
            # in JSON the event type's label is named as every label is (docs/cli.md)
            "events": [_event_json(e) for e in self.rows()],
            "gaps": [g.__dict__ | {"records": list(g.records)} for g in self.gaps],
        }


def _event_json(row: dict[str, Any]) -> dict[str, Any]:
    """An event for ``--json``: ``event_type`` and its label ``event_type_label``, as every id and label."""
    label = row.pop("event")
    return {**row, "event_type_label": label}


def chronology(
    ws: Workspace, conn: sqlite3.Connection, child_id: str, *, pseudonymise: bool = False
) -> Chronology:
    """The chronology of one child.

    Args:
        ws: the workspace (for the pseudonym key).
        conn: its store.
        child_id: the child (see :func:`jtai.linkage.refs.resolve_child`).
        pseudonymise: show the child's pseudonym instead of names, withhold identifiers, dates
            of birth and postcodes, and take them out of free text too (see
            :mod:`jtai.linkage.redact`).
    """
    name = child_pseudonym(ws, child_id)
    records = store.records_of_child(conn, child_id)
    identifiers: dict[str, dict[str, list[str]]] = {}
    for r in records:
        held = identifiers.setdefault(r["agency"], {})
        for key in IDENTIFIER_FIELDS:
            if r[key]:
                values = held.setdefault(key, [])
                value = str(r[key])
                if pseudonymise:
                    value = name if key in ("first_name", "last_name") else WITHHELD
                if value not in values:
                    values.append(value)
    redact = Redactor(records, name) if pseudonymise else None
    events = []
    for r in records:
        details = r["details"]
        if redact is not None and details:
            details = redact(details)
        kind = EVENT_TYPES.get(r["event_type"])
        events.append(
            Event(
                record=f"R{r['id']}",
                date=r["event_date"],
                end_date=r["end_date"],
                agency=r["agency"],
                event_type=r["event_type"],
                event=kind.label if kind else r["event_type"],
                source=r["source"],
                outcome=r["outcome"],
                team=r["team"],
                worker=r["worker"],
                flags=r["flags"],
                details=details,
            )
        )
    return Chronology(
        child_id=child_id,
        pseudonym=name,
        events=events,
        identifiers={a: identifiers[a] for a in AGENCIES if a in identifiers}
        | {a: v for a, v in identifiers.items() if a not in AGENCIES},
        gaps=gaps(events),
        pseudonymised=pseudonymise,
    )


def gaps(events: list[Event]) -> list[Gap]:
    """The gaps that matter in a child's events, in date order."""
    found: list[Gap] = []
    dated: list[tuple[Event, dt.date]] = []
    for e in events:
        day = _date(e.date)
        if day is not None:
            dated.append((e, day))

    def of(kind: str) -> list[tuple[Event, dt.date]]:
        return [(e, d) for e, d in dated if e.event_type == kind]

    interviews = of("return_home_interview")
    episodes = sorted(of("missing_episode"), key=lambda pair: pair[1])
    for n, (episode, start) in enumerate(episodes):
        back = _date(episode.end_date) or start
        due = back + dt.timedelta(hours=RHI_HOURS)
        following = episodes[n + 1][1] if n + 1 < len(episodes) else None
        # an interview after the next episode began is about that episode, not this one
        after = [(e, d) for e, d in interviews if d >= back and (following is None or d < following)]
        if not after:
            until = " and the next episode" if following else ""
            found.append(
                Gap(
                    back.isoformat(),
                    "return_home_interview",
                    f"Missing episode with no return home interview recorded "
                    f"{'between' if following else 'after'} the return on {back}{until}.",
                    (episode.record,),
                )
            )
        elif after[0][1] > due:
            found.append(
                Gap(
                    back.isoformat(),
                    "return_home_interview",
                    f"Return home interview {(after[0][1] - back).days} days after the return on {back} "
                    f"(due within {RHI_HOURS} hours).",
                    (episode.record, after[0][0].record),
                )
            )
    assessments = of("assessment")
    for referral, day in of("referral"):
        later = [(e, d) for e, d in assessments if d >= day]
        if not later:
            found.append(
                Gap(
                    day.isoformat(),
                    "assessment",
                    f"Referral on {day} with no assessment recorded after it.",
                    (referral.record,),
                )
            )
            continue
        event, started = later[0]
        done = _date(event.end_date) or started
        days = _working_days(day, done)
        if days > ASSESSMENT_WORKING_DAYS:
            found.append(
                Gap(
                    day.isoformat(),
                    "assessment",
                    f"Assessment completed {days} working days after the referral on {day} "
                    f"(within {ASSESSMENT_WORKING_DAYS} expected).",
                    (referral.record, event.record),
                )
            )
    discussions = of("strategy_discussion")
    for conference, day in of("icpc"):
        before = [(e, d) for e, d in discussions if d <= day]
        if before:
            event, held = before[-1]
            days = _working_days(held, day)
            if days > ICPC_WORKING_DAYS:
                found.append(
                    Gap(
                        held.isoformat(),
                        "icpc",
                        f"Initial child protection conference {days} working days after the strategy "
                        f"discussion on {held} (within {ICPC_WORKING_DAYS} expected).",
                        (event.record, conference.record),
                    )
                )
    found += _screening_gaps(dated, [d for _, d in of("exploitation_screening")])
    return sorted(found, key=lambda g: (g.date, g.kind))


def _screening_gaps(dated: list[tuple[Event, dt.date]], screenings: list[dt.date]) -> list[Gap]:
    """A gap for every exploitation flag with no screening within 28 days either side.

    Every flag counts, not only the first: a child screened in one year and flagged again
    in another with no screening has a gap. Unscreened flags each within 28 days of the
    one before are one gap (its records listed), named by the first of them.
    """
    window = dt.timedelta(days=SCREENING_DAYS)
    unscreened = sorted(
        (
            (day, event)
            for event, day in dated
            if _EXPLOITATION_FLAGS & set((event.flags or "").split(";"))
            and not any(day - window <= screened <= day + window for screened in screenings)
        ),
        key=lambda pair: pair[0],
    )
    groups: list[list[tuple[dt.date, Event]]] = []
    for day, event in unscreened:
        if groups and day - groups[-1][-1][0] <= window:
            groups[-1].append((day, event))
        else:
            groups.append([(day, event)])
    found = []
    for group in groups:
        day, event = group[0]
        risks = sorted(_EXPLOITATION_FLAGS & set((event.flags or "").split(";")))
        more = len(group) - 1
        again = f" (and {more} more time{'s' if more > 1 else ''} to {group[-1][0]})" if more else ""
        found.append(
            Gap(
                day.isoformat(),
                "exploitation_screening",
                f"{AGENCIES.get(event.agency, event.agency)} recorded "
                f"{', '.join(RISK_FLAGS[r].lower() for r in risks)} on {day}{again} with no exploitation "
                f"screening within {SCREENING_DAYS} days.",
                tuple(e.record for _, e in group),
            )
        )
    return found


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _working_days(start: dt.date, end: dt.date) -> int:
    """Working days in England (bank holidays excluded) after ``start`` up to and including ``end``."""
    return working_days_between(start, end)

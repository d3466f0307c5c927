"""The records the indicators count, read from the workspace's store, and the cohorts.

A child is its linkage ``child_id``; a record linkage has not reached stands for a child of
its own, named by the local authority's child id or else the agency's person id (the same
keys the samples use), so nothing is dropped before linkage has run.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable

from jtai.indicators.definitions import Indicator, Select
from jtai.indicators.measure import Record, months_later

COHORTS = ("all", "theme", "tracked")
_COLUMNS = (
    "id",
    "agency",
    "child_id",
    "la_child_id",
    "agency_person_id",
    "event_type",
    "event_date",
    "end_date",
    "source",
    "outcome",
    "team",
    "flags",
    "extra",
)
_CHILD = "coalesce(subject, 'child') = 'child'"


def child_key(
    child_id: str | None, la_child_id: str | None, agency: str, person: str | None, rid: int
) -> str:
    """The child a record stands for (see the module's docstring)."""
    if child_id:
        return child_id
    if la_child_id:
        return f"la:{la_child_id}"
    if person:
        return f"{agency}:{person}"
    return f"record:{rid}"


def _selects(indicators: Iterable[Indicator]) -> list[Select]:
    out: list[Select] = []
    for i in indicators:
        out.append(i.start)
        if i.end is not None:
            out.append(i.end)
    return out


def read_records(conn: sqlite3.Connection, indicators: Iterable[Indicator]) -> list[Record]:
    """Every child record the indicators may look at (their event types, or any flagged record)."""
    selects = _selects(indicators)
    types = sorted({t for s in selects for t in s.event_types})
    flagged = any(not s.event_types for s in selects)
    clauses = []
    params: list[str] = []
    if types:
        clauses.append(f"event_type IN ({','.join('?' * len(types))})")
        params += types
    if flagged:
        clauses.append("coalesce(flags, '') != ''")
    if not clauses:
        return []
    sql = f"SELECT {', '.join(_COLUMNS)} FROM records WHERE {_CHILD} AND ({' OR '.join(clauses)})"
    out = []
    for row in conn.execute(sql, params):
        values = dict(zip(_COLUMNS, row, strict=True))
        out.append(
            Record(
                id=int(values["id"]),
                key=child_key(
                    values["child_id"],
                    values["la_child_id"],
                    values["agency"],
                    values["agency_person_id"],
                    int(values["id"]),
                ),
                agency=str(values["agency"]),
                event_type=str(values["event_type"]),
                event_date=values["event_date"],
                end_date=values["end_date"],
                fields={k: values[k] for k in ("source", "outcome", "team", "flags", "extra")},
            )
        )
    return out


def theme_children(
    conn: sqlite3.Connection,
    fieldwork_start: dt.date,
    window_months: int,
    ages: tuple[int, int],
    event_types: Iterable[str],
    flags: Iterable[str],
) -> set[str]:
    """The theme cohort: children with a theme event or flag in the window, of the theme's ages.

    A record is in the window when it starts before fieldwork and has not ended before the
    window's first day; a flag counts on such a record or on an undated one, as the tracked
    sample's frame counts it. The child's age on the first day of fieldwork comes from the
    date of birth most of its records give (the earliest on a tie).
    """
    start = months_later(fieldwork_start, -window_months).isoformat()
    end = fieldwork_start.isoformat()
    types = sorted(set(event_types))
    wanted = {f.lower() for f in flags}
    # as the tracked sample's frame: a theme event in the window, or a theme flag on a record
    # in the window or on an undated one (a person record's standing flags)
    sql = (
        f"SELECT child_id, la_child_id, agency, agency_person_id, id, event_type, flags, event_date "
        f"FROM records WHERE {_CHILD} AND (event_date IS NULL OR "
        f"(event_date < ? AND coalesce(end_date, event_date) >= ?))"
    )
    matched: set[str] = set()
    for child_id, la, agency, person, rid, event_type, flag_text, day in conn.execute(sql, (end, start)):
        named = {f.strip().lower() for f in (flag_text or "").split(";")}
        if (day is not None and event_type in types) or wanted & named:
            matched.add(child_key(child_id, la, agency, person, int(rid)))
    if not matched:
        return set()
    dobs: dict[str, dict[str, int]] = {}
    sql = (
        "SELECT child_id, la_child_id, agency, agency_person_id, id, dob FROM records "
        f"WHERE {_CHILD} AND dob IS NOT NULL"
    )
    for child_id, la, agency, person, rid, dob in conn.execute(sql):
        key = child_key(child_id, la, agency, person, int(rid))
        if key in matched:
            counts = dobs.setdefault(key, {})
            counts[dob] = counts.get(dob, 0) + 1
    cohort = set()
    for key, counts in dobs.items():
        dob = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        try:
            born = dt.date.fromisoformat(str(dob)[:10])
        except ValueError:
            continue
        age = (
            fieldwork_start.year
            - born.year
            - ((fieldwork_start.month, fieldwork_start.day) < (born.month, born.day))
        )
        if ages[0] <= age <= ages[1]:
            cohort.add(key)
    return cohort


def tracked_children(conn: sqlite3.Connection) -> set[str] | None:
    """The children picked in the newest tracked sample (withdrawn ones replaced), or None."""
    row = conn.execute("SELECT max(id) FROM samples WHERE kind = 'tracked'").fetchone()
    if row is None or row[0] is None:
        return None
    return {
        str(r[0])
        for r in conn.execute(
            "SELECT child_key FROM sample_members WHERE sample_id = ? AND role = 'pick'", (row[0],)
        )
    }

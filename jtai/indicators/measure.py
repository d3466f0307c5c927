"""Counting one indicator over a list of records: the numerator, the denominator, or why not.

Pure Python over plain records, so the rules read as they are documented in
docs/indicators.md; the records come from :mod:`jtai.indicators.data`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jtai.indicators.definitions import Indicator, Select, Within
from jtai.workdays import working_days_between

EXPLOITATION_FLAGS = ("cse", "criminal_exploitation", "gang", "county_lines", "trafficking")


@dataclass
class Record:
    """One record as the indicators see it: the child it belongs to and its fields."""

    id: int
    key: str
    agency: str
    event_type: str
    event_date: str | None = None
    end_date: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        """A field: ``event_date``, ``outcome``, ``extra.NAME`` (None when absent or empty)."""
        if name == "event_date":
            return self.event_date
        if name == "end_date":
            return self.end_date
        if name.startswith("extra."):
            extra = self.fields.get("extra")
            if isinstance(extra, str):
                try:
                    extra = json.loads(extra)
                except ValueError:
                    extra = None
                self.fields["extra"] = extra
            value = extra.get(name[6:]) if isinstance(extra, dict) else None
        else:
            value = self.fields.get(name)
        return None if value in ("", None) else value


@dataclass(frozen=True)
class Count:
    """An indicator's counts, or the reason it cannot be counted."""

    numerator: int = 0
    denominator: int = 0
    reason: str = ""  # non-empty: not available

    @property
    def available(self) -> bool:
        """Whether there is a rate to show."""
        return not self.reason and self.denominator > 0


def moment(text: Any) -> dt.datetime | None:
    """A date or date-time written ISO style (``2018-01-05``, ``2018-01-05T14:30``), else None."""
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        return dt.datetime.fromisoformat(text.replace(" ", "T")[:19])
    except ValueError:
        return None


def months_later(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months later (negative: earlier); the month's last day if shorter."""
    import calendar

    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def inside(limit: Within, first: dt.datetime, then: dt.datetime) -> bool:
    """Whether ``then`` is no later than the limit after ``first`` (both ends included)."""
    if then < first:
        return False
    if limit.hours is not None:
        return then - first <= dt.timedelta(hours=limit.hours)
    if limit.days is not None:
        return (then.date() - first.date()).days <= limit.days
    if limit.working_days is not None:
        return working_days_between(first.date(), then.date()) <= limit.working_days
    assert limit.months is not None
    return then.date() <= months_later(first.date(), limit.months)


def matches(record: Record, select: Select) -> bool:
    """Whether a record is one the selection names (its date aside)."""
    if select.event_types and record.event_type not in select.event_types:
        return False
    if select.agencies and record.agency not in select.agencies:
        return False
    for name, accepted in select.where.items():
        value = record.value(name)
        if value is None:
            return False
        wanted = {a.lower() for a in accepted}
        if name == "flags":
            if not wanted & {f.strip().lower() for f in str(value).split(";")}:
                return False
        elif str(value).lower() not in wanted:
            return False
    return True


def when(record: Record, select: Select) -> dt.datetime | None:
    """The record's date under the selection: the first of its date fields present."""
    for name in select.date:
        found = moment(record.value(name))
        if found is not None:
            return found
    return None


def count(
    indicator: Indicator, records: Sequence[Record], start: dt.date, end: dt.date, *, all_records: bool = True
) -> Count:
    """Count one indicator over records whose counted events fall in ``[start, end)``.

    Args:
        indicator: the definition.
        records: every record the cohort holds (any date): ends and earlier events are
            looked for among them too.
        start: first day of the period.
        end: the day after its last day (fieldwork's first day).
        all_records: ``records`` are every record loaded (so "none loaded" can be said).
    """
    first = dt.datetime.combine(start, dt.time())
    last = dt.datetime.combine(end, dt.time())
    chosen = [r for r in records if matches(r, indicator.start)]
    if not chosen:
        return Count(
            reason=f"No {indicator.start.label} are loaded{'' if all_records else ' for these children'}."
        )
    dated = [(r, when(r, indicator.start)) for r in chosen]
    counted = _distinct((r, d) for r, d in dated if d is not None and first <= d < last)
    whose = "" if all_records else " of these children"
    if indicator.kind == "interval":
        return _interval(indicator, records, dated, counted, whose)
    if indicator.kind == "repeat":
        per_child: dict[str, int] = {}
        for r, _ in counted:
            per_child[r.key] = per_child.get(r.key, 0) + 1
        return Count(sum(n >= indicator.at_least for n in per_child.values()), len(per_child))
    if indicator.kind == "children":
        assert indicator.end is not None
        children = {r.key for r, _ in counted}
        having = {
            r.key
            for r in records
            if r.key in children
            and matches(r, indicator.end)
            and (d := when(r, indicator.end)) is not None
            and first <= d < last
        }
        return Count(len(having), len(children))
    return _field(indicator, counted, whose)


def _distinct(pairs: Iterable[tuple[Record, dt.datetime]]) -> list[tuple[Record, dt.datetime]]:
    """One record per child and day: two agencies' records of one missing episode count once."""
    seen: set[tuple[str, dt.date]] = set()
    out = []
    for r, d in sorted(pairs, key=lambda pair: (pair[1], pair[0].id)):
        if (r.key, d.date()) not in seen:
            seen.add((r.key, d.date()))
            out.append((r, d))
    return out


def _interval(
    indicator: Indicator,
    records: Sequence[Record],
    dated: list[tuple[Record, dt.datetime | None]],
    counted: list[tuple[Record, dt.datetime]],
    whose: str = "",
) -> Count:
    limit = indicator.within
    assert limit is not None
    if indicator.end_field is not None:
        if not any(r.value(indicator.end_field) is not None for r, _ in dated):
            what = field_words(indicator.end_field)
            return Count(reason=f"None of the loaded {indicator.start.label}{whose} has {what}.")
        hit = total = 0
        for r, d in counted:
            target = moment(r.value(indicator.end_field))
            if target is None and indicator.no_end == "exclude":
                continue
            total += 1
            hit += target is not None and inside(limit, d, target)
        return Count(hit, total)
    select = indicator.end
    assert select is not None
    ends: dict[str, list[tuple[dt.datetime, int]]] = {}
    any_end = False
    for r in records:
        if matches(r, select):
            any_end = True
            moment_ = when(r, select)
            if moment_ is not None:
                ends.setdefault(r.key, []).append((moment_, r.id))
    if not any_end:
        return Count(
            reason=f"No {select.label} are loaded, so {indicator.start.label} cannot be followed up."
        )
    for found in ends.values():
        found.sort()
    starts: dict[str, list[dt.datetime]] = {}
    for r, maybe in dated:
        if maybe is not None:
            starts.setdefault(r.key, []).append(maybe)
    for found_starts in starts.values():
        found_starts.sort()
    hit = total = 0
    for r, d in counted:
        candidates = [(e, i) for e, i in ends.get(r.key, []) if i != r.id]
        other = _pick(indicator, d, candidates, starts.get(r.key, []))
        if other is None:
            if indicator.no_end == "exclude":
                continue
            total += 1
            continue
        total += 1
        if indicator.direction == "before":
            hit += inside(limit, other, d)
        elif indicator.direction == "around":
            hit += inside(limit, min(other, d), max(other, d))
        else:
            hit += inside(limit, d, other)
    return Count(hit, total)


def _pick(
    indicator: Indicator,
    day: dt.datetime,
    candidates: list[tuple[dt.datetime, int]],
    starts: list[dt.datetime],
) -> dt.datetime | None:
    """The end record that answers a start record, by the indicator's direction."""
    times = [e for e, _ in candidates]
    if indicator.direction == "before":
        earlier = [e for e in times if e.date() < day.date()]
        return earlier[-1] if earlier else None
    if indicator.direction == "around":
        return min(times, key=lambda e: (abs(e - day), e)) if times else None
    position = bisect.bisect_left(times, day)
    if position == len(times):
        return None
    found = times[position]
    if indicator.until_next_start:
        later = [s for s in starts if s.date() > day.date()]
        # an end after the next start event answers that one, not this
        if later and found >= later[0]:
            return None
    return found


def _field(indicator: Indicator, counted: list[tuple[Record, dt.datetime]], whose: str = "") -> Count:
    name = indicator.field
    assert name is not None
    recorded = [(r, r.value(name)) for r, _ in counted]
    if counted and not any(v is not None for _, v in recorded):
        return Count(reason=f"None of the loaded {indicator.start.label}{whose} records {field_words(name)}.")
    wanted = {v.lower() for v in indicator.values}
    hit = total = 0
    for _, value in recorded:
        if value is None:
            continue
        total += 1
        hit += _truthy(value, wanted)
    return Count(hit, total)


def field_words(name: str) -> str:
    """``extra.icpc_date`` -> ``an icpc date``; ``end_date`` -> ``an end date``."""
    words = name.removeprefix("extra.").replace("_", " ")
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def _truthy(value: Any, wanted: set[str]) -> bool:
    if isinstance(value, bool):
        return ("true" if value else "false") in wanted or ("yes" if value else "no") in wanted
    text = str(value).strip().lower()
    if text in wanted:
        return True
    for item in wanted:
        if item.startswith(">"):
            try:
                return float(text) > float(item[1:])
            except ValueError:
                return False
    return False


def wilson(hits: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default); (0, 0) when ``n`` is 0."""
    if n == 0:
        return 0.0, 0.0
    p = hits / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)

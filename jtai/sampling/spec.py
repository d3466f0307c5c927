"""The sampling settings, as plain values: read from a framework, or built by hand in tests.

Keeping the pure sampling code on these small dataclasses means it can be used (and
tested) without a workspace or a framework file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jtai.frameworks import Framework

# Event types that say as much as a risk flag, so a child with a missing episode counts as
# "missing" even when no agency set the flag.
EVENT_FLAGS: dict[str, str] = {
    "missing_episode": "missing",
    "absent_episode": "missing",
    "return_home_interview": "missing",
    "child_missing_education": "child_missing_education",
    "exclusion": "exclusion",
}
OTHER_RISK = "other"
AGENCY_LABELS: dict[str, str] = {
    "csc": "CSC",
    "police": "police",
    "health": "health",
    "probation": "probation",
    "yos": "YOS",
    "education": "education",
}


@dataclass(frozen=True)
class CohortRule:
    """Who is in the theme cohort.

    Attributes:
        fieldwork_start: the first day of fieldwork; the window ends the day before.
        window_months: how far back the window reaches.
        age_min, age_max: ages (on fieldwork_start) included, both ends.
        event_types: any of these events in the window puts a child in the cohort...
        flags: ...and so does any of these risk flags on a record in the window or undated.
    """

    fieldwork_start: dt.date
    window_months: int = 6
    age_min: int = 0
    age_max: int = 17
    event_types: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def window_start(self) -> dt.date:
        """The first day of the window."""
        return months_before(self.fieldwork_start, self.window_months)


@dataclass(frozen=True)
class TrackedSpec:
    """How tracked children are drawn.

    Attributes:
        n: children to track.
        reserves: reserves per stratum that has picks.
        strata: dimensions, the first is the one allocated across (risk_type, age_band, sex,
            agencies_involved).
        age_bands: inclusive age bands.
        risk_types: risk type -> flags, first match wins, in order.
        agencies: the order agencies are named in reasons.
    """

    n: int = 6
    reserves: int = 2
    strata: tuple[str, ...] = ("risk_type", "age_band", "sex")
    age_bands: tuple[tuple[int, int], ...] = ((0, 9), (10, 13), (14, 15), (16, 17))
    risk_types: tuple[tuple[str, tuple[str, ...]], ...] = ()
    agencies: tuple[str, ...] = tuple(AGENCY_LABELS)

    def levels(self, dimension: str) -> list[str]:
        """The levels of a dimension in their natural order (for tables and allocation)."""
        if dimension == "risk_type":
            return [name for name, _ in self.risk_types] + [OTHER_RISK]
        if dimension == "age_band":
            return [band_label(b) for b in self.age_bands] + [OTHER_AGES]
        if dimension == "sex":
            return ["male", "female", "neither", "unknown"]
        if dimension == "agencies_involved":
            return [MULTI_AGENCY, SINGLE_AGENCY]
        return []


@dataclass(frozen=True)
class FrontDoorSpec:
    """How the front-door sample is drawn.

    Attributes:
        fieldwork_start: the window ends the day before.
        n: contacts and referrals to sample.
        months: how far back the window reaches.
        event_types: the record types sampled.
        reserves: reserves per stratum.
    """

    fieldwork_start: dt.date
    n: int = 40
    months: int = 6
    event_types: tuple[str, ...] = ("contact", "referral")
    reserves: int = 0
    strata: tuple[str, ...] = field(default=("source", "outcome"))

    @property
    def window_start(self) -> dt.date:
        """The first day of the window."""
        return months_before(self.fieldwork_start, self.months)


OTHER_AGES = "other ages"
MULTI_AGENCY = "multi-agency"
SINGLE_AGENCY = "single agency"


def band_label(band: tuple[int, int]) -> str:
    """``(14, 15)`` -> ``"14-15"``."""
    return f"{band[0]}-{band[1]}" if band[0] != band[1] else str(band[0])


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day if it is shorter)."""
    import calendar

    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def cohort_rule(fw: Framework, fieldwork_start: dt.date) -> CohortRule:
    """The cohort rule of a framework."""
    c = fw.cohort
    return CohortRule(
        fieldwork_start=fieldwork_start,
        window_months=c.window_months,
        age_min=c.age.min,
        age_max=c.age.max,
        event_types=tuple(c.event_types),
        flags=tuple(c.flags),
    )


def tracked_spec(fw: Framework, *, n: int | None = None, reserves: int | None = None) -> TrackedSpec:
    """The tracked-sample settings of a framework, with the user's overrides."""
    t = fw.sampling.tracked
    return TrackedSpec(
        n=t.n if n is None else n,
        reserves=t.reserves if reserves is None else reserves,
        strata=tuple(t.strata),
        age_bands=tuple((int(a), int(b)) for a, b in t.age_bands),
        risk_types=tuple((name, tuple(flags)) for name, flags in t.risk_types.items()),
        agencies=tuple(fw.agencies) + tuple(a for a in AGENCY_LABELS if a not in fw.agencies),
    )


def front_door_spec(
    fw: Framework,
    fieldwork_start: dt.date,
    *,
    n: int | None = None,
    months: int | None = None,
    reserves: int = 0,
) -> FrontDoorSpec:
    """The front-door settings of a framework, with the user's overrides."""
    f = fw.sampling.front_door
    return FrontDoorSpec(
        fieldwork_start=fieldwork_start,
        n=f.n if n is None else n,
        months=f.months if months is None else months,
        event_types=tuple(f.event_types),
        reserves=reserves,
    )


def tracked_parameters(rule: CohortRule, spec: TrackedSpec) -> dict[str, object]:
    """The settings a tracked sample is stored with (enough to draw it again)."""
    return {
        "n": spec.n,
        "reserves": spec.reserves,
        "strata": list(spec.strata),
        "age_bands": [list(b) for b in spec.age_bands],
        "risk_types": {k: list(v) for k, v in spec.risk_types},
        "risk_type_order": [k for k, _ in spec.risk_types],
        "agencies": list(spec.agencies),
        "fieldwork_start": rule.fieldwork_start.isoformat(),
        "window_start": rule.window_start.isoformat(),
        "window_months": rule.window_months,
        "age": [rule.age_min, rule.age_max],
        "event_types": list(rule.event_types),
        "flags": list(rule.flags),
    }


def tracked_from_parameters(params: dict[str, Any]) -> tuple[CohortRule, TrackedSpec]:
    """The cohort rule and settings a stored tracked sample was drawn with."""
    risk = params["risk_types"]
    order = params.get("risk_type_order") or list(risk)
    rule = CohortRule(
        fieldwork_start=dt.date.fromisoformat(params["fieldwork_start"]),
        window_months=int(params["window_months"]),
        age_min=int(params["age"][0]),
        age_max=int(params["age"][1]),
        event_types=tuple(params["event_types"]),
        flags=tuple(params["flags"]),
    )
    spec = TrackedSpec(
        n=int(params["n"]),
        reserves=int(params["reserves"]),
        strata=tuple(params["strata"]),
        age_bands=tuple((int(a), int(b)) for a, b in params["age_bands"]),
        risk_types=tuple((name, tuple(risk[name])) for name in order),
        agencies=tuple(params.get("agencies") or AGENCY_LABELS),
    )
    return rule, spec


def front_door_parameters(spec: FrontDoorSpec) -> dict[str, object]:
    """The settings a front-door sample is stored with (enough to draw it again)."""
    return {
        "n": spec.n,
        "months": spec.months,
        "reserves": spec.reserves,
        "event_types": list(spec.event_types),
        "strata": list(spec.strata),
        "fieldwork_start": spec.fieldwork_start.isoformat(),
        "window_start": spec.window_start.isoformat(),
    }


def front_door_from_parameters(params: dict[str, Any]) -> FrontDoorSpec:
    """The settings a stored front-door sample was drawn with."""
    return FrontDoorSpec(
        fieldwork_start=dt.date.fromisoformat(params["fieldwork_start"]),
        n=int(params["n"]),
        months=int(params["months"]),
        event_types=tuple(params["event_types"]),
        reserves=int(params["reserves"]),
        strata=tuple(params["strata"]),
    )

"""Every indicator for one cohort of a workspace: rates, counts, intervals and comparators."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai.errors import NotFoundError, UsageError
from jtai.indicators import data
from jtai.indicators.definitions import (
    COMPARATORS_FILE,
    Comparator,
    Indicator,
    indicators_for,
    read_comparators,
)
from jtai.indicators.measure import Count, Record, count, matches, months_later, wilson
from jtai.workspace import workspace_framework

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.workspace import Workspace


@dataclass(frozen=True)
class Rate:
    """One indicator's value for a group of records: counts, share and 95% Wilson interval."""

    numerator: int
    denominator: int
    reason: str = ""

    @property
    def available(self) -> bool:
        """Whether there is a rate (the data holds what it needs and something to count)."""
        return not self.reason

    @property
    def value(self) -> float | None:
        """The share, 0 to 1."""
        return self.numerator / self.denominator if self.available and self.denominator else None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95% Wilson score interval of the share."""
        return wilson(self.numerator, self.denominator) if self.value is not None else None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        low_high = self.interval
        return {
            "available": self.available,
            "reason": self.reason or None,
            "numerator": self.numerator if self.available else None,
            "denominator": self.denominator if self.available else None,
            "rate": round(self.value, 6) if self.value is not None else None,
            "ci95": [round(low_high[0], 6), round(low_high[1], 6)] if low_high else None,
        }

    def text(self) -> str:
        """``45% (20 of 44; 95% CI 31%-60%)`` or the reason it is not available."""
        if not self.available:
            return f"Not available: {self.reason}"
        if self.value is None or self.interval is None:
            return "None in the period (0 of 0)"
        low, high = self.interval
        return (
            f"{self.value:.0%} ({self.numerator:,} of {self.denominator:,}; 95% CI {low:.0%} to {high:.0%})"
        )


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator: its definition, its overall rate, by agency, and comparators."""

    indicator: Indicator
    period: tuple[dt.date, dt.date]
    overall: Rate
    by_agency: dict[str, Rate] = field(default_factory=dict)
    comparators: tuple[Comparator, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        i = self.indicator
        out: dict[str, Any] = {
            "id": i.id,
            "title": i.title,
            "kind": i.kind,
            "definition": i.definition,
            "excludes": i.excludes or None,
            "higher_is_better": i.higher_is_better,
            "period": {
                "start": self.period[0].isoformat(),
                "end": (self.period[1] - dt.timedelta(days=1)).isoformat(),
            },
            **self.overall.as_dict(),
            "comparators": [c.model_dump() for c in self.comparators],
        }
        if self.by_agency:
            out["by_agency"] = {a: r.as_dict() for a, r in self.by_agency.items()}
        return out


@dataclass(frozen=True)
class Indicators:
    """Every indicator for one cohort."""

    cohort: str
    children: int | None
    fieldwork_start: dt.date
    results: tuple[IndicatorResult, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "cohort": self.cohort,
            "children": self.children,
            "fieldwork_start": self.fieldwork_start.isoformat(),
            "indicators": [r.as_dict() for r in self.results],
        }

    def get(self, indicator_id: str) -> IndicatorResult | None:
        """The result of one indicator, or None."""
        return next((r for r in self.results if r.indicator.id == indicator_id), None)


def compute(
    conn: sqlite3.Connection,
    fw: Framework,
    fieldwork_start: dt.date,
    indicators: list[Indicator],
    *,
    cohort: str = "all",
    by_agency: bool = False,
    comparators: dict[str, list[Comparator]] | None = None,
) -> Indicators:
    """Count every indicator over the records of one cohort.

    Args:
        conn: the workspace's store.
        fw: its framework (the period, and the theme cohort's rule).
        fieldwork_start: the first day of fieldwork; periods end the day before.
        indicators: the definitions.
        cohort: ``all`` records, the ``theme`` cohort, or the ``tracked`` children.
        by_agency: also count each indicator per agency (the agency of the counted record).
        comparators: published figures by indicator id.

    Raises:
        UsageError: an unknown cohort.
    """
    if cohort not in data.COHORTS:
        raise UsageError(f"--cohort {cohort}: choose one of {', '.join(data.COHORTS)}.")
    records = data.read_records(conn, indicators)
    children: set[str] | None = None
    reason = ""
    if cohort == "theme":
        c = fw.cohort
        children = data.theme_children(
            conn, fieldwork_start, c.window_months, (c.age.min, c.age.max), c.event_types, c.flags
        )
    elif cohort == "tracked":
        children = data.tracked_children(conn)
        if children is None:
            reason = "no tracked children have been drawn yet."
            children = set()
    if children is not None:
        records = [r for r in records if r.key in children]
    results = []
    for indicator in indicators:
        months = indicator.period_months or fw.cohort.window_months
        period = (months_later(fieldwork_start, -months), fieldwork_start)
        overall = _rate(indicator, records, period, reason, cohort == "all")
        agencies: dict[str, Rate] = {}
        if by_agency and overall.available:
            for agency in sorted({r.agency for r in records if _starts(indicator, r)}):
                mine = [r for r in records if r.agency == agency or not _starts(indicator, r)]
                agencies[agency] = _rate(indicator, mine, period, "", False)
        results.append(
            IndicatorResult(
                indicator,
                period,
                overall,
                agencies,
                tuple((comparators or {}).get(indicator.id, ())),
            )
        )
    return Indicators(
        cohort, len(children) if children is not None else None, fieldwork_start, tuple(results)
    )


def _starts(indicator: Indicator, record: Record) -> bool:
    return matches(record, indicator.start)


def _rate(
    indicator: Indicator,
    records: list[Record],
    period: tuple[dt.date, dt.date],
    reason: str,
    everything: bool,
) -> Rate:
    if reason:
        return Rate(0, 0, reason)
    found: Count = count(indicator, records, *period, all_records=everything)
    return Rate(found.numerator, found.denominator, found.reason)


def workspace_indicators(
    ws: Workspace,
    *,
    cohort: str = "all",
    by_agency: bool = False,
    comparators: Path | None = None,
) -> Indicators:
    """Every indicator of a workspace: the built-in ones and its own ``indicators.yaml``.

    Comparators come from ``comparators`` if named, else ``comparators.yaml`` in the workspace
    when there is one.

    Raises:
        UsageError: an unknown cohort, or fieldwork dates missing from inspection.yaml.
        ConfigError: an indicators or comparators file is not valid.
        NotFoundError: the comparators file named does not exist.
    """
    fw = workspace_framework(ws)
    start = ws.config.get("fieldwork_start")
    if not isinstance(start, dt.date):
        raise UsageError(
            "inspection.yaml has no fieldwork_start date: indicators count the months before it.",
            hint="Set fieldwork_start: YYYY-MM-DD in inspection.yaml.",
        )
    if comparators is not None and not comparators.is_file():
        raise NotFoundError(
            f"No comparators file {comparators}.", hint="Name a YAML file of published figures."
        )
    path = comparators or ws.root / COMPARATORS_FILE
    figures = read_comparators(path) if path.is_file() else {}
    conn = ws.connect()
    try:
        return compute(
            conn,
            fw,
            start,
            indicators_for(ws.root),
            cohort=cohort,
            by_agency=by_agency,
            comparators=figures,
        )
    finally:
        conn.close()

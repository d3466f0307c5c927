"""The indicators side by side: each area's rate against the median of the other areas' rates.

Each area's indicators are counted as its own evidence pack counts them (every child's
records, the period before its own fieldwork, the built-in definitions and its own
``indicators.yaml``). An indicator is shown for every area that counts it; the median
beside an area's rate is of the other areas that count it by the same definition and have
a rate. An area whose data cannot give a rate shows why, never 0.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from jtai.indicators import Indicator, Rate, builtin_indicators
from jtai.report.indicator_tables import rate_cells
from jtai.report.overview.areas import Area
from jtai.report.pack_blocks import Part, Table
from jtai.report.text import shorten

NO_START = "inspection.yaml has no fieldwork_start date, which the period is counted back from."
NOT_DEFINED = "The area's indicators do not include it."


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator in one area, beside the median of the other areas' rates.

    Attributes:
        indicator: the definition most areas count it by (the built-in one on a tie).
        area: the area's name.
        rate: the area's rate (with the reason when its data cannot give one); None when the
            area's indicators do not include it.
        own_definition: the area counts it by a definition of its own (its indicators.yaml
            replaces the shared one), so it is shown but neither compared nor compared with.
        median_of_others: the median rate of the other areas that count it by the shared
            definition and have a rate; None when no other area has one.
        others: how many areas that median is of.
    """

    indicator: Indicator
    area: str
    rate: Rate | None
    own_definition: bool
    median_of_others: float | None
    others: int

    @property
    def value(self) -> float | None:
        """The area's rate, 0 to 1, when it has one."""
        return self.rate.value if self.rate is not None else None

    @property
    def difference(self) -> float | None:
        """The area's rate minus the median of the others' (0 to 1 scale), when both exist."""
        if self.value is None or self.median_of_others is None:
            return None
        return self.value - self.median_of_others


def side_by_side(areas: list[Area]) -> list[IndicatorRow]:
    """Every indicator any area counts, each with a row per area (in the order the areas were named)."""
    results = {
        a.name: {r.indicator.id: r for r in a.indicators.results} if a.indicators is not None else None
        for a in areas
    }
    ids = [i.id for i in builtin_indicators()]
    for found in results.values():
        ids += [i for i in (found or {}) if i not in ids]
    rows = []
    for indicator_id in ids:
        defined = {
            name: found[indicator_id].indicator
            for name, found in results.items()
            if found is not None and indicator_id in found
        }
        shared = _shared(indicator_id, list(defined.values()))
        rates: dict[str, Rate | None] = {}
        for name, found in results.items():
            if found is None:
                rates[name] = Rate(0, 0, NO_START)
            else:
                result = found.get(indicator_id)
                rates[name] = result.overall if result is not None else None
        own = {name for name, i in defined.items() if _key(i) != _key(shared)}
        compared = {
            name: rate.value
            for name, rate in rates.items()
            if name not in own and rate is not None and rate.value is not None
        }
        for area in areas:
            others = [v for name, v in compared.items() if name != area.name]
            if area.name in own:
                others = []  # counted its own way: compared with no one
            median = statistics.median(others) if others else None
            rows.append(
                IndicatorRow(shared, area.name, rates[area.name], area.name in own, median, len(others))
            )
    return rows


def _key(indicator: Indicator) -> str:
    return indicator.model_dump_json()


def _shared(indicator_id: str, definitions: list[Indicator]) -> Indicator:
    """The definition most areas use; on a tie the built-in one, else the first area's."""
    builtin = next((i for i in builtin_indicators() if i.id == indicator_id), None)
    if not definitions:
        assert builtin is not None  # only built-in ids are listed without a definition
        return builtin
    counts = Counter(_key(i) for i in definitions)
    most = max(counts.values())
    if builtin is not None and counts.get(_key(builtin)) == most:
        return builtin
    return next(i for i in definitions if counts[_key(i)] == most)


def indicators_json(rows: list[IndicatorRow]) -> list[dict[str, Any]]:
    """The rows as JSON-ready data: the indicator's id and title, the rate as the area's own
    ``jtai indicators --json`` gives it, the median of the others and the difference."""
    out = []
    for r in rows:
        rate = r.rate.as_dict() if r.rate is not None else Rate(0, 0, NOT_DEFINED).as_dict()
        out.append(
            {
                "indicator": r.indicator.id,
                "indicator_label": r.indicator.title,
                "higher_is_better": r.indicator.higher_is_better,
                "area": r.area,
                "defined": r.rate is not None,
                "own_definition": r.own_definition,
                **rate,
                "median_of_others": _round(r.median_of_others),
                "others": r.others,
                "difference": _round(r.difference),
            }
        )
    return out


def _round(value: float | None) -> float | None:
    return round(value, 6) if value is not None else None


def indicators_part(rows: list[IndicatorRow]) -> Part:
    """One table per indicator: each area's rate, count and interval, the median of the others."""
    title = "Indicators side by side"
    by_indicator: dict[str, list[IndicatorRow]] = {}
    for r in rows:
        by_indicator.setdefault(r.indicator.id, []).append(r)
    subparts = []
    for found in by_indicator.values():
        indicator = found[0].indicator
        if all(r.rate is None or not r.rate.available for r in found):
            continue
        subparts.append(
            Part(
                f"indicator-{indicator.id}",
                indicator.title,
                (" ".join(indicator.definition.split()),),
                (_table(found),),
            )
        )
    lower = sorted({r.indicator.title.lower() for r in rows if not r.indicator.higher_is_better})
    skipped = len(by_indicator) - len(subparts)
    text = (
        "Each area's indicators are counted as in its own evidence pack: from the records of every "
        "child loaded, over the period before its own fieldwork. Beside each rate, with the count it "
        "rests on and its 95% Wilson interval, is the median of the other areas' rates (areas without "
        "a rate left out) and the difference in percentage points. An area whose data cannot give a "
        'rate shows "Not available" and why, never 0; an area that counts an indicator by a definition '
        "of its own is shown but not compared."
        + (f" Lower is better for: {'; '.join(lower)}." if lower else ""),
        *(
            (f"{skipped} indicator(s) could be counted in no area and are left out.",)
            if skipped and subparts
            else ()
        ),
    )
    return Part(
        "indicators",
        title,
        text if subparts else (),
        subparts=tuple(subparts),
        missing="" if subparts else "No area's records give any of the indicators.",
    )


def _table(rows: list[IndicatorRow]) -> Table:
    body = []
    for r in rows:
        name = f"{r.area} (own definition)" if r.own_definition else r.area
        if r.rate is None:
            body.append((name, "Not counted", "", NOT_DEFINED, "", ""))
            continue
        share, count, interval = rate_cells(r.rate)
        if r.own_definition:
            median, difference = "Not compared", ""
        elif r.median_of_others is None:
            median, difference = "No other area", ""
        else:
            median = f"{r.median_of_others:.0%} ({r.others} {'area' if r.others == 1 else 'areas'})"
            difference = "" if r.difference is None else _points(r.difference)
        body.append((name, share, count, interval, median, difference))
    return Table.build(
        f"{shorten(rows[0].indicator.title, 70)}: each area against the median of the others",
        ("Area", "Rate", "Count", "95% interval or reason", "Median of the other areas", "Difference"),
        body,
        numeric=(1, 2, 5),
    )


def _points(difference: float) -> str:
    """A difference of rates in whole percentage points: ``+4 points``, ``-1 point``, ``0 points``."""
    n = round(difference * 100)
    return f"{n:+d} {'point' if abs(n) == 1 else 'points'}" if n else "0 points"

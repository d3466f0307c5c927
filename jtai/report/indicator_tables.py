"""The indicators section of the evidence pack and the self-assessment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jtai.report.pack_blocks import Part, Table

if TYPE_CHECKING:
    from jtai.indicators import IndicatorResult, Indicators, Rate
    from jtai.workspace import Workspace


def rate_cells(rate: Rate) -> tuple[str, str, str]:
    """(share, count, 95% interval) of a rate; the reason when it is not available."""
    if not rate.available:
        return "Not available", "", rate.reason
    interval = rate.interval
    if rate.value is None or interval is None:
        return "None in the period", "0 of 0", ""
    return (
        f"{rate.value:.0%}",
        f"{rate.numerator:,} of {rate.denominator:,}",
        f"{interval[0]:.0%} to {interval[1]:.0%}",
    )


def comparator_text(result: IndicatorResult) -> str:
    """``England 2017: 83%`` for each published figure, or empty."""
    return "; ".join(f"{c.label} {c.year}: {c.value:g}%" for c in result.comparators)


def indicators_part(found: Indicators, theme: Indicators | None, *, title: str = "Indicators") -> Part:
    """A table of every indicator (all children, and the theme cohort), then the definitions."""
    rows = []
    for result in found.results:
        share, count, interval = rate_cells(result.overall)
        row = [result.indicator.title, share, count, interval]
        if theme is not None:
            other = theme.get(result.indicator.id)
            if other is not None:
                t_share, t_count, _ = rate_cells(other.overall)
                row.append(f"{t_share} ({t_count})" if t_count else t_share)
            else:
                row.append("")
        row.append(comparator_text(result))
        rows.append(tuple(row))
    header = ["Indicator", "Rate", "Count", "95% interval"]
    if theme is not None:
        header.append(
            "Theme cohort" + (f" ({theme.children:,} children)" if theme.children is not None else "")
        )
    header.append("Published figures")
    start = found.results[0].period[0] if found.results else found.fieldwork_start
    lower = [r.indicator.title.lower() for r in found.results if not r.indicator.higher_is_better]
    paragraphs = (
        f"Rates from the loaded records of every child, for the period before fieldwork (the counted "
        # the month, not the day: a day the tool chose could be a child's date of birth
        f"events from {start:%B %Y} unless a definition below says otherwise), each with the "
        'count it rests on and its 95% Wilson interval. "Not available" gives what the data lacks.'
        + (f" Lower is better for: {'; '.join(lower)}." if lower else ""),
    )
    table = Table.build("Indicators", header, rows, numeric=(1, 2))
    definitions = tuple(
        f"{r.indicator.title}: {' '.join(r.indicator.definition.split())}"
        + (f" Excluded: {' '.join(r.indicator.excludes.split())}" if r.indicator.excludes else "")
        for r in found.results
    )
    return Part("indicators", title, paragraphs, (table,), items=definitions)


def workspace_indicators_part(ws: Workspace, *, title: str = "Indicators") -> Part:
    """The indicators of a workspace, for all children and the theme cohort."""
    from jtai.indicators import workspace_indicators

    found = workspace_indicators(ws, cohort="all")
    theme = workspace_indicators(ws, cohort="theme")
    return indicators_part(found, theme, title=title)

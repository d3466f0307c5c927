"""The evidence pack's charts, each with its data table and a description for screen readers."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING

from jtai.report import area_results, charts
from jtai.report.grades import by_strand, share_cell
from jtai.report.pack_blocks import Figure, Part, Table
from jtai.report.text import agency_heading, format_date, month_starts, stratum_label
from jtai.report.tool_text import year_before
from jtai.store import report as queries

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.sampling import Sample
    from jtai.workspace import Workspace


def charts_part(
    ws: Workspace,
    fw: Framework,
    conn: sqlite3.Connection,
    graded: list[area_results.Graded],
    samples: list[Sample],
) -> Part:
    """Grades by agency per strand, the cohort's profile, missing episodes and return interviews."""
    figures = [*grade_figures(fw, graded, samples)]
    profile = profile_figure(samples)
    if profile is not None:
        figures.append(profile)
    missing = missing_figure(ws, conn)
    if missing is not None:
        figures.append(missing)
    empty = "" if figures else "Nothing to chart yet: no judgements, samples or missing episodes."
    return Part("charts", "Charts", figures=tuple(figures), missing=empty)


def grade_figures(fw: Framework, graded: list[area_results.Graded], samples: list[Sample]) -> list[Figure]:
    """One chart per strand: each agency's judgements as shares of its own total."""
    figures = []
    for title, agencies, counts in by_strand(fw, graded, samples):
        names = [agency_heading(a) for a in agencies]
        series = {fw.label(v): [counts[a].get(v, 0) for a in agencies] for v in fw.grade_ids}
        totals = [sum(counts[a].values()) for a in agencies]
        data = Table.build(
            f"Grades by agency: {title.lower()}",
            ("Agency", *series, "Judgements"),
            (
                (name, *(share_cell(s[i], totals[i]) for s in series.values()), totals[i])
                for i, name in enumerate(names)
            ),
            numeric=range(1, len(series) + 2),
        )
        good = fw.good_or_better
        shares = [sum(counts[a].get(v, 0) for v in good) / totals[i] for i, a in enumerate(agencies)]
        described = "; ".join(
            f"{name}: {share:.0%} good or better of {total:,}"
            for name, share, total in zip(names, shares, totals, strict=True)
        )
        figures.append(
            Figure(
                f"Grades by agency, {title.lower()}: each bar is one agency's judgements as shares of its "
                "total (given beside its name), so agencies judged on few items compare with those judged "
                "on many.",
                charts.stacked_bars(
                    names,
                    series,
                    title=f"Grades by agency, {title.lower()}, as shares",
                    alt=f"Stacked bars, one per agency. {described}.",
                ),
                data,
            )
        )
    return figures


def profile_figure(samples: list[Sample]) -> Figure | None:
    """The theme cohort's profile from the tracked sample's frame: risk type, age band, sex."""
    tracked = next((s for s in samples if s.kind == "tracked"), None)
    if tracked is None:
        return None
    profile: dict[str, dict[str, int]] = {
        "Risk type": {stratum_label(str(a["stratum"])): int(a["eligible"]) for a in tracked.allocation}
    }
    for dimension, levels in tracked.summary.get("coverage", {}).items():
        profile[dimension.replace("_", " ").capitalize()] = {str(k): int(v[0]) for k, v in levels.items()}
    rows = [(dim, stratum_label(level), n) for dim, levels in profile.items() for level, n in levels.items()]
    data = Table.build("The cohort's profile", ("Dimension", "Group", "Children"), rows, numeric=(2,))
    described = "; ".join(
        f"{dim}: " + ", ".join(f"{stratum_label(level)} {n:,}" for level, n in levels.items())
        for dim, levels in profile.items()
    )
    return Figure(
        "The theme cohort's profile (eligible children)",
        charts.grouped_counts(profile, title="Cohort profile", alt=f"Bar panels of children. {described}."),
        data,
    )


def missing_figure(ws: Workspace, conn: sqlite3.Connection) -> Figure | None:
    """Missing episodes and return home interviews by month over the year before fieldwork.

    The fieldwork month is counted only up to the day before fieldwork: it is marked as part
    of a month, in the chart, its data table and the caption.
    """
    end = area_results.fieldwork(ws.config)[0]
    start = year_before(end)
    events = queries.events_between(
        conn, ("missing_episode", "return_home_interview"), start.isoformat(), end.isoformat()
    )
    if not events:
        return None
    # every month from the first with an event, those without events included, so the line
    # reads true; months before the extracts hold any event are not shown as zero
    first = min(dt.date.fromisoformat(f"{r['month']}-01") for r in events)
    starts = month_starts(first, end - dt.timedelta(days=1))
    months = [f"{m:%Y-%m}" for m in starts]
    index = {(str(r["month"]), str(r["event_type"])): int(r["n"]) for r in events}
    series = {
        "Missing episodes": [index.get((m, "missing_episode"), 0) for m in months],
        "Return home interviews": [index.get((m, "return_home_interview"), 0) for m in months],
    }
    labels = [f"{m:%b %Y}" for m in starts]
    last_day = end - dt.timedelta(days=1)
    # the last month is cut short unless fieldwork starts on a month's first day
    partial = [len(starts) - 1] if end.day > 1 else []
    shown = [
        f"{label} (to {last_day.day} {last_day:%B})" if i in partial else label
        for i, label in enumerate(labels)
    ]
    data = Table.build(
        "Missing episodes and return home interviews by month",
        ("Month", *series),
        ((m, *(s[i] for s in series.values())) for i, m in enumerate(shown)),
        numeric=(1, 2),
    )
    note = (
        f" {labels[-1]} is counted only to {format_date(last_day)}, the day before fieldwork (marked *)."
        if partial
        else ""
    )
    gap = f" None is recorded from {format_date(start)} until {first:%B %Y}." if first > start else ""
    total_missing = sum(series["Missing episodes"])
    total_rhi = sum(series["Return home interviews"])
    return Figure(
        f"Missing episodes and return home interviews by month, {first:%B %Y} to {format_date(last_day)}."
        + gap
        + note,
        charts.monthly_lines(
            labels,
            series,
            title="Missing episodes and return home interviews by month",
            alt=(
                f"Two lines over {len(labels)} months: {total_missing:,} missing episodes (solid line, round "
                f"markers) and {total_rhi:,} return home interviews (dashed line, square markers) in all."
                + note
            ),
            partial=partial,
        ),
        data,
    )

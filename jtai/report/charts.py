"""Charts as inline SVG, drawn with matplotlib's Agg backend (imported only when needed).

Text stays text in the SVG (``svg.fonttype = none``): it is searchable, read by screen
readers, and checked by the anonymity guard like the rest of the report.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

# Colour-blind-safe, ordered best to worst (Okabe-Ito), then greys for values off the scale.
GRADE_COLOURS = ("#009E73", "#56B4E9", "#E69F00", "#D55E00", "#999999", "#CCCCCC")
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "jtai",  # stable ids: the same data gives the same SVG
            "font.family": ["Liberation Sans", "DejaVu Sans", "sans-serif"],
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _svg(figure: Any, title: str) -> Markup:
    plt = _pyplot()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    label = html.escape(title, quote=True)
    text = re.sub(r"<svg ", f'<svg role="img" aria-label="{label}" ', text, count=1)
    return Markup(text)  # noqa: S704 - matplotlib escapes every label it writes into the SVG


def stacked_bars(
    categories: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    title: str,
    colours: Sequence[str] = GRADE_COLOURS,
) -> Markup:
    """Horizontal stacked bars: one bar per category, one segment per series (e.g. grade)."""
    plt = _pyplot()
    height = 0.9 + 0.32 * max(1, len(categories))
    figure, axes = plt.subplots(figsize=(6.3, height))
    left = [0] * len(categories)
    for (name, values), colour in zip(series.items(), colours, strict=False):
        axes.barh(list(categories), list(values), left=left, label=name, color=colour)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("Judgements")
    axes.legend(
        ncols=min(4, len(series)),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.35 / height * 2.2),
        frameon=False,
    )
    return _svg(figure, title)


def grouped_counts(groups: Mapping[str, Mapping[str, int]], *, title: str) -> Markup:
    """Small bar panels side by side: one panel per dimension (risk type, age band, sex)."""
    import textwrap

    from matplotlib.ticker import MaxNLocator

    plt = _pyplot()
    # each panel as wide as its number of bars, so every bar has room for its label
    widths = [max(2, len(counts)) for counts in groups.values()] or [1]
    figure, axes_list = plt.subplots(
        1, len(widths), figsize=(6.3, 2.5), squeeze=False, gridspec_kw={"width_ratios": widths}
    )
    for axes, (name, counts), colour in zip(axes_list[0], groups.items(), SERIES_COLOURS, strict=False):
        labels = [textwrap.fill(str(k), 12) for k in counts]
        axes.bar(labels, list(counts.values()), color=colour)
        axes.set_title(name, fontsize=9)
        axes.tick_params(axis="x", labelsize=7)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    return _svg(figure, title)


def monthly_lines(months: Sequence[str], series: Mapping[str, Sequence[int]], *, title: str) -> Markup:
    """Counts per month, one line per series."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.3, 2.4))
    for (name, values), colour in zip(series.items(), SERIES_COLOURS, strict=False):
        axes.plot(list(months), list(values), marker="o", label=name, color=colour)
    from matplotlib.ticker import MaxNLocator

    axes.set_ylabel("Events")
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg(figure, title)

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

from jtai.report.assets import templates_dir

# Grades best to worst, from light green to dark red: the luminance falls at every step, so
# the order reads in greyscale print too, and each grade also has its own hatching.
GRADE_COLOURS = ("#C7E9C0", "#74C476", "#D95F0E", "#67000D", "#999999", "#CCCCCC")
GRADE_HATCHES = ("", "//", "..", "xx", "--", "||")
# Series: colour-blind-safe (Okabe-Ito), each with its own marker and line style.
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
SERIES_MARKERS = ("o", "s", "^", "D", "v", "P")
SERIES_LINES = ("-", "--", ":", "-.", "-", "--")
# The widest a chart may be: the A4 page's text width (210 mm less 2 x 20 mm margins).
MAX_WIDTH_IN = 6.3


def relative_luminance(colour: str) -> float:
    """The WCAG relative luminance of ``#RRGGBB``, 0 (black) to 1 (white)."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    a, b = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    # the letter's face, shipped in templates/fonts: found here, matplotlib does not warn
    # ("findfont: Font family 'Liberation Sans' not found") for every label it draws
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in sorted((templates_dir() / "fonts").glob("*.ttf")):
        if str(path) not in known:
            font_manager.fontManager.addfont(str(path))

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


def _svg(figure: Any, title: str, alt: str = "") -> Markup:
    """The figure as SVG text, no wider than the page, described for screen readers.

    The description (``title``, then ``alt``) is the SVG's ``<title>``, which the tagged PDF
    takes as the figure's Alt entry, and its ``aria-label`` in the HTML.
    """
    plt = _pyplot()
    width, height = figure.get_size_inches()
    if width > MAX_WIDTH_IN:
        figure.set_size_inches(MAX_WIDTH_IN, height * MAX_WIDTH_IN / width)
    figure.tight_layout()
    buffer = io.StringIO()
    # no tight bounding box: it grows the figure to fit a legend, past the page's edge
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    described = f"{title}. {alt}".strip() if alt else title
    label = html.escape(described, quote=True)
    text = re.sub(
        r"<svg ([^>]*)>",
        lambda m: f'<svg role="img" aria-label="{label}" {m.group(1)}>\n<title>{label}</title>',
        text,
        count=1,
    )
    return Markup(text)  # noqa: S704 - matplotlib escapes every label it writes into the SVG


def stacked_bars(
    categories: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    title: str,
    alt: str = "",
    colours: Sequence[str] = GRADE_COLOURS,
    hatches: Sequence[str] = GRADE_HATCHES,
    percent: bool = True,
) -> Markup:
    """Horizontal stacked bars: one bar per category, one segment per series (e.g. grade).

    With ``percent`` each bar is its category's shares (to 100%), so categories of very
    different sizes compare; the counts belong in the data table and the labels.
    """
    plt = _pyplot()
    totals = [sum(values[i] for values in series.values()) for i in range(len(categories))]
    height = 1.3 + 0.32 * max(1, len(categories))
    figure, axes = plt.subplots(figsize=(MAX_WIDTH_IN, height))
    left = [0.0] * len(categories)
    for (name, values), colour, hatch in zip(series.items(), colours, hatches, strict=False):
        shown = [v / t * 100 if percent and t else float(v) for v, t in zip(values, totals, strict=True)]
        axes.barh(
            list(categories), shown, left=left, label=name, color=colour, hatch=hatch, edgecolor="#333333",
            linewidth=0.4,
        )  # fmt: skip
        left = [a + b for a, b in zip(left, shown, strict=True)]
    axes.invert_yaxis()
    if percent:
        axes.set_xlim(0, 100)
        axes.set_xlabel("Share of the agency's judgements (%)")
        axes.set_yticks(
            range(len(categories)), [f"{c} ({t:,})" for c, t in zip(categories, totals, strict=True)]
        )
    else:
        axes.set_xlabel("Judgements")
    axes.legend(ncols=min(4, len(series)), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return _svg(figure, title, alt)


def grouped_counts(groups: Mapping[str, Mapping[str, int]], *, title: str, alt: str = "") -> Markup:
    """Small bar panels side by side: one panel per dimension (risk type, age band, sex)."""
    import textwrap

    from matplotlib.ticker import MaxNLocator

    plt = _pyplot()
    # each panel as wide as its number of bars, so every bar has room for its label
    widths = [max(2, len(counts)) for counts in groups.values()] or [1]
    figure, axes_list = plt.subplots(
        1, len(widths), figsize=(MAX_WIDTH_IN, 2.5), squeeze=False, gridspec_kw={"width_ratios": widths}
    )
    for axes, (name, counts), colour in zip(axes_list[0], groups.items(), SERIES_COLOURS, strict=False):
        labels = [textwrap.fill(str(k), 12) for k in counts]
        axes.bar(labels, list(counts.values()), color=colour, edgecolor="#333333", linewidth=0.4)
        axes.set_title(name, fontsize=9)
        axes.tick_params(axis="x", labelsize=7)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _svg(figure, title, alt)


def monthly_lines(
    months: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    title: str,
    alt: str = "",
    partial: Sequence[int] = (),
) -> Markup:
    """Counts per month, one line per series, each with its own colour, marker and line style.

    ``partial`` lists the months (by index) the data covers only in part: their points are
    drawn hollow and their labels end in ``*``, so a short month does not read as a fall.
    """
    from matplotlib.ticker import MaxNLocator

    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(MAX_WIDTH_IN, 2.8))
    labels = [f"{m}*" if i in partial else m for i, m in enumerate(months)]
    styles = zip(SERIES_COLOURS, SERIES_MARKERS, SERIES_LINES, strict=False)
    for (name, values), (colour, marker, line) in zip(series.items(), styles, strict=False):
        axes.plot(labels, list(values), marker=marker, linestyle=line, label=name, color=colour)
        for i in partial:
            axes.plot([labels[i]], [values[i]], marker=marker, color=colour, markerfacecolor="white")
    axes.set_ylabel("Events")
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    axes.legend(frameon=False, ncols=len(series), loc="lower center", bbox_to_anchor=(0.5, 1.0))
    if partial:
        figure.text(0.01, 0.01, "* part of the month only", fontsize=7)
    return _svg(figure, title, alt)

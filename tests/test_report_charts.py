"""Charts that survive greyscale print, stay on the page and describe themselves; header scopes."""

from __future__ import annotations

import itertools
import re

import pytest
from _pdf_helpers import PAGE_PX, pdf_structure

from jtai.report import charts
from jtai.report.pack_blocks import Figure, Part, Table
from jtai.report.render import DocInfo, html_to_pdf, render_html


def test_grade_colours_differ_in_greyscale() -> None:
    """Each grade is lighter than the next worse one by at least 1.5:1, and has its own hatching."""
    grades = charts.GRADE_COLOURS[:4]
    for better, worse in itertools.pairwise(grades):
        assert charts.relative_luminance(better) > charts.relative_luminance(worse)
        assert charts.contrast(better, worse) >= 1.5, (better, worse)
    assert len(set(charts.GRADE_HATCHES[:4])) == 4


def test_series_differ_without_colour() -> None:
    """Line series have distinct markers and line styles, and the first two contrast in grey."""
    assert len(set(charts.SERIES_MARKERS)) == len(charts.SERIES_MARKERS)
    assert charts.SERIES_LINES[0] != charts.SERIES_LINES[1]
    assert charts.contrast(charts.SERIES_COLOURS[0], charts.SERIES_COLOURS[1]) >= 1.5


def test_contrast_reference_values() -> None:
    """WCAG: black on white is 21:1, a colour with itself 1:1."""
    assert charts.contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert charts.contrast("#777777", "#777777") == 1


def _width_in(svg: str) -> float:
    match = re.search(r'<svg [^>]*width="([\d.]+)pt"', svg)
    assert match is not None
    return float(match.group(1)) / 72


def test_charts_fit_the_page_and_carry_a_title() -> None:
    """However many categories, a chart is no wider than the text width and has a <title>."""
    many = [f"Agency number {i} with a long name" for i in range(12)]
    bars = charts.stacked_bars(
        many, {"Good": [3] * 12, "Inadequate": [1] * 12}, title="Grades", alt="Twelve bars."
    )
    lines = charts.monthly_lines(
        [f"M{i}" for i in range(13)], {"A": list(range(13)), "B": [1] * 13}, title="Monthly", partial=[12]
    )
    for svg in (bars, lines):
        assert _width_in(svg) <= charts.MAX_WIDTH_IN + 0.01
        assert re.search(r"<svg [^>]*>\n<title>[^<]+</title>", svg)
    assert "<title>Grades. Twelve bars.</title>" in bars
    assert "M12*" in lines and "part of the month only" in lines


def test_stacked_bars_show_shares_of_each_group() -> None:
    """Groups of 236 and 12 judgements each fill the axis: the labels carry their counts."""
    svg = charts.stacked_bars(["Police", "Probation"], {"Good": [118, 6], "Poor": [118, 6]}, title="T")
    assert "Police (236)" in svg and "Probation (12)" in svg
    assert "Share of the agency" in svg


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    """A small pack-style report: a chart with its data table, and a plain table."""
    svg = charts.monthly_lines(
        ["Jan 2018", "Feb 2018"], {"Missing": [3, 1]}, title="Missing", alt="Two months."
    )
    table = Table.build(
        "Counts", ("Agency", "Good", "Poor"), [("Police", 2, 1), ("Health", 1, 1)], numeric=(1, 2)
    )
    part = Part("p", "Part", ("Text.",), (table,), (Figure("A chart", svg, table),))
    doc = DocInfo(title="T", authors=("A",), description="D", running_header="H")
    html = render_html("pack.html.j2", doc, paged=True, heading="T", intro=(), parts=[part])
    return html_to_pdf(html)


def test_pdf_figures_have_alt_text_inside_the_page(report_pdf: bytes) -> None:
    """The tagged PDF's figure has the chart's description as /Alt and a layout box on the page."""
    figures, _, _ = pdf_structure(report_pdf)
    assert len(figures) == 1
    assert str(figures[0]["/Alt"]) == "Missing. Two months."
    x1, y1, x2, y2 = (float(v) for v in figures[0]["/A"]["/BBox"])
    assert 0 <= x1 < x2 <= PAGE_PX[0] and 0 <= y1 < y2 <= PAGE_PX[1]


def test_pdf_header_cells_have_scope(report_pdf: bytes) -> None:
    """Column headers are /Column, the first cell of each row /Row: as scope says in the HTML."""
    _, headers, _ = pdf_structure(report_pdf)
    scopes = [str(h["/A"]["/Scope"]) for h in headers]
    # two tables (the chart's data and the part's), each: 3 column headers, 2 row headers
    assert sorted(scopes) == ["/Column"] * 6 + ["/Row"] * 4

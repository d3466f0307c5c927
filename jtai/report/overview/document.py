"""The overview as a report: its parts, its HTML and PDF, guarded against every area's records."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from jtai.report.overview.areas import Area
from jtai.report.overview.figures import ALL_AREAS, Overview, share
from jtai.report.overview.indicators import indicators_part
from jtai.report.overview.local_audits import audits_part
from jtai.report.pack_blocks import Part, Table
from jtai.report.publish import Written, output_targets, publish
from jtai.report.render import DocInfo, render_html
from jtai.report.text import agency_heading, format_date, format_list, shorten
from jtai.scoring.findings import KIND_LABELS

STEM = "overview"


def overview_parts(ov: Overview, areas: list[Area]) -> list[Part]:
    """The overview's sections, in order."""
    return [
        _areas_part(ov, areas),
        _grades_part(ov),
        _answers_part(ov),
        _findings_part(ov),
        indicators_part(list(ov.indicators)),
        audits_part(list(ov.audits)),
    ]


def _areas_part(ov: Overview, areas: list[Area]) -> Part:
    rows = []
    for area in areas:
        cases = {g.case for g in area.graded}
        judged = sum(1 for g in area.graded if g.value in ov.framework.grade_ids)
        when = format_date(area.fieldwork_end) if area.fieldwork_end else "not recorded"
        rows.append((area.name, when, len(cases), judged, len(area.findings)))
    text = (
        f"This overview brings together the joint targeted area inspections of {format_list(ov.areas)} "
        f"against {ov.framework.title}. Areas are named; children are not.",
    )
    table = Table.build(
        "The inspections",
        ("Area", "Fieldwork ended", "Cases", "Judgements", "Findings"),
        rows,
        numeric=(2, 3, 4),
    )
    return Part("areas", "The areas inspected", text, (table,))


def _grades_part(ov: Overview) -> Part:
    fw = ov.framework
    labels = [fw.label(g) for g in fw.grade_ids]
    subparts = []
    for _, criterion in fw.criteria():
        rows = [r for r in ov.grades if r.criterion == criterion.id]
        if not rows:
            continue
        body = [
            (
                f"{agency_heading(r.agency)}: {r.area}",
                *(f"{n} ({share(n, r.total)})" if r.total else "0" for _, n in r.counts),
                f"{share(r.good, r.total)} of {r.total}",
            )
            for r in rows
        ]
        table = Table.build(
            f"{criterion.id}: grades by agency and area (count and share of that agency's judgements)",
            ("Agency: area", *labels, f"{fw.label(fw.good_or_better[-1])} or better"),
            body,
            numeric=range(1, len(labels) + 2),
        )
        subparts.append(
            Part(f"grades-{criterion.id}", f"{criterion.id}: {shorten(criterion.text)}", (), (table,))
        )
    return Part(
        "grades",
        "Grades by criterion and agency",
        (
            f'Each row gives one agency\'s grades in one area, then across all areas ("{ALL_AREAS}"). '
            "Judgements such as not applicable are not counted.",
        ),
        subparts=tuple(subparts),
        missing="" if subparts else "No area has recorded judgements yet.",
    )


def _answers_part(ov: Overview) -> Part:
    fw = ov.framework
    ids = [a.id for a in fw.case_question.answers]
    rows = [
        (
            a.area,
            *(f"{dict(a.counts).get(i, 0)} ({share(dict(a.counts).get(i, 0), a.total)})" for i in ids),
            a.total,
        )
        for a in ov.answers
    ]
    table = Table.build(
        f"{fw.case_question.text} Cases by answer, in each area and across all areas",
        ("Area", *(a.label for a in fw.case_question.answers), "Answered"),
        rows,
        numeric=range(1, len(ids) + 2),
    )
    return Part("safer", "Were children safer?", (), (table,))


def _findings_part(ov: Overview) -> Part:
    fw = ov.framework
    if not ov.recurring:
        return Part(
            "findings", "Findings across areas", missing="No area's findings name the criteria they rest on."
        )
    recurring = [r for r in ov.recurring if len(r.areas) > 1]
    text = (
        f"Findings are grouped by their kind and the criterion they rest on. {len(recurring)} of "
        f"{len(ov.recurring)} recur in two or more areas.",
    )
    rows = []
    for r in ov.recurring:
        criterion = fw.criterion(r.criterion)
        name = f"{r.criterion}: {shorten(criterion.text, 70)}" if criterion else r.criterion
        rows.append((KIND_LABELS[r.kind], name, format_list(r.areas), len(r.areas)))
    table = Table.build(
        "Findings by kind and criterion", ("Kind", "Criterion", "Areas", "Areas (number)"), rows, numeric=(3,)
    )
    return Part("findings", "Findings across areas", text, (table,))


def overview_html(ov: Overview, areas: list[Area], *, paged: bool) -> str:
    """The overview as HTML (``paged``: the HTML that becomes the PDF)."""
    fw = ov.framework
    latest = max((a.fieldwork_end for a in areas if a.fieldwork_end), default=None)
    title = f"Thematic overview: {fw.title}"
    doc = DocInfo(
        title=title,
        authors=tuple(i.name for i in fw.inspectorates),
        description=f"Findings across the joint targeted area inspections of {format_list(ov.areas)}.",
        running_header=title,
    )
    if latest is not None:  # dated by the inspections, not by the day it is rendered
        doc = replace(doc, created=latest.isoformat())
    intro = (f"What the joint targeted area inspections of {format_list(ov.areas)} found, side by side.",)
    return render_html(
        "pack.html.j2", doc, paged=paged, heading=title, intro=intro, parts=overview_parts(ov, areas)
    )


def public_phrases(ov: Overview, areas: list[Area]) -> list[str]:
    """Text written from the areas' settings and the framework (not searched by the guard)."""
    fw = ov.framework
    phrases = [*ov.areas, fw.title, fw.note, fw.case_question.text, *(i.name for i in fw.inspectorates)]
    for section, criterion in fw.criteria():
        text = " ".join(criterion.text.split())
        phrases += [section.title, text, shorten(text), shorten(text, 70)]
    phrases += [format_date(a.fieldwork_end) for a in areas if a.fieldwork_end]
    return phrases


def write_overview(
    ov: Overview, areas: list[Area], *, pdf: Path | None, html: Path | None, force: bool = False
) -> list[Written]:
    """Guard the overview against every area's records, render it and write the files asked for.

    Raises:
        UsageError, ConflictError: the files asked for (see
            :func:`~jtai.report.publish.output_targets`).
        IdentifyingDataError: the overview would hold a name, identifier, date of birth or
            postcode loaded in any of the areas; nothing is written.
    """
    targets = output_targets(None, STEM, pdf, html, force=force)
    return publish(
        None,
        what="The overview",
        html=lambda paged: overview_html(ov, areas, paged=paged),
        targets=targets,
        public=public_phrases(ov, areas),
        indexes=[a.index for a in areas],
        pseudonyms=True,
    )

"""The evidence pack: the internal record of how the findings were reached.

Marked OFFICIAL-SENSITIVE. Children appear by pseudonym only; the anonymity guard checks
the pack like a publishable output, so a name typed into an evidence note is caught.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from jtai.report import area_results
from jtai.report.authored import read_findings
from jtai.report.case_summaries import case_summaries_part
from jtai.report.finding_evidence import finding_evidence_part
from jtai.report.grades import outside_part, strand_tables
from jtai.report.indicator_tables import workspace_indicators_part
from jtai.report.letter_context import people_phrases
from jtai.report.local_audits import local_audits_part
from jtai.report.notes import notes_part
from jtai.report.pack_blocks import Part, Table
from jtai.report.pack_charts import charts_part
from jtai.report.publish import output_targets, publish
from jtai.report.quality import data_quality_part
from jtai.report.render import DocInfo, render_html
from jtai.report.text import agency_heading, format_date, format_span, shorten, stratum_label
from jtai.report.tool_text import chart_dates, report_date, sampling_dates
from jtai.workspace import workspace_framework

if TYPE_CHECKING:
    from jtai.anonymity.guard import IdentifyingIndex
    from jtai.frameworks import Framework
    from jtai.report.publish import Written
    from jtai.sampling import Sample
    from jtai.workspace import Workspace

MARKING = "OFFICIAL-SENSITIVE"
KEY_FIELDS = ("dob", "sex", "postcode", "nhs_number", "la_child_id", "upn")


def evidence_parts(ws: Workspace, fw: Framework, conn: sqlite3.Connection) -> list[Part]:
    """Every part of the evidence pack, read from the workspace."""
    graded = area_results.final_judgements(conn, fw)
    samples = area_results.samples(ws)
    judgements = judgements_part(fw, graded)
    strands = strand_tables(fw, graded, samples)
    if strands:
        judgements = Part(
            judgements.id,
            judgements.title,
            (
                *judgements.paragraphs,
                "The tables by strand give each grade's count and its share of the agency's judgements, "
                "tracked children and front-door contacts apart.",
            ),
            (*strands, *judgements.tables),
        )
    parts = [
        method_part(ws, fw, samples),
        case_summaries_part(ws, fw, conn, graded, samples),
        judgements,
        workspace_indicators_part(ws),
        charts_part(ws, fw, conn, graded, samples),
        moderation_part(fw, area_results.rater_judgements(conn)),
        outcomes_part(fw, graded),
        finding_evidence_part(fw, conn, read_findings(ws.root)),
        outside_part(fw, area_results.judged_by(conn)),
        notes_part(fw, area_results.evidence_notes(conn)),
        data_quality_part(conn),
        local_audits_part(fw, conn),
    ]
    return [p for p in parts if p is not None]


def method_part(ws: Workspace, fw: Framework, samples: list[Sample]) -> Part:
    """How the cases were chosen: the framework, each sample's seed, frame and allocation."""
    paragraphs = [
        f"Framework: {fw.title} ({fw.id}). {fw.note}",
        f"Fieldwork: between {format_span(*area_results.fieldwork(ws.config))}. "
        f"The theme cohort is children with a theme event or risk flag in the {fw.cohort.window_months} "
        "months before fieldwork.",
    ]
    subparts = []
    for sample in samples:
        label = "Tracked children" if sample.kind == "tracked" else "Front-door contacts and referrals"
        unit = "children" if sample.kind == "tracked" else "contacts and referrals"
        text = [
            f"Sample {sample.id}: {len(sample.picks)} picks and {len(sample.reserves)} reserves drawn from "
            f"{sample.frame_size:,} eligible {unit} with seed {sample.seed} (frame hash "
            f"{sample.frame_hash[:16]}), {sample.created_at[:10]}.",
            *(str(note) for note in sample.summary.get("notes", [])),
        ]
        if sample.summary.get("explanation"):
            text.insert(1, str(sample.summary["explanation"]))
        allocation = Table.build(
            "Allocation by stratum",
            ("Stratum", "Eligible", "Picked", "Reserves"),
            (
                (stratum_label(str(a["stratum"])), a["eligible"], a["picked"], a["reserves"])
                for a in sample.allocation
            ),
            numeric=(1, 2, 3),
        )
        members = Table.build(
            "Cases in the sample",
            ("Case", "Role", "Stratum", "Why chosen"),
            (
                (
                    m.pseudonym
                    if sample.kind == "tracked"
                    else f"{m.pseudonym} {m.record_ref or ''}".strip(),
                    m.role,
                    stratum_label(m.stratum),
                    m.reason,
                )
                for m in sample.members
            ),
        )
        subparts.append(Part(f"sample-{sample.id}", label, tuple(text), (allocation, members)))
    missing = (
        "" if samples else "No sample has been drawn yet (`jtai sample tracked`, `jtai sample front-door`)."
    )
    return Part("method", "Method", tuple(paragraphs), missing=missing, subparts=tuple(subparts))


def judgement_table(
    fw: Framework, graded: list[area_results.Graded], criteria: list[str], caption: str
) -> Table:
    """Counts of each grade per criterion and agency, for the given criteria.

    Every grade of the scale has a column; the values off the scale ("not applicable",
    "insufficient evidence") only when some judgement in the table has them.
    """
    counts: dict[tuple[str, str], Counter[str]] = {}
    for g in graded:
        if g.criterion in criteria:
            counts.setdefault((g.criterion, g.agency), Counter())[g.value] += 1
    given = {value for c in counts.values() for value in c}
    values = [g.id for g in fw.scale.grades] + [o.id for o in fw.scale.other if o.id in given]
    order = {c: n for n, c in enumerate(criteria)}
    rows = [
        (criterion, agency_heading(agency), *(c.get(v, 0) for v in values), sum(c.values()))
        for (criterion, agency), c in sorted(counts.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]
    header = ("Criterion", "Agency", *(fw.label(v) for v in values), "Cases")
    return Table.build(caption, header, rows, numeric=range(2, len(header)))


def judgements_part(fw: Framework, graded: list[area_results.Graded]) -> Part:
    """Judgement tables per section: criterion x agency x grade."""
    if not any(g.criterion != area_results.CASE_QUESTION for g in graded):
        return Part(
            "judgements", "Judgements", missing="No judgements have been recorded yet (`jtai score`)."
        )
    tables = []
    for section in fw.sections:
        ids = [c.id for c in section.criteria]
        if any(g.criterion in ids for g in graded):
            tables.append(judgement_table(fw, graded, ids, section.title))
    text = [
        "Each cell counts cases. Where two inspectors graded the same case, the agreed (moderated) "
        "judgement is counted; until one is agreed, their common grade, or the lower of their grades."
    ]
    open_items = area_results.unresolved_items(graded)
    if open_items:
        text.append(
            f"{open_items} {'item is' if open_items == 1 else 'items are'} still to be agreed in "
            "moderation (`jtai moderate`) and counted at the lower grade here."
        )
    return Part("judgements", "Judgements", tuple(text), tuple(tables))


def moderation_part(fw: Framework, ratings: list[tuple[str, str, str, str, str]]) -> Part:
    """Agreement between inspectors who graded the same cases blind."""
    rows = area_results.agreement(fw, ratings)
    if not rows:
        return Part(
            "moderation",
            "Moderation",
            missing="No case was graded by two inspectors, so there is no agreement to report.",
        )
    table = Table.build(
        "Agreement between inspectors (95% confidence intervals)",
        (
            "Criterion",
            "Items",
            "Inspectors",
            "Percent agreement",
            "Weighted kappa",
            "Gwet's AC1",
            "Krippendorff's alpha",
        ),
        ((r.criterion, r.items, r.raters, r.percent, r.kappa, r.ac1, r.alpha) for r in rows),
        numeric=(1, 2),
    )
    return Part(
        "moderation",
        "Moderation",
        ("Items are case x agency pairs graded by two or more inspectors.",),
        (table,),
    )


def outcomes_part(fw: Framework, graded: list[area_results.Graded]) -> Part:
    """How many children were safer because of what the agencies did."""
    counts = area_results.outcome_counts(fw, graded)
    total = sum(counts.values())
    if not total:
        return Part(
            "outcomes", "Children safer", missing="The case question has not been answered for any case yet."
        )
    answers = [(a.id, a.label) for a in fw.case_question.answers]
    if counts.get(area_results.UNRESOLVED):
        answers.append((area_results.UNRESOLVED, "Inspectors differ (not yet agreed)"))
    table = Table.build(
        fw.case_question.text,
        ("Answer", "Cases", "Share"),
        ((label, counts.get(id_, 0), f"{counts.get(id_, 0) / total:.0%}") for id_, label in answers),
        numeric=(1, 2),
    )
    return Part(
        "outcomes",
        "Children safer",
        (f"The question was answered for {total} {'case' if total == 1 else 'cases'}.",),
        (table,),
    )


def evidence_html(ws: Workspace, parts: list[Part], fw: Framework, *, paged: bool) -> str:
    """The evidence pack as HTML."""
    area = str(ws.config["area"])
    doc = DocInfo(
        title=f"Evidence pack: joint targeted area inspection of {area}",
        authors=tuple(i.name for i in fw.inspectorates),
        description=f"Internal evidence pack for {fw.title}, {area}.",
        running_header=f"{MARKING} - Evidence pack: {area}",
        marking=MARKING,
        created=report_date(ws.config).isoformat(),
    )
    intro = (
        f"This pack records how the findings of the joint targeted area inspection of {area} were reached. "
        "Children are named by pseudonym only. It is not for publication.",
    )
    return render_html("pack.html.j2", doc, paged=paged, heading=doc.title, intro=intro, parts=parts)


def write_evidence(
    ws: Workspace,
    *,
    pdf: Path | None = None,
    html: Path | None = None,
    index: IdentifyingIndex | None = None,
    force: bool = False,
) -> list[Written]:
    """Render the evidence pack and write it (both formats to ``reports/`` if none named).

    Raises:
        UsageError, ConflictError: the files asked for (see :func:`~jtai.report.publish.output_targets`).
        IdentifyingDataError: the pack would hold a name, identifier, date of birth or postcode.
    """
    targets = output_targets(ws, "evidence-pack", pdf, html, force=force)
    fw = workspace_framework(ws)
    conn = ws.connect()
    try:
        parts = evidence_parts(ws, fw, conn)
        inspectors = area_results.note_writers(conn)
    finally:
        conn.close()
    return publish(
        ws,
        what="The evidence pack",
        html=lambda paged: evidence_html(ws, parts, fw, paged=paged),
        targets=targets,
        public=[*settings_phrases(ws, fw), *inspectors],
        index=index,
    )


def settings_phrases(ws: Workspace, fw: Framework) -> list[str]:
    """Text written from the workspace settings and framework (not searched by the guard)."""
    config = ws.config
    phrases = [
        str(config["area"]),
        fw.title,
        fw.note,
        fw.case_question.text,
        *(i.name for i in fw.inspectorates),
    ]
    for section, criterion in fw.criteria():
        text = " ".join(criterion.text.split())
        phrases += [section.title, text, shorten(text)]
    for key in ("fieldwork_start", "fieldwork_end"):
        day = config.get(key)
        if isinstance(day, dt.date):
            phrases += [format_date(day), f"{day.day} {day:%B}", day.isoformat()]
    return [
        *phrases,
        *people_phrases(config),
        *sampling_dates(area_results.samples(ws)),
        *chart_dates(config),
    ]

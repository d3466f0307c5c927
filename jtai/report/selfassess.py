"""The self-assessment: where a local area stands against the framework before inspection.

Built from the area's own multi-agency audits (judgements recorded with ``jtai score``), its
indicators, data quality, ``findings.yaml`` and ``action-plan.yaml``; ``--compare`` adds the
change since an earlier self-assessment workspace. The rendered text names no command: it is
for the partnership's readers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai.errors import ConfigError, ConflictError, UsageError, WorkspaceError
from jtai.report import area_results
from jtai.report.action_plan import action_dict, measure_text, read_action_plan
from jtai.report.authored import read_findings
from jtai.report.indicator_tables import indicators_part
from jtai.report.pack_blocks import Part, Table
from jtai.report.publish import output_targets, publish
from jtai.report.quality import data_quality_part
from jtai.report.render import DocInfo, render_html
from jtai.report.standing import Standing, criterion_standing, standing_part
from jtai.report.text import agency_heading, format_date
from jtai.report.tool_text import report_date
from jtai.report.weeks_ahead import weeks_ahead_part
from jtai.workspace import find, workspace_framework

TO_AGREE = "To be agreed"

if TYPE_CHECKING:
    from jtai.anonymity.guard import IdentifyingIndex
    from jtai.frameworks import Framework
    from jtai.indicators import Indicators
    from jtai.report.publish import Written
    from jtai.workspace import Workspace


def change_part(fw: Framework, now: dict[str, Standing], compare: Path | None) -> Part | None:
    """The change in each criterion's share good or better since an earlier workspace."""
    if compare is None:
        return None
    if not (compare / "inspection.yaml").is_file():
        raise WorkspaceError(
            f"--compare {compare}: no earlier workspace there (no inspection.yaml).",
            hint="Name the folder of the earlier inspection's or self-assessment's workspace.",
        )
    other = find(explicit=compare)
    then = workspace_framework(other)
    if not same_criteria(fw, then):
        raise ConflictError(
            f"{other.root} was assessed against {then.title} ({then.id}), this workspace against "
            f"{fw.title} ({fw.id}): their criteria differ, so the two cannot be compared.",
            hint="Compare with a workspace on the same framework.",
        )
    conn = other.connect()
    try:
        before = criterion_standing(fw, area_results.final_judgements(conn, fw))
    finally:
        conn.close()
    rows = []
    for criterion_id, s in now.items():
        s0 = before[criterion_id]
        change = ""
        if s.n and s0.n:
            change = f"{(s.share(s.good) - s0.share(s0.good)) * 100:+.0f} points"
            if min(s.n, s0.n) < fw.findings.min_cases * 2:
                change += " (few judgements)"
        rows.append((criterion_id, s0.cell(s0.good), s.cell(s.good), change, s0.position, s.position))
    table = Table.build(
        "Audited judgements good or better, then and now (with the judgements each share rests on)",
        ("Criterion", "Then", "Now", "Change", "Then we stood", "Now we stand"),
        rows,
        numeric=(1, 2, 3),
    )
    area = other.config.get("area", "")
    return Part(
        "change",
        "Change since the last self-assessment",
        (f"Compared with the workspace {other.root.name} ({area}).",),
        (table,),
    )


def same_criteria(one: Framework, other: Framework) -> bool:
    """Whether two frameworks are the same one, with the same criteria (ids and texts)."""

    def criteria(fw: Framework) -> list[tuple[str, str]]:
        return [(c.id, " ".join(c.text.split())) for _, c in fw.criteria()]

    return one.id == other.id and criteria(one) == criteria(other)


def action_plan_part(
    ws: Workspace, fw: Framework, standing: dict[str, Standing], found: Indicators | None
) -> tuple[Part, list[dict[str, object]]]:
    """The action plan, and the same as plain data.

    The actions of ``action-plan.yaml`` (leads, dates, measures with their indicator now and
    the target) come first; then the priority actions and improvements of ``findings.yaml``
    for criteria no action answers; then each criterion the audits flag that nothing answers,
    with the rule that flagged it. Those last two have no lead or date yet.
    """
    ids = {r.indicator.id for r in found.results} if found is not None else set()
    plan = read_action_plan(ws.root, fw, ids)
    rows: list[tuple[str, ...]] = []
    data: list[dict[str, object]] = []
    covered: set[str] = set()
    labels = {"high": "High", "medium": "Medium", "low": "Low"}
    for action in plan.actions if plan is not None else []:
        covered.update(c.upper() for c in action.criteria)
        measures = "; ".join(measure_text(m, found) for m in action.measures) or "None set"
        rows.append(
            (
                str(len(rows) + 1),
                action.action,
                labels[action.priority],
                action.lead,
                format_date(action.by),
                ", ".join(action.criteria),
                measures,
            )
        )
        data.append({"source": "action-plan", **action_dict(action, found)})
    authored = read_findings(ws.root)
    for kind, priority in (("priority_action", "High"), ("improvement", "Medium")):
        for finding in authored.by_kind(kind):
            if finding.criteria and all(c.upper() in covered for c in finding.criteria):
                continue
            covered.update(c.upper() for c in finding.criteria)
            owners = ", ".join(agency_heading(a) for a in finding.agencies) or "The partnership"
            rows.append(
                (
                    str(len(rows) + 1),
                    finding.text,
                    priority,
                    owners,
                    TO_AGREE,
                    ", ".join(finding.criteria),
                    "",
                )
            )
            data.append(_unplanned("findings", finding.text, priority, list(finding.criteria)))
    for criterion_id, s in standing.items():
        if (
            s.position in {"Priority for action", "Area for improvement"}
            and criterion_id.upper() not in covered
        ):
            priority = "High" if s.position == "Priority for action" else "Medium"
            text = f"Improve practice against {criterion_id}: {s.position.lower()}, {s.rule}."
            rows.append((str(len(rows) + 1), text, priority, TO_AGREE, TO_AGREE, criterion_id, ""))
            data.append(_unplanned("audits", text, priority, [criterion_id]))
    if not rows:
        empty = Part(
            "action-plan", "Action plan", missing="No areas for improvement have been identified yet."
        )
        return empty, data
    table = Table.build(
        "Action plan",
        ("#", "Action", "Priority", "Lead", "By when", "Criteria", "Measures and targets"),
        rows,
    )
    notes = [
        "Actions the partnership has agreed come first, with their lead, date and the indicators "
        "that will show progress."
        if plan is not None and plan.actions
        else "No actions have been agreed yet: the rows below are the areas the findings and the audits "
        "point to.",
    ]
    if any(r[3] == TO_AGREE for r in rows):
        notes.append(f'"{TO_AGREE}" marks the areas that no agreed action answers yet.')
    return Part("action-plan", "Action plan", tuple(notes), (table,)), data


def _unplanned(source: str, text: str, priority: str, criteria: list[str]) -> dict[str, object]:
    return {"source": source, "action": text, "priority": priority.lower(), "criteria": criteria,
            "lead": None, "by": None, "measures": []}  # fmt: skip


@dataclass(frozen=True)
class Assessment:
    """The self-assessment's parts, the same as plain data, and the day of the latest audit."""

    parts: list[Part]
    data: dict[str, Any]
    as_of: dt.date | None


def assess(ws: Workspace, fw: Framework, compare: Path | None) -> Assessment:
    """Every part of the self-assessment, and each criterion's position, the indicators and actions."""
    from jtai.indicators import workspace_indicators
    from jtai.report.evidence import judgements_part, moderation_part, outcomes_part

    conn = ws.connect()
    try:
        graded = area_results.final_judgements(conn, fw)
        ratings = area_results.rater_judgements(conn)
        quality = data_quality_part(conn)
        as_of = area_results.latest_judgement_day(conn)
    finally:
        conn.close()
    found: Indicators | None = None
    try:
        found = workspace_indicators(ws, cohort="all")
        theme = workspace_indicators(ws, cohort="theme")
        indicators = indicators_part(found, theme, title="Our indicators")
    except UsageError:  # no fieldwork date: the indicators have no period to count
        indicators = Part(
            "indicators",
            "Our indicators",
            missing="The indicators count the months before the first day of fieldwork, which the "
            "workspace's settings do not give yet.",
        )
    standing = criterion_standing(fw, graded)
    audits = judgements_part(fw, graded)
    plan, actions = action_plan_part(ws, fw, standing, found)
    parts = [
        standing_part(fw, standing),
        weeks_ahead_part(ws, fw, as_of),
        outcomes_part(fw, graded),
        Part("audits", "Our audit results", audits.paragraphs, audits.tables, missing=audits.missing),
        indicators,
        moderation_part(fw, ratings),
        quality,
        change_part(fw, standing, compare),
        plan,
    ]
    criteria = [
        {"id": c.id, "section": section.id, "text": " ".join(c.text.split()), **standing[c.id].as_dict()}
        for section, c in fw.criteria()
    ]
    data = {
        "framework": fw.id,
        "as_of": as_of.isoformat() if as_of else None,
        "criteria": criteria,
        "indicators": [r.as_dict() for r in found.results] if found is not None else [],
        "actions": actions,
    }
    return Assessment([plain(p) for p in parts if p is not None], data, as_of)


def self_assessment_parts(ws: Workspace, fw: Framework, compare: Path | None) -> list[Part]:
    """Every part of the self-assessment."""
    return assess(ws, fw, compare).parts


_COMMANDS = re.compile(r"\s*\((?:`jtai [^`]*`(?:,\s*|\s+or\s+|\s+and\s+)?)+\)")


def without_commands(text: str) -> str:
    """Text for a partnership's reader: ``(`jtai score`)`` and other command names taken out."""
    text = _COMMANDS.sub("", text)
    return re.sub(r"\s*`jtai [^`]*`", "", text)


def plain(part: Part) -> Part:
    """A part with every command name taken out of its text (the self-assessment names none)."""
    return replace(
        part,
        paragraphs=tuple(without_commands(t) for t in part.paragraphs),
        items=tuple(without_commands(t) for t in part.items),
        missing=without_commands(part.missing),
        subparts=tuple(plain(p) for p in part.subparts),
    )


def write_self_assessment(
    ws: Workspace,
    *,
    pdf: Path | None = None,
    html: Path | None = None,
    compare: Path | None = None,
    index: IdentifyingIndex | None = None,
    force: bool = False,
) -> list[Written]:
    """Render the self-assessment and write it (both formats to ``reports/`` if none named).

    Raises:
        UsageError, ConflictError: the files asked for (see :func:`~jtai.report.publish.output_targets`).
        IdentifyingDataError: it would hold a name, identifier, date of birth or postcode.
        UsageError: ``compare`` is this workspace itself.
        WorkspaceError: ``compare`` is not a workspace.
        ConflictError: ``compare`` is assessed against another framework.
        ConfigError: ``action-plan.yaml`` is not valid.
    """
    return write_and_describe(ws, pdf=pdf, html=html, compare=compare, index=index, force=force)[0]


def write_and_describe(
    ws: Workspace,
    *,
    pdf: Path | None = None,
    html: Path | None = None,
    compare: Path | None = None,
    index: IdentifyingIndex | None = None,
    force: bool = False,
) -> tuple[list[Written], dict[str, Any]]:
    """As :func:`write_self_assessment`, also returning each criterion's position, the indicators
    and the action plan as plain data (for ``--json``)."""
    from jtai.report.evidence import settings_phrases

    if compare is not None:
        _refuse_self_comparison(ws, compare)
    targets = output_targets(ws, "self-assessment", pdf, html, force=force)
    fw = workspace_framework(ws)
    found = assess(ws, fw, compare)
    area = str(ws.config["area"])
    doc = DocInfo(
        title=f"Self-assessment: {area}, {fw.title}",
        authors=(f"{area} safeguarding partnership",),
        description=f"The {area} partnership's self-assessment against {fw.title}.",
        running_header=f"Self-assessment: {area}",
    )
    # dated by the inspection, not the day it is rendered; before any date is set, by its last audit
    try:
        dated: dt.date | None = report_date(ws.config)
    except ConfigError:
        dated = found.as_of
    if dated is not None:
        doc = replace(doc, created=dated.isoformat())
    when = f", recorded up to {format_date(found.as_of)}" if found.as_of else ""
    intro = (
        f"This self-assessment sets out where the {area} partnership stands against the criteria of the "
        f"{fw.title}, from its own multi-agency audits{when}. {fw.note}",
    )
    public = [*settings_phrases(ws, fw), doc.title]
    if found.as_of:
        public += [format_date(found.as_of), found.as_of.isoformat()]
    written = publish(
        ws,
        what="The self-assessment",
        html=lambda paged: render_html(
            "pack.html.j2", doc, paged=paged, heading=doc.title, intro=intro, parts=found.parts
        ),
        targets=targets,
        public=public,
        index=index,
        pseudonyms=True,
    )
    return written, found.data


def _refuse_self_comparison(ws: Workspace, compare: Path) -> None:
    """Refuse ``--compare`` naming this workspace, however the path is written (``.``, a link)."""
    other = compare.expanduser().resolve()
    if other == ws.root.resolve() or (other.exists() and other.samefile(ws.root)):
        raise UsageError(
            f"--compare names this workspace itself ({ws.root}): there is no change to show.",
            hint="Give the folder of an earlier workspace, e.g. --compare ../audit-2024.",
        )

"""The self-assessment: where a local area stands against the framework before inspection.

Built from the area's own multi-agency audits (judgements recorded with ``jtai score``), its
data quality and ``findings.yaml``; ``--compare`` adds the change since an earlier
self-assessment workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jtai.errors import ConflictError, UsageError, WorkspaceError
from jtai.report import area_results
from jtai.report.authored import read_findings
from jtai.report.pack_blocks import Part, Table
from jtai.report.publish import output_targets, publish
from jtai.report.quality import data_quality_part
from jtai.report.render import DocInfo, render_html
from jtai.report.text import agency_heading, format_date
from jtai.report.tool_text import report_date
from jtai.workspace import find, workspace_framework

if TYPE_CHECKING:
    from jtai.anonymity.guard import IdentifyingIndex
    from jtai.frameworks import Framework
    from jtai.report.publish import Written
    from jtai.workspace import Workspace


def criterion_standing(
    fw: Framework, graded: list[area_results.Graded]
) -> dict[str, tuple[int, float, float, float, str]]:
    """Per criterion: (graded, share good or better, share poor, share inadequate, position).

    The position uses the framework's findings thresholds: "Strength", "Area for improvement",
    "Priority for action", "Mixed", "Too few judgements" below ``min_cases``, or "Not audited
    yet" when no audit judged the criterion.
    """
    rule = fw.findings
    ranks = {g.id: g.rank for g in fw.scale.grades}
    good_rank = fw.rank("good") or sorted(ranks.values())[len(ranks) // 2]
    worst = min(ranks.values())
    result = {}
    for _, criterion in fw.criteria():
        values = [ranks[g.value] for g in graded if g.criterion == criterion.id and g.value in ranks]
        n = len(values)
        good = sum(v >= good_rank for v in values) / n if n else 0.0
        poor = sum(v < good_rank for v in values) / n if n else 0.0
        bad = sum(v == worst for v in values) / n if n else 0.0
        if n == 0:
            position = "Not audited yet"
        elif n < rule.min_cases:
            position = "Too few judgements"
        elif bad >= rule.priority_min_share_inadequate:
            position = "Priority for action"
        elif poor >= rule.improvement_min_share_poor:
            position = "Area for improvement"
        elif good >= rule.strength_min_share_good:
            position = "Strength"
        else:
            position = "Mixed"
        result[criterion.id] = (n, good, poor, bad, position)
    return result


def standing_part(fw: Framework, standing: dict[str, tuple[int, float, float, float, str]]) -> Part:
    """Where the area stands against each criterion, one table per framework section."""
    tables = []
    for section in fw.sections:
        rows = []
        for criterion in section.criteria:
            n, good, poor, _, position = standing[criterion.id]
            rows.append(
                (
                    criterion.id,
                    " ".join(criterion.text.split()),
                    n,
                    f"{good:.0%}" if n else "",
                    f"{poor:.0%}" if n else "",
                    position,
                )
            )
        tables.append(
            Table.build(
                section.title,
                (
                    "Criterion",
                    "What good looks like",
                    "Judgements",
                    "Good or better",
                    "Requires improvement or worse",
                    "Where we stand",
                ),
                rows,
                numeric=(2, 3, 4),
            )
        )
    rule = fw.findings
    text = (
        f"A criterion is a strength when at least {rule.strength_min_share_good:.0%} of audited "
        f"judgements are good or better; an area for improvement when at least "
        f"{rule.improvement_min_share_poor:.0%} require improvement or worse; a priority when at least "
        f"{rule.priority_min_share_inadequate:.0%} are inadequate. Fewer than {rule.min_cases} judgements "
        'are too few to say; "not audited yet" means no audit judged the criterion.',
    )
    return Part("standing", "Where we stand against each criterion", text, tuple(tables))


def change_part(
    fw: Framework, now: dict[str, tuple[int, float, float, float, str]], compare: Path | None
) -> Part | None:
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
    for criterion_id, (n, good, _, _, position) in now.items():
        n0, good0, _, _, position0 = before[criterion_id]
        change = f"{(good - good0) * 100:+.0f} points" if n and n0 else ""
        rows.append(
            (
                criterion_id,
                f"{good0:.0%}" if n0 else "",
                f"{good:.0%}" if n else "",
                change,
                position0,
                position,
            )
        )
    table = Table.build(
        "Share of audited judgements good or better, then and now",
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
    ws: Workspace, fw: Framework, standing: dict[str, tuple[int, float, float, float, str]]
) -> Part:
    """Actions from ``findings.yaml`` (priority actions first), then criteria the audits flag."""
    authored = read_findings(ws.root)
    rows: list[tuple[str, ...]] = []
    covered: set[str] = set()
    for kind, priority in (("priority_action", "High"), ("improvement", "Medium")):
        for finding in authored.by_kind(kind):
            covered.update(c.upper() for c in finding.criteria)
            owners = ", ".join(agency_heading(a) for a in finding.agencies) or "The partnership"
            rows.append(
                (
                    str(len(rows) + 1),
                    finding.text,
                    priority,
                    owners,
                    ", ".join(finding.criteria),
                    "To be agreed",
                )
            )
    for criterion_id, (_, _, poor, _, position) in standing.items():
        if (
            position in {"Priority for action", "Area for improvement"}
            and criterion_id.upper() not in covered
        ):
            priority = "High" if position == "Priority for action" else "Medium"
            text = (
                f"Improve practice against {criterion_id}: {poor:.0%} of audited judgements require "
                "improvement or worse."
            )
            rows.append((str(len(rows) + 1), text, priority, "The partnership", criterion_id, "To be agreed"))
    if not rows:
        return Part(
            "action-plan", "Action plan", missing="No areas for improvement have been identified yet."
        )
    table = Table.build("Action plan", ("#", "Action", "Priority", "Lead", "Criteria", "By when"), rows)
    return Part(
        "action-plan", "Action plan", ("Leads and dates are for the partnership to agree.",), (table,)
    )


def self_assessment_parts(ws: Workspace, fw: Framework, compare: Path | None) -> list[Part]:
    """Every part of the self-assessment."""
    from jtai.report.evidence import judgements_part, moderation_part, outcomes_part

    conn = ws.connect()
    try:
        graded = area_results.final_judgements(conn, fw)
        ratings = area_results.rater_judgements(conn)
        quality = data_quality_part(conn)
    finally:
        conn.close()
    standing = criterion_standing(fw, graded)
    audits = judgements_part(fw, graded)
    parts = [
        standing_part(fw, standing),
        outcomes_part(fw, graded),
        Part("audits", "Our audit results", audits.paragraphs, audits.tables, missing=audits.missing),
        moderation_part(fw, ratings),
        quality,
        change_part(fw, standing, compare),
        action_plan_part(ws, fw, standing),
    ]
    return [p for p in parts if p is not None]


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
    """
    from jtai.report.evidence import settings_phrases

    if compare is not None:
        _refuse_self_comparison(ws, compare)
    targets = output_targets(ws, "self-assessment", pdf, html, force=force)
    fw = workspace_framework(ws)
    parts = self_assessment_parts(ws, fw, compare)
    area = str(ws.config["area"])
    today = report_date(ws.config)  # dated by the inspection, not the day it is rendered
    doc = DocInfo(
        title=f"Self-assessment: {area}, {fw.title}",
        authors=(f"{area} safeguarding partnership",),
        description=f"The {area} partnership's self-assessment against {fw.title}.",
        running_header=f"Self-assessment: {area}, {format_date(today)}",
        created=today.isoformat(),
    )
    intro = (
        f"This self-assessment sets out where the {area} partnership stands against the criteria of the "
        f"{fw.title}, from its own multi-agency audits, as of {format_date(today)}. {fw.note}",
    )
    return publish(
        ws,
        what="The self-assessment",
        html=lambda paged: render_html(
            "pack.html.j2", doc, paged=paged, heading=doc.title, intro=intro, parts=parts
        ),
        targets=targets,
        public=[*settings_phrases(ws, fw), format_date(today), today.isoformat(), doc.title],
        index=index,
        pseudonyms=True,
    )


def _refuse_self_comparison(ws: Workspace, compare: Path) -> None:
    """Refuse ``--compare`` naming this workspace, however the path is written (``.``, a link)."""
    other = compare.expanduser().resolve()
    if other == ws.root.resolve() or (other.exists() and other.samefile(ws.root)):
        raise UsageError(
            f"--compare names this workspace itself ({ws.root}): there is no change to show.",
            hint="Give the folder of an earlier workspace, e.g. --compare ../audit-2024.",
        )

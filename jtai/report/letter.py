"""The public letter of findings: its metadata and its two renderings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jtai import __version__
from jtai.report.authored import letter_findings, require_checked
from jtai.report.letter_content import Letter
from jtai.report.publish import output_targets, publish
from jtai.report.render import DocInfo, html_to_pdf, render_html
from jtai.report.text import format_date, format_list, format_span
from jtai.scoring import findings_guard
from jtai.workspace import workspace_framework

if TYPE_CHECKING:
    from jtai.anonymity.guard import IdentifyingIndex
    from jtai.report.publish import Written
    from jtai.workspace import Workspace

SECTION_HEADINGS: dict[str, str] = {
    "headline": "Headline findings",
    "strengths": "Key strengths",
    "case_studies": "Case studies",
    "improvements": "Areas for improvement",
    "priority_actions": "Areas for priority action",
    "main_findings": "Main findings",
    "next_steps": "Next steps",
}


def letter_doc(letter: Letter) -> DocInfo:
    """The metadata of a letter: title, authors (the inspectorates), running header."""
    return DocInfo(
        title=letter.title,
        authors=letter.inspectorates,
        description=f"Letter of findings of the joint targeted area inspection in {letter.area}, "
        f"{format_span(letter.fieldwork_start, letter.fieldwork_end)}.",
        running_header=f"Joint targeted area inspection: {letter.area}, {format_date(letter.letter_date)}",
        version=letter.version or __version__,
        created=letter.letter_date.isoformat(),
    )


def letter_html(letter: Letter, *, paged: bool = False) -> str:
    """The letter as HTML: standalone (``paged=False``) or ready for the PDF renderer."""
    responding = format_list(letter.responding_agencies) or "all the agencies in the partnership"
    return render_html(
        "letter.html.j2",
        letter_doc(letter),
        paged=paged,
        letter=letter,
        span=format_span(letter.fieldwork_start, letter.fieldwork_end),
        section_titles=[title[:1].lower() + title[1:] for title in _section_titles(letter)],
        responding=responding,
    )


def letter_pdf(letter: Letter) -> bytes:
    """The letter as a tagged A4 PDF."""
    return html_to_pdf(letter_html(letter, paged=True))


def _section_titles(letter: Letter) -> list[str]:
    return [part.title for part in letter.main_findings]


def write_letter(
    ws: Workspace,
    *,
    pdf: Path | None = None,
    html: Path | None = None,
    index: IdentifyingIndex | None = None,
    force: bool = False,
) -> list[Written]:
    """Render the workspace's letter and write it (both formats to ``reports/`` if none named).

    The letter is written from ``findings.yaml`` only once `jtai findings check` finds nothing
    wrong with it.

    Raises:
        UsageError, ConflictError: the files asked for (see :func:`~jtai.report.publish.output_targets`).
        NotFoundError: there are no findings yet.
        IdentifyingDataError: the letter would identify someone; nothing is written.
        InputError: the findings check reports problems; nothing is written.
    """
    from jtai.report.letter_context import letter_from_workspace, public_phrases

    targets = output_targets(ws, "letter", pdf, html, force=force)
    fw = workspace_framework(ws)
    authored = letter_findings(ws)
    letter = letter_from_workspace(ws, fw=fw, authored=authored)
    public = public_phrases(letter, ws.config)
    return publish(
        ws,
        what="The letter",
        html=lambda paged: letter_html(letter, paged=paged),
        targets=targets,
        public=public,
        index=index,
        pseudonyms=True,
        validate=lambda: require_checked(ws, fw, authored),
        check_authored=lambda ix: findings_guard.refuse(
            findings_guard.identifying(ix, authored, public=public), "The letter", rendering=True
        ),
    )

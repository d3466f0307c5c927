"""What report writers author in ``findings.yaml``, as the reports use it.

The scoring area owns the file: its model (:class:`~jtai.scoring.findings_file.FindingsDoc`),
its loader and its checks (``jtai findings check``, ``docs/scoring.md``). The reports read
the model directly; this module adds only what is theirs: a workspace without the file has
authored nothing yet, and a case study becomes the letter's (a title, never its cases).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jtai.errors import InputError, NotFoundError
from jtai.report.letter_content import CaseStudy

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.scoring.findings_file import FindingsDoc
    from jtai.workspace import Workspace

_MAX_LISTED = 5
_HOW = (
    "Write findings.yaml in the workspace folder (its shape is in docs/scoring.md; `jtai findings` "
    "shows the candidate findings the judgements support), check it with `jtai findings check`, "
    "then render the letter again."
)

_DEFAULT_TITLES = {
    "effective": "highly effective practice",
    "not_safer": "where the child was not made safer",
}


def read_findings(root: Path) -> FindingsDoc:
    """The workspace's ``findings.yaml`` read by the scoring area's loader; none yet: an empty one.

    Args:
        root: the workspace folder.

    Raises:
        ConfigError: the file is invalid (the message names the line).
    """
    from jtai.scoring.findings_file import FindingsDoc, findings_path, load_findings

    path = findings_path(root)
    return load_findings(path) if path.is_file() else FindingsDoc()


def letter_findings(ws: Workspace) -> FindingsDoc:
    """The findings a letter is written from: ``findings.yaml``, which must hold some.

    Raises:
        NotFoundError: no findings file, or one with no findings in it.
        ConfigError: the file is invalid (the message names the line).
    """
    from jtai.scoring.findings_file import findings_path, load_findings

    path = findings_path(ws.root)
    if not path.is_file():
        raise NotFoundError(f"{path}: no findings yet, so there is no letter to write.", hint=_HOW)
    doc = load_findings(path)
    if not doc.findings:
        raise NotFoundError(f"{path}: the file holds no findings, so there is no letter to write.", hint=_HOW)
    return doc


def require_checked(ws: Workspace, fw: Framework, doc: FindingsDoc) -> None:
    """Refuse findings that `jtai findings check` reports problems with (the scoring area's check).

    Raises:
        InputError: the problems, each with its line (as ``jtai findings check`` shows them).
    """
    from jtai.scoring.findings_file import check, findings_path

    conn = ws.connect()
    try:
        problems = check(conn, fw, doc, key=ws.key)
    finally:
        conn.close()
    if not problems:
        return
    path = findings_path(ws.root)
    listed = "; ".join(
        f"{f'line {p.line}, ' if p.line else ''}{p.finding}: {p.message.rstrip('.')}"
        for p in problems[:_MAX_LISTED]
    )
    more = f"; and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
    raise InputError(
        f"{len(problems)} problem(s) in the findings, so the letter was not written: {listed}{more}.",
        file=str(path),
        hint="Fix them first (`jtai findings check` lists them all), then render the letter again.",
    )


def letter_case_studies(doc: FindingsDoc) -> tuple[CaseStudy, ...]:
    """The case studies as the letter prints them: titled by their kind when untitled."""
    return tuple(
        CaseStudy(title=s.title or _DEFAULT_TITLES[s.kind], text=s.text, kind=s.kind)
        for s in doc.case_studies
    )

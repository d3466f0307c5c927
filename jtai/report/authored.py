"""What report writers author in ``findings.yaml``, as the reports use it.

The scoring area owns the file: its model (:class:`~jtai.scoring.findings_file.FindingsDoc`),
its loader and its checks (``jtai findings check``, ``docs/scoring.md``). The reports read
the model directly; this module adds only what is theirs: a workspace without the file has
authored nothing yet, and a case study becomes the letter's (a title, never its cases).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jtai.report.model import CaseStudy

if TYPE_CHECKING:
    from jtai.scoring.findings_file import FindingsDoc

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


def letter_case_studies(doc: FindingsDoc) -> tuple[CaseStudy, ...]:
    """The case studies as the letter prints them: titled by their kind when untitled."""
    return tuple(
        CaseStudy(title=s.title or _DEFAULT_TITLES[s.kind], text=s.text, kind=s.kind)
        for s in doc.case_studies
    )

"""The findings report writers author in ``findings.yaml``, as the report reads them.

The scoring area owns the file's format, its loader and its checks (``jtai findings check``,
``docs/scoring.md``); this module turns what that loader reads into plain report data. The
shape::

    headline:                       # optional: the opening paragraphs of the letter
      - "Staff are tenacious in their efforts to engage with children."
    findings:
      - kind: strength              # strength | improvement | priority_action | main
        text: "Police and children's social care share information promptly."
        agencies: [police, csc]     # empty: the partnership as a whole
        criteria: [FD2]             # places the finding under its framework section
        cases: [C-7KQ3-XM9D]        # the cases it rests on (pseudonyms; never printed)
        section: front_door         # optional; otherwise taken from the first criterion
    case_studies:
      - title: highly effective practice
        kind: effective             # effective | not_safer
        text: "A 14-year-old who had repeatedly gone missing ..."
        cases: [C-7KQ3-XM9D]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jtai.report.model import CaseStudy

FINDINGS_FILE = "findings.yaml"

_DEFAULT_TITLES = {
    "effective": "highly effective practice",
    "not_safer": "where the child was not made safer",
}


@dataclass(frozen=True)
class Finding:
    """One authored finding."""

    kind: str
    text: str
    agencies: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    section: str | None = None


@dataclass(frozen=True)
class Authored:
    """Everything a report writer authored for the letter."""

    headline: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    case_studies: tuple[CaseStudy, ...] = ()

    def of_kind(self, kind: str) -> list[Finding]:
        """The findings of one kind, in file order."""
        return [finding for finding in self.findings if finding.kind == kind]


def read_authored(path: Path) -> Authored:
    """Read ``findings.yaml`` with the scoring area's loader; a missing file means nothing yet.

    Raises:
        ConfigError: the file is invalid (the message names the line).
    """
    if not path.is_file():
        return Authored()
    from jtai.scoring.findings_file import load_findings

    doc = load_findings(path)
    return Authored(
        headline=tuple(" ".join(p.split()) for p in doc.headline),
        findings=tuple(
            Finding(
                kind=f.kind,
                text=" ".join(f.text.split()),
                agencies=tuple(f.agencies),
                criteria=tuple(f.criteria),
                cases=tuple(f.cases),
                section=f.section,
            )
            for f in doc.findings
        ),
        case_studies=tuple(
            CaseStudy(
                title=s.title or _DEFAULT_TITLES[s.kind],
                text=" ".join(s.text.split()),
                kind=s.kind,
            )
            for s in doc.case_studies
        ),
    )

"""The evidence pack's part "Findings and their evidence": finding -> criteria -> grades -> cases.

Self-contained: one function builds the part from the workspace's ``findings.yaml`` and its
judgements, so the evidence pack shows, for each finding the letter makes, what it rests on
and how the judgements under its criteria fell (as `jtai findings check` counts them).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from jtai.report.pack_blocks import Part, Table

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.scoring.findings_file import FindingsDoc

_KINDS = {
    "strength": "Key strength",
    "improvement": "Area for improvement",
    "priority_action": "Priority action",
    "main": "Main finding",
}


def finding_evidence_part(fw: Framework, conn: sqlite3.Connection, doc: FindingsDoc) -> Part:
    """One row per finding naming criteria: its kind, criteria and agencies, grades, cases."""
    from jtai.scoring import findings
    from jtai.scoring.findings_evidence import all_evidence, contradiction, grade_summary

    rows = []
    for ev in all_evidence(fw, doc, findings.finals(conn, fw)):
        grades = grade_summary(fw, ev)
        if contradiction(fw, ev):
            grades += " - contradicts the finding"
        rows.append(
            (
                f"{ev.finding} (line {ev.line})" if ev.line else ev.finding,
                _KINDS.get(ev.kind, ev.kind),
                ", ".join(ev.criteria) + (f" ({', '.join(ev.agencies)})" if ev.agencies else ""),
                grades,
                ", ".join(ev.cases) or "none judged",
            )
        )
    table = Table.build(
        "Each finding, the criteria it rests on and the judgements under them",
        ("Finding", "Kind", "Criteria (agencies)", "Grades", "Cases judged"),
        rows,
    )
    return Part(
        "finding-evidence",
        "Findings and their evidence",
        (
            "Each finding of findings.yaml that names criteria, with every final judgement under "
            "those criteria (for its agencies, or all agencies), across all cases judged.",
        ),
        (table,) if rows else (),
        missing="" if rows else "No finding names the criteria it rests on yet.",
    )

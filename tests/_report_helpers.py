"""Report content for the report tests: a hand-written letter, and a small workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jtai import workspace
from jtai.report.letter_content import Addressee, AgencyPoints, CaseStudy, Letter, SectionFindings, Signatory
from jtai.scoring.judgement_files.workspace_io import import_file
from jtai.store.records import insert_records
from jtai.workdays import add_working_days
from jtai.workspace import workspace_framework

CHILD = {
    "first_name": "Jayden",
    "last_name": "Quillfeather",
    "dob": "2004-04-03",
    "postcode": "SB1 2AB",
    "la_child_id": "LA0012345",
    "nhs_number": "9993562548",
    "sex": "male",
}
# A finding `jtai findings check` accepts: it rests on other evidence, not on cases.
CLEAN_FINDINGS = (
    "findings:\n"
    "  - {kind: improvement, text: The problem profile of exploitation is out of date., "
    "criteria: [DD9], evidence: [problem profile]}\n"
)

HOSTILE_NOTE = (
    'Seen at home <script>alert("x")</script> <img src="file:///etc/passwd"> '
    "see http://example.org/tracker.png"
)
PUBLICATION = dt.date(2018, 5, 9)


def sample_letter(**changes: object) -> Letter:
    """A letter for Seaborough, published 9 May 2018, with one hostile strength."""
    fields: dict[str, object] = {
        "area": "Seaborough",
        "title": "Joint targeted area inspection of the multi-agency response to child exploitation "
        "and children missing in Seaborough",
        "theme": "child exploitation and children missing from home, care or education",
        "inspectorates": (
            "Ofsted",
            "Care Quality Commission (CQC)",
            "HM Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS)",
            "HM Inspectorate of Probation (HMIP)",
        ),
        "fieldwork_start": dt.date(2018, 3, 19),
        "fieldwork_end": dt.date(2018, 3, 23),
        "letter_date": PUBLICATION,
        "publication_date": PUBLICATION,
        "statement_of_action_date": add_working_days(PUBLICATION, 70),
        "working_days": 70,
        "addressees": (
            Addressee("Director of Children's Services", "Pat Example"),
            Addressee("Chief Constable"),
        ),
        "signatories": (
            Signatory("Ofsted", "Ann Signer", "Regional Director"),
            Signatory("Care Quality Commission", "Ben Signer", "Deputy Chief Inspector"),
            Signatory("HMICFRS", "Cal Signer", "HM Inspector of Constabulary"),
            Signatory("HM Inspectorate of Probation", "Dee Signer", "Assistant Chief Inspector"),
        ),
        "headline": ("Staff are tenacious in their efforts to engage with vulnerable children.",),
        "children_safer": "In five of the seven cases tracked, children were safer.",
        "strengths": ("Police and children's social care share information promptly.", HOSTILE_NOTE),
        "case_studies": (
            CaseStudy("highly effective practice", "A 14-year-old who had repeatedly gone missing."),
        ),
        "improvements": (
            AgencyPoints("partnership", "The partnership", ("The problem profile is out of date.",)),
            AgencyPoints("health", "Health", ("Health staff do not attend strategy discussions.",)),
        ),
        "priority_actions": ("Return home interviews are not offered to every child.",),
        "main_findings": (
            SectionFindings(
                "front_door", "The multi-agency front door", ("Contacts are screened promptly.",)
            ),
            SectionFindings("deep_dive", "The deep dive", ("Risk is identified early.",)),
            SectionFindings(
                "leadership", "Leadership, management and governance", ("Leaders know practice.",)
            ),
        ),
        "responding_agencies": ("children's social care", "the police", "health partners"),
        "version": "9.9.9",
    }
    fields.update(changes)
    return Letter(**fields)  # type: ignore[arg-type]


def make_workspace(root: Path, *, framework: str = "exploitation-2018") -> workspace.Workspace:
    """A workspace with two children loaded: Jayden Quillfeather (see CHILD) and Mia."""
    ws = workspace.create(root, area="Seaborough", framework=framework)
    conn = ws.connect()
    try:
        insert_records(
            conn, [{**CHILD, "child_id": "k1"}, {"first_name": "Mia", "child_id": "k2"}], agency="csc"
        )
    finally:
        conn.close()
    return ws


def import_judgements(ws: workspace.Workspace, rows: list[str]) -> None:
    """Import judgements written as YAML flow mappings, one per row."""
    path = ws.root / "judgements.yaml"
    path.write_text("judgements:\n" + "\n".join(rows) + "\n", encoding="utf-8")
    conn = ws.connect()
    try:
        import_file(conn, workspace_framework(ws), path, key=ws.key, team=[])
    finally:
        conn.close()


def write_findings(ws: workspace.Workspace, text: str) -> None:
    """Write the workspace's findings.yaml."""
    (ws.root / "findings.yaml").write_text(text, encoding="utf-8")

"""Hand-written report content for the report tests (no workspace needed)."""

from __future__ import annotations

import datetime as dt

from jtai.report import add_working_days
from jtai.report.model import Addressee, AgencyPoints, CaseStudy, Letter, SectionFindings, Signatory

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

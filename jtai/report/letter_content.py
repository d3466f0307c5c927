"""The content of a letter of findings, as plain data.

A :class:`Letter` can be written by hand (tests do) or built from a workspace by
:func:`jtai.report.letter.letter_from_workspace`. Templates read nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Addressee:
    """One person the letter is sent to."""

    role: str
    name: str | None = None


@dataclass(frozen=True)
class Signatory:
    """One signatory: one per inspectorate."""

    inspectorate: str
    name: str
    title: str


@dataclass(frozen=True)
class CaseStudy:
    """An anonymous account of one child's case (no name, no identifying detail)."""

    title: str
    text: str
    kind: str = "effective"  # effective | not_safer


@dataclass(frozen=True)
class AgencyPoints:
    """The areas for improvement of one agency (or of the partnership as a whole)."""

    agency: str
    heading: str
    points: tuple[str, ...]


@dataclass(frozen=True)
class SectionFindings:
    """The main findings under one section of the framework."""

    id: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Letter:
    """Everything a letter of findings says.

    Attributes:
        area: the local area, e.g. "Seaborough".
        theme: the inspection's theme, e.g. "children at risk of exploitation ...".
        inspectorates: full names of the inspectorates, in the framework's order.
        fieldwork_start, fieldwork_end: the week on site.
        letter_date: the date printed at the top.
        publication_date: the day the statement-of-action period starts from.
        statement_of_action_date: the deadline, counted in working days.
        working_days: how many working days that deadline is after publication.
        headline: the opening summary, as paragraphs.
        children_safer: one sentence on how many children were safer, or "".
        main_findings: the main findings under each section of the framework.
        agency_findings: then the main findings of each agency in scope.
        lscb: the partnership's governance body, as the next steps name it (the Local
            Safeguarding Children Board before 2019, the safeguarding partners since).
    """

    area: str
    title: str
    theme: str
    inspectorates: tuple[str, ...]
    fieldwork_start: dt.date
    fieldwork_end: dt.date
    letter_date: dt.date
    publication_date: dt.date
    statement_of_action_date: dt.date
    working_days: int
    addressees: tuple[Addressee, ...]
    signatories: tuple[Signatory, ...]
    headline: tuple[str, ...] = ()
    children_safer: str = ""
    strengths: tuple[str, ...] = ()
    case_studies: tuple[CaseStudy, ...] = ()
    improvements: tuple[AgencyPoints, ...] = ()
    priority_actions: tuple[str, ...] = ()
    main_findings: tuple[SectionFindings, ...] = ()
    agency_findings: tuple[AgencyPoints, ...] = ()
    responding_agencies: tuple[str, ...] = ()
    version: str = ""
    lscb: str = "the safeguarding partners"
    sections: tuple[str, ...] = field(
        default=(
            "headline",
            "strengths",
            "case_studies",
            "improvements",
            "priority_actions",
            "main_findings",
            "next_steps",
        )
    )

"""What an agency is asked to audit: the tracked children, the criteria for that agency, the grades.

An :class:`AuditForm` is the same request whatever the file format (XLSX or YAML). It
holds the identifiers the agency needs to find each child's case, so the files made from
it are private (0600) and go to the agency only; the returned grades are stored by
pseudonym.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from jtai.errors import NotFoundError, UsageError
from jtai.frameworks import Framework
from jtai.pseudonym import pseudonym
from jtai.store import sampling as sampling_sql
from jtai.store import scoring as sql

TRACKED = "tracked"
# The identifier an agency's own systems know a child by, besides its own person id.
NATIONAL_ID = {
    "csc": ("la_child_id", "LA child ID"),
    "police": ("pnc_id", "PNC ID"),
    "yos": ("pnc_id", "PNC ID"),
    "probation": ("pnc_id", "PNC ID"),
    "health": ("nhs_number", "NHS number"),
    "education": ("upn", "UPN"),
}


@dataclass(frozen=True)
class FormCriterion:
    """One criterion an agency grades for each child."""

    id: str
    section: str
    text: str


@dataclass(frozen=True)
class FormChild:
    """One tracked child: its pseudonym, and how the agency finds the case (label, value)."""

    case: str
    child_key: str
    identifiers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AuditForm:
    """One agency's audit request for the tracked children."""

    area: str
    framework: str
    agency: str
    sample_id: int
    criteria: tuple[FormCriterion, ...]
    children: tuple[FormChild, ...]
    grades: tuple[tuple[str, str], ...]  # (id, label): the ordinal grades, then the others
    note_required: tuple[str, ...]

    def labels(self) -> list[str]:
        """The grades as the dropdown lists them."""
        return [label for _, label in self.grades]


def criteria_for(fw: Framework, agency: str) -> tuple[FormCriterion, ...]:
    """The framework's criteria judged for ``agency``, in file order."""
    return tuple(
        FormCriterion(c.id, s.title, " ".join(c.text.split()))
        for s, c in fw.criteria()
        if agency in c.agencies
    )


def tracked_children(conn: sqlite3.Connection, key: bytes) -> tuple[int, list[tuple[str, str]]]:
    """The newest tracked sample's id and its picks as (pseudonym, child key), by position.

    Raises:
        NotFoundError: no tracked sample has been drawn.
    """
    sample_id = sampling_sql.latest_sample_id(conn, TRACKED)
    if sample_id is None:
        raise NotFoundError(
            "No tracked sample yet: the area audits the children inspectors chose to track.",
            hint="Draw it first with `jtai sample tracked`.",
        )
    picks = [
        (pseudonym(key, str(m["child_key"])), str(m["child_key"]))
        for m in sampling_sql.member_rows(conn, sample_id)
        if m["role"] == "pick"
    ]
    return sample_id, picks


def _identifiers(conn: sqlite3.Connection, child_key: str, agency: str) -> tuple[tuple[str, str], ...]:
    own = sql.identifier_values(conn, child_key, agency=agency)
    every = sql.identifier_values(conn, child_key)
    column, label = NATIONAL_ID.get(agency, ("", ""))
    rows = [
        ("Your reference", "; ".join(own["agency_person_id"]) or "(no record from your agency was loaded)"),
        ("Name", "; ".join(every["name"])),
        ("Date of birth", "; ".join(every["dob"])),
    ]
    if column:
        rows.append((label, "; ".join(every[column])))
    return tuple(rows)


def build_form(conn: sqlite3.Connection, fw: Framework, key: bytes, *, area: str, agency: str) -> AuditForm:
    """The audit request for one agency: every tracked pick, the agency's criteria, the scale.

    Raises:
        UsageError: the framework judges no criterion for ``agency``.
        NotFoundError: no tracked sample has been drawn.
    """
    criteria = criteria_for(fw, agency)
    if not criteria:
        raise UsageError(
            f"{fw.id} judges no criterion for {agency!r}.",
            hint=f"Agencies with criteria: {', '.join(agencies_with_criteria(fw))}.",
        )
    sample_id, picks = tracked_children(conn, key)
    children = tuple(FormChild(ref, child, _identifiers(conn, child, agency)) for ref, child in picks)
    grades = tuple((g.id, g.label) for g in fw.scale.grades) + tuple((o.id, o.label) for o in fw.scale.other)
    return AuditForm(
        area, fw.id, agency, sample_id, criteria, children, grades, tuple(fw.scale.note_required)
    )


def agencies_with_criteria(fw: Framework) -> list[str]:
    """The framework's agencies that at least one criterion is judged for, in its order."""
    return [a for a in fw.agencies if any(a in c.agencies for _, c in fw.criteria())]

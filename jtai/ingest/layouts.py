"""The documented canonical CSV layout of each agency.

The fields, agencies and vocabulary themselves are :mod:`jtai.canonical`.
"""

from __future__ import annotations

from dataclasses import dataclass

from jtai.canonical import AGENCIES, FIELDS
from jtai.errors import UsageError


@dataclass(frozen=True)
class AgencyLayout:
    """The documented canonical CSV layout of one agency."""

    agency: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    description: str


_COMMON_REQUIRED = ("agency_person_id", "event_type")

LAYOUTS: dict[str, AgencyLayout] = {
    "csc": AgencyLayout(
        "csc",
        FIELDS,
        (*_COMMON_REQUIRED, "la_child_id"),
        "Children's social care case management system (when not Annex A).",
    ),
    "police": AgencyLayout(
        "police",
        FIELDS,
        _COMMON_REQUIRED,
        "Police records system: incidents, missing reports, flags, arrests.",
    ),
    "health": AgencyLayout(
        "health", FIELDS, _COMMON_REQUIRED, "Health providers: A&E, sexual health, CAMHS, school nursing, GP."
    ),
    "probation": AgencyLayout(
        "probation",
        FIELDS,
        _COMMON_REQUIRED,
        "Probation: adults supervised who are linked to a child's household; one row per child linked.",
    ),
    "yos": AgencyLayout(
        "yos", FIELDS, _COMMON_REQUIRED, "Youth offending / youth justice service: interventions and orders."
    ),
    "education": AgencyLayout(
        "education",
        FIELDS,
        _COMMON_REQUIRED,
        "Education: exclusions, children missing education, attendance.",
    ),
}


def agency_named(name: str) -> str:
    """The agency code for ``name``, whatever its case (``Police`` -> ``police``).

    Raises:
        UsageError: not an agency; a close spelling is suggested ("did you mean").
    """
    import difflib

    key = name.strip().casefold()
    if key in AGENCIES:
        return key
    by_title = {title.casefold(): code for code, title in AGENCIES.items()}
    if key in by_title:
        return by_title[key]
    close = difflib.get_close_matches(key, list(AGENCIES), n=1, cutoff=0.6)
    suggestion = f"Did you mean {close[0]}? " if close else ""
    raise UsageError(f"unknown agency {name!r}.", hint=f"{suggestion}Use one of: {', '.join(AGENCIES)}.")

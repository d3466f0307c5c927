"""The canonical record layout: fields, agencies, the event-type vocabulary and risk flags.

Every agency row becomes one record in this layout (see DESIGN.md, "Canonical data").
Readers, mappings, the synthetic data generator, linkage and sampling all speak it.
"""

from __future__ import annotations

from dataclasses import dataclass

AGENCIES: dict[str, str] = {
    "csc": "Children's social care",
    "police": "Police",
    "health": "Health",
    "probation": "Probation",
    "yos": "Youth offending / youth justice",
    "education": "Education",
}

# Who: identity fields, in the order of the canonical CSV layouts.
IDENTITY_FIELDS: tuple[str, ...] = (
    "agency_person_id",
    "la_child_id",
    "nhs_number",
    "upn",
    "pnc_id",
    "first_name",
    "last_name",
    "dob",
    "sex",
    "ethnicity",
    "postcode",
)
# What: event fields.
EVENT_FIELDS: tuple[str, ...] = (
    "event_type",
    "event_date",
    "end_date",
    "source",
    "outcome",
    "team",
    "worker",
    "flags",
    "details",
)
FIELDS: tuple[str, ...] = IDENTITY_FIELDS + EVENT_FIELDS
DATE_FIELDS: frozenset[str] = frozenset({"dob", "event_date", "end_date"})
# Fields that identify a child: never in a publishable output.
IDENTIFYING_FIELDS: frozenset[str] = frozenset(
    {
        "agency_person_id",
        "la_child_id",
        "nhs_number",
        "upn",
        "pnc_id",
        "first_name",
        "last_name",
        "dob",
        "postcode",
    }
)

SEXES: dict[str, str] = {
    "male": "Male",
    "female": "Female",
    "unknown": "Not stated / recorded (or unborn)",
    "neither": "Neither",
}


@dataclass(frozen=True)
class EventType:
    """One entry of the fixed event-type vocabulary."""

    code: str
    label: str
    agencies: tuple[str, ...]


EVENT_TYPES: dict[str, EventType] = {
    e.code: e
    for e in (
        EventType("person", "Person record only (no event)", tuple(AGENCIES)),
        EventType("contact", "Contact to children's social care", ("csc",)),
        EventType("mash_decision", "MASH / front-door decision", ("csc", "police", "health")),
        EventType("early_help", "Early help assessment or intervention", ("csc", "education", "health")),
        EventType("referral", "Referral to children's social care", ("csc",)),
        EventType("assessment", "Statutory (single / continuous) assessment", ("csc",)),
        EventType("strategy_discussion", "Strategy discussion", ("csc", "police", "health")),
        EventType("section_47", "Section 47 enquiry", ("csc", "police")),
        EventType("icpc", "Initial child protection conference", ("csc",)),
        EventType("child_in_need", "Child in need episode", ("csc",)),
        EventType("child_protection_plan", "Child protection plan", ("csc",)),
        EventType("looked_after", "Period of being looked after", ("csc",)),
        EventType("care_leaver", "Care leaver receiving services", ("csc",)),
        EventType("adoption", "Adoption process", ("csc",)),
        EventType("adopter", "Prospective adopter (not a child)", ("csc",)),
        EventType("missing_episode", "Missing episode", ("police", "csc")),
        EventType("absent_episode", "Absent from placement", ("police", "csc")),
        EventType("return_home_interview", "Return home interview", ("csc", "police")),
        EventType("police_incident", "Police incident / concern report", ("police",)),
        EventType("crime_victim", "Recorded as victim of crime", ("police",)),
        EventType("arrest", "Arrest", ("police",)),
        EventType(
            "exploitation_screening", "Exploitation risk screening", ("csc", "police", "health", "yos")
        ),
        EventType("multi_agency_meeting", "Multi-agency exploitation / missing meeting", ("csc", "police")),
        EventType("ae_attendance", "A&E attendance", ("health",)),
        EventType("sexual_health", "Sexual health service contact", ("health",)),
        EventType("camhs_referral", "CAMHS referral", ("health",)),
        EventType("school_nursing", "School nursing contact", ("health",)),
        EventType("gp_consultation", "GP consultation", ("health",)),
        EventType("health_visiting", "Health visiting contact", ("health",)),
        EventType(
            "probation_supervision", "Supervised adult linked to the child's household", ("probation",)
        ),
        EventType("yos_intervention", "Youth justice intervention or order", ("yos",)),
        EventType("exclusion", "School exclusion (suspension or permanent)", ("education",)),
        EventType("child_missing_education", "Child missing education", ("education",)),
        EventType("attendance_concern", "Persistent absence from school", ("education",)),
        EventType("school_enrolment", "School enrolment", ("education",)),
    )
}

RISK_FLAGS: dict[str, str] = {
    "missing": "Missing from home, care or education",
    "cse": "Child sexual exploitation risk",
    "criminal_exploitation": "Child criminal exploitation risk",
    "gang": "Gang association",
    "county_lines": "County lines",
    "trafficking": "Trafficking / modern slavery",
    "child_missing_education": "Child missing education",
    "exclusion": "Excluded from school",
    "domestic_abuse": "Domestic abuse in the household",
    "neglect": "Neglect",
    "sexual_abuse": "Sexual abuse",
    "physical_abuse": "Physical abuse",
    "emotional_abuse": "Emotional abuse",
    "substance_misuse": "Substance misuse",
    "mental_health": "Mental health concern",
    "self_harm": "Self-harm",
    "serious_youth_violence": "Serious youth violence",
}
FLAG_SEPARATOR = ";"


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

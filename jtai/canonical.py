"""The canonical vocabulary, defined once: agencies, record fields, event types, risk flags.

Every agency row becomes one record in this layout (see DESIGN.md, "Canonical data"). Readers,
mappings, the store, the synthetic data generator, linkage, sampling and scoring all speak it,
so it sits on the lowest floor and imports nothing of jtai. The names of a workspace's own
files are here too: the workspace, the audit log and the export guard all need them.
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
IDENTIFIERS: tuple[str, ...] = ("agency_person_id", "la_child_id", "nhs_number", "upn", "pnc_id")
NAME_FIELDS: tuple[str, ...] = ("first_name", "last_name")
# More identity fields that health, police and council extracts often hold: linkage compares
# them when a workspace has them filled in. Stored after the other columns (schema 5).
CONTACT_FIELDS: tuple[str, ...] = (
    "address_line_1",
    "address_line_2",
    "town",
    "previous_postcode",
    "former_last_name",
    "email",
    "phone",
)
IDENTITY_FIELDS: tuple[str, ...] = (
    *IDENTIFIERS, *NAME_FIELDS, "dob", "sex", "ethnicity", "postcode", *CONTACT_FIELDS,
)  # fmt: skip
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
# Identity fields that identify a person: never in a publishable output (sex and ethnicity do not).
IDENTIFYING: tuple[str, ...] = (*IDENTIFIERS, *NAME_FIELDS, "dob", "postcode", *CONTACT_FIELDS)
IDENTIFYING_FIELDS: frozenset[str] = frozenset(IDENTIFYING)

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

# The inspectorate name of the area's own auditors (in a self-assessment team and in judgements).
LOCAL = "local"

# A workspace's own files (see jtai.workspace): an export never writes over one of them.
CONFIG_NAME = "inspection.yaml"
DB_NAME = "jtai.db"
KEY_NAME = ".key"
FRAMEWORK_NAME = "framework.yaml"  # the copy of a framework file named at init
AUDIT_HEAD_NAME = "audit.head"  # the audit log's last hash, kept beside the store
DEMO_MARKER = ".jtai-demo"  # "the next `jtai demo` may delete this folder"
STORE_NAMES: tuple[str, ...] = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm")  # the store and its journal
OWN_FILES: frozenset[str] = frozenset({CONFIG_NAME, *STORE_NAMES, KEY_NAME, AUDIT_HEAD_NAME, FRAMEWORK_NAME})

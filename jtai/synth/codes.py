"""Code lists and distributions: the Annex A letter codes and an English area's mixes."""

from __future__ import annotations

# CBDS ethnicity codes with the Annex A template's letters (it repeats "s)"), the share of
# children in an English area (rounded from the 2021 census, ages 0-17) and the name group.
ETHNICITIES: tuple[tuple[str, str, float, str], ...] = (
    ("a", "WBRI", 0.680, "w"),
    ("b", "WIRI", 0.002, "w"),
    ("c", "WIRT", 0.001, "w"),
    ("d", "WOTH", 0.060, "w"),
    ("e", "WROM", 0.003, "w"),
    ("f", "MWBC", 0.015, "b"),
    ("g", "MWBA", 0.006, "b"),
    ("h", "MWAS", 0.012, "a"),
    ("i", "MOTH", 0.016, "w"),
    ("j", "AIND", 0.030, "a"),
    ("k", "APKN", 0.045, "a"),
    ("l", "ABAN", 0.016, "a"),
    ("m", "AOTH", 0.017, "a"),
    ("n", "BCRB", 0.008, "b"),
    ("o", "BAFR", 0.035, "b"),
    ("p", "BOTH", 0.006, "b"),
    ("q", "CHNE", 0.004, "w"),
    ("r", "OOTH", 0.017, "w"),
    ("s", "REFU", 0.005, "w"),
    ("s", "NOBT", 0.006, "w"),
)
ETHNICITY_CODES = tuple(code for _, code, _, _ in ETHNICITIES)
ETHNICITY_LABELS = tuple(f"{letter}) {code}" for letter, code, _, _ in ETHNICITIES)
ETHNICITY_GROUPS = tuple(group for *_, group in ETHNICITIES)

SEX_CODES = ("male", "female", "unknown")
SEX_SHARES = (0.512, 0.486, 0.002)
SEX_LABELS = ("a) Male", "b) Female", "c) Not stated/recorded")

YES_NO = ("a) Yes", "b) No")

CONTACT_SOURCES: tuple[str, ...] = (
    "a) 1A: Individual",
    "b) 1B: Individual",
    "c) 1C: Individual",
    "d) 1D: Individual",
    "e) 2A: Schools",
    "f) 2B: Education services",
    "g) 3A: Health services",
    "h) 3B: Health services",
    "i) 3C: Health services",
    "j) 3D: Health services",
    "k) 3E: Health services",
    "l) 3F: Health services",
    "m) 4: Housing",
    "n) 5A: LA services",
    "o) 5B: LA services",
    "p) 5C: LA services",
    "q) 6: Police",
    "r) 7: Other legal agency",
    "s) 8: Other",
    "t) 9: Anonymous",
    "u) 10: Unknown",
)
# Shares of contacts by source in England (police about a third, schools a fifth).
CONTACT_SOURCE_SHARES: tuple[float, ...] = (
    0.05, 0.02, 0.01, 0.02, 0.18, 0.02, 0.02, 0.03, 0.01, 0.03, 0.03, 0.04,
    0.02, 0.02, 0.03, 0.02, 0.32, 0.03, 0.05, 0.01, 0.00,
)  # fmt: skip

PRIMARY_NEEDS: tuple[str, ...] = (
    "N1 - Abuse or neglect",
    "N2 - Child's disability",
    "N3 - Parental illness/disability",
    "N4 - Family in acute stress",
    "N5 - Family dysfunction",
    "N6 - Socially unacceptable behaviour",
    "N7 - Low income",
    "N8 - Absent parenting",
)
PRIMARY_NEED_SHARES = (0.55, 0.04, 0.03, 0.08, 0.15, 0.02, 0.01, 0.12)

CASE_STATUSES = (
    "a) Looked after child",
    "b) Child Protection plan",
    "c) Child in need plan",
    "d) Open assessment",
    "e) Closed episode",
)
ABUSE_CATEGORIES = ("Neglect", "Physical abuse", "Sexual abuse", "Emotional abuse", "Multiple")
ABUSE_SHARES = (0.48, 0.07, 0.04, 0.37, 0.04)
LEGAL_STATUSES = ("C2: FCO", "E1: Placement order", "V2: Section 20", "J2: Remanded", "L1: Police protection")
LEGAL_SHARES = (0.55, 0.10, 0.30, 0.02, 0.03)
PLACEMENT_TYPES = (
    "f) U6: Foster placement - not FFA",
    "a) U1: Foster placement - relatives - long term",
    "d) U4: Foster placement - long term",
    "k) K2: Children's homes",
    "h) P1: Placed with parents",
    "l) H5: Semi-independent living",
)
PLACEMENT_SHARES = (0.40, 0.12, 0.20, 0.13, 0.07, 0.08)
PERMANENCE_PLANS = (
    "a) Return to family",
    "b) Adoption",
    "c) Other planned permanent arrangement",
    "d) Long term fostering",
    "e) Special guardianship order",
)
CATEGORIES_OF_NEED = ("N1 - Abuse or neglect", "N4 - Family in acute stress", "N5 - Family dysfunction")
ELIGIBILITY = ("a) Relevant child", "b) Former relevant child", "c) Qualifying care leaver")
ACCOMMODATION = ("U: Independent living", "Y: Other accommodation", "T: Foyers", "S: Semi-independent")
ACTIVITY = (
    "F1: Full time in higher education",
    "F2: Full time in education other than higher",
    "F4: Full time employment",
    "G5: Not in education, employment or training - other",
)
EARLY_HELP_ORGS = (
    "Seaborough Early Help Hub",
    "Early Help Locality North",
    "Early Help Locality South",
    "Harbour Primary School",
    "Seaborough Academy",
)
REASONS_FOR_CLOSURE = ("RC1: Adopted", "RC8: Case closed after assessment", "RC7: Transferred to services")

"""The guard's two measuring corpora: variants of loaded values, and ordinary inspection prose.

Used by the test suite (which asserts every variant refused and every prose line passed)
and by ``bench/guard.py`` (which adds the demo's reports and synthetic areas). The child is
fictional: Daisy Pellby and Katherine Brinemoore, NHS number 943 476 5919, PNC 18/123456A,
born 3 April 2005, postcode SS1 2AB.
"""

from __future__ import annotations

from jtai.anonymity.guard import IdentifyingIndex


def corpus_index(extra_names: list[tuple[str, str]] | None = None) -> IdentifyingIndex:
    """The index the corpora are measured against (plus ``extra_names``, e.g. a synthetic area's)."""
    ix = IdentifyingIndex()
    ix.add_name("Daisy", "Pellby")
    ix.add_name("Katherine", "Brinemoore")
    ix.add_name("Jayden", "Smith")
    for first, last in extra_names or []:
        ix.add_name(first, last)
    ix.add_identifier("9434765919")
    ix.add_identifier("18/123456A")
    ix.add_date_of_birth("2005-04-03")
    ix.add_postcode("SS1 2AB")
    return ix


VARIANTS: tuple[str, ...] = (
    # exact and any case
    "Daisy Pellby was seen.",
    "DAISY PELLBY",
    "daisy pellby",
    "Pellby was seen.",
    "pellby was seen",
    "PELLBY",
    "Brinemoore's mother",
    "brinemoore",
    "Katherine Brinemoore",
    # near misses: one edit, two for long names, doubled letters, transpositions
    "Daisy Pelby",
    "Pellbey",
    "PELLBYY",
    "Pellby2",
    "Pelbby",
    "Plelby",
    "Pellbu",
    "Pellyb",
    "Pekkby",
    "Pellbys",
    "Brinemore",
    "Brinmoore",
    "Brynemoore",
    "Brinemooore",
    "Brinemoorre",
    "Brynemor",
    "Brinem0ore",
    "Katherin Brinemoore",
    "Smiht's plan",
    "Jaydem Smith",
    # letters spaced, broken at a line end, split by markup or entities, symbols and digits
    "P e l l b y",
    "P.e.l.l.b.y",
    "P-e-l-l-b-y",
    "Pell- by",
    "Pell -by",
    "Pell-\nby",
    "Pell-by",
    "Pell<b>by</b>",
    "<i>Pell</i>by",
    "Pell&#98;y",
    "Pell&#x62;y",
    "Pell&amp;#98;y",
    "Pell**by**",
    "Pe11by",
    "P3llby",
    "Pellb¥",
    "J@yden Smith",
    "5mith and J4yden",
    "Pell|by",
    "PeIlby",
    "Pel\u00adlby",
    "Pell\u200bby",
    "Ｐｅｌｌｂｙ",
    "Рellby",
    # identifiers, dates of birth and postcodes, exact after normalising
    "NHS 943 476 5919",
    "9434765919",
    "943-476-5919",
    "943.476.5919",
    "NHS9434765919",
    "18/123456a",
    "PNC 18-123456A",
    "born 03/04/2005",
    "born 3 April 2005",
    "born 2005-04-03",
    "born 3rd of April 2005",
    "born 3 Apr 05",
    "born April 3, 2005",
    "born 03042005",
    "lives at SS1 2AB",
    "ss12ab",
    "SS1-2AB",
)

PROSE: tuple[str, ...] = (
    "Staff across the partnership are tenacious in their efforts to engage with children.",
    "The police and children's social care share information promptly in the MASH.",
    "Health professionals are not routinely invited to strategy discussions.",
    "Return home interviews are not always offered promptly, and what children say is not used.",
    "Schools do not always tell the local authority when children are missing education.",
    "The Local Safeguarding Children Board has recently strengthened how it challenges partners.",
    "A 15-year-old had gone missing from home eleven times in three months.",
    "Officers served abduction warning notices and the flat was closed.",
    "The youth offending worker took the child to a boxing club; the child was safer.",
    "CAMHS, A&E, school nursing and GPs identify signs of exploitation and share information.",
    "Multi-agency meetings consider individual children, peer groups and places.",
    "The National Probation Service and the Community Rehabilitation Company share intelligence.",
    "Young people's views shape services; well-being is co-ordinated across agencies.",
    "In May 2018, 40 contacts were sampled and 12 were stepped down to early help.",
    "Leaders know the strengths and weaknesses of practice and hold each other to account.",
    "The problem profile is used to target patrols, disruption and outreach.",
    "Hardly any plan was reviewed after each missing episode; thresholds are applied consistently.",
    "The director of children's services should send the written statement of action.",
    "Consent is sought, or overridden with a recorded reason, in most contacts.",
    "Will the partnership act on this? It will, and the safeguarding partners will oversee it.",
    "Seen by the duty social worker within 24 hours; strategy discussion held on day two.",
    "Reduced timetables, exclusions and elective home education are tracked by the inclusion team.",
    "MARAC, MAPPA and the exploitation panel meet fortnightly; RHI completion is 62%.",
    "Ofsted, CQC, HMICFRS and HMI Probation undertook the inspection.",
    "Practitioners build trusting relationships and persist when children disengage.",
)


def rates(
    ix: IdentifyingIndex, variants: tuple[str, ...] = VARIANTS, prose: tuple[str, ...] = PROSE
) -> tuple[float, float]:
    """(share of variants refused, share of prose lines refused)."""
    refused = sum(bool(ix.scan_text(v)) for v in variants) / len(variants)
    false = sum(bool(ix.scan_text(p)) for p in prose) / len(prose)
    return refused, false

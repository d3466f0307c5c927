"""Code lists: the values a coded column may hold, and the one canonical form of each.

Annex A writes codes with a letter prefix (``a) Male``, ``q) 6: Police``); files also hold
the bare value (``Male``) or the code alone (``6``, ``WBRI``). All three are the same code.
A :class:`CodeList` turns any of them into its canonical value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PREFIX = re.compile(r"^\s*[a-zA-Z]\)\s*")
_SPACES = re.compile(r"[\s\u00a0]+")


def strip_prefix(value: str) -> str:
    """``"a) Male"`` -> ``"Male"``; a value without a letter prefix is returned trimmed."""
    return _PREFIX.sub("", value).strip()


def _key(value: str) -> str:
    return _SPACES.sub(" ", strip_prefix(value)).strip().casefold()


@dataclass(frozen=True)
class CodeList:
    """A closed list of codes.

    Attributes:
        name: the list's name, used in messages and mapping files.
        entries: canonical value -> every spelling accepted for it (codes and labels).
        strict: an unlisted value is quarantined; otherwise it is kept as written.
    """

    name: str
    entries: dict[str, tuple[str, ...]]
    strict: bool = True
    _lookup: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for canonical, spellings in self.entries.items():
            for spelling in (canonical, *spellings):
                self._lookup[_key(spelling)] = canonical
                # "6: Police" is also accepted as "6" and as "Police"
                if ":" in spelling:
                    code, _, label = spelling.partition(":")
                    self._lookup.setdefault(_key(code), canonical)
                    self._lookup.setdefault(_key(label), canonical)

    def lookup(self, value: str) -> str | None:
        """The canonical value of ``value``, or None if it is not in the list."""
        found = self._lookup.get(_key(value))
        if found is None and ":" in value:
            # "b) 1B: Individual": the code decides, whatever label the file gives it
            found = self._lookup.get(_key(strip_prefix(value).partition(":")[0]))
        return found

    def with_recode(self, recode: dict[str, str]) -> CodeList:
        """A copy that also accepts the user's own spellings (``{spelling: canonical}``)."""
        entries = {k: tuple(v) for k, v in self.entries.items()}
        for spelling, canonical in recode.items():
            entries[canonical] = (*entries.get(canonical, ()), spelling)
        return CodeList(self.name, entries, self.strict)


SEX = CodeList(
    "sex",
    {
        "male": ("a) Male", "M", "1", "Boy"),
        "female": ("b) Female", "F", "2", "Girl"),
        "unknown": (
            "c) Not stated/recorded",
            "Not stated/recorded (or unborn)",
            "Not stated",
            "Not recorded",
            "Not known",
            "Unborn",
            "U",
            "0",
            "9",
        ),
        "neither": ("d) Neither", "Indeterminate", "X"),
    },
)

ETHNICITY = CodeList(
    "ethnicity",
    {
        "WBRI": ("White British", "White - British"),
        "WIRI": ("White Irish", "White - Irish"),
        "WIRT": ("Traveller of Irish heritage",),
        "WOTH": ("Any other White background",),
        "WROM": ("Gypsy/Roma", "Gypsy / Roma"),
        "MWBC": ("White and Black Caribbean",),
        "MWBA": ("White and Black African",),
        "MWAS": ("White and Asian",),
        "MOTH": ("Any other mixed background",),
        "AIND": ("Indian",),
        "APKN": ("Pakistani",),
        "ABAN": ("Bangladeshi",),
        "AOTH": ("Any other Asian background",),
        "BCRB": ("Caribbean",),
        "BAFR": ("African",),
        "BOTH": ("Any other Black background",),
        "CHNE": ("Chinese",),
        "OOTH": ("Any other ethnic group",),
        "REFU": ("Refused",),
        "NOBT": ("Information not yet obtained", "Not obtained"),
    },
)

# Contact and referral sources (Annex A lists 1 and 3; CIN census codes).
SOURCE = CodeList(
    "source",
    {
        "1A: Individual - family member/relative/carer": ("1A",),
        "1B: Individual - acquaintance": ("1B",),
        "1C: Individual - self": ("1C",),
        "1D: Individual - other": ("1D",),
        "2A: Schools": ("2A",),
        "2B: Education services": ("2B",),
        "3A: Health services - GP": ("3A",),
        "3B: Health services - health visitor": ("3B",),
        "3C: Health services - school nurse": ("3C",),
        "3D: Health services - other primary health services": ("3D",),
        "3E: Health services - A&E": ("3E",),
        "3F: Health services - other": ("3F",),
        "4: Housing": ("4",),
        "5A: LA services - social care": ("5A",),
        "5B: LA services - other internal": ("5B",),
        "5C: LA services - external": ("5C",),
        "6: Police": ("6",),
        "7: Other legal agency": ("7",),
        "8: Other": ("8",),
        "9: Anonymous": ("9",),
        "10: Unknown": ("10",),
    },
)

YES_NO = CodeList(
    "yesno",
    {
        "yes": ("a) Yes", "Y", "True", "1"),
        "no": ("b) No", "N", "False", "0"),
        "unknown": ("c) Unknown", "U", "Not known"),
    },
)

CODE_LISTS: dict[str, CodeList] = {c.name: c for c in (SEX, ETHNICITY, SOURCE, YES_NO)}

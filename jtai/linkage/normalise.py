"""Identifiers and identity fields made comparable across agencies.

Agencies write the same NHS number as ``943 476 5919`` or ``9434765919``, names in any case,
postcodes with or without the space. Linkage compares the normalised forms only; the records
themselves are never changed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from jtai.linkage.nicknames import name_group

if TYPE_CHECKING:
    import pandas as pd

# The strong identifiers, in the order the deterministic pass trusts them.
STRONG_IDS: tuple[str, ...] = ("nhs_number", "la_child_id", "upn", "pnc_id")
# Identifiers a child has only one of: two different valid values never link.
EXCLUSIVE_IDS: tuple[str, ...] = ("nhs_number", "upn")
# Sexes that count as recorded: two different recorded sexes never link.
RECORDED_SEXES: frozenset[str] = frozenset({"male", "female"})

_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_SOUNDEX_CODES = {
    **dict.fromkeys("BFPV", "1"),
    **dict.fromkeys("CGJKQSXZ", "2"),
    **dict.fromkeys("DT", "3"),
    "L": "4",
    **dict.fromkeys("MN", "5"),
    "R": "6",
}
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_PNC = re.compile(r"^(\d{2}|\d{4})/?0*(\d{1,7})([A-Z])$")


def nhs_number_valid(digits: str) -> bool:
    """Whether a 10-digit string passes the NHS number modulus-11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nhs_number(value: str | None) -> str | None:
    """The NHS number as 10 digits, or None when it is missing or fails its check digit."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    return digits if nhs_number_valid(digits) else None


def upn_valid(upn: str) -> bool:
    """Whether a 13-character unique pupil number's check letter is right.

    The letter is the weighted sum (weights 2 to 13) of the 12 characters after it, modulo
    23, as a letter of ``ABCDEFGHJKLMNPQRTUVWXYZ``; a temporary UPN's last character is a
    letter and counts as its position in that alphabet.
    """
    if len(upn) != 13 or upn[0] not in _UPN_LETTERS or not upn[1:12].isdigit():
        return False
    last = upn[12]
    values = [int(c) for c in upn[1:12]]
    if last.isdigit():
        values.append(int(last))
    elif last in _UPN_LETTERS:
        values.append(_UPN_LETTERS.index(last))
    else:
        return False
    total = sum(v * w for v, w in zip(values, range(2, 14), strict=True))
    return _UPN_LETTERS[total % 23] == upn[0]


def upn(value: str | None) -> str | None:
    """A UPN in upper case without spaces, or None when missing or its check letter is wrong."""
    text = plain_id(value)
    return text if text and upn_valid(text) else None


def pnc_id(value: str | None) -> str | None:
    """A PNC id as ``YY/NNNNNNNL`` (two-digit year, number without leading zeros, letter)."""
    if not value:
        return None
    text = re.sub(r"\s", "", value.upper())
    match = _PNC.match(text)
    if match is None:
        return text or None
    year, number, letter = match.groups()
    return f"{year[-2:]}/{int(number)}{letter}"


def plain_id(value: str | None) -> str | None:
    """A council child id or UPN: upper case, letters and digits only."""
    if not value:
        return None
    text = re.sub(r"[^0-9A-Z]", "", value.upper())
    return text or None


def soundex(name: str | None) -> str | None:
    """The American Soundex code of a name's first word (``ROBERT`` -> ``R163``)."""
    if not name:
        return None
    word = name.split(" ")[0]
    if not word:
        return None
    first = word[0]
    codes = [first]
    last = _SOUNDEX_CODES.get(first, "")
    for char in word[1:]:
        code = _SOUNDEX_CODES.get(char, "")
        if code and code != last:
            codes.append(code)
        if char not in "HW":
            last = code
    return ("".join(codes) + "000")[:4]


def identity_frame(records: pd.DataFrame) -> pd.DataFrame:
    """Normalise the identity columns of ``records`` (one row per record).

    Args:
        records: columns ``id, subject, agency, agency_person_id, la_child_id, nhs_number,
            upn, pnc_id, first_name, last_name, dob, sex, postcode``.

    Returns:
        The same rows with the identity columns normalised (missing values as ``None``),
        plus ``first_group`` (see :mod:`.nicknames`), ``first_sdx`` and ``last_sdx``
        (Soundex), ``dob_year``, ``dob_swapped`` (day and month exchanged), ``dob_days``
        (days since 1900, for date differences), ``dob_md`` (month and day),
        ``postcode_sector`` and ``postcode_district``, and the contact fields
        (see :func:`contact`; None where ``records`` lacks them).
    """
    import pandas as pd

    out = pd.DataFrame({"id": records["id"].astype("int64")})
    out["subject"] = records["subject"].fillna("child").astype(object)
    out["agency"] = records["agency"].astype(object)
    out["agency_person_id"] = _clean(records["agency_person_id"].str.strip())
    out["nhs_number"] = _map_unique(records["nhs_number"], nhs_number)
    out["la_child_id"] = _map_unique(records["la_child_id"], plain_id)
    out["upn"] = _map_unique(records["upn"], upn)
    out["pnc_id"] = _map_unique(records["pnc_id"], pnc_id)
    for field in ("first_name", "last_name"):
        names = (
            records[field]
            .str.upper()
            .str.replace(r"['’`.]", "", regex=True)
            .str.replace(r"[^A-Z]+", " ", regex=True)
            .str.strip()
        )
        out[field] = _clean(names)
    out["first_group"] = _map_unique(out["first_name"], name_group)
    out["first_sdx"] = _map_unique(out["first_name"], soundex)
    out["last_sdx"] = _map_unique(out["last_name"], soundex)
    dob = records["dob"].str.strip()
    dob = dob.where(dob.str.match(r"^\d{4}-\d{2}-\d{2}$", na=False))
    out["dob"] = _clean(dob)
    out["dob_year"] = _clean(dob.str.slice(0, 4))
    out["dob_md"] = _clean(dob.str.slice(5, 10))
    out["dob_swapped"] = _clean(dob.str.slice(0, 5) + dob.str.slice(8, 10) + "-" + dob.str.slice(5, 7))
    days = pd.to_datetime(dob, format="%Y-%m-%d", errors="coerce")
    out["dob_days"] = ((days - pd.Timestamp("1900-01-01")).dt.days).astype("Int64").astype(object)
    out["dob_days"] = out["dob_days"].where(out["dob_days"].notna(), None)
    sex = records["sex"].str.strip().str.lower()
    out["sex"] = _clean(sex.where(sex.isin(list(RECORDED_SEXES))))
    out["postcode"] = _map_unique(records["postcode"], postcode)
    out["postcode_sector"] = _map_unique(out["postcode"], postcode_sector)
    out["postcode_district"] = _map_unique(out["postcode"], postcode_district)
    contact(records, out)
    return out


def contact(records: pd.DataFrame, out: pd.DataFrame) -> None:
    """Add the normalised contact fields an extract may hold (all None when it has none).

    Addresses and towns upper case with single spaces and no punctuation (and, for blocking,
    ``street_sdx`` and ``locality_sdx``: the Soundex of each address line's first word of
    letters); a former surname
    like a surname; a previous postcode like a postcode; an email in lower case; a phone
    number as its last 10 digits (so ``+44 7700 900123`` and ``07700900123`` agree).
    """
    import pandas as pd

    none = pd.Series([None] * len(records), index=out.index, dtype=object)
    for field in ("address_line_1", "address_line_2", "town", "former_last_name"):
        if field not in records or not records[field].notna().any():
            out[field] = none
            continue
        text = (
            records[field]
            .str.upper()
            .str.replace(r"['’`.]", "", regex=True)
            .str.replace(r"[^0-9A-Z]+", " ", regex=True)
            .str.strip()
        )
        out[field] = _clean(text)
    out["previous_postcode"] = (
        _map_unique(records["previous_postcode"], postcode) if "previous_postcode" in records else none
    )
    out["street_sdx"] = _map_unique(out["address_line_1"], _word_soundex)
    out["locality_sdx"] = _map_unique(out["address_line_2"], _word_soundex)
    out["email"] = _clean(records["email"].str.strip().str.lower()) if "email" in records else none
    out["phone"] = _map_unique(records["phone"], phone) if "phone" in records else none


def _word_soundex(text: str | None) -> str | None:
    """The Soundex of the first word of an address line with letters (``12 ACACIA RD`` -> A200)."""
    if not text:
        return None
    for word in text.split(" "):
        if word.isalpha():
            return soundex(word)
    return None


_UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}$")


def postcode(value: str | None) -> str | None:
    """A postcode in upper case: a UK one with its space (``SW1A 1AA``), any other as written.

    A postcode of another shape (abroad, or mistyped) is kept without spaces or punctuation:
    linkage compares what is there and drops nothing for its shape.
    """
    if not value:
        return None
    text = re.sub(r"[^0-9A-Z]", "", value.upper())
    if not text:
        return None
    if _UK_POSTCODE.match(text):
        return f"{text[:-3]} {text[-3:]}"
    return text


def postcode_sector(code: str | None) -> str | None:
    """A UK postcode's sector (``SW1A 1``); for another shape, all but its last character."""
    if not code or len(code) < 3:
        return None
    return code[:-2] if " " in code else code[:-1]


def postcode_district(code: str | None) -> str | None:
    """A UK postcode's district (``SW1A``); for another shape, all but its last two characters."""
    if not code or len(code) < 4:
        return None
    return code.split(" ")[0] if " " in code else code[:-2]


def phone(value: str | None) -> str | None:
    """A phone number's last 10 digits (UK numbers with or without +44 or 0), or None."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    return digits[-10:] if len(digits) >= 7 else None


def _clean(series: pd.Series) -> pd.Series:
    """Object dtype with ``None`` for missing and empty strings (what splink and sets expect)."""
    values = series.astype(object)
    return values.where(values.notna() & (values != ""), None)


def _map_unique(series: pd.Series, func: object) -> pd.Series:
    """Apply ``func`` once per distinct value (identifiers repeat across a child's events)."""
    import pandas as pd

    filled = series.notna()
    if not filled.any():  # a field this workspace does not hold: nothing to map
        return pd.Series([None] * len(series), index=series.index, dtype=object)
    values = series.astype(object).where(filled, None)
    uniques = pd.unique(values[filled])
    mapping = {u: func(u) for u in uniques}  # type: ignore[operator]
    return _clean(values.map(mapping))

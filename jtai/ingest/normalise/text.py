"""Identifiers, NHS numbers, postcodes, free text and coded values (see :mod:`jtai.ingest.normalise`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jtai.ingest.codes import CodeList
from jtai.ingest.normalise.columns import (
    arrow,
    by_distinct,
    cached_factors,
    factorize,
    replaced,
    seed,
    text_series,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"
_POSTCODE_SPACED = r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"

# RE2's \s misses some white space, and its \d is ASCII only.
_WS = "[ \t\r\n\u00a0\u2007\u202f\u000b\u000c]"


def text(values: pd.Series) -> pd.Series:
    """Trim, and turn runs of white space (tabs, non-breaking spaces) into one space."""
    import pandas as pd

    # the cells to clean are found among the distinct values (hashing a column is several
    # times faster than a regular expression over it); most extracts have none
    codes, uniques = cached_factors(values)
    odd = pd.Series(uniques).str.contains("^ | $|  |[\t\r\n\u00a0\u2007\u202f\u000b\u000c]", regex=True)
    if bool(odd.any()):
        rows = odd.to_numpy(dtype=bool, na_value=False)[codes]
        values = values.where(~rows, values.str.replace(f"{_WS}+", " ", regex=True).str.strip())
    return values


def identifier(values: pd.Series) -> pd.Series:
    """Trim; numbers lose a trailing ``.0`` and leading zeros (``000123.0`` -> ``123``)."""
    import numpy as np

    return by_distinct(values, lambda v: (_identifier(v), np.zeros(len(v), dtype=bool)))[0]


def _identifier(values: pd.Series) -> pd.Series:
    values = text(values)
    # only numbers with leading zeros or a decimal part change
    numeric = values.str.fullmatch(r"0[0-9]*(\.0+)?|[0-9]+\.0+")
    if bool(numeric.any()):
        stripped = values.str.replace(r"\.0+$", "", regex=True).str.lstrip("0")
        stripped = stripped.where(stripped != "", "0")
        values = values.where(~numeric, stripped)
    return values


def upper_code(values: pd.Series) -> pd.Series:
    """Upper case with no spaces: UPNs and PNC ids."""
    return values.str.replace(f"{_WS}+", "", regex=True).str.upper()


def nhs_number(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Ten digits with a valid Modulus 11 check digit; spaces and dashes dropped; else empty (flagged)."""
    return by_distinct(values, _nhs_number)


def _nhs_number(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    shaped = values.str.fullmatch(r"[0-9]{10}").to_numpy(dtype=bool)
    rest = ~shaped & (values != "").to_numpy(dtype=bool)
    if rest.any():
        # only the cells not already ten digits are cleaned (a few, in most extracts)
        cleaned = (
            values[rest].str.replace("[ \t\u00a0-]", "", regex=True).str.replace(r"\.0$", "", regex=True)
        )
        values = replaced(values, rest, cleaned)
        shaped = values.str.fullmatch(r"[0-9]{10}").to_numpy(dtype=bool)
    bad = (values != "").to_numpy(dtype=bool) & ~shaped
    if shaped.any():
        number = pc.cast(arrow(values[shaped]), pa.int64()).to_numpy()
        powers = 10 ** np.arange(9, -1, -1, dtype=np.int64)
        digits = (number[:, None] // powers) % 10
        total = digits[:, :9] @ np.array(_NHS_WEIGHTS, dtype=np.int64)
        check = 11 - total % 11
        check = np.where(check == 11, 0, check)
        ok = (check != 10) & (check == digits[:, 9])
        bad[np.flatnonzero(shaped)[~ok]] = True
    if bad.any():
        values = replaced(values, bad, "")  # a bad value is left empty (it is kept as a field issue)
    return values, bad


def postcode(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """UK postcode, upper case, with one space before the last three characters.

    Any other shape (abroad, mistyped) is flagged and kept upper case without spaces:
    linkage compares what is there.
    """
    return by_distinct(values, _postcode)


def _postcode(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    canonical = values.str.fullmatch(_POSTCODE_SPACED).to_numpy(dtype=bool)
    rest = ~canonical & (values != "").to_numpy(dtype=bool)
    if not rest.any():
        return values, rest
    # only the cells not already in the canonical form are reshaped
    compact = values[rest].str.replace(f"{_WS}+", "", regex=True).str.upper()
    good = compact.str.fullmatch(_POSTCODE).to_numpy(dtype=bool)
    formatted = (compact.str.slice(0, -3) + " " + compact.str.slice(-3)).where(good, compact)
    out = replaced(values, rest, formatted)
    bad = rest.copy()
    bad[rest] = ~good
    return out, bad


def coded(values: pd.Series, codes: CodeList, *, strict: bool) -> tuple[pd.Series, np.ndarray]:
    """Map each value to its canonical code (prefix ``a)`` or not, code or label).

    Distinct values are looked up once, so a million rows cost no more than their codes.
    An unlisted value is flagged when ``strict``; otherwise it is kept, trimmed.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    values = text(values)
    codes_of_rows, uniques = factorize(values)
    canonical: list[str] = []
    unknown: list[bool] = []
    for value in uniques.tolist():
        found = codes.lookup(value) if value != "" else ""
        # an unlisted value: left empty when strict (it is kept as a field issue), else kept
        canonical.append(("" if strict else value) if found is None else found)
        unknown.append(found is None)
    if canonical == uniques.tolist():  # every value already a code (or empty): kept as it came
        out = values
    else:
        out = text_series(
            pa.array(canonical, type=pa.large_string()).take(pa.array(codes_of_rows)), values.index
        )
        seed(out, codes_of_rows, pd.Series(canonical, dtype="str"))
    bad = (
        np.array(unknown, dtype=bool)[codes_of_rows]
        if strict and any(unknown)
        else np.zeros(len(values), bool)
    )
    return out, bad

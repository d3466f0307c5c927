"""Vectorised normalisation of canonical fields.

Every function takes a pandas Series of text (``""`` for an empty cell) and returns the
normalised Series (``""`` still meaning empty) and, where a value can be wrong, a boolean
numpy array marking the rows whose value could not be normalised.

Formats written to the store (other areas rely on them):
- identifiers (``agency_person_id``, ``la_child_id``): trimmed; a number written as
  ``123.0`` or ``000123`` becomes ``123``; other text is kept as written, spaces trimmed;
- ``nhs_number``: ten digits, no spaces (``9434765919``), Modulus 11 check digit valid;
- ``upn`` and ``pnc_id``: upper case, no spaces;
- ``postcode``: upper case, one space before the inward code (``SW1A 1AA``);
- names and other text: trimmed, runs of white space (including non-breaking) as one space,
  case as written;
- dates: ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from jtai.errors import ConfigError
from jtai.ingest.codes import CodeList

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers from 1 (1900-01-01) to 109574 (2199-12-31) can be Excel dates.
_MAX_SERIAL = 109574
_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"
_POSTCODE_SPACED = r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"
# Patterns avoid \s and \d so pandas hands them to pyarrow (RE2) instead of Python's re:
# RE2's \s misses some white space, and its \d is ASCII only.
_WS = "[ \t\r\n\u00a0\u2007\u202f\u000b\u000c]"

# Date formats tried, in order, on text that is not ISO; day first, as in the UK.
UK_DATE_FORMATS: tuple[str, ...] = ("%d/%m/%Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%Y%m%d")


# Factorizations of the Series being checked (see factor_cache), by id of the Series; the
# Series is kept in the entry so its id cannot be reused while the cache lives.
_FACTORS: ContextVar[dict[int, tuple[pd.Series, np.ndarray, pd.Index]] | None] = ContextVar(
    "_FACTORS", default=None
)


@contextmanager
def factor_cache() -> Iterator[None]:
    """Within the block, each Series is factorized once by :func:`factorize` and the normalisers.

    A column that normalising leaves as it came (the usual case) is the same Series object
    afterwards, so the codes found while normalising it are reused for the records.
    """
    token = _FACTORS.set({})
    try:
        yield
    finally:
        _FACTORS.reset(token)


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """:func:`pandas.factorize` (code -1 for a missing value), reusing :func:`factor_cache`."""
    import pandas as pd

    codes, uniques = _factorize(values)
    if uniques.hasnans:  # cached with missing values as a value of their own: not the same
        return pd.factorize(values)
    return codes, uniques


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes and distinct values, a missing value being one of them (cached in factor_cache)."""
    import pandas as pd

    cache = _FACTORS.get()
    if cache is not None and id(values) in cache:
        _, codes, uniques = cache[id(values)]
        return codes, uniques
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if cache is not None:
        cache[id(values)] = (values, codes, uniques)
    return codes, uniques


def text(values: pd.Series) -> pd.Series:
    """Trim, and turn runs of white space (tabs, non-breaking spaces) into one space."""
    import pandas as pd

    # the cells to clean are found among the distinct values (hashing a column is several
    # times faster than a regular expression over it); most extracts have none
    codes, uniques = _factorize(values)
    odd = pd.Series(uniques).str.contains("^ | $|  |[\t\r\n\u00a0\u2007\u202f\u000b\u000c]", regex=True)
    if bool(odd.any()):
        rows = odd.to_numpy(dtype=bool, na_value=False)[codes]
        values = values.where(~rows, values.str.replace(f"{_WS}+", " ", regex=True).str.strip())
    return values


def identifier(values: pd.Series) -> pd.Series:
    """Trim; numbers lose a trailing ``.0`` and leading zeros (``000123.0`` -> ``123``)."""
    import numpy as np

    return _by_distinct(values, lambda v: (_identifier(v), np.zeros(len(v), dtype=bool)))[0]


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
    return _by_distinct(values, _nhs_number)


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
        values = _replaced(values, rest, cleaned)
        shaped = values.str.fullmatch(r"[0-9]{10}").to_numpy(dtype=bool)
    bad = (values != "").to_numpy(dtype=bool) & ~shaped
    if shaped.any():
        number = pc.cast(_arrow(values[shaped]), pa.int64()).to_numpy()
        powers = 10 ** np.arange(9, -1, -1, dtype=np.int64)
        digits = (number[:, None] // powers) % 10
        total = digits[:, :9] @ np.array(_NHS_WEIGHTS, dtype=np.int64)
        check = 11 - total % 11
        check = np.where(check == 11, 0, check)
        ok = (check != 10) & (check == digits[:, 9])
        bad[np.flatnonzero(shaped)[~ok]] = True
    if bad.any():
        values = _replaced(values, bad, "")  # a bad value is left empty (it is kept as a field issue)
    return values, bad


def postcode(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """UK postcode, upper case, with one space before the last three characters.

    Any other shape (abroad, mistyped) is flagged and kept upper case without spaces:
    linkage compares what is there.
    """
    return _by_distinct(values, _postcode)


def _postcode(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    canonical = values.str.fullmatch(_POSTCODE_SPACED).to_numpy(dtype=bool)
    rest = ~canonical & (values != "").to_numpy(dtype=bool)
    if not rest.any():
        return values, rest
    # only the cells not already in the canonical form are reshaped
    compact = values[rest].str.replace(f"{_WS}+", "", regex=True).str.upper()
    good = compact.str.fullmatch(_POSTCODE).to_numpy(dtype=bool)
    formatted = (compact.str.slice(0, -3) + " " + compact.str.slice(-3)).where(good, compact)
    out = _replaced(values, rest, formatted)
    bad = rest.copy()
    bad[rest] = ~good
    return out, bad


def dates(values: pd.Series, formats: tuple[str, ...] = ()) -> tuple[pd.Series, np.ndarray]:
    """Dates as ISO text: from ISO text, DD/MM/YYYY text, declared formats or Excel serials.

    Each distinct value is read once when values repeat (a million event dates hold a few
    thousand days). The common forms (ISO, UK day-first with ``/``, ``.`` or ``-``,
    serials) are checked on whole columns with pyarrow; rarer forms are tried on the
    remaining values only.

    Args:
        values: the cells, as text.
        formats: ``strftime`` formats declared by a mapping, tried first.

    Returns:
        The ISO dates (``""`` where empty or unreadable) and the unreadable rows.
    """
    return _by_distinct(values, lambda v: _dates(v, formats))


def _by_distinct(
    values: pd.Series, normalise: Callable[[pd.Series], tuple[pd.Series, np.ndarray]]
) -> tuple[pd.Series, np.ndarray]:
    """``normalise`` applied to the distinct values only, its results spread back to the rows.

    Hashing a column is several times faster than a regular expression over it, and a
    column of a million rows often holds far fewer values (a few thousand days or
    postcodes, a person id per person). Unchanged values are returned as they came.
    """
    import pandas as pd
    import pyarrow as pa

    codes, uniques = _factorize(values)
    if not len(values) or 2 * len(uniques) > len(values):
        return normalise(values)
    distinct = pd.Series(uniques)
    out, bad = normalise(distinct)
    if out is distinct or _same_text(out, distinct):  # already normal (ISO dates): as they came
        return values, bad[codes]
    result = _pandas(_arrow(out).take(pa.array(codes)), values.index)
    _seed(result, codes, out)
    return result, bad[codes]


def _same_text(left: pd.Series, right: pd.Series) -> bool:
    """Whether two text Series hold the same values, in order (a missing value equals none)."""
    import pyarrow.compute as pc

    if len(left) != len(right):
        return False
    equal = pc.fill_null(pc.equal(_arrow(left), _arrow(right)), False)
    return bool(pc.all(equal).as_py())


def _seed(result: pd.Series, codes: np.ndarray, distinct: pd.Series) -> None:
    """Cache the factorization of ``result``, the values ``distinct`` spread by ``codes``.

    Normalising may make two distinct values equal (or empty), so the distinct results are
    factorized again (few) and the codes composed: no pass over the whole column.
    """
    import pandas as pd

    cache = _FACTORS.get()
    if cache is None:
        return
    inner, uniques = pd.factorize(distinct, use_na_sentinel=False)
    cache[id(result)] = (result, inner[codes], uniques)


def _dates(values: pd.Series, formats: tuple[str, ...]) -> tuple[pd.Series, np.ndarray]:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.str.strip()
    out = pd.Series("", index=values.index, dtype="str")
    todo = (values != "").to_numpy(dtype=bool).copy()
    for fmt in formats:
        if not todo.any():
            break
        todo = _try_format(values, out, todo, fmt)
    if not todo.any():
        return out, todo
    cells = _arrow(values)
    result = _arrow(out)
    found = pc.if_else(pa.array(todo), cells, pa.scalar(None, cells.type))
    # written as an ISO or UK date but no such day (31/02/2005): no other form reads these
    no_day = np.zeros(len(todo), dtype=bool)
    for pattern in (_ISO_DATE, _UK_DATE):
        parts = pc.extract_regex(found, pattern)
        year, month, day = (pc.struct_field(parts, k) for k in ("y", "m", "d"))
        good = todo & _real_day(year, month, day)
        no_day |= todo & ~good & pc.is_valid(parts).to_numpy(zero_copy_only=False)
        if good.any():
            sep = pa.scalar("-", cells.type)
            iso = pc.binary_join_element_wise(
                year, pc.utf8_lpad(month, 2, "0"), pc.utf8_lpad(day, 2, "0"), sep
            )
            result = pc.if_else(pa.array(good), iso, result)
            todo = todo & ~good
            found = pc.if_else(pa.array(todo), cells, pa.scalar(None, cells.type))
        if not (todo & ~no_day).any():
            return _pandas(result, values.index), todo
    out = _pandas(result, values.index)
    todo &= ~no_day
    serial = todo & values.str.fullmatch(r"[0-9]{1,6}(\.[0-9]+)?").to_numpy(dtype=bool)
    if serial.any():
        days = pd.to_numeric(values[serial], errors="coerce").to_numpy()
        in_range = (days >= 1) & (days <= _MAX_SERIAL)
        idx = np.flatnonzero(serial)[in_range]
        stamps = pd.Timestamp(EXCEL_EPOCH) + pd.to_timedelta(np.floor(days[in_range]), unit="D")
        out.iloc[idx] = pd.Series(stamps).dt.strftime("%Y-%m-%d").tolist()  # type: ignore[call-overload]
        todo[idx] = False
    for fmt in UK_DATE_FORMATS[1:]:
        if not todo.any():
            break
        todo = _try_format(values, out, todo, fmt)
    return out, todo | no_day


_ISO_DATE = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?:$|[ T][0-9])"
_UK_DATE = r"^(?P<d>[0-9]{1,2})[./-](?P<m>[0-9]{1,2})[./-](?P<y>[0-9]{4})(?:$|[ T][0-9])"
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _real_day(year: Any, month: Any, day: Any) -> np.ndarray:
    """Rows whose year, month and day (arrow text, null where absent) make a real date."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    y, m, d = (pc.cast(p, pa.int32()).to_numpy(zero_copy_only=False) for p in (year, month, day))
    with np.errstate(invalid="ignore"):
        present = ~(np.isnan(y) | np.isnan(m) | np.isnan(d)) if y.dtype.kind == "f" else np.ones(len(y), bool)
        y, m, d = (np.nan_to_num(a, nan=0).astype(np.int64) for a in (y, m, d))
    ok_month = (m >= 1) & (m <= 12)
    dim = np.array(_DAYS_IN_MONTH)[np.where(ok_month, m, 0)]
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    dim = dim + ((m == 2) & leap)
    return present & ok_month & (d >= 1) & (d <= dim) & (y >= 1)  # type: ignore[no-any-return]


def _arrow(values: pd.Series) -> Any:
    """The pyarrow array behind a text Series."""
    import pyarrow as pa

    return pa.chunked_array(values.array.__arrow_array__())


def blanked(values: pd.Series, rows: np.ndarray) -> pd.Series:
    """``values`` with the ``rows`` emptied, its factorization carried over when it is cached.

    Each distinct value keeps its code and the emptied rows take the code of ``""``, so the
    column is not factorized again (a pass over every row) for a few bad cells.
    """
    import numpy as np
    import pandas as pd

    out = _replaced(values, rows, "")
    cache = _FACTORS.get()
    if cache is not None and id(values) in cache:
        _, codes, uniques = cache[id(values)]
        empty = np.flatnonzero(np.asarray(uniques == "", dtype=bool))
        if not len(empty):
            uniques = uniques.append(pd.Index([""], dtype=uniques.dtype))
        codes = codes.copy()
        codes[rows] = empty[0] if len(empty) else len(uniques) - 1
        cache[id(out)] = (out, codes, uniques)
    return out


def filled(values: pd.Series, text: str) -> pd.Series:
    """``values`` with every empty cell set to ``text``, its factorization carried over when cached."""
    import numpy as np

    empty = (values == "").to_numpy(dtype=bool, na_value=False)
    if not empty.any():
        return values
    out = _replaced(values, empty, text)
    cache = _FACTORS.get()
    if cache is not None and id(values) in cache:
        _, codes, uniques = cache[id(values)]
        names = uniques.tolist()
        if text in names:  # the empty cells join the cells holding it
            codes = np.where(codes == names.index(""), names.index(text), codes)
        else:
            uniques = uniques.where(uniques != "", text)
        cache[id(out)] = (out, codes, uniques)
    return out


def _replaced(values: pd.Series, rows: np.ndarray, new: pd.Series | str) -> pd.Series:
    """``values`` with the ``rows`` replaced, by the values of ``new`` in order or by one text.

    In pyarrow: many times faster than :meth:`pandas.Series.where` with ``new`` spread over
    the whole index, which a few bad values among many would cost.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = _arrow(values)
    mask = pa.array(rows, type=pa.bool_())
    if isinstance(new, str):
        out = pc.if_else(mask, pa.scalar(new, cells.type), cells)
    else:
        out = pc.replace_with_mask(cells, mask, _arrow(new).combine_chunks().cast(cells.type))
    return _pandas(out, values.index)


def _pandas(array: Any, index: pd.Index) -> pd.Series:
    """A text Series over a pyarrow array (no copy of the strings)."""
    import numpy as np
    import pandas as pd

    series = array.to_pandas(types_mapper=lambda _: pd.StringDtype("pyarrow", na_value=np.nan))
    return series.set_axis(index)  # type: ignore[no-any-return]


def _try_format(values: pd.Series, out: pd.Series, todo: np.ndarray, fmt: str) -> np.ndarray:
    """Parse the rows still to do with one format; fill ``out``; return what is left."""
    import numpy as np
    import pandas as pd

    try:
        parsed = pd.to_datetime(values[todo], format=fmt, errors="coerce")
    except Exception as exc:  # mappings are checked when read; any other failure is still the format's
        raise ConfigError(
            f"the mapping's date format {fmt!r} cannot be used ({exc}).",
            hint="Give the date format with day, month and year codes, such as '%d.%m.%Y'.",
        ) from None
    good = parsed.notna().to_numpy()
    if good.any():
        idx = np.flatnonzero(todo)[good]
        out.iloc[idx] = parsed[good].dt.strftime("%Y-%m-%d").tolist()
        todo = todo.copy()
        todo[idx] = False
    return todo


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
        out = _pandas(pa.array(canonical, type=pa.large_string()).take(pa.array(codes_of_rows)), values.index)
        _seed(out, codes_of_rows, pd.Series(canonical, dtype="str"))
    bad = (
        np.array(unknown, dtype=bool)[codes_of_rows]
        if strict and any(unknown)
        else np.zeros(len(values), bool)
    )
    return out, bad

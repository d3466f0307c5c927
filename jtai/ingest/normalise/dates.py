"""Dates as ISO text, from ISO, UK day-first text, declared formats and Excel serials."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from jtai.errors import ConfigError
from jtai.ingest.normalise.columns import arrow, by_distinct, text_series

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers from 1 (1900-01-01) to 109574 (2199-12-31) can be Excel dates.
_MAX_SERIAL = 109574

# Date formats tried, in order, on text that is not ISO; day first, as in the UK.
UK_DATE_FORMATS: tuple[str, ...] = ("%d/%m/%Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%Y%m%d")

_ISO_DATE = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?:$|[ T][0-9])"
_UK_DATE = r"^(?P<d>[0-9]{1,2})[./-](?P<m>[0-9]{1,2})[./-](?P<y>[0-9]{4})(?:$|[ T][0-9])"
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


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
    return by_distinct(values, lambda v: _dates(v, formats))


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
    cells = arrow(values)
    result = arrow(out)
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
            return text_series(result, values.index), todo
    out = text_series(result, values.index)
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

"""Checks across a row or the table, and the quarantine entries they produce.

A row is quarantined for the first fault found (:class:`Faults` keeps it); the order of
checks is the order of :data:`jtai.ingest.validate.RULES`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from jtai.ingest.readers import RawSheet

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DATE_FIELDS = ("dob", "event_date", "end_date")


class Faults:
    """The first fault of each row."""

    def __init__(self, n: int) -> None:
        import numpy as np

        self.rule = np.full(n, "", dtype=object)
        self._free = np.ones(n, dtype=bool)  # rows without a fault yet (cheaper than rule == "")
        self.column: dict[int, str] = {}
        self.value: dict[int, str] = {}
        self.message: dict[int, str] = {}

    def add(self, mask: np.ndarray, rule: str, column: str, raw: pd.Series, message: str) -> None:
        import numpy as np

        idx = np.flatnonzero(mask & self._free)
        if not len(idx):
            return
        self.rule[idx] = rule
        self._free[idx] = False
        values = raw.iloc[idx].tolist()
        for i, v in zip(idx.tolist(), values, strict=True):
            self.column[i] = column
            self.value[i] = v
            self.message[i] = message.format(column=column, value=v)

    @property
    def ok(self) -> np.ndarray:
        """Rows without a fault (a copy)."""
        return self._free.copy()


def checked_dates(faults: Faults, header: str, values: pd.Series, formats: tuple[str, ...] = ()) -> pd.Series:
    """A column of dates as ISO text; each value that is not a date is recorded as a fault."""
    from jtai.ingest import normalise as norm

    out, bad = norm.dates(values, formats)
    faults.add(
        bad,
        "unparseable_date",
        header,
        values,
        "{column} {value!r} is not a date; write DD/MM/YYYY or YYYY-MM-DD.",
    )
    return out


def duplicates(codes_by_column: list[np.ndarray], ok: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Rows (among ``ok``) equal in every column to an earlier accepted row, and that row.

    Rows are keyed by a 64-bit mix of their columns' factorized codes; rows whose keys
    collide are then compared code by code (equal codes are equal values), so the answer
    is exact.
    """
    import numpy as np
    import pandas as pd

    n = len(ok)
    key = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for codes in codes_by_column:
            key = key * np.uint64(1_000_003) + (codes.astype(np.int64) + 1).astype(np.uint64)
    key = np.where(ok, key, np.uint64(0))
    candidates = pd.Series(key).duplicated(keep=False).to_numpy() & ok
    dup = np.zeros(n, dtype=bool)
    first: dict[int, int] = {}
    if not candidates.any():
        return dup, first
    idx = np.flatnonzero(candidates)
    values = np.column_stack([codes[idx] for codes in codes_by_column]).tolist()
    seen: dict[tuple[Any, ...], int] = {}
    for i, codes_of_row in zip(idx.tolist(), values, strict=True):
        row = tuple(codes_of_row)
        if row in seen:
            dup[i] = True
            first[i] = seen[row]
        else:
            seen[row] = i
    return dup, first


def date_checks(
    out: dict[str, pd.Series],
    columns: dict[str, int],
    headers: list[str],
    frame: pd.DataFrame,
    faults: Faults,
    today: dt.date,
) -> None:
    def raw(name: str) -> tuple[pd.Series, str]:
        if name in columns:
            return frame[f"c{columns[name]}"], headers[columns[name]]
        return out[name], name

    limit = today.isoformat()
    for name in DATE_FIELDS:
        values = out[name]
        present = values != ""
        col, header = raw(name)
        faults.add(
            (present & (values > limit)).to_numpy(dtype=bool),
            "date_in_future",
            header,
            col,
            f"{{column}} {{value!r}} is after today ({limit}); correct the date in the source system "
            "and load the row again.",
        )
        faults.add(
            (present & (values < "1900-01-01")).to_numpy(dtype=bool),
            "date_too_early",
            header,
            col,
            "{column} {value!r} is before 1900; correct the date in the source system "
            "and load the row again.",
        )
    dob, event, end = out["dob"], out["event_date"], out["end_date"]
    col, header = raw("dob")
    faults.add(
        ((dob != "") & (event != "") & (dob > event)).to_numpy(dtype=bool),
        "birth_after_event",
        header,
        col,
        "{column} {value!r} is after the event date; check both dates in the source system, correct the "
        "wrong one and load the row again (a plan made before birth: see docs/ingest.md, Annex A).",
    )
    col, header = raw("end_date")
    faults.add(
        ((end != "") & (event != "") & (end < event)).to_numpy(dtype=bool),
        "end_before_start",
        header,
        col,
        "{column} {value!r} is before the event date; check both dates in the source system, correct the "
        "wrong one and load the row again.",
    )


def quarantine_rows(
    raw: RawSheet, frame: pd.DataFrame, rows: np.ndarray, faults: Faults
) -> list[tuple[int, str | None, str | None, str, str, str]]:
    import numpy as np

    out: list[tuple[int, str | None, str | None, str, str, str]] = []
    for number, text, fields in raw.ragged:
        out.append(
            (
                number,
                None,
                None,
                "ragged_row",
                f"The row has {fields} fields; the header has {len(raw.headers)}.",
                json.dumps({"line": text}, ensure_ascii=False),
            )
        )
    idx = np.flatnonzero(~faults.ok)
    if len(idx):
        for i, whole in zip(idx.tolist(), raw_json(raw.headers, frame, idx), strict=True):
            out.append(
                (
                    int(rows[i]),
                    faults.column[i] or None,
                    faults.value[i],
                    str(faults.rule[i]),
                    faults.message[i],
                    whole,
                )
            )
    out.sort(key=lambda q: q[0])
    return out


def raw_json(headers: list[str], frame: pd.DataFrame, positions: np.ndarray) -> list[str]:
    """The whole raw rows at ``positions`` of ``frame``, as JSON objects keyed by header."""
    names = _unique([h or f"column {i + 1}" for i, h in enumerate(headers)])
    cells = frame.iloc[positions].itertuples(index=False, name=None)
    return [json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False) for values in cells]


def row_hashes(factors: list[tuple[np.ndarray, Any]]) -> np.ndarray:
    """A stable 64-bit hash of each row's values, from its factorized columns.

    Each column's distinct values are hashed (pandas' keyed SipHash, the same in every run),
    then mixed per row in column order; equal rows get equal hashes in any load.
    """
    import numpy as np
    import pandas as pd

    if not factors:
        return np.zeros(0, dtype=np.int64)
    key = np.full(len(factors[0][0]), 14695981039346656037, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for codes, uniques in factors:
            # distinct values only: already unique, so no need for pandas to factorize again
            hashed = pd.util.hash_array(np.asarray(uniques, dtype=object), categorize=False)
            hashed = np.append(hashed, np.uint64(0x9E3779B97F4A7C15))  # code -1: missing
            key = (key ^ hashed[codes]) * np.uint64(1099511628211)
    return key.view(np.int64)


def _unique(names: list[str]) -> list[str]:
    """Header names made unique, so a raw row keeps every cell."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate)
        out.append(candidate)
    return out

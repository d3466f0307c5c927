"""Checks across a row or the table, and the quarantine entries they produce.

A row is quarantined for the first fault found (:class:`Faults` keeps it); the order of
checks is the order of :data:`jtai.ingest.validate.RULES`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from jtai.ingest import normalise as norm
from jtai.ingest.readers import RawSheet

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DATE_FIELDS = ("dob", "event_date", "end_date")


class Faults:
    """The first fault of each row: the row is quarantined for it."""

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


# (sheet row, column, field, raw value, rule, message)
Issue = tuple[int, str, str, str, str, str]
KEPT = " The record is kept with this field empty."


class FieldIssues:
    """Bad cells of rows that can still name a person and place an event: one issue per cell.

    Kept as one batch per check (positions and raw values); the messages are written only
    for the rows accepted in the end.
    """

    def __init__(self) -> None:
        self.batches: list[tuple[np.ndarray, str, str, str, pd.Series, str]] = []

    def add(self, idx: np.ndarray, rule: str, field: str, column: str, raw: pd.Series, message: str) -> None:
        self.batches.append((idx, rule, field, column, raw, message + KEPT))

    def of_rows(self, positions: np.ndarray, rows: np.ndarray) -> list[Issue]:
        """The issues of the rows at ``positions`` (kept rows), by sheet row number, in row order."""
        if not self.batches:
            return []
        import numpy as np

        kept = np.zeros(len(rows), dtype=bool)
        kept[positions] = True
        out: list[Issue] = []
        for idx, rule, field, column, raw, message in self.batches:
            idx = idx[kept[idx]]
            numbers = rows[idx].tolist()
            values = raw.iloc[idx].tolist()
            # one message a distinct value: a bad value is often the same in many rows
            texts = {v: message.format(column=column, value=v) for v in set(values)}
            out += [(n, column, field, v, rule, texts[v]) for n, v in zip(numbers, values, strict=True)]
        out.sort(key=lambda e: e[0])
        return out


class Checker:
    """Where each bad value goes: a row fault for the fields a row cannot do without, else a field issue.

    ``critical`` are those fields (the sheet's required fields, the event type and the event
    date): a bad value there quarantines the row. Elsewhere the value is recorded as a field
    issue and the field is left empty in ``out``, so the record keeps everything else.
    """

    def __init__(self, n: int, critical: frozenset[str], out: dict[str, pd.Series]) -> None:
        self.faults = Faults(n)
        self.issues = FieldIssues()
        self.critical = critical
        self.out = out

    def bad(
        self,
        field: str,
        mask: np.ndarray,
        rule: str,
        column: str,
        raw: pd.Series,
        message: str,
        *,
        keep: bool = False,
    ) -> None:
        """Record the bad values of ``field`` at ``mask`` (its canonical output is in ``out``).

        With ``keep`` a value outside a critical field stays in ``out`` (an odd shape, not a
        wrong value: a postcode abroad), with its field issue.
        """
        import numpy as np

        if field in self.critical:
            self.faults.add(mask, rule, column, raw, message)
            return
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        self.issues.add(idx, rule, field, column, raw, message)
        current = self.out.get(field)
        # most normalisers empty it already
        if current is not None and not keep and (current.iloc[idx] != "").any():
            self.out[field] = norm.blanked(current, mask)

    def bad_extra(
        self, key: str, mask: np.ndarray, rule: str, column: str, raw: pd.Series, message: str
    ) -> None:
        """Record the bad values of an extra column (the caller leaves them out of ``extra``)."""
        import numpy as np

        idx = np.flatnonzero(mask)
        if len(idx):
            self.issues.add(idx, rule, f"extra.{key}", column, raw, message)


def checked_dates(
    check: Checker, field: str, header: str, values: pd.Series, formats: tuple[str, ...] = ()
) -> pd.Series:
    """A column of dates as ISO text; each value that is not a date is reported to ``check``.

    ``field`` is a canonical date field, or ``extra.KEY`` for a date kept in ``extra``.
    """
    out, bad = norm.dates(values, formats)
    if bad.any():
        message = "{column} {value!r} is not a date; write DD/MM/YYYY or YYYY-MM-DD."
        if field.startswith("extra."):
            check.bad_extra(field.removeprefix("extra."), bad, "unparseable_date", header, values, message)
        else:
            check.bad(field, bad, "unparseable_date", header, values, message)
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
    # a column with one code in every row (often an empty one) tells no two rows apart
    varying = [codes for codes in codes_by_column if len(codes) and codes.min() != codes.max()]
    key = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for codes in varying:
            key *= np.uint64(1_000_003)
            key += codes.astype(np.uint64)  # in place: no new column per column mixed in
    key = np.where(ok, key, np.uint64(0))
    candidates = pd.Series(key).duplicated(keep=False).to_numpy() & ok
    dup = np.zeros(n, dtype=bool)
    first: dict[int, int] = {}
    if not candidates.any():
        return dup, first
    idx = np.flatnonzero(candidates)
    values = np.column_stack([codes[idx] for codes in varying] or [np.zeros(len(idx))]).tolist()
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
    check: Checker,
    today: dt.date,
) -> None:
    """Dates that cannot be right: after today, before 1900, a birth after the event, an end before it."""

    def raw(name: str) -> tuple[pd.Series, str]:
        if name in columns:
            return frame[f"c{columns[name]}"], headers[columns[name]]
        return out[name], name

    limit = today.isoformat()
    for name in DATE_FIELDS:
        values = out[name]
        present = values != ""
        col, header = raw(name)
        check.bad(
            name,
            (present & (values > limit)).to_numpy(dtype=bool),
            "date_in_future",
            header,
            col,
            f"{{column}} {{value!r}} is after today ({limit}); correct the date in the source system "
            "and load the row again.",
        )
        values = out[name]
        check.bad(
            name,
            ((values != "") & (values < "1900-01-01")).to_numpy(dtype=bool),
            "date_too_early",
            header,
            col,
            "{column} {value!r} is before 1900; correct the date in the source system "
            "and load the row again.",
        )
    dob, event = out["dob"], out["event_date"]
    col, header = raw("dob")
    check.bad(
        "dob",
        ((dob != "") & (event != "") & (dob > event)).to_numpy(dtype=bool),
        "birth_after_event",
        header,
        col,
        "{column} {value!r} is after the event date; check both dates in the source system, correct the "
        "wrong one and load the row again (a plan made before birth: see docs/ingest.md, Annex A).",
    )
    end, event = out["end_date"], out["event_date"]
    col, header = raw("end_date")
    check.bad(
        "end_date",
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
        rule, message = raw.notes.get(
            number, ("ragged_row", f"The row has {fields} fields; the header has {len(raw.headers)}.")
        )
        out.append((number, None, None, rule, message, json.dumps({"line": text}, ensure_ascii=False)))
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


def row_hashes(factors: list[tuple[np.ndarray, Any]], optional: int = 0) -> np.ndarray:
    """A stable 64-bit hash of each row's values, from its factorized columns.

    Each column's distinct values are hashed (pandas' keyed SipHash, the same in every run),
    then mixed per row in column order; equal rows get equal hashes in any load. The last
    ``optional`` columns (added to the layout later) are mixed in only where they hold a
    value, so a row without them hashes as it did before they existed.
    """
    import numpy as np
    import pandas as pd

    if not factors:
        return np.zeros(0, dtype=np.int64)
    key = np.full(len(factors[0][0]), 14695981039346656037, dtype=np.uint64)
    prime = np.uint64(1099511628211)
    with np.errstate(over="ignore"):
        for i, (codes, uniques) in enumerate(factors):
            # distinct values only: already unique, so no need for pandas to factorize again
            hashed = pd.util.hash_array(np.asarray(uniques, dtype=object), categorize=False)
            hashed = np.append(hashed, np.uint64(0x9E3779B97F4A7C15))  # code -1: missing
            optional_column = i >= len(factors) - optional
            same = _same_code(codes, len(uniques))
            if same is not None:  # one value (or none) in every row: the same mixing, in place
                if not (optional_column and same < 0):
                    key ^= hashed[same]
                    key *= prime
                continue
            mixed = (key ^ hashed[codes]) * prime
            key = np.where(codes >= 0, mixed, key) if optional_column else mixed
    return key.view(np.int64)


def _same_code(codes: np.ndarray, distinct: int) -> int | None:
    """The code of every row when a factorized column holds one value throughout, or none."""
    if not len(codes) or distinct > 1:
        return None
    if distinct == 0:
        return -1  # every row missing
    return 0 if codes.min() == 0 else None  # codes are 0 or -1


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

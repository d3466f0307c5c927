"""Turn one table of text into canonical records and quarantined rows.

Every row read ends as exactly one of the two: ``rows read = accepted + quarantined``.
A quarantined row keeps its sheet row number, the column and raw value at fault, the rule
it broke, a message, and the whole raw row. Checks run column by column over the whole
table (pandas), so a million rows take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jtai.canonical import EVENT_TYPES, FIELDS
from jtai.errors import InputError
from jtai.ingest import codes as codelists
from jtai.ingest import extra_columns
from jtai.ingest import normalise as norm
from jtai.ingest.checks import (
    DATE_FIELDS,
    Faults,
    checked_dates,
    date_checks,
    duplicates,
    quarantine_rows,
    raw_json,
    row_hashes,
)
from jtai.ingest.mapping import Mapping, SheetMapping, header_key
from jtai.ingest.readers import RawSheet

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# Rules, in the order they are checked; a row is quarantined for the first it breaks.
RULES: dict[str, str] = {
    "ragged_row": "the row has more or fewer fields than the header",
    "unparseable_date": "a date that cannot be read",
    "unknown_code": "a value not in the field's code list",
    "invalid_nhs_number": "an NHS number that is not 10 digits with a valid check digit",
    "invalid_postcode": "a postcode that is not a UK postcode",
    "not_a_number": "a count or number that is not a number",
    "missing_required": "a required field is empty",
    "date_in_future": "a date after the day of loading",
    "date_too_early": "a date before 1900",
    "birth_after_event": "the date of birth is after the event date",
    "end_before_start": "the end date is before the event date",
    "duplicate_row": "the same values as an earlier row of the file, or as a record loaded before",
}
_ID_FIELDS = ("agency_person_id", "la_child_id")
_EVENT_CODES = codelists.CodeList("event_type", {code: (e.label,) for code, e in EVENT_TYPES.items()})


@dataclass
class Validated:
    """The outcome for one table.

    The accepted rows are kept column by column as factorized codes (``factors``), not as
    a table of strings: the writer and the row hashes need only the codes and the distinct
    values, and a million-row table of strings costs a second to filter.

    Attributes:
        rows: the sheet row number of each accepted row.
        subject: ``child``, or ``adult`` (Annex A adopters), for every row.
        quarantine: (row, column, value, rule, message, raw JSON) per quarantined row.
        rows_read: data rows read (blank rows are not rows).
    """

    rows: np.ndarray
    subject: str
    quarantine: list[tuple[int, str | None, str | None, str, str, str]]
    rows_read: int
    reasons: Counter[str] = field(default_factory=Counter)
    factors: dict[str, tuple[np.ndarray, Any]] = field(default_factory=dict)
    """Per column (``subject``, the canonical fields, ``extra``): codes of the accepted rows
    and the distinct values, as :func:`pandas.factorize` gives them (code -1: no value)."""
    row_hash: np.ndarray | None = None
    """A stable hash of each accepted row's values (``records.row_hash``)."""
    raw_rows: Any = None
    """raw_rows(mask) -> the raw JSON of the accepted rows selected by ``mask``."""

    @property
    def accepted(self) -> int:
        """How many rows are accepted."""
        return len(self.rows)

    def quarantine_accepted(self, mask: np.ndarray, rule: str, messages: list[str]) -> None:
        """Move the accepted rows selected by ``mask`` to the quarantine (one message each)."""
        import numpy as np

        rows = self.rows[mask].tolist()
        raws = self.raw_rows(mask)
        for row, message, raw in zip(rows, messages, raws, strict=True):
            self.quarantine.append((int(row), None, None, rule, message, raw))
        self.quarantine.sort(key=lambda q: q[0])
        self.reasons[rule] += len(rows)
        keep = ~mask
        self.rows = self.rows[keep]
        self.factors = {c: (codes[keep], uniques) for c, (codes, uniques) in self.factors.items()}
        if self.row_hash is not None:
            self.row_hash = self.row_hash[keep]
        previous = self.raw_rows
        positions = np.flatnonzero(keep)
        self.raw_rows = lambda m: previous(_expand(positions, m, len(keep)))


def scorer_for(sheet: SheetMapping) -> Any:
    """A header scorer: how many cells of a row name a column this sheet knows."""
    known = {header_key(a) for aliases in sheet.fields.values() for a in aliases}
    known |= {header_key(a) for spec in sheet.extra.values() for a in spec.columns}

    def score(cells: Any) -> int:
        return len({header_key(c) for c in cells if c and header_key(c) in known})

    return score


def validate(raw: RawSheet, sheet: SheetMapping, mapping: Mapping, *, file: str, today: dt.date) -> Validated:
    """Map, normalise and check one table.

    Raises:
        InputError: a required column is missing from the header.
    """
    with norm.factor_cache():
        return _validate(raw, sheet, mapping, file=file, today=today)


def _validate(
    raw: RawSheet, sheet: SheetMapping, mapping: Mapping, *, file: str, today: dt.date
) -> Validated:
    import numpy as np
    import pandas as pd

    frame = raw.frame
    nonblank = _nonblank(frame)
    if not nonblank.all():
        frame = frame[nonblank].reset_index(drop=True)
        rows = raw.rows[nonblank]
    else:
        rows = raw.rows
    n = len(frame)
    keys = [header_key(h) for h in raw.headers]
    columns = _resolve(sheet, keys)
    missing = [f for f in sheet.required if f not in columns and not (f == "event_type" and sheet.event_type)]
    if missing:
        wanted = sheet.fields.get(missing[0], [missing[0]])
        raise InputError(
            f"there is no column for the required field {missing[0]!r} "
            f"(looked for: {', '.join(repr(w) for w in wanted)}).",
            file=file,
            sheet=raw.name or None,
            row=raw.header_row,
            hint="Rename the column, or give a --mapping that names it.",
        )
    faults = Faults(n)
    out: dict[str, pd.Series] = {}
    blank = pd.Series("", index=frame.index, dtype="str")

    def source(name: str) -> tuple[pd.Series, str]:
        if name in columns:
            i = columns[name]
            return frame[f"c{i}"], raw.headers[i]
        return blank, name

    formats = tuple(mapping.date_formats)
    for name in FIELDS:
        values, header = source(name)
        recode = mapping.recode.get(name, {})
        if name not in ("sex", "event_type") and (name not in columns or not (values != "").any()):
            out[name] = blank  # an absent or empty column: nothing to normalise or check
        elif name in _ID_FIELDS:
            out[name] = norm.identifier(values)
        elif name in ("upn", "pnc_id"):
            out[name] = norm.upper_code(values)
        elif name == "nhs_number":
            out[name], bad = norm.nhs_number(values)
            faults.add(
                bad,
                "invalid_nhs_number",
                header,
                values,
                "{column} {value!r} is not an NHS number (10 digits with a valid check digit).",
            )
        elif name == "postcode":
            out[name], bad = norm.postcode(values)
            faults.add(bad, "invalid_postcode", header, values, "{column} {value!r} is not a UK postcode.")
        elif name in DATE_FIELDS:
            out[name] = checked_dates(faults, header, values, formats)
        elif name == "sex":
            out[name], bad = norm.coded(values, codelists.SEX.with_recode(recode), strict=True)
            faults.add(
                bad,
                "unknown_code",
                header,
                values,
                "{column} {value!r} is not a known sex; use male, female, unknown or neither.",
            )
            out[name] = out[name].where(out[name] != "", "unknown")
        elif name == "ethnicity":
            codes = codelists.ETHNICITY.with_recode(recode)
            out[name], bad = norm.coded(values, codes, strict=name in mapping.strict_codes)
            faults.add(
                bad, "unknown_code", header, values, "{column} {value!r} is not a known ethnicity code."
            )
        elif name == "source" and "source" in mapping.strict_codes:
            out[name], bad = norm.coded(values, codelists.SOURCE.with_recode(recode), strict=True)
            faults.add(bad, "unknown_code", header, values, "{column} {value!r} is not a known source code.")
        elif name == "event_type":
            if sheet.event_type and name not in columns:
                out[name] = pd.Series(sheet.event_type, index=frame.index, dtype="str")
            else:
                out[name], bad = norm.coded(values, _EVENT_CODES.with_recode(recode), strict=True)
                faults.add(
                    bad,
                    "unknown_code",
                    header,
                    values,
                    "{column} {value!r} is not in the event-type vocabulary (see docs/ingest.md).",
                )
                if sheet.event_type:
                    out[name] = out[name].where(out[name] != "", sheet.event_type)
        elif name == "flags":
            out[name], bad = extra_columns.flags(values, recode)
            faults.add(
                bad,
                "unknown_code",
                header,
                values,
                "{column} {value!r} holds a risk flag not in the list (see docs/ingest.md).",
            )
        else:
            cleaned = norm.text(values)
            if name in mapping.strip_letter_prefix:
                cleaned = cleaned.str.replace(r"^[a-zA-Z]\) *", "", regex=True)
            out[name] = cleaned if recode == {} else cleaned.replace(recode)
    extra_values, extra_frame = extra_columns.collect(frame, raw.headers, sheet, columns, faults)
    extra_columns.derived_flags(sheet, out, extra_frame)
    for name in sheet.required:
        values, header = source(name)
        faults.add(
            (out[name] == "").to_numpy(dtype=bool),
            "missing_required",
            header,
            values,
            "{column} is empty; it is required.",
        )
    date_checks(out, columns, raw.headers, frame, faults, today)
    ok = faults.ok
    # in the column order of the records table; the row hashes depend on it
    factors = {"subject": (np.zeros(n, dtype=np.intp), pd.Index([sheet.subject], dtype="str"))}
    factors |= {c: norm.factorize(out[c]) for c in FIELDS}
    if extra_values.count(None) == n:  # no extra columns (a canonical layout): all NULL
        factors["extra"] = (np.full(n, -1, dtype=np.intp), pd.Index([], dtype="str"))
    else:
        factors["extra"] = pd.factorize(pd.Series(extra_values, dtype="str"))
    dup, first = duplicates([f[0] for f in factors.values()], ok)
    if dup.any():
        keyed = pd.Series([f"row {rows[first[i]]}" if dup[i] else "" for i in range(n)], dtype="str")
        faults.add(dup, "duplicate_row", "", keyed, "The same values as {value}; loaded once.")
        for i in np.flatnonzero(dup).tolist():
            faults.value[i] = None  # type: ignore[assignment]
    quarantine = quarantine_rows(raw, frame, rows, faults)
    keep = faults.ok
    positions = np.flatnonzero(keep)
    if len(positions) < n:
        factors = {c: (codes.take(positions), uniques) for c, (codes, uniques) in factors.items()}
    reasons = Counter(r for _, _, _, r, _, _ in quarantine)
    hashes = row_hashes(list(factors.values()))
    return Validated(
        rows[keep],
        sheet.subject,
        quarantine,
        n + len(raw.ragged),
        reasons,
        factors,
        hashes,
        lambda mask: raw_json(raw.headers, frame, positions[mask]),
    )


def _expand(positions: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    """A mask over the rows kept (``positions`` of ``size``) as a mask over all ``size`` rows."""
    import numpy as np

    full = np.zeros(size, dtype=bool)
    full[positions[mask]] = True
    return full


def _nonblank(frame: pd.DataFrame) -> np.ndarray:
    """Rows with at least one non-blank cell (checked column by column, only where needed)."""
    import numpy as np

    keep = np.zeros(len(frame), dtype=bool)
    for col in frame.columns:
        todo = np.flatnonzero(~keep)
        if not len(todo):
            break
        values = frame[col] if len(todo) == len(frame) else frame[col].iloc[todo]
        keep[todo] = (values.str.strip() != "").to_numpy(dtype=bool)
    return keep


def _resolve(sheet: SheetMapping, keys: list[str]) -> dict[str, int]:
    """Canonical field -> index of the first source column whose name is one of its aliases."""
    found: dict[str, int] = {}
    for name, aliases in sheet.fields.items():
        for alias in aliases:
            key = header_key(alias)
            if key in keys:
                found[name] = keys.index(key)
                break
    return found

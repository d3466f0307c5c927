"""Turn one table of text into canonical records, quarantined rows and field issues.

Every row read ends as exactly one of two: ``rows read = accepted + quarantined``. A row is
quarantined only when it cannot name a person (no identifier and no name), cannot place its
event (a bad event type or event date), lacks a field its mapping requires, or repeats an
earlier row. Any other bad value is a **field issue**: the record is accepted with that
field empty, and the column, raw value, rule and message are kept. Checks run column by
column over the whole table (pandas), so a million rows take seconds, not minutes.

The work is done in named steps, each returning a small frozen result: :func:`_table`
(the rows that hold a value, and where each field's column is),
:func:`jtai.ingest.fields.normalise_fields` (each field normalised), :func:`_row_checks`
(required fields, dates, a person), :func:`_factors` (the values as codes, and repeated
rows) and :func:`_outcome`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jtai.canonical import CONTACT_FIELDS, FIELDS
from jtai.errors import InputError
from jtai.ingest import fields
from jtai.ingest import normalise as norm
from jtai.ingest.checks import (
    Checker,
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

# Rules, in the order they are checked. A row is quarantined for the first it breaks in a
# field it cannot do without; elsewhere each bad value is one field issue.
RULES: dict[str, str] = {
    "ragged_row": "the row has more or fewer fields than the header",
    "unclosed_quote": "a quote opened in the row is never closed",
    "formula_without_value": "a workbook formula whose result was never saved",
    "excel_error": "an Excel error value (#N/A, #REF!, #VALUE!, #DIV/0! ...)",
    "nul_byte": "a NUL byte in the cell (a damaged export)",
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
    "no_person": "no identifier and no name: the row cannot name a person",
    "duplicate_row": "the same values as an earlier row of the file, or as a record loaded before",
}
# Fields a row cannot do without, whatever the mapping requires: a bad value quarantines it.
ROW_FIELDS = frozenset({"event_type", "event_date"})
# A row names a person when one of these is usable.
PERSON_FIELDS = ("agency_person_id", "la_child_id", "nhs_number", "upn", "pnc_id", "first_name", "last_name")
# (sheet row, column, field, raw value, rule, message) per field issue of an accepted row
FieldIssue = tuple[int, str, str, str, str, str]


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
        issues: the field issues of the accepted rows, in row order.
        warnings: what the user should know about the table (e.g. a column left in extra).
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
    issues: list[FieldIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        """How many rows are accepted."""
        return len(self.rows)

    @property
    def issue_rules(self) -> Counter[str]:
        """Field issues counted by rule."""
        return Counter(i[4] for i in self.issues)

    def quarantine_accepted(self, mask: np.ndarray, rule: str, messages: list[str]) -> None:
        """Move the accepted rows selected by ``mask`` to the quarantine (one message each)."""
        import numpy as np

        rows = self.rows[mask].tolist()
        raws = self.raw_rows(mask)
        for row, message, raw in zip(rows, messages, raws, strict=True):
            self.quarantine.append((int(row), None, None, rule, message, raw))
        self.quarantine.sort(key=lambda q: q[0])
        self.reasons[rule] += len(rows)
        moved = set(rows)
        self.issues = [i for i in self.issues if i[0] not in moved]  # the raw row holds the values
        keep = ~mask
        self.rows = self.rows[keep]
        self.factors = {c: (codes[keep], uniques) for c, (codes, uniques) in self.factors.items()}
        if self.row_hash is not None:
            self.row_hash = self.row_hash[keep]
        previous = self.raw_rows
        positions = np.flatnonzero(keep)
        self.raw_rows = lambda m: previous(_expand(positions, m, len(keep)))


def known_keys(sheet: SheetMapping) -> frozenset[str]:
    """The header keys (see :func:`header_key`) of every column this sheet knows."""
    known = {header_key(a) for aliases in sheet.fields.values() for a in aliases}
    known |= {header_key(a) for spec in sheet.extra.values() for a in spec.columns}
    return frozenset(known)


def scorer_for(sheet: SheetMapping) -> Any:
    """A header scorer: how many cells of a row name a column this sheet knows."""
    known = known_keys(sheet)

    def score(cells: Any) -> int:
        return len({header_key(c) for c in cells if c and header_key(c) in known})

    return score


def validate(raw: RawSheet, sheet: SheetMapping, mapping: Mapping, *, file: str, today: dt.date) -> Validated:
    """Map, normalise and check one table.

    Raises:
        InputError: a required column is missing from the header.
    """
    import numpy as np

    with norm.factor_cache():
        table = _table(raw, sheet, file)
        out: dict[str, pd.Series] = {}
        check = Checker(len(table.frame), frozenset(sheet.required) | ROW_FIELDS, out)
        extra = fields.normalise_fields(table, sheet, mapping, check)
        _row_checks(table, sheet, check, today)
        factors = _factors(table, sheet, out, extra, check.faults.ok)
        if factors.duplicate.any():
            keyed = factors.first_rows(table.rows)
            check.faults.add(
                factors.duplicate, "duplicate_row", "", keyed, "The same values as {value}; loaded once."
            )
            for i in np.flatnonzero(factors.duplicate).tolist():
                check.faults.value[i] = None  # type: ignore[assignment]
        outcome = _outcome(raw, table, sheet, check, factors)
        outcome.warnings.extend(_unmapped_fields(table, sheet, mapping))
        return outcome


def _table(raw: RawSheet, sheet: SheetMapping, file: str) -> fields.Table:
    """Step 1: drop blank rows, find each field's column, refuse a missing required column."""
    import numpy as np

    frame = raw.frame
    nonblank = _nonblank(frame)
    rows = raw.rows
    faults = raw.cell_faults
    if not nonblank.all():
        frame = frame[nonblank].reset_index(drop=True)
        rows = raw.rows[nonblank]
        if faults:
            new_position = np.cumsum(nonblank) - 1
            faults = {c: {int(new_position[p]): f for p, f in cells.items()} for c, cells in faults.items()}
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
    cell_faults: dict[int, tuple[np.ndarray, list[str]]] = {}
    clean = frame
    if faults:
        clean = frame.copy()
        for col, cells in sorted(faults.items()):
            positions = np.array(sorted(cells), dtype=np.intp)
            mask = np.zeros(len(frame), dtype=bool)
            mask[positions] = True
            rules = [""] * len(frame)
            for p in positions.tolist():
                rules[p] = cells[p][0]
            cell_faults[col] = (mask, rules)
            clean[f"c{col}"] = clean[f"c{col}"].where(~mask, "")
    return fields.Table(clean, frame, rows, raw.headers, columns, cell_faults, len(raw.ragged))


def _row_checks(table: fields.Table, sheet: SheetMapping, check: Checker, today: dt.date) -> None:
    """Step 3: required fields, dates that cannot be right, and a person the row names."""
    import numpy as np

    out = check.out
    for name in sheet.required:
        values, header = table.source(name)
        check.faults.add(
            (out[name] == "").to_numpy(dtype=bool),
            "missing_required",
            header,
            values,
            "{column} is empty; it is required.",
        )
    date_checks(out, table.columns, table.headers, table.raw_frame, check, today)
    nobody = np.ones(len(table.frame), dtype=bool)
    for name in PERSON_FIELDS:
        nobody &= (out[name] == "").to_numpy(dtype=bool)
    if nobody.any():
        check.faults.add(
            nobody,
            "no_person",
            "",
            table.blank,
            "The row has no usable identifier and no name (person id, child id, NHS number, UPN, "
            "PNC id, first or last name), so it cannot name a person; add one in the source system "
            "and load the row again.",
        )


@dataclass(frozen=True)
class Factors:
    """Step 4: each column as factorized codes (record column order), and the repeated rows."""

    factors: dict[str, tuple[np.ndarray, Any]]
    duplicate: np.ndarray
    first: dict[int, int]

    def first_rows(self, rows: np.ndarray) -> pd.Series:
        """For each repeated row, ``row N`` of the row it repeats (else empty)."""
        import pandas as pd

        return pd.Series(
            [f"row {rows[self.first[i]]}" if self.duplicate[i] else "" for i in range(len(self.duplicate))],
            dtype="str",
        )


def _factors(
    table: fields.Table,
    sheet: SheetMapping,
    out: dict[str, pd.Series],
    extra: fields.ExtraColumns,
    ok: np.ndarray,
) -> Factors:
    import numpy as np
    import pandas as pd

    n = len(table.frame)
    # in the column order of the records table; the row hashes depend on it
    factors = {"subject": (np.zeros(n, dtype=np.intp), pd.Index([sheet.subject], dtype="str"))}
    factors |= {c: norm.factorize(out[c]) for c in FIELDS if c not in CONTACT_FIELDS}
    if extra.values.count(None) == n:  # no extra columns (a canonical layout): all NULL
        factors["extra"] = (np.full(n, -1, dtype=np.intp), pd.Index([], dtype="str"))
    else:
        factors["extra"] = pd.factorize(pd.Series(extra.values, dtype="str"))
    # added in schema 5, last: an empty one leaves the row hash as it was before them
    factors |= {c: norm.factorize(out[c]) for c in CONTACT_FIELDS}
    dup, first = duplicates([f[0] for f in factors.values()], ok)
    return Factors(factors, dup, first)


def _outcome(
    raw: RawSheet, table: fields.Table, sheet: SheetMapping, check: Checker, factors: Factors
) -> Validated:
    """Step 5: the accepted rows as codes and hashes, the quarantine, the field issues of accepted rows."""
    import numpy as np

    quarantine = quarantine_rows(raw, table.raw_frame, table.rows, check.faults)
    keep = check.faults.ok
    positions = np.flatnonzero(keep)
    chosen = factors.factors
    if len(positions) < len(keep):
        chosen = {c: (codes.take(positions), uniques) for c, (codes, uniques) in chosen.items()}
    reasons = Counter(r for _, _, _, r, _, _ in quarantine)
    frame = table.raw_frame
    return Validated(
        table.rows[keep],
        sheet.subject,
        quarantine,
        len(frame) + table.extra_rows,
        reasons,
        chosen,
        row_hashes(list(chosen.values()), optional=len(CONTACT_FIELDS)),
        lambda mask: raw_json(raw.headers, frame, positions[mask]),
        check.issues.of_rows(positions, table.rows),
    )


def _unmapped_fields(table: fields.Table, sheet: SheetMapping, mapping: Mapping) -> list[str]:
    """A warning for each column named exactly like a canonical field the mapping leaves unmapped.

    A user mapping that names some fields sends the others to ``extra``, where linkage and
    the chronologies do not look: a column called ``nhs_number`` there is almost surely a mistake.
    """
    if not sheet.keep_unmapped:
        return []
    claimed = {header_key(a) for spec in sheet.extra.values() for a in spec.columns}
    out = []
    for name in FIELDS:
        if name in table.columns:
            continue
        for header in table.headers:
            if header_key(header) == header_key(name) and header_key(header) not in claimed:
                out.append(
                    f"the column {header!r} has the name of the canonical field {name}, but the mapping "
                    f"{mapping.name!r} does not map it, so it is kept in extra, where linkage and the "
                    f"chronologies do not use it. To use it, add it under fields: {name}: [{header}]."
                )
                break
    return out


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

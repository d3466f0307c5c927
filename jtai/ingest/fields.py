"""Step 2 of validation: each canonical field normalised, each bad value reported.

A bad value goes to the :class:`~jtai.ingest.checks.Checker`, which quarantines the row
for a field it cannot do without and otherwise keeps a field issue and empties the field.
Cells the reader found unusable (a formula without a saved value, an Excel error, a NUL
byte) are reported first, under their own rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jtai.canonical import EVENT_TYPES, FIELDS
from jtai.ingest import codes as codelists
from jtai.ingest import extra_columns
from jtai.ingest import normalise as norm
from jtai.ingest.checks import DATE_FIELDS, Checker, checked_dates
from jtai.ingest.mapping import Mapping, SheetMapping, header_key

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


@dataclass(frozen=True)
class Table:
    """The rows of a sheet that hold a value, and where each canonical field's column is.

    ``frame`` has the cells the reader found unusable (a formula without a value, an Excel
    error, a NUL byte) emptied; ``raw_frame`` keeps them as read, for the quarantine.
    """

    frame: pd.DataFrame
    raw_frame: pd.DataFrame
    rows: np.ndarray
    headers: list[str]
    columns: dict[str, int]
    cell_faults: dict[int, tuple[np.ndarray, list[str]]]
    """Per column index: the rows whose cell the reader found unusable, and each one's rule."""
    extra_rows: int
    """Rows read that are not in ``frame`` (ragged rows, rows with an unclosed quote)."""

    def source(self, name: str) -> tuple[pd.Series, str]:
        """The raw cells of a field's column and its header (the field's name when absent)."""
        if name in self.columns:
            i = self.columns[name]
            return self.raw_frame[f"c{i}"], self.headers[i]
        return self.blank, name

    @property
    def blank(self) -> pd.Series:
        import pandas as pd

        return pd.Series("", index=self.frame.index, dtype="str")


_ID_FIELDS = ("agency_person_id", "la_child_id")
_EVENT_CODES = codelists.CodeList("event_type", {code: (e.label,) for code, e in EVENT_TYPES.items()})
CELL_MESSAGES = {
    "formula_without_value": "{column} holds a formula ({value}) whose result was never saved in the "
    "workbook; open the workbook in Excel or LibreOffice, let it calculate, save it and load it again.",
    "excel_error": "{column} holds the Excel error {value}; correct it in the workbook.",
    "nul_byte": "{column} {value!r} holds a NUL byte (shown as \ufffd), a sign of a damaged export; "
    "export the file again.",
}


def normalise_fields(table: Table, sheet: SheetMapping, mapping: Mapping, check: Checker) -> ExtraColumns:
    """Step 2: normalise every canonical field into ``check.out``; bad values go to ``check``."""
    import pandas as pd

    out = check.out
    frame, columns = table.frame, table.columns
    blank = table.blank
    formats = tuple(mapping.date_formats)
    for name in FIELDS:
        values = frame[f"c{columns[name]}"] if name in columns else blank
        header = table.headers[columns[name]] if name in columns else name
        recode = mapping.recode.get(name, {})
        if name not in ("sex", "event_type") and (name not in columns or not (values != "").any()):
            out[name] = blank  # an absent or empty column: nothing to normalise or check
        elif name in _ID_FIELDS:
            out[name] = norm.identifier(values)
        elif name in ("upn", "pnc_id"):
            out[name] = norm.upper_code(values)
        elif name == "nhs_number":
            out[name], bad = norm.nhs_number(values)
            check.bad(
                name,
                bad,
                "invalid_nhs_number",
                header,
                values,
                "{column} {value!r} is not an NHS number (10 digits with a valid check digit).",
            )
        elif name in ("postcode", "previous_postcode"):
            # a postcode of another shape (abroad, mistyped) is a field issue but is kept as
            # written (upper case, no spaces): linkage compares what is there
            out[name], bad = norm.postcode(values)
            check.bad(
                name,
                bad,
                "invalid_postcode",
                header,
                values,
                "{column} {value!r} is not a UK postcode; it is kept as written.",
                keep=True,
            )
        elif name in DATE_FIELDS:
            out[name] = checked_dates(check, name, header, values, formats)
        elif name == "sex":
            out[name], bad = norm.coded(values, codelists.SEX.with_recode(recode), strict=True)
            check.bad(
                name,
                bad,
                "unknown_code",
                header,
                values,
                "{column} {value!r} is not a known sex; use male, female, unknown or neither.",
            )
            out[name] = norm.filled(out[name], "unknown")
        elif name == "ethnicity":
            codes = codelists.ETHNICITY.with_recode(recode)
            out[name], bad = norm.coded(values, codes, strict=name in mapping.strict_codes)
            check.bad(
                name, bad, "unknown_code", header, values, "{column} {value!r} is not a known ethnicity code."
            )
        elif name == "source" and "source" in mapping.strict_codes:
            out[name], bad = norm.coded(values, codelists.SOURCE.with_recode(recode), strict=True)
            check.bad(
                name, bad, "unknown_code", header, values, "{column} {value!r} is not a known source code."
            )
        elif name == "event_type":
            if sheet.event_type and name not in columns:
                out[name] = pd.Series(sheet.event_type, index=frame.index, dtype="str")
            else:
                out[name], bad = norm.coded(values, _EVENT_CODES.with_recode(recode), strict=True)
                check.bad(
                    name,
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
            check.bad(
                name,
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
    _cell_faults(table, sheet, check)
    extra, typed = extra_columns.collect(frame, table.headers, sheet, columns, check)
    extra_columns.derived_flags(sheet, out, typed)
    return ExtraColumns(extra)


@dataclass(frozen=True)
class ExtraColumns:
    """The ``extra`` JSON of each row (None: no extra value)."""

    values: list[str | None]


def _cell_faults(table: Table, sheet: SheetMapping, check: Checker) -> None:
    """Report the cells the reader found unusable (formula without a value, Excel error, NUL byte)."""
    import numpy as np

    field_of = {i: name for name, i in table.columns.items()}
    keys = [header_key(h) for h in table.headers]
    extra_of = {
        keys.index(header_key(a)): key
        for key, spec in sheet.extra.items()
        for a in spec.columns
        if header_key(a) in keys
    }
    for col, (mask, rules) in table.cell_faults.items():
        header = table.headers[col] if col < len(table.headers) else f"column {col + 1}"
        raw = table.raw_frame[f"c{col}"]
        for rule in sorted({rules[i] for i in np.flatnonzero(mask).tolist()}):
            hit = mask & np.array([r == rule for r in rules], dtype=bool)
            message = CELL_MESSAGES[rule]
            if col in field_of:
                check.bad(field_of[col], hit, rule, header, raw, message)
            else:
                check.bad_extra(
                    extra_of.get(col, header or f"column {col + 1}"), hit, rule, header, raw, message
                )

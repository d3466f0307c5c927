"""Turn one table of text into canonical records and quarantined rows.

Every row read ends as exactly one of the two: ``rows read = accepted + quarantined``.
A quarantined row keeps its sheet row number, the column and raw value at fault, the rule
it broke, a message, and the whole raw row. Checks run column by column over the whole
table (pandas), so a million rows take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jtai.errors import InputError
from jtai.ingest import codes as codelists
from jtai.ingest import normalise as norm
from jtai.ingest.layouts import EVENT_TYPES, FIELDS, RISK_FLAGS
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
    "duplicate_row": "the same values as an earlier row of the same sheet",
}
_ID_FIELDS = ("agency_person_id", "la_child_id")
_TEXT_FIELDS = ("first_name", "last_name", "outcome", "team", "worker", "details")
_DATE_FIELDS = ("dob", "event_date", "end_date")
_EVENT_CODES = codelists.CodeList("event_type", {code: (e.label,) for code, e in EVENT_TYPES.items()})
_FLAG_CODES = codelists.CodeList("flags", {code: (label,) for code, label in RISK_FLAGS.items()})


@dataclass
class Validated:
    """The outcome for one table.

    Attributes:
        records: accepted rows: ``source_row``, ``subject``, the canonical fields, ``extra``.
        quarantine: (row, column, value, rule, message, raw JSON) per quarantined row.
        rows_read: data rows read (blank rows are not rows).
    """

    records: pd.DataFrame
    quarantine: list[tuple[int, str | None, str | None, str, str, str]]
    rows_read: int
    reasons: Counter[str] = field(default_factory=Counter)
    factors: dict[str, tuple[np.ndarray, Any]] = field(default_factory=dict)
    """Per column of ``records`` (not ``source_row``): codes of the accepted rows and the
    distinct values, as :func:`pandas.factorize` gives them; the writer reuses them."""


class _Faults:
    """The first fault of each row."""

    def __init__(self, n: int) -> None:
        import numpy as np

        self.rule = np.full(n, "", dtype=object)
        self.column: dict[int, str] = {}
        self.value: dict[int, str] = {}
        self.message: dict[int, str] = {}

    def add(self, mask: np.ndarray, rule: str, column: str, raw: pd.Series, message: str) -> None:
        import numpy as np

        idx = np.flatnonzero(mask & (self.rule == ""))
        if not len(idx):
            return
        self.rule[idx] = rule
        values = raw.iloc[idx].tolist()
        for i, v in zip(idx.tolist(), values, strict=True):
            self.column[i] = column
            self.value[i] = v
            self.message[i] = message.format(column=column, value=v)

    @property
    def ok(self) -> np.ndarray:
        return self.rule == ""  # type: ignore[no-any-return]


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
    faults = _Faults(n)
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
        elif name in _DATE_FIELDS:
            out[name], bad = norm.dates(values, formats)
            faults.add(
                bad,
                "unparseable_date",
                header,
                values,
                "{column} {value!r} is not a date; write DD/MM/YYYY or YYYY-MM-DD.",
            )
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
            out[name], bad = _flags(values)
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
    extra_values, extra_frame = _extra(frame, raw.headers, sheet, columns, faults)
    _derived_flags(sheet, out, extra_frame)
    for name in sheet.required:
        values, header = source(name)
        faults.add(
            (out[name] == "").to_numpy(dtype=bool),
            "missing_required",
            header,
            values,
            "{column} is empty; it is required.",
        )
    _date_checks(out, columns, raw.headers, frame, faults, today)
    records = pd.DataFrame(out)
    records.insert(0, "subject", sheet.subject)
    records.insert(0, "source_row", rows)
    records["extra"] = extra_values
    ok = faults.ok
    factors = {c: pd.factorize(records[c]) for c in records.columns if c != "source_row"}
    dup, first = _duplicates(records.drop(columns=["source_row"]), [f[0] for f in factors.values()], ok)
    if dup.any():
        keyed = pd.Series([f"row {rows[first[i]]}" if dup[i] else "" for i in range(n)], dtype="str")
        faults.add(dup, "duplicate_row", "", keyed, "The same values as {value}; loaded once.")
        for i in np.flatnonzero(dup).tolist():
            faults.value[i] = None  # type: ignore[assignment]
    quarantine = _quarantine_rows(raw, frame, rows, faults)
    keep = faults.ok
    accepted = records[keep]
    kept = {c: (codes[keep], uniques) for c, (codes, uniques) in factors.items()}
    reasons = Counter(r for _, _, _, r, _, _ in quarantine)
    return Validated(accepted, quarantine, n + len(raw.ragged), reasons, kept)


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


def _duplicates(
    frame: pd.DataFrame, codes_by_column: list[np.ndarray], ok: np.ndarray
) -> tuple[np.ndarray, dict[int, int]]:
    """Rows (among ``ok``) equal in every column to an earlier accepted row, and that row.

    Rows are keyed by a 64-bit mix of their columns' factorized codes; rows whose keys
    collide are then compared value by value, so the answer is exact.
    """
    import numpy as np
    import pandas as pd

    n = len(frame)
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
    values = frame.iloc[idx].astype(object).itertuples(index=False, name=None)
    seen: dict[tuple[Any, ...], int] = {}
    for i, row in zip(idx.tolist(), values, strict=True):
        if row in seen:
            dup[i] = True
            first[i] = seen[row]
        else:
            seen[row] = i
    return dup, first


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


def _flags(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """``"cse; Missing"`` -> ``"cse;missing"`` (sorted, unique); unknown flags are faults."""
    import numpy as np

    table: dict[str, tuple[str, bool]] = {}
    for value in values.unique().tolist():
        parts = [p.strip() for p in value.replace(",", ";").replace("|", ";").split(";") if p.strip()]
        codes = [_FLAG_CODES.lookup(p) for p in parts]
        table[value] = (";".join(sorted({c for c in codes if c})), any(c is None for c in codes))
    out = values.map({k: v[0] for k, v in table.items()}).astype("str")
    bad_values = {k for k, v in table.items() if v[1]}
    bad = values.isin(bad_values).to_numpy(dtype=bool) if bad_values else np.zeros(len(values), bool)
    return out, bad


def _extra(
    frame: pd.DataFrame, headers: list[str], sheet: SheetMapping, columns: dict[str, int], faults: _Faults
) -> tuple[list[str | None], dict[str, pd.Series]]:
    """The ``extra`` JSON of each row, and the typed extra values by key (for derived flags)."""

    keys = [header_key(h) for h in headers]
    used = set(columns.values())
    typed: dict[str, pd.Series] = {}
    for key, spec in sheet.extra.items():
        index = next((keys.index(header_key(a)) for a in spec.columns if header_key(a) in keys), None)
        if index is None:
            continue
        used.add(index)
        typed[key] = _typed(frame[f"c{index}"], spec.type, headers[index], faults)
    if sheet.keep_unmapped:
        for index, header in enumerate(headers):
            if index in used:
                continue
            name = header or f"column {index + 1}"
            while name in typed:
                name += " (2)"
            typed[name] = norm.text(frame[f"c{index}"])
    if not typed:
        return [None] * len(frame), typed
    names = list(typed)
    lists = [typed[k].tolist() for k in names]
    out: list[str | None] = []
    for row in zip(*lists, strict=True):
        item = {k: v for k, v in zip(names, row, strict=True) if v != "" and v is not None and v == v}
        out.append(json.dumps(item, ensure_ascii=False, sort_keys=True) if item else None)
    return out, typed


def _typed(values: pd.Series, kind: str, header: str, faults: _Faults) -> pd.Series:
    import pandas as pd

    if kind == "date":
        out, bad = norm.dates(values)
        faults.add(
            bad,
            "unparseable_date",
            header,
            values,
            "{column} {value!r} is not a date; write DD/MM/YYYY or YYYY-MM-DD.",
        )
        return out
    if kind == "yesno":
        out, bad = norm.coded(values, codelists.YES_NO, strict=True)
        faults.add(bad, "unknown_code", header, values, "{column} {value!r} is not Yes, No or Unknown.")
        return out
    if kind in ("number", "integer"):
        cleaned = norm.text(values)
        numbers = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce")
        bad = ((cleaned != "") & numbers.isna()).to_numpy(dtype=bool).copy()
        if kind == "integer":
            bad |= (numbers.notna() & (numbers % 1 != 0)).to_numpy(dtype=bool)
        faults.add(bad, "not_a_number", header, values, "{column} {value!r} is not a number.")
        typed = [None if v != v else int(v) if float(v).is_integer() else float(v) for v in numbers.tolist()]
        return pd.Series(typed, index=values.index, dtype=object)
    cleaned = norm.text(values)
    if kind == "code":
        cleaned = cleaned.str.replace(r"^[a-zA-Z]\) *", "", regex=True)
    return cleaned


def _derived_flags(sheet: SheetMapping, out: dict[str, pd.Series], typed: dict[str, pd.Series]) -> None:
    import pandas as pd

    for rule in sheet.flags:
        values = typed.get(rule.when, out.get(rule.when))
        if values is None:
            continue
        if rule.above is not None:
            hit = pd.to_numeric(values, errors="coerce") > rule.above
        else:
            wanted = {codelists.strip_prefix(w).casefold() for w in rule.in_ or []}
            hit = values.map(lambda v, wanted=wanted: isinstance(v, str) and _bare(v) in wanted)
        hit = hit.fillna(False).astype(bool)
        if hit.any():
            current = out["flags"]
            merged = current.where(~hit, current.map(lambda f, flag=rule.flag: _add_flag(f, flag)))
            out["flags"] = merged.astype("str")


def _bare(value: str) -> str:
    return codelists.strip_prefix(value).casefold()


def _add_flag(flags: str, flag: str) -> str:
    return ";".join(sorted({*filter(None, flags.split(";")), flag}))


def _date_checks(
    out: dict[str, pd.Series],
    columns: dict[str, int],
    headers: list[str],
    frame: pd.DataFrame,
    faults: _Faults,
    today: dt.date,
) -> None:
    def raw(name: str) -> tuple[pd.Series, str]:
        if name in columns:
            return frame[f"c{columns[name]}"], headers[columns[name]]
        return out[name], name

    limit = today.isoformat()
    for name in _DATE_FIELDS:
        values = out[name]
        present = values != ""
        col, header = raw(name)
        faults.add(
            (present & (values > limit)).to_numpy(dtype=bool),
            "date_in_future",
            header,
            col,
            f"{{column}} {{value!r}} is after today ({limit}).",
        )
        faults.add(
            (present & (values < "1900-01-01")).to_numpy(dtype=bool),
            "date_too_early",
            header,
            col,
            "{column} {value!r} is before 1900.",
        )
    dob, event, end = out["dob"], out["event_date"], out["end_date"]
    col, header = raw("dob")
    faults.add(
        ((dob != "") & (event != "") & (dob > event)).to_numpy(dtype=bool),
        "birth_after_event",
        header,
        col,
        "{column} {value!r} is after the event date.",
    )
    col, header = raw("end_date")
    faults.add(
        ((end != "") & (event != "") & (end < event)).to_numpy(dtype=bool),
        "end_before_start",
        header,
        col,
        "{column} {value!r} is before the event date.",
    )


def _quarantine_rows(
    raw: RawSheet, frame: pd.DataFrame, rows: np.ndarray, faults: _Faults
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
        names = _unique([h or f"column {i + 1}" for i, h in enumerate(raw.headers)])
        cells = frame.iloc[idx]
        for i, values in zip(idx.tolist(), cells.itertuples(index=False, name=None), strict=True):
            whole = json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False)
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

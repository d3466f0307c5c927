"""Extra columns (kept in ``records.extra``) and risk flags, from a mapping's sheet."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from jtai.canonical import RISK_FLAGS
from jtai.ingest import codes as codelists
from jtai.ingest import normalise as norm
from jtai.ingest.checks import Checker, checked_dates
from jtai.ingest.mapping import SheetMapping, header_key

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_FLAG_CODES = codelists.CodeList("flags", {code: (label,) for code, label in RISK_FLAGS.items()})


def flags(values: pd.Series, recode: dict[str, str] | None = None) -> tuple[pd.Series, np.ndarray]:
    """``"cse; Missing"`` -> ``"cse;missing"`` (sorted, unique); unknown flags are faults.

    ``recode`` maps the source's own spellings of a flag to its code (``{CSE1: cse}``).
    """
    import numpy as np

    known = _FLAG_CODES.with_recode(recode) if recode else _FLAG_CODES
    table: dict[str, tuple[str, bool]] = {}
    for value in values.unique().tolist():
        parts = [p.strip() for p in value.replace(",", ";").replace("|", ";").split(";") if p.strip()]
        codes = [known.lookup(p) for p in parts]
        table[value] = (";".join(sorted({c for c in codes if c})), any(c is None for c in codes))
    out = values.map({k: v[0] for k, v in table.items()}).astype("str")
    bad_values = {k for k, v in table.items() if v[1]}
    bad = values.isin(bad_values).to_numpy(dtype=bool) if bad_values else np.zeros(len(values), bool)
    return out, bad


def collect(
    frame: pd.DataFrame, headers: list[str], sheet: SheetMapping, columns: dict[str, int], check: Checker
) -> tuple[list[str | None], dict[str, pd.Series]]:
    """The ``extra`` JSON of each row, and the typed extra values by key (for derived flags).

    A value that does not fit its column's type is a field issue and is left out of ``extra``.
    """

    keys = [header_key(h) for h in headers]
    used = set(columns.values())
    typed: dict[str, pd.Series] = {}
    for key, spec in sheet.extra.items():
        index = next((keys.index(header_key(a)) for a in spec.columns if header_key(a) in keys), None)
        if index is None:
            continue
        used.add(index)
        typed[key] = _typed(frame[f"c{index}"], spec.type, key, headers[index], check)
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


def _typed(values: pd.Series, kind: str, key: str, header: str, check: Checker) -> pd.Series:
    import pandas as pd

    if kind == "date":
        return checked_dates(check, f"extra.{key}", header, values)
    if kind == "yesno":
        out, bad = norm.coded(values, codelists.YES_NO, strict=True)
        if bad.any():
            check.bad_extra(
                key, bad, "unknown_code", header, values, "{column} {value!r} is not Yes, No or Unknown."
            )
            out = out.where(~bad, "")
        return out
    if kind in ("number", "integer"):
        cleaned = norm.text(values)
        numbers = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce")
        bad = ((cleaned != "") & numbers.isna()).to_numpy(dtype=bool).copy()
        if kind == "integer":
            bad |= (numbers.notna() & (numbers % 1 != 0)).to_numpy(dtype=bool)
        if bad.any():
            check.bad_extra(key, bad, "not_a_number", header, values, "{column} {value!r} is not a number.")
            numbers = numbers.where(~bad)
        typed = [None if v != v else int(v) if float(v).is_integer() else float(v) for v in numbers.tolist()]
        return pd.Series(typed, index=values.index, dtype=object)
    cleaned = norm.text(values)
    if kind == "code":
        cleaned = cleaned.str.replace(r"^[a-zA-Z]\) *", "", regex=True)
    return cleaned


def derived_flags(sheet: SheetMapping, out: dict[str, pd.Series], typed: dict[str, pd.Series]) -> None:
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

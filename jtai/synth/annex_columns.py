"""What every Annex A list is made of: its columns, dates, yes/no cells and the child columns."""

from __future__ import annotations

from typing import Any

import numpy as np

from jtai.synth import codes
from jtai.synth.population import Population
from jtai.synth.table import NO_DATE

List = dict[str, Any]  # header -> column of cell values (str, int, datetime.date or None)


def dates(days: Any) -> Any:
    """Day numbers as ``datetime.date`` objects (``None`` where there is no date)."""
    days = np.asarray(days, dtype=np.int64)
    out = days.astype("datetime64[D]").astype(object)
    out[days == NO_DATE] = None
    return out


def child_columns(pop: Population, idx: Any, rng: np.random.Generator | None = None) -> List:
    """The child columns every list starts with (lists 4-10 add the disability question)."""
    cols: List = {
        "Child Unique ID": pop.la_child_id[idx].astype(np.int64).astype(object),
        "Gender": np.array(codes.SEX_LABELS, dtype=object)[pop.sex[idx]],
        "Ethnicity": np.array(codes.ETHNICITY_LABELS, dtype=object)[pop.ethnicity[idx]],
        "Date of Birth": dates(pop.dob[idx]),
        "Age": pop.age[idx].astype(object),
    }
    if rng is not None:
        disabled = (pop.household[idx] * 7919 + idx) % 100 < 8  # stable per child across lists
        cols["Does the Child have a Disability"] = np.where(disabled, "a) Yes", "b) No").astype(object)
    return cols


def either_or(mask: Any, yes: Any, no: Any) -> Any:
    """Cell values: ``yes`` where ``mask`` holds, else ``no`` (arrays or scalars, ``None`` allowed)."""
    out = np.empty(np.asarray(mask).size, dtype=object)
    yes_arr = np.broadcast_to(np.asarray(yes, dtype=object), out.shape)
    no_arr = np.broadcast_to(np.asarray(no, dtype=object), out.shape)
    out[:] = np.where(mask, yes_arr, no_arr)
    return out

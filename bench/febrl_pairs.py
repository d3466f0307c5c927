"""The true pairs of a FEBRL set after ``jtai link``: blocking, their shapes, the twin-looking ones.

Used by ``bench/link_outside.py``. A pair's *shape* says, field by field, how its two
records differ, never what they hold, so it can be printed and shared:

- ``=`` the same; ``-`` missing on either side; ``x`` different;
- names and text: ``~1`` / ``~2`` one or two edits apart; ``sdx`` names with one Soundex;
  ``swap`` the first name is the other record's surname (or the reverse);
- date of birth: ``~1`` one keystroke; ``dm`` day and month swapped; ``ym`` same year and
  month; ``y`` same year; ``md`` same day and month in another year.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Pair = tuple[int, int]
# (label, column, kind): the fields a shape shows, in order
_SHAPE_FIELDS = (
    ("first", "first_name", "name"),
    ("last", "last_name", "name"),
    ("dob", "dob", "dob"),
    ("postcode", "postcode", "text"),
    ("street no.", "street_number", "text"),
    ("address 1", "address_line_1", "text"),
    ("address 2", "address_line_2", "text"),
    ("town", "town", "text"),
)


@dataclass(frozen=True)
class TwinLooking:
    """True pairs that look like twins, where they went, and recall before review on the others."""

    pairs: int
    linked: int
    review: int
    apart: int
    other_pairs: int
    other_recall: float


def identities(db: Path) -> Any:
    """The normalised identity of every record (``jtai link``'s own normalisation), by record id.

    The street number, which the FEBRL mapping keeps in ``extra``, is added for shapes only.
    """
    import pandas as pd

    from jtai.linkage.normalise import identity_frame
    from jtai.store.linkage import IDENTITY_COLUMNS

    conn = sqlite3.connect(db)
    try:
        cols = list(IDENTITY_COLUMNS)
        rows = conn.execute(f"SELECT {', '.join(cols)} FROM records ORDER BY id").fetchall()
        extra = dict(conn.execute("SELECT id, extra FROM records").fetchall())
    finally:
        conn.close()
    raw = pd.DataFrame(rows, columns=cols)
    for c in cols[1:]:
        raw[c] = raw[c].astype("string")
    ident = identity_frame(raw)
    ident["street_number"] = [json.loads(extra[i] or "{}").get("street_number") for i in ident["id"]]
    return ident.reset_index(drop=True)


def true_pairs(truth: dict[int, str]) -> list[Pair]:
    """Every pair of record ids (smaller first) that belong to one true person."""
    people: dict[str, list[int]] = {}
    for rid, person in truth.items():
        people.setdefault(person, []).append(rid)
    out = []
    for ids in people.values():
        ids.sort()
        out += [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    return out


def proposed(ident: Any) -> set[Pair]:
    """The pairs of record ids that any blocking rule ``jtai link`` would use proposes directly."""
    import duckdb

    from jtai.linkage.comparisons import fields_in_use, usable_rules

    duck = duckdb.connect()
    try:
        duck.register("ident", ident.drop(columns=["street_number"]))
        found: set[Pair] = set()
        for rule in usable_rules(ident, fields_in_use(ident)):
            sql = f"SELECT l.id, r.id FROM ident l JOIN ident r ON {rule.sql()} AND l.id <> r.id"
            found |= {(min(a, b), max(a, b)) for a, b in duck.execute(sql).fetchall()}
        return found
    finally:
        duck.close()


def shapes(ident: Any, pairs: list[Pair]) -> Counter[str]:
    """How many of ``pairs`` have each shape (see the module's codes)."""
    rows = ident.set_index("id")
    out: Counter[str] = Counter()
    for a, b in pairs:
        left, right = rows.loc[a], rows.loc[b]
        swapped = _text(left["first_name"]) is not None and (
            left["first_name"] == right["last_name"] or left["last_name"] == right["first_name"]
        )
        terms = []
        for label, column, kind in _SHAPE_FIELDS:
            code = _shape(_text(left[column]), _text(right[column]), kind)
            terms.append(f"{label} {'swap' if swapped and kind == 'name' and code != '=' else code}")
        out["  ".join(terms)] += 1
    return out


def twin_looking(
    ident: Any, pairs: list[Pair], child: dict[int, Any], reviewed: dict[int, Any]
) -> TwinLooking:
    """Split true ``pairs`` into twin-looking ones (``jtai``'s own twin rule) and the others.

    Args:
        ident: :func:`identities`.
        pairs: the true pairs.
        child: each record's child id after ``jtai link``.
        reviewed: each record's child once every review pair is accepted.
    """
    import numpy as np

    from jtai.linkage.twins import twin_pairs

    row = {rid: i for i, rid in enumerate(ident["id"].tolist())}
    left = np.array([row[a] for a, _ in pairs], dtype=np.int64)
    right = np.array([row[b] for _, b in pairs], dtype=np.int64)
    twins = twin_pairs(ident, left, right)
    linked = review = apart = other = other_linked = 0
    for (a, b), twin in zip(pairs, twins.tolist(), strict=True):
        same = child[a] == child[b]
        if not twin:
            other += 1
            other_linked += same
        elif same:
            linked += 1
        elif reviewed[a] == reviewed[b]:
            review += 1
        else:
            apart += 1
    return TwinLooking(linked + review + apart, linked, review, apart, other, other_linked / max(other, 1))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _shape(a: str | None, b: str | None, kind: str) -> str:
    """One field's code (see the module's docstring)."""
    from jtai.linkage.normalise import soundex
    from jtai.linkage.twins import osa_distance

    if a is None or b is None:
        return "-"
    if a == b:
        return "="
    if kind == "dob":
        return _dob_shape(a, b, osa_distance(a, b))
    edits = osa_distance(a, b)
    if edits <= 2:
        return f"~{edits}"
    if kind == "name" and soundex(a) == soundex(b):
        return "sdx"
    return "x"


def _dob_shape(a: str, b: str, edits: int) -> str:
    """A date of birth's code (ISO dates)."""
    if edits <= 1:
        return "~1"
    if a[:5] + a[8:] + "-" + a[5:7] == b:
        return "dm"
    if a[:7] == b[:7]:
        return "ym"
    if a[:4] == b[:4]:
        return "y"
    if a[5:] == b[5:]:
        return "md"
    return "x"

"""Hand-named case references: never a name or an identifier.

An inspector may name a case by hand (``jtai score REF --new``, ``--new-cases`` on import)
when no record or sample holds it. The reference is kept in the scoring tables and in the
append-only audit log, which can never be changed, so a reference that names or identifies
a child is refused before anything is written:

- **by its shape**, whatever is loaded: ten or more digits (an NHS number, a UPN), a PNC id,
  a postcode, a date;
- **by the workspace's records**: a name, identifier, date of birth or postcode in the
  anonymity guard's index (:func:`jtai.store.report.index_from_store`), in any case and with
  ``-``, ``_`` or ``.`` anywhere between its parts, and with letters or digits added
  around it (``LA1000284`` holds the identifier 1000284, ``ASHBY2`` the name Ashby).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from typing import TYPE_CHECKING

from jtai.anonymity.guard import IdentifyingIndex
from jtai.errors import UsageError
from jtai.store.report import index_from_store

if TYPE_CHECKING:
    from jtai.anonymity.guard import IdentifyingIndex

# Each shape: a pattern over the reference and what it looks like. A reference holds only
# letters, digits, "-", "_" and "." (see cases.normalise_ref), so a part stands alone when
# no letter or digit touches it.
_ALONE_BEFORE = r"(?<![A-Za-z0-9])"
_ALONE_AFTER = r"(?![A-Za-z0-9])"
_SHAPES = (
    (re.compile(r"\d(?:[-_.]?\d){9}"), "an NHS number, a UPN or another identifier (ten or more digits)"),
    (re.compile(_ALONE_BEFORE + r"\d{2}[-_.]?\d{4,7}[A-Za-z]" + _ALONE_AFTER), "a PNC id"),
    (
        re.compile(_ALONE_BEFORE + r"[A-Za-z]{1,2}\d[A-Za-z\d]?[-_.]?\d[A-Za-z]{2}" + _ALONE_AFTER),
        "a postcode",
    ),
)
_DATES = (
    # (pattern, group order as year, month, day)
    (re.compile(_ALONE_BEFORE + r"(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})" + _ALONE_AFTER), (1, 2, 3)),
    (re.compile(_ALONE_BEFORE + r"(\d{1,2})[-_.](\d{1,2})[-_.](\d{4})" + _ALONE_AFTER), (3, 2, 1)),
    (re.compile(_ALONE_BEFORE + r"(\d{4})(\d{2})(\d{2})" + _ALONE_AFTER), (1, 2, 3)),
    (re.compile(_ALONE_BEFORE + r"(\d{2})(\d{2})(\d{4})" + _ALONE_AFTER), (3, 2, 1)),
)
_SEPARATORS = re.compile(r"[-_.]+")
_RUNS = re.compile(r"[A-Za-z]+|\d+")
_MIN_IDENTIFIER = 5  # as jtai.anonymity.guard.MIN_IDENTIFIER: shorter identifiers are not indexed
HINT = (
    "Nothing was saved. Name the child by pseudonym (e.g. C-7KQ3-XM9D; `jtai sample show` lists "
    "them) or by a neutral reference of your own, such as audit-07 or FD.3."
)


def shape_problem(ref: str) -> str:
    """What an identifier-shaped reference looks like ("" when its shape is fine)."""
    for pattern, what in _SHAPES:
        if pattern.search(ref):
            return what
    for pattern, (y, m, d) in _DATES:
        for match in pattern.finditer(ref):
            if _is_date(int(match[y]), int(match[m]), int(match[d])):
                return "a date"
    return ""


def records_problem(ref: str, index: IdentifyingIndex) -> str:
    """What in the workspace's records the reference matches ("" when it matches nothing).

    The reference is searched as written, with its separators read as spaces, as dashes and
    as nothing, and with each part capitalised, so ``brinemore``, ``Jayden.Smith`` and
    ``943-476-5919`` are all found; a part equal to any name is refused even when the name
    is also an ordinary word (a reference is not prose).
    """
    parts = [p for p in _SEPARATORS.split(ref) if p]
    variants = {
        ref,
        " ".join(parts),
        "-".join(parts),
        "".join(parts),
        " ".join(p[:1].upper() + p[1:].lower() for p in parts),
    }
    for text in sorted(variants):
        hits = index.scan_text(text, where="case reference")
        if hits:
            return hits[0].kind
    runs = _RUNS.findall(ref)
    if any(p.casefold() in index.names for p in parts + runs):
        return "name"
    if _holds_identifier(ref, runs, index.identifiers):
        return "identifier"
    return ""


def _holds_identifier(ref: str, runs: list[str], identifiers: set[str]) -> bool:
    """Whether an identifier is spelt inside the reference, its digits joined or not.

    ``LA1000284`` and ``la-10.00284`` both hold 1000284; so does ``1000x284``, its digits joined.
    """
    spellings = {"".join(runs).upper(), "".join(r for r in runs if r.isdigit())}
    for text in spellings:
        for start in range(len(text)):
            for end in range(start + _MIN_IDENTIFIER, len(text) + 1):
                if text[start:end] in identifiers:
                    return True
    return False


def index_for(conn: sqlite3.Connection) -> IdentifyingIndex:
    """The anonymity guard's index of the workspace's records (empty when none are loaded)."""
    try:
        return index_from_store(conn)
    except sqlite3.OperationalError:  # no records table: nothing loaded can be matched
        return IdentifyingIndex()


def problem(ref: str, index: IdentifyingIndex) -> str:
    """Why ``ref`` cannot name a new case, as the end of a sentence ("" when it can)."""
    shape = shape_problem(ref)
    if shape:
        return f"looks like {shape}"
    found = records_problem(ref, index)
    if found:
        article = "an" if found[0] in "aeiou" else "a"
        return f"matches {article} {found} in the loaded records"
    return ""


def require_fit(conn: sqlite3.Connection, ref: str) -> None:
    """Refuse a new hand-named reference that is, or looks like, a name or an identifier.

    Raises:
        UsageError: the reference is unfit; the message does not repeat it.
    """
    found = problem(ref, index_for(conn))
    if found:
        raise UsageError(
            f"A case reference must never be a name or an identifier, and this one {found}.", hint=HINT
        )


def _is_date(year: int, month: int, day: int) -> bool:
    if not 1900 <= year <= 2099:
        return False
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True

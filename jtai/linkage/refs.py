"""References users type: a record is ``R<id>``, a child is its pseudonym ``C-XXXX-XXXX``."""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING

from jtai.errors import NotFoundError, UsageError
from jtai.pseudonym import pseudonym
from jtai.store import linkage as store

if TYPE_CHECKING:
    from jtai.workspace import Workspace

_RECORD = re.compile(r"^[Rr](\d+)$")
_CHILD = re.compile(r"^[Cc]-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}$")


def child_pseudonym(ws: Workspace, child_id: str) -> str:
    """The pseudonym users see for a child id (e.g. ``C-7KQ3-XM9D``)."""
    return pseudonym(ws.key, child_id)


def record_id(ref: str) -> int:
    """The record id of a reference like ``R1042``.

    Raises:
        UsageError: the reference is not of the form ``R<number>``.
    """
    match = _RECORD.match(ref.strip())
    if match is None:
        raise UsageError(f"{ref!r} is not a record reference; write a record as R<number>, e.g. R1042.")
    return int(match.group(1))


def resolve_child(ws: Workspace, conn: sqlite3.Connection, ref: str) -> str:
    """The child id named by ``ref``: a child's pseudonym, or any of its records (``R1042``).

    Raises:
        UsageError: ``ref`` is neither form.
        NotFoundError: no such record or child, or records are not linked yet.
    """
    text = ref.strip()
    if _RECORD.match(text):
        rid = record_id(text)
        rows = store.records_by_id(conn, [rid])
        if not rows:
            raise NotFoundError(f"There is no record R{rid} in this workspace.")
        child = rows[0]["child_id"]
        if child is None:
            raise NotFoundError(f"Record R{rid} has no child id yet.", hint="Run `jtai link` first.")
        return str(child)
    if not _CHILD.match(text):
        raise UsageError(
            f"{ref!r} is neither a child's pseudonym (C-XXXX-XXXX) nor a record reference (R<number>)."
        )
    wanted = text.upper()
    for child in store.child_ids(conn):
        if child_pseudonym(ws, child) == wanted:
            return child
    if store.last_run(conn) is None:
        raise NotFoundError(
            f"No child is called {text}: records are not linked yet.", hint="Run `jtai link`."
        )
    raise NotFoundError(f"No child in this workspace is called {text}.", hint="Check the pseudonym.")


def pseudonyms(ws: Workspace, conn: sqlite3.Connection) -> dict[str, str]:
    """Every child id in use, mapped to its pseudonym."""
    return {child: child_pseudonym(ws, child) for child in store.child_ids(conn)}

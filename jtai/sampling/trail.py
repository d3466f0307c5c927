"""Sampling's entries in the workspace audit log (``sample.draw``, ``sample.replace``).

Each entry is written in the same transaction as the rows it describes and names members
by pseudonym (and record reference at the front door), never by an agency identifier.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jtai.pseudonym import pseudonym

if TYPE_CHECKING:
    from jtai.sampling.model import Sample
    from jtai.workspace import Workspace

DRAW = "sample.draw"
REPLACE = "sample.replace"


def member_refs(key: bytes, members: list[dict[str, Any]]) -> list[list[Any]]:
    """``[position, drawn as, pseudonym, R<record> or None, stratum]`` per member."""
    return [
        [
            m["position"],
            m["role"],
            pseudonym(key, m["child_key"]),
            f"R{m['record_id']}" if m.get("record_id") is not None else None,
            m["stratum"],
        ]
        for m in members
    ]


def stored_refs(sample: Sample) -> list[list[Any]]:
    """The same list for a stored sample (members as drawn, before any replacement)."""
    return [[m.position, m.drawn_as, m.pseudonym, m.record_ref, m.stratum] for m in sample.members]


class Trail:
    """Writes the entries inside a store transaction, then records the log's head after it."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.entry: dict[str, Any] | None = None

    def draw(self, actor: str, detail: dict[str, Any]) -> Callable[[sqlite3.Connection, int], None]:
        """The callback that logs a draw once the sample has its number."""

        def write(conn: sqlite3.Connection, sample_id: int) -> None:
            from jtai.scoring import audit

            self.entry = audit.append(
                conn, actor=actor, action=DRAW, case_ref=None, detail={"sample": sample_id, **detail}
            )

        return write

    def replace(
        self, actor: str, case_ref: str, detail: dict[str, Any]
    ) -> Callable[[sqlite3.Connection], None]:
        """The callback that logs a replacement."""

        def write(conn: sqlite3.Connection) -> None:
            from jtai.scoring import audit

            self.entry = audit.append(conn, actor=actor, action=REPLACE, case_ref=case_ref, detail=detail)

        return write

    def saved(self) -> None:
        """Call after the transaction committed: move the log's head file forward."""
        from jtai.scoring import audit

        audit.save_head(self.ws.root, self.entry)


def draw_entry(ws: Workspace, sample_id: int) -> dict[str, Any] | None:
    """The ``sample.draw`` entry of a sample, or None (drawn before sampling was logged)."""
    from jtai.scoring import audit

    conn = ws.connect()
    try:
        for entry in audit.entries(conn):
            detail = entry.get("detail")
            if entry["action"] == DRAW and isinstance(detail, dict) and detail.get("sample") == sample_id:
                return detail
    finally:
        conn.close()
    return None

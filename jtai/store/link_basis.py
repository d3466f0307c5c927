"""SQL for incremental linking: what a run read (its basis), the identities it kept, the pairs it scored.

A linking run stores its *basis* beside its summary: the files loaded, how many records
there were and the highest record id. The next run compares it with the store to tell
whether records were only added since (a new extract loaded, nothing unloaded), in which
case only the new records need scoring.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Schema 7: each run's basis (JSON), so the next run can tell what was added since, and the
# identities it read, normalised, in chunks: a full run writes one, each incremental run adds
# one for the records it added (``upto``: the highest record id a chunk covers).
RUN_BASIS = """
ALTER TABLE link_runs ADD COLUMN basis TEXT;
CREATE TABLE IF NOT EXISTS link_identities (
    upto INTEGER PRIMARY KEY,
    atoms BLOB NOT NULL,
    records BLOB NOT NULL
);
"""


@dataclass(frozen=True)
class IdentityChunk:
    """Normalised identities a run read (Arrow IPC bytes), for the next incremental run.

    Attributes:
        upto: the highest record id covered.
        atoms: the new atoms; records: the new records and their atoms.
        replace: the chunk covers every record (a full run): earlier chunks are dropped.
    """

    upto: int
    atoms: bytes
    records: bytes
    replace: bool


@dataclass(frozen=True)
class Records:
    """The records in the store: the files loaded (id, content hash), how many, the highest id."""

    files: tuple[tuple[int, str], ...]
    count: int
    max_id: int

    def as_dict(self) -> dict[str, object]:
        """As plain data (for the run's basis)."""
        return {"files": [list(f) for f in self.files], "records": self.count, "max_id": self.max_id}


def decisions_now(conn: sqlite3.Connection) -> str:
    """A fingerprint of every reviewer's decision held now.

    Made of each decision's id, pair and outcome: an undone decision followed by another
    on the same pair can take the same id, and still gives another fingerprint.
    """
    import hashlib

    rows = conn.execute("SELECT id, left_id, right_id, decision FROM link_decisions ORDER BY id").fetchall()
    return hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()


def records_now(conn: sqlite3.Connection) -> Records:
    """The files and records in the store now."""
    count, top = conn.execute("SELECT COUNT(*), coalesce(MAX(id), 0) FROM records").fetchone()
    return Records(files_now(conn), int(count), int(top))


def files_now(conn: sqlite3.Connection) -> tuple[tuple[int, str], ...]:
    """The files loaded now, as ``(id, sha256)`` in id order."""
    return tuple((int(i), str(s)) for i, s in conn.execute("SELECT id, sha256 FROM files ORDER BY id"))


def only_added(conn: sqlite3.Connection, before: Records) -> bool:
    """Whether the store holds every file and record of ``before`` (records only added since).

    Record ids are never given twice (see :mod:`jtai.store.unload`), so the records of
    ``before`` are those with an id up to its highest, and the new ones are above it.
    """
    return set(before.files) <= set(files_now(conn)) and records_upto(conn, before.max_id) == before.count


def records_upto(conn: sqlite3.Connection, max_id: int) -> int:
    """How many records have ids up to ``max_id``."""
    (count,) = conn.execute("SELECT COUNT(*) FROM records WHERE id <= ?", (max_id,)).fetchone()
    return int(count)


def scored_pairs(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every pair the last run kept, in key order.

    Returns:
        ``left_id, right_id, match_probability, match_weight, status, reason``.
    """
    import pandas as pd

    cur = conn.cursor()
    cur.row_factory = None
    rows = cur.execute("SELECT * FROM link_pairs ORDER BY left_id, right_id").fetchall()
    columns = 6
    values = list(zip(*rows, strict=True)) if rows else [()] * columns
    return pd.DataFrame(
        {
            "left_id": pd.Series(values[0], dtype="int64"),
            "right_id": pd.Series(values[1], dtype="int64"),
            "match_probability": pd.Series(values[2], dtype="float64"),
            "match_weight": pd.Series(values[3], dtype="float64"),
            "status": pd.Series(values[4], dtype=object),
            "reason": pd.Series(values[5], dtype=object),
        }
    )


def save_identities(conn: sqlite3.Connection, chunk: IdentityChunk) -> None:
    """Keep a run's identities (call inside the run's transaction)."""
    if chunk.replace:
        conn.execute("DELETE FROM link_identities")
    conn.execute(
        "INSERT OR REPLACE INTO link_identities VALUES (?, ?, ?)", (chunk.upto, chunk.atoms, chunk.records)
    )


def identity_chunks(conn: sqlite3.Connection) -> list[tuple[int, bytes, bytes]]:
    """Every kept chunk of identities (``upto, atoms, records``), oldest first."""
    rows = conn.execute("SELECT upto, atoms, records FROM link_identities ORDER BY upto").fetchall()
    return [(int(r[0]), bytes(r[1]), bytes(r[2])) for r in rows]

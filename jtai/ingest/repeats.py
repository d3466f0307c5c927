"""Rows that repeat a row loaded before: from an earlier chunk of their table, an earlier sheet
of their file, or a record of the same agency in the store. Each is quarantined, not added twice.

Within a chunk, :func:`jtai.ingest.validate.validate` finds repeated rows itself (value by
value); across chunks, sheets and loads, rows are compared by their row hash
(``records.row_hash``, 64 bits of every value of the row). A row is checked against, in turn:
the earlier chunks of its table (as if the table had been checked whole), the records loaded
before (a file loaded again after being re-saved or re-exported: its bytes, and its hash,
differ), then the earlier sheets of its file (``List 3`` and ``Referrals`` mapping to the same
list).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from jtai.ingest.validate import Validated
from jtai.store import records as store

if TYPE_CHECKING:
    import numpy as np


class TableRepeats:
    """The rows of one table accepted by its checks so far, chunk after chunk.

    Kept as numpy arrays sorted by row hash (numpy sorts and searches them), not as a dict of
    a million Python ints.
    """

    def __init__(self) -> None:
        import numpy as np

        self._hashes = np.zeros(0, np.int64)  # sorted
        self._rows = np.zeros(0, np.int64)  # the sheet row of each

    def set_aside(self, outcome: Validated) -> None:
        """Quarantine the rows of a chunk that repeat a row of an earlier chunk; remember the others."""
        import numpy as np

        current = outcome.row_hash
        if current is None or not len(current):
            return
        if len(self._hashes):
            at, hit = _found(self._hashes, current)
            if hit.any():
                first = self._rows[at[hit]].tolist()
                messages = [f"The same values as row {row}; loaded once." for row in first]
                outcome.quarantine_accepted(hit, "duplicate_row", messages)
                current = outcome.row_hash
        # the chunk's rows hold no repeats of each other (the checks set them aside)
        order = np.argsort(np.concatenate([self._hashes, current]), kind="stable")
        self._hashes = np.concatenate([self._hashes, current])[order]
        self._rows = np.concatenate([self._rows, outcome.rows.astype(np.int64)])[order]


def _found(known: np.ndarray, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``hashes`` is or would go in the sorted, non-empty ``known``, and whether it is there."""
    import numpy as np

    at = np.minimum(np.searchsorted(known, hashes), len(known) - 1)
    return at, known[at] == hashes


def stored_hashes(conn: sqlite3.Connection, agency: str) -> np.ndarray:
    """The row hashes of the agency's records in the store, sorted, each once."""
    import numpy as np

    return np.unique(np.array(store.record_hashes(conn, agency), dtype=np.int64))


class FileRepeats:
    """The rows of one file accepted so far, sheet after sheet, and the store's row hashes."""

    def __init__(self, stored: np.ndarray) -> None:
        import numpy as np

        self.stored = stored
        self._names: list[str] = []  # the sheets seen, in order
        # the accepted rows of the sheets before the current one: row hash, sheet, row
        self._hashes, self._sheets = np.zeros(0, np.int64), np.zeros(0, np.intp)
        self._rows = np.zeros(0, np.int64)
        self._current: list[tuple[np.ndarray, np.ndarray]] = []

    def new_sheet(self, name: str) -> None:
        """Start the next sheet: the rows accepted from the one before count as earlier."""
        import numpy as np

        for hashes, rows in self._current:
            self._hashes = np.concatenate([self._hashes, hashes])
            self._sheets = np.concatenate([self._sheets, np.full(len(hashes), len(self._names) - 1, np.intp)])
            self._rows = np.concatenate([self._rows, rows.astype(np.int64)])
        self._current = []
        self._names.append(name)

    def set_aside(self, conn: sqlite3.Connection, agency: str, outcome: Validated) -> None:
        """Quarantine the rows of a chunk repeating a stored record or an earlier sheet's row."""
        self._earlier_loads(conn, agency, outcome)
        self._earlier_sheets(outcome)
        if outcome.row_hash is not None:
            self._current.append((outcome.row_hash, outcome.rows))

    def _earlier_loads(self, conn: sqlite3.Connection, agency: str, outcome: Validated) -> None:

        current = outcome.row_hash
        if current is None or not len(current) or not len(self.stored):
            return
        _, hit = _found(self.stored, current)
        if not hit.any():
            return
        hashes = current[hit].tolist()
        found = store.records_by_hash(conn, agency, sorted(set(hashes)))
        messages = [
            f"The same values as record R{found[h]['id']} ({found[h]['file']}"
            + (f", sheet {found[h]['sheet']}" if found[h]["sheet"] else "")
            + f", row {found[h]['source_row']}), loaded before; not added again."
            for h in hashes
        ]
        outcome.quarantine_accepted(hit, "duplicate_row", messages)

    def _earlier_sheets(self, outcome: Validated) -> None:
        import numpy as np

        current = outcome.row_hash
        if current is None or not len(current) or not len(self._hashes):
            return
        hit = np.isin(current, self._hashes)
        if not hit.any():
            return
        order = np.argsort(self._hashes, kind="stable")  # equal hashes keep their order: first wins
        first = order[np.searchsorted(self._hashes[order], current[hit])]
        messages = [
            f"The same values as sheet {self._names[sheet]}, row {row}; loaded once."
            for sheet, row in zip(self._sheets[first].tolist(), self._rows[first].tolist(), strict=True)
        ]
        outcome.quarantine_accepted(hit, "duplicate_row", messages)

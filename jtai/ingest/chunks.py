"""Large tables checked in chunks of rows, each written as soon as it is checked.

Only one chunk's checked values and insert parameters are held at a time, not the whole
table's: peak memory stays well under the size of a large file's values laid out twice.
Every check is made row by row, so a chunk is checked as the whole table would be, but for
rows repeating a row of an earlier chunk: :class:`jtai.ingest.repeats.TableRepeats` finds
those, in order.

The checks run on the caller's thread, between the writes. On a second thread they would
compete with the inserts for Python's lock (SQLite's Python binding takes it for every
value it binds): on a 2-core machine that gained at most a few per cent on clean files and
cost more than that on files with many bad cells.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from jtai.ingest.readers import RawSheet

# Rows checked at a time: enough that the fixed cost of a pass (a few hundred pandas calls,
# about 30 ms) stays small, few enough that a chunk's values fit in memory twice over. The
# first chunk is smaller, so that a file's first rows are written soon.
CHUNK_ROWS = 100_000
FIRST_ROWS = 10_000


def split(raw: RawSheet) -> list[RawSheet]:
    """The table as consecutive chunks: :data:`FIRST_ROWS` data rows, then :data:`CHUNK_ROWS` at a time.

    A table of up to :data:`FIRST_ROWS` rows is one chunk, itself. The rows read apart from the
    frame (ragged rows and their notes) go with the first chunk, so that each row is counted,
    and quarantined, once.
    """
    n = len(raw.frame)
    if n <= FIRST_ROWS:
        return [raw]
    bounds = [0, *range(FIRST_ROWS, n, CHUNK_ROWS), n]
    out = []
    for start, stop in itertools.pairwise(bounds):
        faults = {
            column: {p - start: fault for p, fault in cells.items() if start <= p < stop}
            for column, cells in raw.cell_faults.items()
        }
        out.append(
            replace(
                raw,
                frame=raw.frame.iloc[start:stop].reset_index(drop=True),
                rows=raw.rows[start:stop],
                ragged=raw.ragged if start == 0 else [],
                cell_faults={column: cells for column, cells in faults.items() if cells},
                notes=raw.notes if start == 0 else {},
            )
        )
    return out

"""Large tables checked in chunks of rows, on a second thread, while the chunks before are written.

Checking (pandas, numpy, pyarrow) and writing (SQLite, which lets go of Python's lock while
it inserts) then use two cores at once: a large file loads in little more than the time of
the slower of the two, not their sum. Every check is made row by row, so a chunk is checked
as the whole table would be, but for rows repeating a row of an earlier chunk:
:class:`jtai.ingest.repeats.TableRepeats` finds those, in order, on the same thread.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Generic, TypeVar

from jtai.ingest.readers import RawSheet

T = TypeVar("T")

# Rows checked at a time: enough that the fixed cost of a pass (a few hundred pandas calls,
# about 30 ms) stays small, few enough that a chunk's values fit in memory twice over. The
# first chunk is smaller: nothing is written until it is checked.
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


class _Failed(Generic[T]):
    """What a job raised, to be raised again on the thread taking the results."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


@contextmanager
def ahead(jobs: Iterable[Callable[[], T]]) -> Iterator[Iterator[T]]:
    """Run ``jobs`` in order on a second thread, one result ahead of the one taken.

    Yields an iterator over the results, in order; an exception a job raises is raised by
    the iterator, where the result would have been, and no later job runs. Leaving the
    block (also on an error or an interrupt of the taking thread) stops the thread after
    the job it is running and waits for it.
    """
    results: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: object) -> None:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def work() -> None:
        try:
            for job in jobs:
                if stop.is_set():
                    return
                put(job())
        except BaseException as exc:  # raised again where the result is taken
            put(_Failed(exc))
        else:
            put(_DONE)

    def taken() -> Iterator[T]:
        while (item := results.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]

    thread = threading.Thread(target=work, name="ingest-checks", daemon=True)
    thread.start()
    try:
        yield taken()
    finally:
        stop.set()
        thread.join()

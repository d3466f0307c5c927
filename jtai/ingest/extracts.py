"""The private copy of each loaded file in the workspace's ``extracts/`` folder.

The copy is part of the load: it is written inside the load's transaction, while the rows
are inserted, and removed again if the load fails or is interrupted, so a file that was not
loaded leaves no child's data behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from jtai.files import write_private

if TYPE_CHECKING:
    from jtai.workspace import Workspace


class ExtractCopy:
    """The copy of one file, named by its SHA-256, readable by the owner only.

    Attributes:
        target: where the copy goes.
        stored_as: ``target`` relative to the workspace, as the ``files`` table holds it.
    """

    def __init__(self, ws: Workspace, sha: str, suffix: str) -> None:
        self.target = ws.extracts_dir / f"{sha}{suffix.lower()}"
        self.stored_as = str(self.target.relative_to(ws.root))
        self._created = False

    def write(self, data: bytes) -> None:
        """Write the copy (whole or not at all: a temporary file renamed into place)."""
        folder = self.target.parent
        folder.mkdir(mode=0o700, exist_ok=True)
        if self.target.exists():
            return  # left by an earlier load of the same bytes whose record was removed
        write_private(self.target, data, atomic=True, error=None)
        self._created = True

    @contextlib.contextmanager
    def written_during(self, data: bytes) -> Iterator[None]:
        """Write the copy on a second thread while the block runs (a load inserting its rows).

        Writing and syncing the copy waits on the disk, not the processor, so it costs the
        load no time of its own. The block's end waits for the copy, and raises what
        :meth:`write` raised; a block that fails still waits for it, so that
        :meth:`discard` then removes it.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract-copy") as pool:
            written = pool.submit(self.write, data)
            yield  # leaving the pool waits for its thread, also when the block fails
        written.result()

    def discard(self) -> None:
        """Remove the copy if this load wrote it (the load did not commit)."""
        if self._created:
            _remove(self.target)
            self._created = False


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()

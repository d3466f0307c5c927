"""Opening the store: connect, set SQLite up, migrate (see :mod:`jtai.store.schema`)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from jtai.errors import WorkspaceError
from jtai.store import schema
from jtai.store.core import cannot_write

BUSY_TIMEOUT_MS = 30_000
# Pages of a new store, in bytes (SQLite's default is 4096). A load of a million records
# writes about 180 MB twice (to the write-ahead log, then into the store); with larger
# pages it takes a quarter as many writes, and its commit about 40% less time.
PAGE_SIZE = 16_384


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the store at ``path``.

    The connection is in autocommit mode; group writes with :func:`transaction`.

    Raises:
        WorkspaceError: the file cannot be opened or written, is not a jtai store, or is from
            a newer jtai.
    """
    existed = path.exists()
    try:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        if not existed:
            # before anything is written: fixed for the store's life (see PAGE_SIZE)
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        schema.migrate(conn)
    except sqlite3.DatabaseError as exc:
        unwritable = cannot_write(exc, path)
        if unwritable is not None:
            raise unwritable from exc
        raise WorkspaceError(
            f"{path} is not a jtai database or is damaged ({exc}).",
            hint="Restore it from a backup, or create a new workspace with `jtai init`.",
        ) from exc
    if not existed:
        os.chmod(path, 0o600)
    return conn

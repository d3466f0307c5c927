"""Connections and transactions."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jtai.errors import WorkspaceError

BUSY_TIMEOUT_MS = 30_000


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the store at ``path``.

    The connection is in autocommit mode; group writes with :func:`transaction`.

    Raises:
        WorkspaceError: the file is not a jtai store, or is from a newer jtai.
    """
    from jtai.store import schema

    existed = path.exists()
    try:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        schema.migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(
            f"{path} is not a jtai database or is damaged ({exc}).",
            hint="Restore it from a backup, or create a new workspace with `jtai init`.",
        ) from exc
    if not existed:
        os.chmod(path, 0o600)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection, *, immediate: bool = True) -> Iterator[sqlite3.Connection]:
    """Run a block in one transaction: all of it is written, or none of it.

    ``BEGIN IMMEDIATE`` takes the write lock at once, so two writers queue on the busy
    timeout instead of failing half-way with "database is locked".
    """
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")

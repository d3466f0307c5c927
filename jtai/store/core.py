"""Transactions and the error for a store that cannot be written: what every store module uses."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jtai.errors import WorkspaceError


def cannot_write(exc: BaseException, path: Path | None = None) -> WorkspaceError | None:
    """The workspace error for SQLite failing to open or write the store, else None.

    A read-only ``jtai.db``, a folder where SQLite cannot create its journal files beside
    it, or a full disk: the user can fix each, so none of them is a bug.
    """
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    text = str(exc).lower()
    where = str(path) if path is not None else "jtai.db"
    if "readonly" in text or "unable to open" in text:
        return WorkspaceError(
            f"The workspace cannot be written: {where}, or the folder it is in, is read-only or not yours.",
            hint="Check the workspace folder and its files belong to you and can be written "
            "(jtai writes beside jtai.db even to read it).",
        )
    if "database or disk is full" in text:
        return WorkspaceError(
            f"The workspace cannot be written: the disk holding {where} is full.",
            hint="Free some space, then run the command again.",
        )
    return None


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

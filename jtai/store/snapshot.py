"""Read another workspace's store without changing anything in its folder.

Opening a WAL database, even read-only, makes SQLite create ``-wal`` and ``-shm`` files
beside it and write read marks into them. :func:`read_only` avoids both: a store whose
write-ahead log is empty is opened ``immutable``; one with pending changes in its log is
first copied, with its log, into a private temporary folder and read there.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from jtai.errors import WorkspaceError
from jtai.store.schema import SCHEMA_VERSION


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the store at ``path``, closed (and any copy deleted) after.

    Raises:
        WorkspaceError: the file is missing, not a jtai store, damaged, or from another
            version of jtai (run any jtai command in that workspace to bring it up to date).
    """
    wal = path.with_name(path.name + "-wal")
    if not path.is_file():
        raise WorkspaceError(f"{path} is missing.", hint="Name the folder of a jtai workspace.")
    with tempfile.TemporaryDirectory(prefix="jtai-read-") as scratch:
        if wal.is_file() and wal.stat().st_size > 0:
            copy = Path(scratch) / path.name
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            conn = _open(copy, f"file:{quote(str(copy))}?mode=ro", path)
        else:
            conn = _open(path, f"file:{quote(str(path))}?mode=ro&immutable=1", path)
        try:
            yield conn
        finally:
            conn.close()


def _open(path: Path, uri: str, shown: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(
            f"{shown} is not a jtai database or is damaged ({exc}).",
            hint="Restore it from a backup.",
        ) from exc
    if version != SCHEMA_VERSION:
        conn.close()
        newer = version > SCHEMA_VERSION
        raise WorkspaceError(
            f"{shown} was written by {'a newer' if newer else 'an older'} jtai (schema {version}, "
            f"this one reads {SCHEMA_VERSION}), so it is not read, to leave it as it is.",
            hint="Upgrade jtai: pip install --upgrade jtai"
            if newer
            else f"Run any jtai command in {shown.parent} (e.g. jtai audit verify) to bring it up to date.",
        )
    return conn

"""The schema and its migrations.

``MIGRATIONS[n]`` takes a database from version ``n`` to ``n + 1``. Each area's DDL lives
beside its queries (``jtai.store.records.DDL`` and so on) and is listed here once.
"""

from __future__ import annotations

import sqlite3

from jtai.errors import WorkspaceError
from jtai.store import field_issues, link_basis, linkage, records, sampling, scoring

_META_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

MIGRATIONS: list[str] = [
    _META_DDL + records.DDL + linkage.DDL + sampling.DDL + scoring.DDL,
    records.INDEXES_V2,
    field_issues.DDL,
    scoring.AUDIT_KEY_ID,
    records.CONTACT_COLUMNS,
    linkage.RUN_INPUTS,
    link_basis.RUN_BASIS,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the database up to :data:`SCHEMA_VERSION`.

    Raises:
        WorkspaceError: the database was written by a newer jtai.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"This workspace was written by a newer jtai (schema {version}, this one knows "
            f"{SCHEMA_VERSION}).",
            hint="Upgrade jtai: pip install --upgrade jtai",
        )
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # another process may have migrated while we waited for the lock
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in MIGRATIONS[version:]:
            for statement in _statements(step):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _statements(script: str) -> list[str]:
    """Split a script into statements; a trigger's body (``BEGIN ... END;``) stays whole."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements

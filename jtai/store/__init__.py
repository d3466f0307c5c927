"""The workspace store: the only package that speaks SQL.

SQLite in WAL mode with a busy timeout, so several processes (four inspectors scoring at
once) can share one workspace. The schema is versioned; :func:`connect` migrates an older
database forward and refuses a newer one.

Each area keeps its SQL in a module of its own here (``records``, ``linkage``, ...), and
declares its tables in :mod:`jtai.store.schema`.
"""

from jtai.store.connection import connect
from jtai.store.core import cannot_write, transaction
from jtai.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "cannot_write", "connect", "transaction"]

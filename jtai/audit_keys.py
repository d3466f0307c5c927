"""Keyed audit entries: a secret kept outside the workspace, so re-chaining the log needs it.

A workspace whose ``inspection.yaml`` names an ``audit_key`` (``env:NAME`` for an
environment variable, or the path of a key file outside the workspace) has every new
audit entry hashed with HMAC-SHA256 under that secret instead of plain SHA-256. Whoever
can write the workspace but does not hold the secret can no longer recompute a keyed
entry: changing one, or re-chaining the log after it, is found by ``jtai audit verify``.
The key's id (the first 16 hex digits of an HMAC of a fixed text) is stored with each
keyed entry, so an entry keyed with another secret is told apart from a changed one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jtai import yamlfile
from jtai.errors import ConfigError

SETTING = "audit_key"
ENV_PREFIX = "env:"
MIN_LENGTH = 16  # characters of secret: a short password could be guessed from an entry
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HINT = (
    'Make one with: python -c "import secrets; print(secrets.token_hex(32))", keep it outside '
    "the workspace (a key file only you can read, or an environment variable), and never lose it: "
    "without it the keyed entries cannot be verified."
)


@dataclass(frozen=True)
class AuditKey:
    """The secret, and where it came from (for messages)."""

    secret: bytes
    source: str

    @property
    def id(self) -> str:
        """A short, public name of the key: 16 hex digits that reveal nothing of it."""
        return hmac.new(self.secret, b"jtai audit key id", hashlib.sha256).hexdigest()[:16]

    def mac(self, text: str) -> str:
        """HMAC-SHA256 of ``text`` under the key, as hex."""
        return hmac.new(self.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


def check_setting(value: str, workspace: Path) -> str | None:
    """What is wrong with an ``audit_key`` setting (None: nothing). The key itself is read later."""
    if value.startswith(ENV_PREFIX):
        name = value[len(ENV_PREFIX) :]
        if not _ENV_NAME.fullmatch(name):
            return f"audit_key names the environment variable {name!r}, which is not a variable name."
        return None
    path = _path(value, workspace)
    if path.is_relative_to(workspace.resolve()):
        return (
            f"audit_key names {path}, inside the workspace: whoever can rewrite the workspace could "
            "read the key there. Keep the key file outside it."
        )
    return None


def for_connection(conn: sqlite3.Connection) -> AuditKey | None:
    """The audit key of the workspace whose store ``conn`` is (None: entries are not keyed).

    Raises:
        ConfigError: ``inspection.yaml`` names a key that cannot be read or is too short.
    """
    row = conn.execute("PRAGMA database_list").fetchone()
    if row is None or not row[2]:
        return None
    config = Path(row[2]).parent / "inspection.yaml"
    try:
        stamp = config.stat()
    except OSError:
        return None
    setting = _setting(config, stamp.st_mtime_ns, stamp.st_size)
    return None if setting is None else load(setting, config.parent)


def load(setting: str, workspace: Path) -> AuditKey:
    """Read the key an ``audit_key`` setting names.

    Raises:
        ConfigError: the setting is wrong (see :func:`check_setting`), the variable is unset,
            the file cannot be read, or the secret is too short.
    """
    problem = check_setting(setting, workspace)
    if problem:
        raise ConfigError(problem, file=str(workspace / "inspection.yaml"), hint="Write env:NAME or a path.")
    if setting.startswith(ENV_PREFIX):
        name = setting[len(ENV_PREFIX) :]
        text, source = os.environ.get(name, ""), f"the environment variable {name}"
        if not text:
            raise ConfigError(
                f"inspection.yaml keys the audit log with {source}, which is not set, so nothing can be "
                "recorded or verified.",
                hint=f"Set {name} to the workspace's audit key, as when the key was made.",
            )
    else:
        path = _path(setting, workspace)
        source = f"the key file {path}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"inspection.yaml keys the audit log with {source}, which cannot be read, so nothing can "
                "be recorded or verified.",
                hint="Restore the key file, or mount the place it is kept.",
            ) from exc
    secret = text.strip()
    if len(secret) < MIN_LENGTH:
        raise ConfigError(
            f"The audit key in {source} is {len(secret)} characters long; it needs {MIN_LENGTH} or more.",
            hint=_HINT,
        )
    return AuditKey(secret.encode("utf-8"), source)


@lru_cache(maxsize=16)
def _setting(config: Path, _mtime: int, _size: int) -> str | None:
    """The ``audit_key`` setting of ``config`` (cached while the file is unchanged)."""
    try:
        data = yamlfile.load(config.read_text(encoding="utf-8"), str(config))
    except (OSError, UnicodeDecodeError):
        return None
    value = data.get(SETTING) if isinstance(data, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _path(value: str, workspace: Path) -> Path:
    path = Path(value).expanduser()
    return (path if path.is_absolute() else workspace / path).resolve()

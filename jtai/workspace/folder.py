"""An existing workspace: the typed handle every command uses, finding it, and reading what it names.

A workspace holds ``inspection.yaml`` (the settings), ``jtai.db`` (the store),
``extracts/`` (copies of loaded files, named by content hash), ``reports/``, ``.key``
(the pseudonymisation key) and ``audit.head`` (the audit log's last entry). Folders are 0700
and files 0600: this is children's data. What it names: its settings, its framework and its
audit log's anchor.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai import store
from jtai.audit_anchors import Anchor, anchor
from jtai.canonical import CONFIG_NAME, DB_NAME, KEY_NAME, OWN_FILES
from jtai.errors import WorkspaceError
from jtai.settings import read_settings

if TYPE_CHECKING:
    from jtai.frameworks import Framework

ENV_VAR = "JTAI_WORKSPACE"
DIR_MODE = 0o700
LAYOUT = OWN_FILES | {"extracts", "reports"}  # a workspace's own names


@dataclass(frozen=True)
class Workspace:
    """An existing workspace folder.

    Attributes:
        root: the workspace folder.
    """

    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def key_path(self) -> Path:
        return self.root / KEY_NAME

    @property
    def extracts_dir(self) -> Path:
        return self.root / "extracts"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @cached_property
    def config(self) -> dict[str, Any]:
        """The parsed ``inspection.yaml`` (validated on first use)."""
        return read_config(self.config_path)

    @cached_property
    def key(self) -> bytes:
        """The secret key that pseudonyms are derived from."""
        try:
            return bytes.fromhex(self.key_path.read_text(encoding="ascii").strip())
        except (OSError, ValueError) as exc:
            raise WorkspaceError(
                f"{self.key_path}: the pseudonymisation key is missing or damaged.",
                hint="Restore it from your backup; without it pseudonyms change.",
            ) from exc

    def connect(self) -> sqlite3.Connection:
        """Open the workspace store (see :mod:`jtai.store`).

        Raises:
            WorkspaceError: ``jtai.db`` is missing (it is never recreated empty behind the
                user's back: everything loaded, linked, sampled and judged is in it).
        """
        _check_store(self.root)
        return store.connect(self.db_path)


def find(start: Path | None = None, explicit: Path | None = None) -> Workspace:
    """Find the workspace: ``explicit``, else ``$JTAI_WORKSPACE``, else search upwards.

    Searching upwards, a folder with ``inspection.yaml`` but neither ``jtai.db`` nor ``.key``
    is someone else's file and is passed over.

    Raises:
        WorkspaceError: none found, with a hint on how to create one; or the workspace found
            is damaged (its ``jtai.db`` is missing).
    """
    named = explicit or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None)
    if named is not None:
        named = named.expanduser().resolve()
        if not (named / CONFIG_NAME).is_file():
            raise WorkspaceError(
                f"{named} is not a jtai workspace (it has no {CONFIG_NAME}).",
                hint="Create one with: jtai init DIR --area NAME --framework ID",
            )
        _check_store(named)
        return Workspace(named)
    here = (start or Path.cwd()).resolve()
    folder = enclosing(here)
    if folder is not None:
        _check_store(folder)
        return Workspace(folder)
    raise WorkspaceError(
        f"No jtai workspace in {here} or any folder above it.",
        hint="Create one with `jtai init DIR --area NAME --framework ID`, then run commands "
        "inside it, or name it with --workspace DIR or JTAI_WORKSPACE.",
    )


def is_workspace(folder: Path) -> bool:
    """Whether ``folder`` is a workspace: ``inspection.yaml`` with ``jtai.db`` or ``.key`` beside it.

    A folder with ``inspection.yaml`` alone is someone else's file.
    """
    return (folder / CONFIG_NAME).is_file() and ((folder / DB_NAME).exists() or (folder / KEY_NAME).exists())


def enclosing(path: Path) -> Path | None:
    """The workspace ``path`` is or is inside (the nearest), or None."""
    here = path.expanduser().resolve()
    return next((folder for folder in (here, *here.parents) if is_workspace(folder)), None)


def read_config(path: Path) -> dict[str, Any]:
    """Read and check ``inspection.yaml`` (see :mod:`jtai.settings`).

    Raises:
        WorkspaceError: the file cannot be read.
        ConfigError: bad YAML, or a setting of the wrong type or value (with the line).
    """
    return read_settings(path)


def workspace_framework(ws: Workspace) -> Framework:
    """The framework named in a workspace's ``inspection.yaml`` (a path is read from the workspace).

    Raises:
        NotFoundError, ConfigError: as :func:`jtai.frameworks.load_framework`.
    """
    from jtai.frameworks import load_framework  # pydantic: only when a framework is read

    return load_framework(str(ws.config["framework"]), base=ws.root)


def workspace_anchor(ws: Workspace) -> Anchor | None:
    """The anchor of a workspace's audit log (`jtai audit anchor`), or None for an empty log."""
    conn = ws.connect()
    try:
        return anchor(conn)
    finally:
        conn.close()


def _check_store(root: Path) -> None:
    if not (root / DB_NAME).is_file():
        raise WorkspaceError(
            f"{root} is a damaged jtai workspace: {DB_NAME} is missing, and it holds everything "
            "loaded, linked, sampled and judged there.",
            hint=f"Restore {DB_NAME} from your backup, or start again with "
            f"`jtai init {root} --area NAME --framework ID --force`.",
        )

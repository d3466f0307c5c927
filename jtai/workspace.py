"""Find, create and read a workspace: one folder per inspection or self-assessment.

A workspace holds ``inspection.yaml`` (the settings), ``jtai.db`` (the store),
``extracts/`` (copies of loaded files, named by content hash), ``reports/``, ``.key``
(the pseudonymisation key) and ``audit.head`` (the audit log's last entry). A workspace
made by ``jtai demo`` also holds the marker ``.jtai-demo``, which lets the next demo run
delete the folder. Folders are 0700 and files 0600: this is children's data.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai import store
from jtai.canonical import (
    AUDIT_HEAD_NAME,
    CONFIG_NAME,
    DB_NAME,
    DEMO_MARKER,
    FRAMEWORK_NAME,
    KEY_NAME,
    OWN_FILES,
    STORE_NAMES,
)
from jtai.errors import ConflictError, UsageError, WorkspaceError
from jtai.files import FILE_MODE, write_private
from jtai.settings import read_settings

if TYPE_CHECKING:
    from jtai.frameworks import Framework

ENV_VAR = "JTAI_WORKSPACE"
DIR_MODE = 0o700
_LAYOUT = OWN_FILES | {"extracts", "reports"}  # a workspace's own names
# What `jtai demo` and its walk-through put in a demo workspace besides a workspace's own files.
DEMO_FILES = (
    "demo-judgements.yaml", "findings.yaml", "action-plan.yaml", "letter.pdf", "letter.html", "audits",
)  # fmt: skip
# Everything the demo may find in its own folder: the next demo run deletes these names only.
DEMO_OWN = _LAYOUT | {DEMO_MARKER, *DEMO_FILES}

_CONFIG_TEMPLATE = """\
# jtai workspace settings. Every setting is documented here; edit with care.
# This folder holds children's personal data: keep it on this machine, readable by you only.

# The local area inspected (or self-assessing), as it should appear in the letter.
area: {area}

# The JTAI framework: a built-in id (see `jtai framework list`) or the path of your own YAML file.
# A file given to `jtai init --framework FILE` is checked and copied into this folder as
# framework.yaml, so the workspace keeps working when it is moved or the original changes;
# edit that copy to change the framework. A relative path here is read from this folder.
framework: {framework}

# The day the area was notified of the inspection (YYYY-MM-DD). `jtai calendar` counts the
# timetable from it in working days (or back from fieldwork_start when it is empty).
notification_date:{notification_date}

# Fieldwork dates (YYYY-MM-DD), the end on or after the start. Sampling windows count back
# from fieldwork_start.
fieldwork_start: {fieldwork_start}
fieldwork_end: {fieldwork_end}

# Date the letter is published (YYYY-MM-DD); the statement-of-action deadline counts
# working days from it. Leave empty to use the date the letter is rendered.
publication_date:

# Date of the letter itself (YYYY-MM-DD); empty means the publication date.
letter_date:

# Agencies whose records are loaded. Canonical names: csc, police, health, probation, yos, education.
agencies: [csc, police, health, probation, yos, education]

# Who the letter is addressed to: one entry per addressee (role, then optional name).
addressees:
  - role: Director of Children's Services
    name:
  - role: Chief Executive
    name:
  - role: Accountable Officer, Clinical Commissioning Group
    name:
  - role: Police and Crime Commissioner
    name:
  - role: Chief Constable
    name:
  - role: Head of the National Probation Service division
    name:
  - role: Youth Offending Service Manager
    name:
  - role: Independent Chair of the Local Safeguarding Children Board
    name:

# One signatory per inspectorate in the framework (its name or id, as `jtai framework show`
# lists them): name and title.
signatories: []
#  - inspectorate: Ofsted
#    name: A. Person
#    title: Regional Director

# The inspection team, used to record who made each judgement; inspectorate as for
# signatories, or `local` for the area's own auditors.
team: []
#  - name: A. Inspector
#    inspectorate: Ofsted

# Linkage: record pairs scoring above `upper` are linked automatically, those between
# `lower` and `upper` wait for clerical review (`jtai link review`), the rest are rejected.
# Scores are match probabilities from 0 to 1.
linkage:
  upper: 0.95
  lower: 0.50

# Optional: key the audit log with a secret kept outside this folder (env:VARIABLE or a key
# file's path elsewhere), so no one can rewrite it without the secret; keep the secret safe.
# audit_key: env:JTAI_AUDIT_KEY
"""


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


@dataclass(frozen=True)
class Cleared:
    """What ``--force`` cleared from a folder before the new workspace was made.

    Attributes:
        removed: names removed from the folder (a folder's entry counts its files).
        kept: names left in the folder that are not part of a workspace (the user's own).
    """

    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def create(
    root: Path,
    *,
    area: str,
    framework: str,
    fieldwork_start: dt.date | None = None,
    fieldwork_end: dt.date | None = None,
    notification_date: dt.date | None = None,
    force: bool = False,
    on_cleared: Callable[[Cleared], None] | None = None,
) -> Workspace:
    """Create a workspace in ``root``.

    ``framework`` is checked first: a built-in id is stored as it is; a file is copied into
    the workspace as ``framework.yaml`` (relative paths are read from the current folder).
    With ``force`` the old workspace's store, key, audit head, extracts and reports go; in a
    folder ``jtai demo`` made, so do its marker and the files the demo put there, so the
    next demo run never takes the new workspace for its own. ``on_cleared`` is then told
    what was removed and what was kept. ``fieldwork_end`` defaults to four days after
    ``fieldwork_start`` (today when not given); ``notification_date`` is written as it is.

    Raises:
        UsageError: the area is empty, or ``root`` is a file.
        NotFoundError, ConfigError: the framework does not exist or is invalid.
        ConflictError: ``root`` is inside another workspace, or already holds a workspace
            and ``force`` is false.
        WorkspaceError: the folder cannot be created or written.
    """
    if not area.strip():
        raise UsageError("--area is empty.", hint="Give the local area's name, e.g. --area Seaborough.")
    root = root.expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(
            f"{root} is a file, not a folder.", hint="Name a new or existing folder for the workspace."
        )
    outer = enclosing(root.parent)
    if outer is not None:
        raise ConflictError(
            f"{root} is inside the jtai workspace {outer}: a workspace is never made among another's files.",
            hint="Choose a folder outside it, e.g. next to it: jtai init "
            f"{outer.parent / root.name} --area NAME --framework ID",
        )
    framework_text = _framework_copy(framework)
    if (root / CONFIG_NAME).exists() and not force:
        raise ConflictError(
            f"{root} is already a jtai workspace.",
            hint="Use --force to replace it (everything loaded and judged there is lost).",
        )
    removed: list[str] = []
    old_umask = os.umask(0o077)
    try:
        if force:
            removed = _clear(root)
        root.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        os.chmod(root, DIR_MODE)
        for sub in ("extracts", "reports"):
            (root / sub).mkdir(exist_ok=True, mode=DIR_MODE)
            os.chmod(root / sub, DIR_MODE)
        if framework_text is not None:
            write_private(root / FRAMEWORK_NAME, framework_text, error=None)
        start = fieldwork_start or dt.date.today()
        end = fieldwork_end or start + dt.timedelta(days=4)
        text = _CONFIG_TEMPLATE.format(
            area=_yaml_scalar(area.strip()),
            framework=_yaml_scalar(framework if framework_text is None else FRAMEWORK_NAME),
            fieldwork_start=start.isoformat(),
            fieldwork_end=end.isoformat(),
            notification_date=f" {notification_date.isoformat()}" if notification_date else "",
        )
        write_private(root / CONFIG_NAME, text, error=None)
        if force or not (root / KEY_NAME).exists():
            write_private(root / KEY_NAME, secrets.token_hex(32) + "\n", error=None)
        ws = Workspace(root)
        store.connect(ws.db_path).close()
        os.chmod(ws.db_path, FILE_MODE)
    except OSError as exc:
        raise WorkspaceError(
            f"{root}: the workspace cannot be created ({exc.strerror or exc}).",
            hint="Choose a folder you can write to.",
        ) from exc
    finally:
        os.umask(old_umask)
    if force and on_cleared is not None:
        on_cleared(Cleared(removed, sorted(p.name for p in root.iterdir() if p.name not in _LAYOUT)))
    return ws


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


def _check_store(root: Path) -> None:
    if not (root / DB_NAME).is_file():
        raise WorkspaceError(
            f"{root} is a damaged jtai workspace: {DB_NAME} is missing, and it holds everything "
            "loaded, linked, sampled and judged there.",
            hint=f"Restore {DB_NAME} from your backup, or start again with "
            f"`jtai init {root} --area NAME --framework ID --force`.",
        )


def _framework_copy(framework: str) -> str | None:
    """Check the framework; the text of a framework file to copy, or None for a built-in id.

    Raises:
        NotFoundError, ConfigError: as :func:`jtai.frameworks.load_framework`.
    """
    from jtai.frameworks import builtin_ids, load_framework

    load_framework(framework)
    if framework in builtin_ids():
        return None
    return Path(framework).expanduser().read_text(encoding="utf-8")


def _clear(root: Path) -> list[str]:
    """Remove what ``--force`` replaces; the names removed.

    That is the store, the key, the audit log's head, the copies of extracts, the rendered
    reports and the framework copy; in a folder ``jtai demo`` made, also its marker and
    :data:`DEMO_FILES`. Other files are the user's own and stay.
    """
    removed: list[str] = []
    names = [*STORE_NAMES, KEY_NAME, AUDIT_HEAD_NAME, FRAMEWORK_NAME]
    if (root / DEMO_MARKER).exists():
        names += [DEMO_MARKER, *DEMO_FILES]
    for name in names:
        path = root / name
        if path.is_file() or path.is_symlink():
            path.unlink()
            if not name.startswith(DB_NAME + "-"):  # the store's journal goes with the store
                removed.append(name)
    for sub in ("extracts", "reports"):
        folder = root / sub
        if not folder.is_dir() or folder.is_symlink():
            continue
        entries = list(folder.iterdir())
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        if entries:
            removed.append(f"{sub}/ ({len(entries)} {'entry' if len(entries) == 1 else 'entries'})")
    return removed


def _yaml_scalar(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)

"""Create a workspace: its folders, its commented settings file, its key and its empty store.

``--force`` replaces a workspace in place: what it clears, and what it leaves as the user's
own, is decided here too.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jtai import store
from jtai.canonical import (
    AUDIT_HEAD_NAME,
    CONFIG_NAME,
    DB_NAME,
    DEMO_MARKER,
    FRAMEWORK_NAME,
    KEY_NAME,
    STORE_NAMES,
)
from jtai.errors import ConflictError, UsageError, WorkspaceError
from jtai.files import FILE_MODE, write_private
from jtai.workspace.demo_folder import DEMO_FILES
from jtai.workspace.folder import DIR_MODE, LAYOUT, Workspace, enclosing

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
        on_cleared(Cleared(removed, sorted(p.name for p in root.iterdir() if p.name not in LAYOUT)))
    return ws


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

"""Workspace permissions: children's data readable by its owner only, checked whenever a workspace opens.

A workspace's folders are 0700 and its files 0600 (see :mod:`jtai.files`). A copy made
with ``cp -r`` under a loose umask, an archive unpacked, or a ``chmod`` by hand can loosen
them; :func:`permission_warnings` says so, naming the fix, and :func:`repair_permissions`
(``jtai init DIR --repair-permissions``) puts them back.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from jtai.canonical import AUDIT_HEAD_NAME, CONFIG_NAME, FRAMEWORK_NAME, KEY_NAME, STORE_NAMES
from jtai.errors import WorkspaceError
from jtai.files import FILE_MODE
from jtai.workspace import DIR_MODE

# What is checked when a workspace opens: the folders, and the files that hold children's
# data or the secrets that protect it (the key, the store and its journals, the audit head).
_PRIVATE_DIRS = ("", "extracts", "reports")
_PRIVATE_FILES = (KEY_NAME, *STORE_NAMES, AUDIT_HEAD_NAME, CONFIG_NAME, FRAMEWORK_NAME)


def loose_permissions(root: Path) -> list[tuple[Path, int, int]]:
    """The workspace's folders and private files others can read or write: (path, mode, wanted mode).

    Folders should be 0700 and files 0600; anything in ``extracts/`` (copies of the loaded
    files) and ``reports/`` counts too. A symlink is not followed and not listed.
    """
    found: list[tuple[Path, int, int]] = []

    def check(path: Path, wanted: int) -> None:
        try:
            mode = path.lstat().st_mode
        except OSError:
            return
        if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
            return
        if stat.S_IMODE(mode) & 0o077:
            found.append((path, stat.S_IMODE(mode), wanted))

    for name in _PRIVATE_DIRS:
        folder = root / name if name else root
        check(folder, DIR_MODE)
        if name and folder.is_dir() and not folder.is_symlink():
            for entry in sorted(folder.iterdir()):
                check(entry, DIR_MODE if entry.is_dir() else FILE_MODE)
    for name in _PRIVATE_FILES:
        check(root / name, FILE_MODE)
    return found


def permission_warnings(root: Path) -> list[str]:
    """One sentence per loose folder or file, each naming the fix (empty: all private)."""
    loose = loose_permissions(root)
    if not loose:
        return []
    shown = [f"{path} is {mode:04o}, not {wanted:04o}" for path, mode, wanted in loose[:5]]
    more = f", and {len(loose) - 5} more" if len(loose) > 5 else ""
    return [
        f"Others can read or write this workspace of children's data: {'; '.join(shown)}{more}. "
        f"Fix it with `jtai init {root} --repair-permissions`."
    ]


def repair_permissions(root: Path) -> list[Path]:
    """Make the workspace's folders 0700 and its private files 0600; the paths changed.

    Raises:
        WorkspaceError: a mode cannot be changed (the file is another user's).
    """
    changed = []
    for path, _mode, wanted in loose_permissions(root):
        try:
            os.chmod(path, wanted)
        except OSError as exc:
            raise WorkspaceError(
                f"{path}: its permissions cannot be changed ({exc.strerror or exc}).",
                hint="Run the command as the owner of the workspace's files.",
            ) from exc
        changed.append(path)
    return changed

"""The demo's folder: which folder ``jtai demo`` may rebuild, its marker, and clearing it.

The demo folder is rebuilt from scratch on every run: in a folder holding the marker file
``.jtai-demo`` written by an earlier demo, for the workspace still there, what the demo
wrote is deleted first. A folder that also holds anything else (a file or folder the demo
does not write, or a workspace anywhere below it) is refused with nothing deleted, and so
is any other non-empty folder: the demo never deletes a real workspace or the user's files. The
marker names its workspace by a digest of the workspace's key, which ``jtai init --force``
replaces (and it removes the marker too): a workspace made over a demo is never taken for
the demo's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from jtai.canonical import DEMO_MARKER, KEY_NAME
from jtai.errors import ConflictError
from jtai.files import write_private
from jtai.workspace.folder import LAYOUT, is_workspace

# What `jtai demo` and its walk-through put in a demo workspace besides a workspace's own files.
DEMO_FILES = (
    "demo-judgements.yaml", "findings.yaml", "action-plan.yaml", "letter.pdf", "letter.html", "audits",
)  # fmt: skip
# Everything the demo may find in its own folder: the next demo run deletes these names only.
DEMO_OWN = LAYOUT | {DEMO_MARKER, *DEMO_FILES}
_MARKER_TEXT = "Made by `jtai demo`: the next demo run deletes this folder.\n"
_MARKER_ID = "workspace: "


def check_rebuildable(root: Path, demo_settings: Path) -> bool:
    """Whether ``root`` holds an earlier demo to clear (False: it is new or empty).

    Args:
        root: the demo folder.
        demo_settings: the demo's own ``inspection.yaml``, which the settings in a folder
            whose marker names no workspace must still match, byte for byte.

    Raises:
        ConflictError: ``root`` holds anything the demo did not make (nothing is deleted).
    """
    if not (root.exists() and any(root.iterdir())):
        return False
    if not (root / DEMO_MARKER).is_file():
        raise ConflictError(
            f"{root} is not empty and was not made by `jtai demo`, so the demo will not replace it.",
            hint="Name an empty or new folder: jtai demo DIR",
        )
    if not _still_the_demo(root, demo_settings):
        raise ConflictError(
            f"{root} holds a {DEMO_MARKER} marker, but the workspace there is not the one the demo made "
            "(it was made again, e.g. by `jtai init --force`), so the demo will not replace it.",
            hint="Name an empty or new folder: jtai demo DIR. If the folder holds nothing you "
            "need, delete it yourself first.",
        )
    _refuse_strangers(root)
    return True


def write_marker(root: Path) -> None:
    """Mark ``root`` as the demo's, naming the workspace there by a digest of its key."""
    write_private(root / DEMO_MARKER, f"{_MARKER_TEXT}{_MARKER_ID}{_identity(root)}\n", error=None)


def clear_demo(root: Path) -> None:
    """Delete what an earlier demo wrote in ``root`` (checked: nothing else is there)."""
    for entry in root.iterdir():
        if entry.name not in DEMO_OWN:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _refuse_strangers(root: Path) -> None:
    """Refuse a demo folder holding anything the demo did not write, or a workspace below it.

    Raises:
        ConflictError: naming a few of the entries the demo would otherwise delete.
    """
    found: list[str] = []
    for entry in sorted(root.iterdir()):
        if entry.name not in DEMO_OWN:
            found.append(_shown(entry, root))
        elif entry.is_dir() and not entry.is_symlink():
            places = [entry] + [Path(top) / sub for top, subs, _ in os.walk(entry) for sub in subs]
            found += [_shown(place, root) for place in places if is_workspace(place)]
    if not found:
        return
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    raise ConflictError(
        f"{root} holds what the demo did not write: {', '.join(found[:5])}{more}; "
        "the demo will not rebuild the folder, and nothing was deleted.",
        hint="Move them out of the folder, or name another folder: jtai demo DIR",
    )


def _shown(place: Path, root: Path) -> str:
    name = str(place.relative_to(root))
    if is_workspace(place):
        return f"{name}/ (a jtai workspace)"
    return f"{name}/" if place.is_dir() else name


def _identity(root: Path) -> str | None:
    """A digest of the workspace's key (the key itself stays secret), or None without a key."""
    try:
        key = (root / KEY_NAME).read_bytes().strip()
    except OSError:
        return None
    return hashlib.sha256(b"jtai demo workspace\0" + key).hexdigest()


def _still_the_demo(root: Path, demo_settings: Path) -> bool:
    """Whether the workspace in ``root`` is the one whose demo wrote the marker.

    A marker written before markers named their workspace counts only while
    ``inspection.yaml`` is still the demo's, byte for byte.
    """
    try:
        lines = (root / DEMO_MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    named = [line.removeprefix(_MARKER_ID).strip() for line in lines if line.startswith(_MARKER_ID)]
    if named:
        return named[0] == _identity(root)
    try:
        config = (root / "inspection.yaml").read_bytes()
    except OSError:
        return False
    return config == demo_settings.read_bytes()

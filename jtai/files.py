"""Private files: readable by their owner only (0600), never overwritten unless asked.

Every file jtai writes that is not meant for publication goes through here. A file is
created 0600 whatever the umask, and a file written over gets 0600 too (it would keep its
old mode otherwise). A command writing a file the user named (an export) passes ``force``:
without it an existing file is refused (exit 8), and the check and the creation are one
step, so a file that appears in between is not overwritten either; with it or without it,
a workspace's own file (its store, key, settings, audit head, framework copy, demo marker,
or anything in its ``extracts/``) is refused, so an export can never destroy a workspace.
jtai's own files are written without ``force``, and written over. An ``atomic`` write goes
to a temporary file in the same folder, renamed into place only once it is whole: a
failure leaves neither a partial file nor the temporary one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, TypeVar, overload

from jtai.canonical import CONFIG_NAME, DB_NAME, DEMO_MARKER, KEY_NAME, OWN_FILES
from jtai.errors import ConflictError, InputError, JtaiError

_T = TypeVar("_T")

FILE_MODE = 0o600
EXISTS_HINT = "Give --force to overwrite it, or name another file."
WRITE_HINT = "Check the folder exists and is yours."
_OWN_HINT = "Name another file, such as one in the workspace's reports folder."


def exists_error(path: Path, hint: str = EXISTS_HINT) -> ConflictError:
    """The error for ``path`` existing when the user did not give ``--force``.

    A workspace's own file gets :func:`workspace_file_error` instead: ``--force`` would not help.
    """
    return workspace_file_error(path) or ConflictError(f"{path} already exists.", hint=hint)


def workspace_file_error(path: Path) -> ConflictError | None:
    """The error for exporting to ``path`` when it is a workspace's own file (else ``None``).

    ``path`` is checked where it is named and where a symlink there leads: a workspace is a
    folder holding ``inspection.yaml`` and ``jtai.db`` or ``.key`` (as :func:`jtai.workspace.find`
    reads it).
    """
    own = OWN_FILES | {DEMO_MARKER}
    try:
        places = {path.absolute().parent.resolve() / path.name, path.resolve()}
    except (OSError, RuntimeError):  # a symlink loop: nothing can be written there anyway
        return None
    for place in places:
        if place.name in own and _is_workspace(place.parent):
            return ConflictError(
                f"{path} is the workspace's own file ({place.name}): an export never writes over it, "
                "even with --force.",
                hint=_OWN_HINT,
            )
        if any(folder.name == "extracts" and _is_workspace(folder.parent) for folder in place.parents):
            return ConflictError(
                f"{path} is inside the workspace's own extracts folder: an export never writes there, "
                "even with --force.",
                hint=_OWN_HINT,
            )
    return None


def _is_workspace(folder: Path) -> bool:
    config = (folder / CONFIG_NAME).is_file()
    return config and ((folder / DB_NAME).exists() or (folder / KEY_NAME).exists())


def write_private(
    path: Path,
    data: bytes | str,
    *,
    force: bool | None = None,
    atomic: bool = False,
    exists_hint: str = EXISTS_HINT,
    error: type[JtaiError] | None = InputError,
    hint: str | None = None,
) -> None:
    """Write ``data`` (text as UTF-8) to ``path``, readable by its owner only.

    Args:
        force: given (true or false) when the user named the file: false refuses an
            existing file, and either refuses a workspace's own file. Left out for jtai's
            own files, which are written over.
        atomic: write a temporary file beside ``path`` and rename it into place.
        exists_hint: what to do, said when an existing file is refused.
        error: the error an :class:`OSError` becomes (``None``: it is raised as it is).
        hint: what to do, said with ``error``.

    Raises:
        ConflictError: ``path`` exists and ``force`` is false, or ``force`` is given and
            ``path`` is a workspace's own file.
        JtaiError: ``error``, when the file cannot be written.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with open_private(
        path, force=force, atomic=atomic, text=False, exists_hint=exists_hint, error=error, hint=hint
    ) as handle:
        handle.write(payload)


@overload
def open_private(
    path: Path,
    *,
    force: bool | None = ...,
    atomic: bool = ...,
    text: Literal[True] = ...,
    exists_hint: str = ...,
    error: type[JtaiError] | None = ...,
    hint: str | None = ...,
) -> contextlib.AbstractContextManager[TextIO]: ...


@overload
def open_private(
    path: Path,
    *,
    force: bool | None = ...,
    atomic: bool = ...,
    text: Literal[False],
    exists_hint: str = ...,
    error: type[JtaiError] | None = ...,
    hint: str | None = ...,
) -> contextlib.AbstractContextManager[BinaryIO]: ...


def open_private(
    path: Path,
    *,
    force: bool | None = None,
    atomic: bool = False,
    text: bool = True,
    exists_hint: str = EXISTS_HINT,
    error: type[JtaiError] | None = InputError,
    hint: str | None = None,
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Open ``path`` to write, as :func:`write_private` does; the file is complete on leaving.

    Text is UTF-8 with line ends written as given. An :class:`OSError` raised while
    writing in the ``with`` block becomes ``error`` too; an atomic file is then not put
    in place.
    """
    return _opened(path, force, atomic, text, exists_hint, error, hint)


@contextlib.contextmanager
def _opened(
    path: Path,
    force: bool | None,
    atomic: bool,
    text: bool,
    exists_hint: str,
    error: type[JtaiError] | None,
    hint: str | None,
) -> Iterator[IO[Any]]:
    if force is not None and (own := workspace_file_error(path)):
        raise own
    force = True if force is None else force
    try:
        if not atomic:
            flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
            fd = _create(path, lambda: os.open(path, flags, FILE_MODE), exists_hint)
            with _fdopen(fd, text) as handle:
                yield handle
            return
        import tempfile  # here: most commands that import this module never write atomically

        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        temp = Path(name)
        try:
            with _fdopen(fd, text) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            if force:
                temp.replace(path)
            else:  # a link is refused if ``path`` exists: checked and created in one step
                _create(path, lambda: path.hardlink_to(temp), exists_hint)
        finally:
            temp.unlink(missing_ok=True)
    except OSError as exc:
        if error is None:
            raise
        raise error(f"{path}: cannot be written ({exc.strerror or exc}).", hint=hint) from exc


def _create(path: Path, create: Callable[[], _T], exists_hint: str) -> _T:
    try:
        return create()
    except FileExistsError as exc:
        raise exists_error(path, exists_hint) from exc


def _fdopen(fd: int, text: bool) -> IO[Any]:
    try:
        os.fchmod(fd, FILE_MODE)  # the umask may have taken bits, and a file written over keeps its mode
    except BaseException:
        os.close(fd)
        raise
    if text:
        return os.fdopen(fd, "w", encoding="utf-8", newline="")
    return os.fdopen(fd, "wb")

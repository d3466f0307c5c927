"""Private files: readable by their owner only (0600), never overwritten unless asked.

Every file jtai writes that is not meant for publication goes through here. A file is
created 0600 whatever the umask, and a file written over gets 0600 too (it would keep its
old mode otherwise). Without ``force`` an existing file is refused (exit 8), and the check
and the creation are one step, so a file that appears in between is not overwritten
either. An ``atomic`` write goes to a temporary file in the same folder, renamed into
place only once it is whole: a failure leaves neither a partial file nor the temporary one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, TypeVar, overload

from jtai.errors import ConflictError, InputError, JtaiError

_T = TypeVar("_T")

FILE_MODE = 0o600
EXISTS_HINT = "Give --force to overwrite it, or name another file."
WRITE_HINT = "Check the folder exists and is yours."


def exists_error(path: Path, hint: str = EXISTS_HINT) -> ConflictError:
    """The error for ``path`` existing when the user did not give ``--force``."""
    return ConflictError(f"{path} already exists.", hint=hint)


def write_private(
    path: Path,
    data: bytes | str,
    *,
    force: bool = True,
    atomic: bool = False,
    exists_hint: str = EXISTS_HINT,
    error: type[JtaiError] | None = InputError,
    hint: str | None = None,
) -> None:
    """Write ``data`` (text as UTF-8) to ``path``, readable by its owner only.

    Args:
        force: write over an existing file; without it an existing file is refused.
        atomic: write a temporary file beside ``path`` and rename it into place.
        exists_hint: what to do, said when an existing file is refused.
        error: the error an :class:`OSError` becomes (``None``: it is raised as it is).
        hint: what to do, said with ``error``.

    Raises:
        ConflictError: ``path`` exists and ``force`` is false.
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
    force: bool = ...,
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
    force: bool = ...,
    atomic: bool = ...,
    text: Literal[False],
    exists_hint: str = ...,
    error: type[JtaiError] | None = ...,
    hint: str | None = ...,
) -> contextlib.AbstractContextManager[BinaryIO]: ...


def open_private(
    path: Path,
    *,
    force: bool = True,
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
    force: bool,
    atomic: bool,
    text: bool,
    exists_hint: str,
    error: type[JtaiError] | None,
    hint: str | None,
) -> Iterator[IO[Any]]:
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

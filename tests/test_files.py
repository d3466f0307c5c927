"""Private files: 0600 whatever the umask, refused without force, atomic when asked."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from jtai.errors import ConflictError, ExitCode, InputError, UsageError
from jtai.files import WRITE_HINT, open_private, write_private


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o000, 0o277], ids=["umask-000", "umask-277"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under a umask that grants everyone everything, or takes the owner's write bit."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


@pytest.mark.parametrize("atomic", [False, True])
def test_a_new_file_is_0600_whatever_the_umask(tmp_path: Path, umask: int, atomic: bool) -> None:
    """A new file is 0600 and holds exactly what was written, text as UTF-8."""
    path = tmp_path / "out.csv"
    write_private(path, "a,b\r\nç,d\n", atomic=atomic)
    assert _mode(path) == 0o600
    assert path.read_bytes() == "a,b\r\nç,d\n".encode()


@pytest.mark.parametrize("atomic", [False, True])
def test_a_file_written_over_becomes_0600(tmp_path: Path, atomic: bool) -> None:
    """Overwriting a 0644 file with force leaves it 0600 with the new content only."""
    path = tmp_path / "out.csv"
    path.write_bytes(b"old content, longer than the new\n")
    path.chmod(0o644)
    write_private(path, b"new\n", force=True, atomic=atomic)
    assert _mode(path) == 0o600
    assert path.read_bytes() == b"new\n"


@pytest.mark.parametrize("atomic", [False, True])
def test_without_force_an_existing_file_is_refused_and_kept(tmp_path: Path, atomic: bool) -> None:
    """Without force an existing file is a conflict (exit 8), its content and mode untouched."""
    path = tmp_path / "out.csv"
    path.write_bytes(b"keep me\n")
    path.chmod(0o644)
    with pytest.raises(ConflictError) as caught:
        write_private(path, b"new\n", force=False, atomic=atomic)
    assert caught.value.exit_code == ExitCode.CONFLICT
    assert str(caught.value) == f"{path} already exists. Give --force to overwrite it, or name another file."
    assert path.read_bytes() == b"keep me\n"
    assert _mode(path) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_the_refusal_names_the_commands_own_hint(tmp_path: Path) -> None:
    """A command whose hint differs gets its own words after the path."""
    path = tmp_path / "out.csv"
    path.touch()
    with pytest.raises(ConflictError, match=r"out\.csv already exists\. Choose another name\.$"):
        write_private(path, b"", force=False, exists_hint="Choose another name.")


def test_without_force_a_new_file_is_written(tmp_path: Path) -> None:
    """Without force a file that does not exist yet is written as usual."""
    path = tmp_path / "new.txt"
    write_private(path, "x", force=False, atomic=True)
    assert path.read_text() == "x"
    assert _mode(path) == 0o600


def test_an_atomic_write_that_fails_leaves_nothing(tmp_path: Path) -> None:
    """A failure inside an atomic write leaves neither the file nor a temporary file."""
    path = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), open_private(path, atomic=True) as handle:
        handle.write("half a row")
        raise RuntimeError("stopped")
    assert list(tmp_path.iterdir()) == []


def test_an_atomic_write_that_fails_keeps_the_old_file(tmp_path: Path) -> None:
    """A failed atomic write over an existing file leaves the old file whole."""
    path = tmp_path / "out.csv"
    path.write_bytes(b"old\n")
    with pytest.raises(KeyboardInterrupt), open_private(path, atomic=True, text=False) as handle:
        handle.write(b"new")
        raise KeyboardInterrupt
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_an_atomic_write_that_cannot_be_renamed_leaves_no_temporary_file(tmp_path: Path) -> None:
    """Renaming onto a folder fails: one clear error, and the temporary file is gone."""
    path = tmp_path / "out"
    (path / "inside").mkdir(parents=True)
    with pytest.raises(InputError, match=r"out: cannot be written \("):
        write_private(path, b"data", atomic=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("atomic", [False, True])
def test_an_oserror_becomes_one_clear_error(tmp_path: Path, atomic: bool) -> None:
    """A missing folder is an InputError (exit 4) naming the file and the reason."""
    path = tmp_path / "no" / "out.csv"
    with pytest.raises(InputError) as caught:
        write_private(path, b"x", atomic=atomic)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert str(caught.value) == f"{path}: cannot be written (No such file or directory)."
    assert isinstance(caught.value.__cause__, FileNotFoundError)


def test_the_error_class_and_hint_are_the_callers(tmp_path: Path) -> None:
    """A caller may name the error class and the hint; the message stays the same."""
    path = tmp_path / "no" / "out.csv"
    with pytest.raises(UsageError) as caught:
        write_private(path, b"x", error=UsageError, hint=WRITE_HINT)
    assert str(caught.value) == (
        f"{path}: cannot be written (No such file or directory). Check the folder exists and is yours."
    )


def test_with_no_error_class_the_oserror_is_raised_as_it_is(tmp_path: Path) -> None:
    """``error=None`` leaves the OSError to a caller that words it itself."""
    with pytest.raises(FileNotFoundError):
        write_private(tmp_path / "no" / "out.csv", b"x", error=None)


def test_an_oserror_while_writing_in_the_block_becomes_the_error(tmp_path: Path) -> None:
    """An OSError raised in the ``with`` block is worded like one from opening the file."""
    path = tmp_path / "out.csv"
    full = r"out\.csv: cannot be written \(No space left on device\)\.$"
    with pytest.raises(InputError, match=full), open_private(path, atomic=True):
        raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_an_atomic_write_replaces_a_symlink_rather_than_following_it(tmp_path: Path) -> None:
    """An atomic write puts a new file where a symlink was; the file it pointed to is untouched."""
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("theirs")
    link = tmp_path / "link.txt"
    link.symlink_to(elsewhere)
    write_private(link, "ours", atomic=True)
    assert not link.is_symlink()
    assert link.read_text() == "ours"
    assert elsewhere.read_text() == "theirs"

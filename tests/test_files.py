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


OWN_FILES = [
    "jtai.db",
    "jtai.db-wal",
    "jtai.db-shm",
    ".key",
    "inspection.yaml",
    "audit.head",
    "framework.yaml",
]


def _workspace_folder(root: Path) -> Path:
    """A folder that reads as a workspace: settings and a key, and its own files beside them."""
    root.mkdir()
    for name in [*OWN_FILES, ".jtai-demo"]:
        (root / name).write_text("kept\n")
    (root / "extracts").mkdir()
    (root / "extracts" / "abc.csv").write_text("kept\n")
    return root


@pytest.mark.parametrize("name", [*OWN_FILES, ".jtai-demo", "extracts/abc.csv", "extracts/new.csv"])
@pytest.mark.parametrize("atomic", [False, True])
def test_an_export_never_writes_a_workspaces_own_file_even_with_force(
    tmp_path: Path, name: str, atomic: bool
) -> None:
    """A user-named target that is a workspace's file or in its extracts is refused (exit 8), force or not."""
    root = _workspace_folder(tmp_path / "ws")
    target = root / name
    for force in (True, False):
        with pytest.raises(ConflictError, match="the workspace's own") as caught:
            write_private(target, "a,b\n", force=force, atomic=atomic)
        assert caught.value.exit_code == ExitCode.CONFLICT
        assert "even with --force" in caught.value.message
    assert not target.exists() or target.read_text() == "kept\n"
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".jtai-demo.")) == []


def test_a_workspace_file_is_refused_when_named_relatively_or_through_a_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`jtai.db` named from inside the workspace, or a link to it elsewhere, is refused too."""
    root = _workspace_folder(tmp_path / "ws")
    monkeypatch.chdir(root)
    with pytest.raises(ConflictError, match=r"jtai\.db is the workspace's own file \(jtai\.db\)"):
        write_private(Path("jtai.db"), "x", force=True)
    link = tmp_path / "out.csv"
    link.symlink_to(root / ".key")
    with pytest.raises(ConflictError, match=r"own file \(\.key\)"):
        write_private(link, "x", force=True)
    assert (root / "jtai.db").read_text() == (root / ".key").read_text() == "kept\n"


def test_jtais_own_writes_and_other_names_in_a_workspace_still_work(tmp_path: Path) -> None:
    """Without force (jtai's own files) a workspace file is written over; an export of another name works."""
    root = _workspace_folder(tmp_path / "ws")
    write_private(root / ".key", "new\n")
    assert (root / ".key").read_text() == "new\n"
    write_private(root / "quarantine.csv", "a\n", force=True)
    write_private(tmp_path / "jtai.db", "a\n", force=True)  # not in a workspace: an ordinary name
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "inspection.yaml").write_text("x\n")  # settings alone: no workspace
    write_private(tmp_path / "plain" / "inspection.yaml", "a\n", force=True)
    assert (tmp_path / "plain" / "inspection.yaml").read_text() == "a\n"


def test_quarantine_and_score_exports_refuse_the_workspace_files(
    run, ws, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`jtai quarantine --export jtai.db --force` and `jtai score export .key --force` exit 8, files kept."""
    monkeypatch.chdir(ws.root)
    db, key = ws.db_path.read_bytes(), ws.key_path.read_bytes()
    quarantine = run("quarantine", "--export", "jtai.db", "--force")
    assert quarantine.exit_code == ExitCode.CONFLICT, quarantine.output
    assert "jtai.db is the workspace's own file (jtai.db)" in quarantine.stderr
    score = run("score", "export", ".key", "--format", "csv", "--force")
    assert score.exit_code == ExitCode.CONFLICT, score.output
    assert ".key is the workspace's own file (.key)" in score.stderr
    no_force = run("quarantine", "--export", "inspection.yaml")
    assert no_force.exit_code == ExitCode.CONFLICT
    assert "Give --force" not in no_force.stderr and "even with --force" in no_force.stderr
    assert ws.db_path.read_bytes() == db and ws.key_path.read_bytes() == key

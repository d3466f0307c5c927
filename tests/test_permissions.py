"""A workspace stays private: loose permissions are warned about with the fix, and jtai writes 0600 always."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from _sample_helpers import add_children

from jtai.errors import ExitCode
from jtai.workspace import Workspace

DATA = Path(__file__).resolve().parent / "data"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_zero() -> Iterator[None]:
    """Run with umask 0000: every file and folder would be created readable and writable by all."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(
    ("name", "mode"), [(".key", 0o644), ("jtai.db", 0o644), ("", 0o755), ("reports", 0o775)]
)
def test_loose_permissions_are_warned_about_with_the_fix(run, ws: Workspace, name: str, mode: int) -> None:
    """A looser .key, jtai.db or folder: commands warn on stderr, naming the file and fix, and still run."""
    path = ws.root / name if name else ws.root
    os.chmod(path, mode)
    result = run("-w", str(ws.root), "audit", "verify")
    assert result.exit_code == 0, result.output
    warning = " ".join(result.stderr.split())
    assert warning == (
        f"Warning: Others can read or write this workspace of children's data: {path} is {mode:04o}, not "
        f"{0o700 if path.is_dir() else 0o600:04o}. Fix it with `jtai init {ws.root} --repair-permissions`."
    )
    assert "The audit log verifies" in result.stdout


def test_repair_permissions_makes_the_workspace_private_again(run, ws: Workspace) -> None:
    """`init DIR --repair-permissions` sets folders 0700, files 0600, changes nothing else, then is quiet."""
    config = (ws.root / "inspection.yaml").read_text(encoding="utf-8")
    key = (ws.root / ".key").read_text(encoding="ascii")
    for path, mode in ((ws.root, 0o755), (ws.root / ".key", 0o644), (ws.root / "jtai.db", 0o666)):
        os.chmod(path, mode)
    result = run("init", str(ws.root), "--repair-permissions")
    assert result.exit_code == 0, result.output
    assert " ".join(result.stdout.split()) == (
        f"Made private (folders 0700, files 0600): {ws.root}, {ws.root / '.key'}, {ws.root / 'jtai.db'}."
    )
    assert [_mode(p) for p in (ws.root, ws.root / ".key", ws.root / "jtai.db")] == [0o700, 0o600, 0o600]
    assert (ws.root / "inspection.yaml").read_text(encoding="utf-8") == config
    assert (ws.root / ".key").read_text(encoding="ascii") == key
    again = run("init", str(ws.root), "--repair-permissions")
    assert again.stdout.strip() == f"{ws.root} is private already: folders 0700, files 0600."
    assert run("-w", str(ws.root), "audit", "verify").stderr == ""


def test_repair_takes_no_other_option_and_init_needs_area_and_framework(
    run, ws: Workspace, tmp_path: Path
) -> None:
    """--repair-permissions with --area, or init without --area/--framework, is a usage error."""
    mixed = run("init", str(ws.root), "--repair-permissions", "--area", "X")
    assert mixed.exit_code == ExitCode.USAGE
    assert "--repair-permissions changes permissions only" in mixed.stderr
    bare = run("init", str(tmp_path / "new"))
    assert bare.exit_code == ExitCode.USAGE
    assert "Error: --area and --framework are needed to create a workspace." in bare.stderr
    assert not (tmp_path / "new").exists()
    nowhere = run("init", str(tmp_path / "none"), "--repair-permissions")
    assert nowhere.exit_code == ExitCode.NO_WORKSPACE


def test_everything_jtai_writes_is_private_under_umask_zero(
    run, tmp_path: Path, umask_zero: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under umask 0000: workspace, template, extracts, audit head, exports, reports: 0600 (folders 0700)."""
    root = tmp_path / "ws"
    created = run(
        "init",
        str(root),
        "--area",
        "Seaborough",
        "--framework",
        "exploitation-2018",
        "--fieldwork-start",
        "2018-03-19",
    )
    assert created.exit_code == 0, created.output
    monkeypatch.chdir(tmp_path)
    assert run("load", "--template", "police").exit_code == 0
    outputs = [tmp_path / "police-template.csv"]
    w = ("-w", str(root))
    loaded = run(*w, "load", str(DATA / "ingest" / "corpus" / "tab.tsv"), "--agency", "police")
    assert loaded.exit_code in (0, ExitCode.QUARANTINED), loaded.output
    add_children(Workspace(root), 8)
    assert run(*w, "sample", "tracked", "--seed", "1").exit_code == 0
    rater = ("--inspector", "Ann", "--inspectorate", "ofsted")
    judged = run(
        *w,
        "score",
        "audit-07",
        "--new",
        *rater,
        "--criterion",
        "DD6",
        "--agency",
        "health",
        "--grade",
        "good",
    )
    assert judged.exit_code == 0, judged.output
    for args, out in (
        (("score", "export"), tmp_path / "judgements.csv"),
        (("sample", "export"), tmp_path / "sample.xlsx"),
        (("link", "export"), tmp_path / "links.csv"),
        (("report", "evidence", "--html"), tmp_path / "pack.html"),
    ):
        result = run(*w, *args, str(out))
        assert result.exit_code == 0, (args, result.output)
        outputs.append(out)
    assert run(*w, "report", "evidence").exit_code == 0  # into reports/, a folder it may create
    loose = [
        f"{p} {_mode(p):04o}"
        for p in [root, *root.rglob("*"), *outputs]
        if not p.is_symlink() and _mode(p) != (0o700 if p.is_dir() else 0o600)
    ]
    assert loose == []
    assert "Warning" not in run(*w, "audit", "verify").stderr


def test_repair_that_cannot_change_a_mode_is_one_clear_error(
    run, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose mode cannot be changed (another user's) is exit 3 naming it, not a traceback."""
    os.chmod(ws.root / ".key", 0o644)

    def refuse(path: object, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", refuse)
    result = run("init", str(ws.root), "--repair-permissions")
    assert result.exit_code == ExitCode.NO_WORKSPACE
    assert f"Error: {ws.root / '.key'}: its permissions cannot be changed (Operation not permitted)." in (
        " ".join(result.stderr.split())
    )

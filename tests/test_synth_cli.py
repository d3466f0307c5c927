"""`jtai synth OUT`: where it may write, what it never overwrites, and private files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from jtai import workspace
from jtai.errors import ConflictError, ExitCode
from jtai.synth import generate, options_for

SMALL = ("--children", "20", "--seed", "1")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), _mode(p)) for p in folder.rglob("*") if p.is_file()
    }


def test_refuses_a_workspace_and_writes_nothing(run, ws: workspace.Workspace) -> None:  # type: ignore[no-untyped-def]
    """A workspace is never a synth folder (exit 8): nothing lands next to its extract copies."""
    before = _snapshot(ws.root)
    result = run("synth", str(ws.root), *SMALL)
    assert result.exit_code == ExitCode.CONFLICT
    assert result.stderr == (
        f"Error: {ws.root} is a jtai workspace: synth never writes fictional extracts among "
        "a workspace's files. Write them to a folder of their own, then load them: "
        "jtai synth DIR ... && jtai load DIR/extracts/police.csv --agency police\n"
    )
    assert _snapshot(ws.root) == before
    assert not (ws.root / "truth").exists() and not (ws.root / "manifest.json").exists()


def test_refuses_a_folder_inside_a_workspace(run, ws: workspace.Workspace) -> None:  # type: ignore[no-untyped-def]
    """Nor a folder inside one, even with --force."""
    result = run("synth", str(ws.root / "fictional"), *SMALL, "--force")
    assert result.exit_code == ExitCode.CONFLICT
    assert result.stderr.startswith(
        f"Error: {ws.root / 'fictional'} is inside the jtai workspace {ws.root}: synth never"
    )
    assert not (ws.root / "fictional").exists()


def test_refuses_a_non_empty_folder_without_force(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An existing police.csv is not silently replaced; --force replaces it."""
    out = tmp_path / "syx"
    (out / "extracts").mkdir(parents=True)
    (out / "extracts" / "police.csv").write_text("mine\n", encoding="utf-8")
    result = run("synth", str(out), *SMALL)
    assert result.exit_code == ExitCode.CONFLICT
    assert result.stderr == (
        f"Error: {out} is not empty, and synth would replace files in it. "
        "Name a new or empty folder, or give --force to write into this one.\n"
    )
    assert (out / "extracts" / "police.csv").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in out.rglob("*")) == ["extracts", "police.csv"]
    forced = run("synth", str(out), *SMALL, "--force")
    assert forced.exit_code == 0, forced.output
    assert (out / "extracts" / "police.csv").read_text(encoding="utf-8").startswith("agency_person_id,")


def test_an_empty_folder_needs_no_force(tmp_path: Path) -> None:
    """An existing empty folder is written into; the library refuses a non-empty one too."""
    generate(tmp_path, options_for(children=5, seed=1))
    with pytest.raises(ConflictError, match="is not empty"):
        generate(tmp_path, options_for(children=5, seed=1))
    assert generate(tmp_path, options_for(children=5, seed=1), force=True).records > 0


def test_files_are_private_and_folders_0700(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every file synth writes is 0600 and every folder it makes 0700, also when it replaces files."""
    out = tmp_path / "area"
    assert run("synth", str(out), *SMALL).exit_code == 0
    (out / "extracts" / "police.csv").chmod(0o644)
    (out / "truth").chmod(0o755)
    assert run("synth", str(out), *SMALL, "--force").exit_code == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 10  # 6 CSVs, the workbook, 2 truth files, the manifest
    assert {p.relative_to(out).as_posix(): _mode(p) for p in files} == {
        p.relative_to(out).as_posix(): 0o600 for p in files
    }
    for folder in (out, out / "extracts", out / "truth"):
        assert _mode(folder) == 0o700, folder


def test_a_replaced_file_is_not_followed_through_a_link(tmp_path: Path) -> None:
    """With --force a symbolic link in OUT is replaced by a file, its target left alone."""
    target = tmp_path / "elsewhere.csv"
    target.write_text("keep\n", encoding="utf-8")
    out = tmp_path / "area"
    (out / "extracts").mkdir(parents=True)
    (out / "extracts" / "police.csv").symlink_to(target)
    generate(out, options_for(children=5, seed=1), force=True)
    assert target.read_text(encoding="utf-8") == "keep\n"
    assert not (out / "extracts" / "police.csv").is_symlink()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2018-02-30", "--fieldwork-start 2018-02-30 does not exist: February 2018 has 28 days."),
        ("2018-3-19", "--fieldwork-start 2018-3-19 is not a date in the form YYYY-MM-DD."),
    ],
)
def test_fieldwork_start_that_does_not_exist(run, tmp_path: Path, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    """--fieldwork-start 2018-02-30 is named as a day that does not exist (exit 2)."""
    result = run("synth", str(tmp_path / "area"), *SMALL, "--fieldwork-start", value)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == f"Error: {message} Give a day of the calendar as YYYY-MM-DD, e.g. 2018-03-19.\n"
    assert not (tmp_path / "area").exists()

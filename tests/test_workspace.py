"""Workspace creation, permissions, discovery and configuration errors."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from jtai import workspace
from jtai.errors import ConfigError, ConflictError, ExitCode, WorkspaceError


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_creates_private_workspace(run, tmp_path: Path) -> None:
    """`jtai init` makes every folder 0700 and every file 0600."""
    result = run(
        "init",
        str(tmp_path / "w"),
        "--area",
        "Seaborough",
        "--framework",
        "exploitation-2018",
        "--fieldwork-start",
        "2018-03-19",
    )
    assert result.exit_code == 0, result.output
    root = tmp_path / "w"
    for name in ("inspection.yaml", "jtai.db", ".key"):
        assert _mode(root / name) == 0o600, name
    for name in ("", "extracts", "reports"):
        assert _mode(root / name) == 0o700, name
    config = workspace.read_config(root / "inspection.yaml")
    assert config["area"] == "Seaborough"
    assert str(config["fieldwork_start"]) == "2018-03-19"


def test_init_refuses_to_overwrite(run, tmp_path: Path) -> None:
    """A second `jtai init` in the same folder fails without --force, and keeps the key."""
    args = ("init", str(tmp_path / "w"), "--area", "A", "--framework", "exploitation-2018")
    assert run(*args).exit_code == 0
    key = (tmp_path / "w" / ".key").read_text()
    again = run(*args)
    assert again.exit_code == ExitCode.CONFLICT
    assert "already a jtai workspace" in again.stderr
    assert "--force" in again.stderr
    assert (tmp_path / "w" / ".key").read_text() == key
    assert run(*args, "--force").exit_code == 0


def test_find_searches_upwards(ws: workspace.Workspace) -> None:
    """A workspace is found from a folder inside it, like git finds a repository."""
    inner = ws.root / "reports"
    assert workspace.find(start=inner).root == ws.root


def test_find_outside_says_how_to_create(tmp_path: Path) -> None:
    """Outside a workspace the error says how to create one."""
    with pytest.raises(WorkspaceError, match="jtai init DIR --area NAME --framework ID"):
        workspace.find(start=tmp_path)


def test_env_var_names_workspace(ws: workspace.Workspace, monkeypatch, tmp_path) -> None:
    """JTAI_WORKSPACE names the workspace from anywhere."""
    monkeypatch.setenv("JTAI_WORKSPACE", str(ws.root))
    assert workspace.find(start=tmp_path).root == ws.root


def test_bad_yaml_names_file_and_line(ws: workspace.Workspace) -> None:
    """Broken inspection.yaml gives the file and line of the fault."""
    ws.config_path.write_text("area: X\nframework: y\nagencies: [csc\n")
    with pytest.raises(ConfigError, match=r"inspection.yaml, line \d+"):
        workspace.read_config(ws.config_path)


def test_bad_date_in_config(ws: workspace.Workspace) -> None:
    """A date that is not YYYY-MM-DD is named with the setting."""
    ws.config_path.write_text("area: X\nframework: y\nfieldwork_start: 19/03/2018\n")
    with pytest.raises(ConfigError, match="fieldwork_start is '19/03/2018', not a date"):
        workspace.read_config(ws.config_path)


def test_version_and_help(run) -> None:
    """`jtai --version` prints the version; an unknown command is a usage error."""
    from jtai import __version__

    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"jtai {__version__}"
    assert run("no-such-command").exit_code == ExitCode.USAGE


def test_pseudonym_is_stable_and_keyed() -> None:
    """The same key and value give the same pseudonym; another key gives another."""
    from jtai.pseudonym import pseudonym

    a = pseudonym(b"k1", "child-1")
    assert a == pseudonym(b"k1", "child-1")
    assert a != pseudonym(b"k2", "child-1")
    assert a != pseudonym(b"k1", "child-2")
    assert a.startswith("C-") and len(a) == 11


def test_conflict_error_is_conflict_code() -> None:
    """ConflictError exits with the CONFLICT code."""
    assert ConflictError("x").exit_code == ExitCode.CONFLICT

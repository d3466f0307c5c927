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
    ws.config_path.write_text("area: X\nframework: exploitation-2018\nfieldwork_start: 19/03/2018\n")
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


def _init(run, root: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run("init", str(root), "--area", "Seaborough", "--fieldwork-start", "2018-03-19", *extra)


def test_init_checks_the_framework(run, tmp_path: Path, monkeypatch) -> None:
    """An unknown id or a folder is not found (7); a broken framework file names its line (6)."""
    monkeypatch.chdir(tmp_path)
    unknown = _init(run, tmp_path / "w1", "--framework", "nope")
    assert unknown.exit_code == ExitCode.NOT_FOUND
    assert unknown.stderr.startswith("Error: No framework 'nope': it is neither a built-in id nor a file.")
    (tmp_path / "folder").mkdir()
    assert _init(run, tmp_path / "w2", "--framework", "folder").exit_code == ExitCode.NOT_FOUND
    (tmp_path / "fw.yaml").write_text("id: x\ntitle: [\n", encoding="utf-8")
    broken = _init(run, tmp_path / "w3", "--framework", "fw.yaml")
    assert broken.exit_code == ExitCode.CONFIG
    assert broken.stderr.startswith("Error: fw.yaml, line 3: is not valid YAML")
    assert not any((tmp_path / name).exists() for name in ("w1", "w2", "w3"))


def test_init_copies_a_framework_file_into_the_workspace(run, tmp_path: Path, monkeypatch) -> None:
    """A framework file named by a relative path is copied in, so it is found from anywhere, for good."""
    from importlib import resources

    from jtai.workspace import workspace_framework

    monkeypatch.chdir(tmp_path)
    source = resources.files("jtai.frameworks") / "neglect-2017.yaml"
    (tmp_path / "fw2.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    result = _init(run, tmp_path / "w7", "--framework", "./fw2.yaml")
    assert result.exit_code == 0, result.output
    assert "The framework file is copied into it as framework.yaml." in result.stdout
    (tmp_path / "fw2.yaml").unlink()
    monkeypatch.chdir(tmp_path / "w7" / "reports")
    ws = workspace.find()
    assert ws.config["framework"] == "framework.yaml"
    assert workspace_framework(ws).id == "neglect-2017"
    assert _mode(ws.root / "framework.yaml") == 0o600


def test_init_into_a_file_or_an_impossible_place(run, tmp_path: Path) -> None:
    """A file named as the folder is a usage error; a folder that cannot be made is exit 3."""
    afile = tmp_path / "afile"
    afile.write_text("mine", encoding="utf-8")
    result = _init(run, afile, "--framework", "exploitation-2018")
    assert result.exit_code == ExitCode.USAGE
    assert (
        result.stderr
        == f"Error: {afile} is a file, not a folder. Name a new or existing folder for the workspace.\n"
    )
    demo = run("demo", str(afile))
    assert demo.exit_code == ExitCode.USAGE
    assert (
        demo.stderr == f"Error: {afile} is a file, not a folder. Name a new or empty folder: jtai demo DIR\n"
    )
    inside = _init(run, afile / "w", "--framework", "exploitation-2018")
    assert inside.exit_code == ExitCode.NO_WORKSPACE
    assert inside.stderr.startswith(
        f"Error: {afile / 'w'}: the workspace cannot be created (Not a directory)."
    )
    assert afile.read_text(encoding="utf-8") == "mine"


def test_init_refuses_an_empty_area(run, tmp_path: Path) -> None:
    """`--area ""` is a usage error and creates nothing."""
    result = run("init", str(tmp_path / "w"), "--area", " ", "--framework", "exploitation-2018")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == "Error: --area is empty. Give the local area's name, e.g. --area Seaborough.\n"
    assert not (tmp_path / "w").exists()


def test_init_force_deletes_the_old_copies_of_childrens_data(run, tmp_path: Path) -> None:
    """--force empties extracts/ and reports/ and drops the audit log's head, besides the store and key."""
    root = tmp_path / "w"
    assert _init(run, root, "--framework", "exploitation-2018").exit_code == 0
    key = (root / ".key").read_text()
    (root / "extracts" / "abc123.csv").write_text("Maya,Oakby,2004-05-06\n")
    (root / "reports" / "old").mkdir()
    (root / "reports" / "old" / "letter.html").write_text("<p>Maya</p>")
    (root / "audit.head").write_text("3 abc\n")
    (root / "notes.txt").write_text("mine")
    (root / "findings.yaml").write_text("findings: []\n")  # the user's own writing: kept
    result = _init(run, root, "--framework", "exploitation-2018", "--force")
    assert result.exit_code == 0, result.output
    assert " ".join(result.stdout.split()).startswith(
        f"Removed from {root}: jtai.db, .key, audit.head, extracts/ (1 entry), reports/ (1 entry). "
        "Kept (not part of a workspace): findings.yaml, notes.txt. "
        "Delete yourself what belonged to the old workspace. Created workspace"
    )
    assert (root / "findings.yaml").exists()
    assert list((root / "extracts").iterdir()) == [] and list((root / "reports").iterdir()) == []
    assert not (root / "audit.head").exists()
    assert (root / ".key").read_text() != key
    assert (root / "notes.txt").read_text() == "mine"


def test_a_missing_database_is_a_damaged_workspace(run, ws: workspace.Workspace, monkeypatch) -> None:
    """Without jtai.db the workspace is reported damaged (exit 3), never recreated empty."""
    ws.db_path.unlink()
    expected = (
        f"Error: {ws.root} is a damaged jtai workspace: jtai.db is missing, and it holds everything loaded, "
        "linked, sampled and judged there. Restore jtai.db from your backup, or start again with "
        f"`jtai init {ws.root} --area NAME --framework ID --force`.\n"
    )
    result = run("-w", str(ws.root), "profile")
    assert (result.exit_code, result.stderr) == (ExitCode.NO_WORKSPACE, expected)
    monkeypatch.chdir(ws.root / "reports")
    assert run("sample", "show").stderr == expected
    with pytest.raises(WorkspaceError, match=r"jtai\.db is missing"):
        ws.connect()
    assert not ws.db_path.exists()


def test_a_foreign_inspection_yaml_is_passed_over(tmp_path: Path) -> None:
    """Searching upwards, an inspection.yaml with neither jtai.db nor .key is not a workspace."""
    (tmp_path / "inspection.yaml").write_text("something: else\n")
    with pytest.raises(WorkspaceError, match="No jtai workspace in"):
        workspace.find(start=tmp_path)


def test_an_unwritable_store_is_a_workspace_error(run, ws: workspace.Workspace, monkeypatch) -> None:
    """SQLite refusing to write or open the store exits 3 with what to check, not as a bug."""
    from jtai import store
    from jtai.store import records

    with pytest.raises(
        WorkspaceError, match=r"The workspace cannot be written: .*no/jtai\.db, or the folder"
    ):
        store.connect(ws.root / "no" / "jtai.db")
    real = store.connect

    def read_only(path: Path):  # type: ignore[no-untyped-def]
        conn = real(path)
        conn.execute("PRAGMA query_only = 1")  # SQLite then refuses writes as for a read-only file
        return conn

    conn = ws.connect()
    records.insert_records(conn, [{"first_name": "Amy", "agency_person_id": "P1"}], agency="police")
    conn.close()
    monkeypatch.setattr("jtai.store.connect", read_only)
    result = run("-w", str(ws.root), "link")
    assert result.exit_code == ExitCode.NO_WORKSPACE, result.output
    assert result.stderr.splitlines()[-1] == (
        "Error: The workspace cannot be written: jtai.db, or the folder it is in, is read-only or not yours. "
        "Check the workspace folder and its files belong to you and can be written (jtai writes beside "
        "jtai.db even to read it)."
    )


def test_init_force_says_when_there_was_nothing_to_remove(tmp_path: Path) -> None:
    """create() tells on_cleared what --force removed and kept: here an empty folder, so nothing."""
    told: list[workspace.Cleared] = []
    ws = workspace.create(
        tmp_path / "w", area="A", framework="exploitation-2018", force=True, on_cleared=told.append
    )
    assert told == [workspace.Cleared([], [])]
    assert ws.config["area"] == "A"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2018-02-30", "--fieldwork-start 2018-02-30 does not exist: February 2018 has 28 days."),
        ("2020-02-30", "--fieldwork-start 2020-02-30 does not exist: February 2020 has 29 days."),
        ("2018-04-31", "--fieldwork-start 2018-04-31 does not exist: April 2018 has 30 days."),
        ("2018-13-01", "--fieldwork-start 2018-13-01 does not exist: months run from 01 to 12, not 13."),
        ("19/03/2018", "--fieldwork-start 19/03/2018 is not a date in the form YYYY-MM-DD."),
    ],
)
def test_init_names_a_date_that_does_not_exist(run, tmp_path: Path, value: str, message: str) -> None:
    """A day the calendar does not have is named as such (exit 2), not as a format mismatch."""
    result = run("init", str(tmp_path / "w"), "--area", "A", "--framework", "exploitation-2018",
                 "--fieldwork-start", value)  # fmt: skip
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == f"Error: {message} Give a day of the calendar as YYYY-MM-DD, e.g. 2018-03-19.\n"
    assert not (tmp_path / "w").exists()


@pytest.mark.parametrize("inside", ["extracts", "extracts/deeper", "notes"])
def test_init_refuses_a_folder_inside_another_workspace(run, tmp_path: Path, inside: str) -> None:
    """A workspace is never made inside another (its key and store would go with the other's --force)."""
    outer = tmp_path / "ws"
    assert _init(run, outer, "--framework", "exploitation-2018").exit_code == 0
    result = _init(run, outer / inside, "--framework", "exploitation-2018")
    beside = tmp_path / inside.split("/")[-1]
    assert result.exit_code == ExitCode.CONFLICT, result.output
    assert " ".join(result.stderr.split()) == (
        f"Error: {outer / inside} is inside the jtai workspace {outer}: a workspace is never made among "
        f"another's files. Choose a folder outside it, e.g. next to it: jtai init {beside} "
        "--area NAME --framework ID"
    )
    assert not (outer / inside / "jtai.db").exists() and not (outer / inside / ".key").exists()
    assert workspace.enclosing(outer / inside) == outer
    assert workspace.enclosing(tmp_path) is None

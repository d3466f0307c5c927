"""The command line as a whole: help, examples, exit codes, start-up time, error hygiene."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer.main

from jtai.cli import app
from jtai.errors import ExitCode

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands(group, prefix=()):  # type: ignore[no-untyped-def]
    for name, command in sorted(getattr(group, "commands", {}).items()):
        path = (*prefix, name)
        yield path, command
        yield from _commands(command, path)


def test_every_command_has_help_with_an_example() -> None:
    """Each command and sub-command documents itself with an example."""
    root = typer.main.get_command(app)
    missing = [
        " ".join(path)
        for path, command in _commands(root)
        if not getattr(command, "commands", None) and "Example" not in (command.help or "")
    ]
    assert missing == []


def test_every_command_help_runs(run) -> None:
    """`jtai CMD --help` works for every command and exits 0."""
    root = typer.main.get_command(app)
    for path, _ in _commands(root):
        result = run(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert "Usage: jtai " + " ".join(path) in result.stdout


def test_help_lists_commands_area_by_area() -> None:
    """`jtai --help` lists the commands in the order the areas are registered, groups among them."""
    root = typer.main.get_command(app)
    names = root.list_commands(typer.Context(root))  # type: ignore[attr-defined]
    listed = ["init", "load", "quarantine", "profile", "unload", "link", "child", "sample", "framework"]
    listed += ["score", "moderate", "findings", "audit", "report", "synth", "demo"]
    assert [name for name in names if name in listed] == listed


def test_every_cli_module_with_commands_is_registered() -> None:
    """Each module of jtai.cli that has a `register` function is one of the areas registered."""
    import importlib
    import pkgutil

    import jtai.cli

    modules = [importlib.import_module(f"jtai.cli.{m.name}") for m in pkgutil.iter_modules(jtai.cli.__path__)]
    registering = {m.__name__ for m in modules if hasattr(m, "register")}
    assert registering == {area.__name__ for area in jtai.cli._AREAS}


def test_exit_codes_are_documented_in_readme() -> None:
    """The README's exit-code table lists every ExitCode with its number."""
    text = README.read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| (\d+) \| `([A-Z_]+)` \|", text, flags=re.M))
    assert documented == {str(int(code)): code.name for code in ExitCode}


def test_help_is_fast() -> None:
    """`jtai --help` returns in well under a second (heavy libraries load lazily)."""
    best = min(_time_help() for _ in range(3))
    assert best < 1.0, f"jtai --help took {best:.2f} s"


def _time_help() -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from jtai.cli import main; main(['--help'])"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    return elapsed


def test_help_imports_no_heavy_library() -> None:
    """Loading the CLI does not import pandas, splink, weasyprint or matplotlib."""
    code = (
        "import sys; import jtai.cli; "
        "heavy = [m for m in ('pandas', 'splink', 'weasyprint', 'matplotlib', 'duckdb', 'scipy') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_outside_a_workspace_says_how_to_create_one(run, tmp_path, monkeypatch) -> None:
    """A command that needs a workspace, run outside one, explains how to make one."""
    monkeypatch.chdir(tmp_path)
    from jtai.cli._common import open_workspace
    from jtai.errors import WorkspaceError

    try:
        open_workspace()
    except WorkspaceError as exc:
        assert "jtai init DIR --area NAME --framework ID" in str(exc)
        assert exc.exit_code == ExitCode.NO_WORKSPACE
    else:  # pragma: no cover - the assertion below reports it
        raise AssertionError("no WorkspaceError outside a workspace")


def test_unexpected_error_prints_no_traceback_or_data(run, monkeypatch) -> None:
    """A bug prints one line naming the exception type, never its message or a traceback."""
    import jtai.cli.workspace as cli_ws

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("Jane Smith 03/04/2005")

    monkeypatch.setattr("jtai.workspace.create", boom)
    result = run("init", "x", "--area", "A", "--framework", "f")
    assert result.exit_code == ExitCode.ERROR
    assert "Traceback" not in result.output
    assert "Jane" not in result.output
    assert "unexpected ValueError" in result.stderr
    assert cli_ws is not None


def test_the_bug_message_shows_where_debug_goes(run, monkeypatch) -> None:
    """The advice for a bug names `jtai --debug COMMAND`, which the command line accepts."""

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("x")

    monkeypatch.setattr("jtai.workspace.create", boom)
    result = run("init", "x", "--area", "A", "--framework", "f")
    assert "run the command again as `jtai --debug COMMAND ...`" in " ".join(result.stderr.split())
    assert run("--debug", "sample", "size", "--confidence", "0.9").exit_code == 0


def test_ctrl_c_says_it_stopped_and_exits_130(run, monkeypatch) -> None:
    """Ctrl-C exits 130 with one line saying work done so far is kept."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("jtai.workspace.create", interrupted)
    result = run("init", "x", "--area", "A", "--framework", "exploitation-2018")
    assert (result.exit_code, result.stdout) == (ExitCode.INTERRUPTED, "")
    assert result.stderr == "Interrupted: work done so far is kept.\n"


def test_ctrl_c_from_the_terminal(tmp_path) -> None:
    """A real SIGINT while a command runs gives the same line and exit code 130."""
    import signal

    # Python leaves SIGINT ignored when it starts ignored (a background job, nohup, some CI
    # runners): the child restores the handler a terminal session starts with.
    code = (
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "import time, jtai.workspace as w\n"
        "def slow(*a, **k):\n"
        "    print('started', flush=True); time.sleep(30)\n"
        "w.create = slow\n"
        "from jtai.cli import main\n"
        "raise SystemExit(main(['init', 'x', '--area', 'A', '--framework', 'exploitation-2018']))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=tmp_path)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == "started\n"
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert (proc.returncode, err) == (ExitCode.INTERRUPTED, "Interrupted: work done so far is kept.\n")


@pytest.mark.parametrize(
    "args",
    [
        ["sample", "size"],  # a few lines: the pipe fails when they are flushed at exit
        ["framework", "show", "exploitation-2018"],  # pages: the pipe fails while writing
        ["--help"],
    ],
)
def test_a_closed_pipe_stops_quietly(args: list[str]) -> None:
    """`jtai ... | head` whose reader has gone: exit 0, nothing on stderr, no "Exception ignored"."""
    import os

    read, write = os.pipe()
    os.close(read)  # the reader is gone before jtai writes a byte
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from jtai.cli import main; main()", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env={**os.environ, "COLUMNS": "80"},
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, "")


def test_error_messages_are_printed_as_written(run, monkeypatch) -> None:
    """Square brackets in a message are text, not markup: nothing of it is lost."""
    from jtai.errors import ConfigError

    def refuse(*args: object, **kwargs: object) -> None:
        raise ConfigError(
            'agencies must be a list, e.g. ["csc", "police"] or [bold].', file="inspection.yaml"
        )

    monkeypatch.setattr("jtai.workspace.create", refuse)
    result = run("init", "x", "--area", "A", "--framework", "exploitation-2018")
    assert result.exit_code == ExitCode.CONFIG
    assert 'e.g. ["csc", "police"] or [bold].' in result.stderr

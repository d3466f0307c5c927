"""Shared fixtures: a fresh workspace, a CLI runner with a fixed terminal width, and the demo area."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jtai import workspace

if TYPE_CHECKING:
    from jtai.demo import DemoResult
    from jtai.linkage import LinkSummary

DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Result:
    """What a CLI run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture(autouse=True)
def _fixed_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich lays out tables for 120 columns, whatever the terminal, and never adds colour."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("JTAI_WORKSPACE", raising=False)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Iterator[object]:
    """Run ``jtai`` in-process: ``run("load", "x.csv", "--agency", "police")``.

    Each run gets its own context object on the captured streams (see jtai.cli._common.Cli).
    """

    def _run(*args: str, input: str | None = None) -> Result:
        import io
        import sys

        from jtai.cli import main  # here, so tests that need no CLI collect without typer

        old_stdin = sys.stdin
        if input is not None:
            sys.stdin = io.StringIO(input)
        try:
            capsys.readouterr()
            code = main(list(args))
        finally:
            sys.stdin = old_stdin
        out, err = capsys.readouterr()
        return Result(code, out, err)

    yield _run


@pytest.fixture
def ws(tmp_path: Path) -> workspace.Workspace:
    """A new, empty workspace for the 2018 exploitation theme."""
    import datetime as dt

    return workspace.create(
        tmp_path / "ws",
        area="Seaborough",
        framework="exploitation-2018",
        fieldwork_start=dt.date(2018, 3, 19),
    )


@dataclass(frozen=True)
class DemoBuild:
    """The demo area built by ``jtai demo DIR --json``: what ``run_demo`` returned and what it printed."""

    result: DemoResult
    output: Result


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DemoBuild:
    """``jtai demo DIR --json``, run once for every module that reads the demo area.

    The command runs in-process and the ``run_demo`` it calls is watched, so its result (steps,
    outputs, anchor) is kept beside what the command printed. A test that changes the area works
    on a copy; a module whose commands may change it takes its own copy first.
    """
    from jtai import demo as module
    from jtai.cli import main

    made: list[DemoResult] = []
    real = module.run_demo

    def watched(target: Path, on_step: object = None) -> DemoResult:
        made.append(real(target, on_step=on_step))  # type: ignore[arg-type]
        return made[-1]

    root = tmp_path_factory.mktemp("demo") / "jtai-demo"
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        patch.setattr(module, "run_demo", watched)
        with contextlib.redirect_stderr(err):
            code = main(["demo", str(root), "--json"])
    output = Result(code, out.getvalue(), err.getvalue())
    assert code == 0 and len(made) == 1, output.output
    return DemoBuild(made[0], output)


@dataclass(frozen=True)
class LinkedArea:
    """A linked workspace left as linking left it (copy it to change it), each record's true child."""

    root: Path
    truth: dict[int, str]
    summary: LinkSummary


@pytest.fixture(scope="session")
def linked_twins_area(tmp_path_factory: pytest.TempPathFactory) -> LinkedArea:
    """300 children (15 pairs of same-sex twins) in four agencies, loaded and linked once."""
    import _link_helpers as h

    from jtai.linkage import link

    root = tmp_path_factory.mktemp("linked") / "ws"
    ws = workspace.create(root, area="Seaborough", framework="exploitation-2018")
    conn = ws.connect()
    truth = h.load(conn, h.records(h.population(300, twins=15)))
    summary = link(ws, conn)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return LinkedArea(root, truth, summary)

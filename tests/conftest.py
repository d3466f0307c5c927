"""Shared fixtures: a fresh workspace and a CLI runner with a fixed terminal width."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jtai import workspace

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

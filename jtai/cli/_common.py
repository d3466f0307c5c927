"""What every command shares: the app, the run's context object, common options and the workspace.

Each run of ``jtai`` has one :class:`Cli` object, made by :func:`jtai.cli.main` for the
streams of that run and handed to typer as the context object (``ctx.obj``). A command
reaches it with :func:`cli` (or ``ctx.obj``): its consoles (``out`` for results on stdout,
``err`` for messages on stderr), the global options, and how output is shown::

    from jtai.cli._common import cli

    def my_command(...) -> None:
        run = cli()
        run.out.print("Done.", highlight=False)
        run.show(table)                 # a rich table; tab-separated text when piped
        run.print_json(data)            # with --json

Nothing here is a module global that holds the state of a run: tests run commands in
process with their own streams and need rebind nothing.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from jtai import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from jtai.workspace import Workspace

app = typer.Typer(
    name="jtai",
    help="Joint targeted area inspections: load agencies' extracts, link each child's records, "
    "sample children, record judgements and render the letter of findings.\n\n"
    "Start with: jtai demo",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def plain_terminal(environ: dict[str, str] | None = None) -> bool:
    """Whether output must carry no colour and no bold: ``NO_COLOR`` is set, or ``TERM=dumb``."""
    env = os.environ if environ is None else environ
    return bool(env.get("NO_COLOR")) or env.get("TERM") == "dumb"


def make_console(stream: IO[str] | None, *, stderr: bool = False) -> Console:
    """A console on ``stream`` that honours ``NO_COLOR`` and ``TERM=dumb`` fully (no colour, no bold)."""
    from rich.console import Console

    plain = plain_terminal()
    return Console(
        file=stream,
        stderr=stderr,
        soft_wrap=stderr,
        no_color=plain,
        color_system=None if plain else "auto",
    )


@dataclass
class Cli:
    """The context object of one run: its consoles, global options and output style.

    Attributes:
        out: the console of results (stdout).
        err: the console of messages, warnings, errors and progress (stderr).
        workspace: ``--workspace`` / ``JTAI_WORKSPACE``, when given.
        debug: ``--debug``: show a traceback on unexpected errors.
        json: the command was given ``--json``: errors too are printed as JSON on stderr.
    """

    out: Console
    err: Console
    workspace: Path | None = None
    debug: bool = False
    json: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_streams(
        cls, stdout: IO[str] | None = None, stderr: IO[str] | None = None, *, json: bool = False
    ) -> Cli:
        """A context object writing to ``stdout`` and ``stderr`` (default: the process's, now)."""
        return cls(
            out=make_console(stdout or sys.stdout),
            err=make_console(stderr or sys.stderr, stderr=True),
            json=json,
        )

    @property
    def piped(self) -> bool:
        """Whether results go to a pipe or a file rather than a terminal (tables become text)."""
        return not self.out.is_terminal

    def open_workspace(self) -> Workspace:
        """The workspace named by --workspace / JTAI_WORKSPACE, or found from the current folder.

        A folder or private file others can read is warned about on stderr, with the fix.
        """
        from jtai import workspace
        from jtai.permissions import permission_warnings

        ws = workspace.find(explicit=self.workspace)
        for warning in permission_warnings(ws.root):
            self.warn(f"Warning: {warning}")
        return ws

    def print_json(self, data: Any) -> None:
        """Print data as JSON on stdout (dates as ISO strings), with no markup."""
        self.out.file.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")

    def say(self, text: str) -> None:
        """Print a line of plain text on stdout (no markup, no highlighting)."""
        self.out.print(text, highlight=False, markup=False)

    def warn(self, text: str) -> None:
        """Print a line of plain text on stderr."""
        self.err.print(text, highlight=False, markup=False)

    def error(
        self, message: str, code: int, *, kind: str = "Error", hint: str | None = None, label: str = "Error"
    ) -> int:
        """Print an error on stderr and return ``code``: one JSON object with ``--json``, else a line.

        The JSON object is ``{"error": MESSAGE, "code": CODE, "kind": KIND, "hint": HINT}``.
        """
        if self.json:
            body = {"error": message, "code": int(code), "kind": kind, "hint": hint}
            self.err.file.write(json.dumps(body, ensure_ascii=False) + "\n")
        else:
            from rich.markup import escape

            # the message is text, not markup: "[csc, police]" in it is printed as written
            text = escape(f"{message} {hint}" if hint else message)
            self.err.print(f"[bold red]{label}:[/] {text}", highlight=False, markup=True)
        return int(code)

    def show(self, *items: Any) -> None:
        """Print tables and text; when piped, a table is tab-separated text (see :mod:`jtai.cli.tables`)."""
        from jtai.cli.tables import show

        show(self, *items)


def cli() -> Cli:
    """The :class:`Cli` of the command being run: typer's context object.

    A command run outside :func:`jtai.cli.main` (typer's own test runner, say) gets one
    made for the process's streams.
    """
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None:
        return Cli.for_streams()
    root = ctx.find_root()
    if not isinstance(root.obj, Cli):
        root.obj = Cli.for_streams()
    return root.obj


def _version(value: bool) -> None:
    if value:
        cli().say(f"jtai {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            envvar="JTAI_WORKSPACE",
            metavar="FOLDER",
            help="Workspace folder (default: the current folder or the nearest parent "
            "that holds inspection.yaml).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on unexpected errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    if not isinstance(ctx.obj, Cli):
        ctx.obj = Cli.for_streams()
    ctx.obj.workspace = workspace
    ctx.obj.debug = debug


JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def open_workspace() -> Workspace:
    """The workspace of this run (see :meth:`Cli.open_workspace`)."""
    return cli().open_workspace()


def print_json(data: Any) -> None:
    """Print data as JSON on stdout (see :meth:`Cli.print_json`)."""
    cli().print_json(data)

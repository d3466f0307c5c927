"""The ``jtai`` command: a thin typer app over the library.

Each area registers its commands from a module of its own (``jtai.cli.ingest`` and so on).
:func:`main` makes the run's context object (:class:`~jtai.cli._common.Cli`: its consoles
and options) and turns every :class:`~jtai.errors.JtaiError` into one line on stderr and
its exit code; with ``--json`` the error is a JSON object instead,
``{"error": MESSAGE, "code": EXIT_CODE, "kind": NAME, "hint": HINT}``. A traceback is
printed only with ``--debug`` and never shows local variables, which could hold a child's data.
"""

from __future__ import annotations

import errno
import os
import sys

import typer
from typer._click.core import Context
from typer._click.exceptions import ClickException  # typer vendors click
from typer.core import TyperGroup

from jtai.cli import (
    _help,
    audit,
    audits,
    calendar,
    demo,
    framework,
    indicators,
    ingest,
    link,
    overview,
    report,
    sample,
    score,
    synth,
    unload,
    workspace,
)
from jtai.cli._common import Cli, app, plain_terminal
from jtai.errors import ExitCode, JtaiError

# Each area adds its commands; `jtai --help` lists them in this order, an area's groups (such as
# `link`) before its single commands (`child`).
_AREAS = (
    workspace, calendar, ingest, unload, link, sample, framework, score, audits, audit, indicators,
    report, overview, synth, demo,
)  # fmt: skip
_ORDER: list[str] = []
for _area in _AREAS:
    _area.register(app)
    _ORDER += [
        name
        for name in [g.name for g in app.registered_groups] + [c.name for c in app.registered_commands]
        if name is not None and name not in _ORDER
    ]


class _InOrder(TyperGroup):
    """The top-level group: lists commands in the order the areas registered them."""

    def list_commands(self, ctx: Context) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda name: _ORDER.index(name) if name in _ORDER else len(_ORDER))


app.info.cls = _InOrder


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return (and exit with) an :class:`ExitCode`."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("JTAI_DEBUG") == "1"
    run = Cli.for_streams(json=_wants_json(args))
    code = _run(args, debug, run)
    if argv is None:
        code = _flush(code)
        sys.exit(code)
    return code


def _wants_json(args: list[str]) -> bool:
    """Whether ``--json`` is among the options (not after ``--``, where it would be a file name)."""
    return "--json" in (args[: args.index("--")] if "--" in args else args)


def _run(args: list[str], debug: bool, run: Cli) -> int:
    if not args or any(a in ("-h", "--help") for a in args):
        _help.rich_help(plain=plain_terminal())
    try:
        result = app(args=args, prog_name="jtai", standalone_mode=False, obj=run)
    except JtaiError as exc:
        if debug:
            raise
        return _error(run, exc)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        return _interrupted(run)
    except ClickException as exc:
        if run.json:
            return _json_error(run, exc.format_message(), ExitCode.USAGE, "UsageError")
        _help.rich_help(plain=plain_terminal())
        exc.show()
        return int(ExitCode.USAGE)
    except BrokenPipeError:
        return _pipe_closed()
    except SystemExit as exc:
        # typer answers a closed pipe with exit 1 of its own; the reader only stopped reading
        if getattr(exc.__context__, "errno", None) == errno.EPIPE:
            return _pipe_closed()
        raise
    except Exception as exc:
        if debug:
            raise
        known = _store_error(exc)
        if known is not None:
            return _error(run, known)
        # The message of an unexpected exception may hold data values: name the type only.
        message = (
            f"unexpected {type(exc).__name__}. This is a bug in jtai: run the command again as "
            "`jtai --debug COMMAND ...` and report what it prints (check it holds no child's data first)."
        )
        if run.json:
            return _json_error(run, message, ExitCode.ERROR, "Bug")
        run.err.print(f"[bold red]Error:[/] {message}", highlight=False)
        return int(ExitCode.ERROR)
    if result == ExitCode.INTERRUPTED:
        # typer turns Ctrl-C into exit code 130 without a word
        return _interrupted(run)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


def _error(run: Cli, exc: JtaiError) -> int:
    return run.error(exc.message, exc.exit_code, kind=type(exc).__name__, hint=exc.hint)


def _json_error(run: Cli, message: str, code: int, kind: str) -> int:
    return run.error(message, code, kind=kind)


def _interrupted(run: Cli) -> int:
    if run.json:
        return _json_error(run, "Interrupted: work done so far is kept.", ExitCode.INTERRUPTED, "Interrupted")
    run.err.print("Interrupted: work done so far is kept.", highlight=False, markup=False)
    return int(ExitCode.INTERRUPTED)


def _store_error(exc: Exception) -> JtaiError | None:
    """The workspace error behind an SQLite failure to write, or None for any other exception."""
    from jtai.store import cannot_write

    return cannot_write(exc)


def _pipe_closed() -> int:
    """Output went to a pipe whose reader stopped (``jtai ... | head``): stop quietly.

    Standard output is pointed at /dev/null, as the Python documentation recommends, so the
    flush at exit does not fail again with "Exception ignored ... BrokenPipeError".
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (output captured in memory)
        pass
    return int(ExitCode.OK)


def _flush(code: int) -> int:
    """Flush standard output before the interpreter does, so a closed pipe is caught here."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return _pipe_closed()
    return code


__all__ = ["app", "main", "typer"]

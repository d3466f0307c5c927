"""The ``jtai`` command: a thin typer app over the library.

Each area registers its commands from a module of its own (``jtai.cli.ingest`` and so on).
:func:`main` turns every :class:`~jtai.errors.JtaiError` into one line on stderr and its
exit code; a traceback is printed only with ``--debug`` and never shows local variables,
which could hold a child's data.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer
from typer._click.exceptions import ClickException  # typer vendors click

from jtai.cli._common import app, err_console
from jtai.errors import ExitCode, JtaiError

# The order commands appear in `jtai --help`.
_AREAS = ("workspace", "ingest", "link", "sample", "framework", "score", "audit", "report", "synth", "demo")

for _name in _AREAS:
    try:
        importlib.import_module(f"jtai.cli.{_name}").register(app)
    except ModuleNotFoundError as _exc:
        if _exc.name != f"jtai.cli.{_name}":
            raise


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return (and exit with) an :class:`ExitCode`."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("JTAI_DEBUG") == "1"
    code = _run(args, debug)
    if argv is None:
        sys.exit(code)
    return code


def _run(args: list[str], debug: bool) -> int:
    try:
        result = app(args=args, prog_name="jtai", standalone_mode=False)
    except JtaiError as exc:
        if debug:
            raise
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, markup=True)
        return int(exc.exit_code)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        err_console.print("Stopped. Work saved so far is kept.")
        return int(ExitCode.INTERRUPTED)
    except ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE)
    except KeyboardInterrupt:
        err_console.print("Stopped. Work saved so far is kept.")
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:
        if debug:
            raise
        # The message of an unexpected exception may hold data values: name the type only.
        err_console.print(
            f"[bold red]Error:[/] unexpected {type(exc).__name__}. This is a bug in jtai: "
            "run the command again with --debug and report what it prints "
            "(check it holds no child's data first).",
            highlight=False,
        )
        return int(ExitCode.ERROR)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


__all__ = ["app", "main", "typer"]

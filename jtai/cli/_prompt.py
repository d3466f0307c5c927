"""Questions at the terminal, for interactive capture (`jtai score CASE`)."""

from __future__ import annotations

import sys

from jtai.cli._common import cli


def ask(prompt: str) -> str:
    """Read one line after the prompt (line editing in a terminal); EOFError when input ends.

    Closed standard input (``<&-``) counts as input that has ended.
    """
    cli().out.print(prompt, end="", highlight=False, markup=False)
    cli().out.file.flush()
    if sys.stdin is None:
        cli().out.print()
        raise EOFError
    try:
        return input()
    except EOFError:
        cli().out.print()
        raise


def stdin_is_terminal() -> bool:
    """Whether standard input is a terminal someone types at (not a file, a pipe, or closed)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # a closed stream
        return False

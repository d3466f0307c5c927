"""Questions at the terminal, for interactive capture (`jtai score CASE`)."""

from __future__ import annotations

import sys

from jtai.cli._common import console


def ask(prompt: str) -> str:
    """Read one line after the prompt (line editing in a terminal); EOFError when input ends.

    Closed standard input (``<&-``) counts as input that has ended.
    """
    console.print(prompt, end="", highlight=False, markup=False)
    console.file.flush()
    if sys.stdin is None:
        console.print()
        raise EOFError
    try:
        return input()
    except EOFError:
        console.print()
        raise


def stdin_is_terminal() -> bool:
    """Whether standard input is a terminal someone types at (not a file, a pipe, or closed)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # a closed stream
        return False

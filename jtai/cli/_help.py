"""Help as command-line users expect it: UPPERCASE metavars, plain switches, no colour on request.

typer shows ``<bool>`` after a switch, ``<str>`` or ``<int range>`` after an option, and
``{directory}`` or ``[files]...`` for arguments. Here a switch shows nothing after its name,
an option shows what it takes in capitals (``TEXT``, ``INTEGER``, ``PATH``, or its own
metavar such as ``YYYY-MM-DD``), and arguments show as ``DIRECTORY`` and ``[FILES]...``.
:func:`rich_help` turns colour and bold off in help when ``NO_COLOR`` or ``TERM=dumb`` asks.

Help paragraphs flow to the terminal's width (:func:`_fix_linebreaks`). typer offers no
setting for any of this, so four of its functions are replaced when this
module is imported (by :mod:`jtai.cli`); ``tests/test_cli_output.py`` checks the result.
"""

from __future__ import annotations

from typing import Any

from typer import core

_TYPES = {
    "str": "TEXT",
    "int": "INTEGER",
    "float": "NUMBER",
    "Path": "PATH",
    "path": "PATH",
    "file": "FILE",
    "directory": "FOLDER",
    "datetime": "DATE",
}


def _display_type(self: Any, ctx: Any) -> str | None:
    if getattr(self, "is_flag", False) or getattr(self, "is_bool_flag", False):
        return None
    if isinstance(self, core.TyperArgument):
        return None  # the argument's name says it, in capitals
    if self.metavar:
        return str(self.metavar)
    label = _original(self, ctx)
    inner = label.strip("<>")
    if "|" in inner and not inner.startswith("list["):
        return inner  # choices, as typer lists them: tracked|front-door
    inner = inner.removeprefix("list[").removesuffix("]").removesuffix(" range")
    return _TYPES.get(inner, inner.upper())


def _argument_name(self: Any) -> str:
    if self.metavar is not None:
        return str(self.metavar)
    return str(self.name).upper()


def _usage_name(self: Any) -> str:
    name = self.display_name_raw
    if not self.required:
        name = f"[{name}]"
    if self.nargs != 1:
        name += "..."
    return str(name)


_ORIGINAL = core._TyperParameter.display_type


def _original(self: Any, ctx: Any) -> str:
    return str(_ORIGINAL(self, ctx))


def _fix_linebreaks(paragraphs: list[str], markup_mode: Any) -> str:
    """Paragraphs of a command's help, each one flowing to the terminal's width.

    A docstring's lines end where its source does (about 100 columns); kept as they are,
    an 80-column terminal folds each one again and leaves a word alone on every other line.
    A paragraph whose lines are indented or are list items is kept as written.
    """
    out = []
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        if paragraph.startswith("\b") or any(
            line[:1].isspace() or line.startswith(("- ", "* ")) for line in lines
        ):
            out.append(paragraph.removeprefix("\b\n"))
        else:
            out.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(out)


def _install() -> None:
    core._TyperParameter.display_type = _display_type  # type: ignore[method-assign,assignment]
    core.TyperArgument.display_name_raw = property(_argument_name)  # type: ignore[assignment,method-assign]
    core.TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]


_COLOUR: list[Any] = []


def rich_help(*, plain: bool) -> None:
    """Set up typer's help and usage errors: paragraphs that flow, no colour or bold when ``plain``.

    ``plain``: ``NO_COLOR`` is set, or ``TERM=dumb``. Called only when help or a usage error
    is about to be shown: typer's rich help module takes longer to import than the rest of
    ``jtai --version``.
    """
    from typer import rich_utils

    if not _COLOUR:
        _COLOUR.append(rich_utils.COLOR_SYSTEM)
        rich_utils._fix_linebreaks = _fix_linebreaks
    rich_utils.COLOR_SYSTEM = None if plain else _COLOUR[0]


_install()

"""One way to name the file a command writes: ``-o FILE`` / ``--output FILE``.

Every command that writes a file takes ``-o/--output FILE`` (``jtai quarantine -o q.xlsx``,
``jtai link export -o links.xlsx``, ``jtai score template CASE -o c.xlsx``). The older
spellings still work for a release, hidden from help: ``--export FILE`` and a FILE given
after an ``export`` subcommand (``jtai link export links.csv``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jtai.errors import UsageError

Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (its suffix says the format).",
        show_default=False,
    ),
]
# ``--export FILE``: the older name of --output, kept hidden for a release.
LegacyExport = Annotated[Path | None, typer.Option("--export", hidden=True, show_default=False)]
# ``export FILE``: the file as an argument, the older form, kept hidden for a release.
LegacyFile = Annotated[Path | None, typer.Argument(metavar="[FILE]", hidden=True, show_default=False)]


def output_path(output: Path | None, legacy: Path | None, *, example: str) -> Path:
    """The file named by ``-o`` or by its older spelling; one of them is needed.

    Raises:
        UsageError: neither given, or both naming different files.
    """
    path = optional_output(output, legacy)
    if path is None:
        raise UsageError("name the file to write with -o FILE.", hint=f"Example: {example}")
    return path


def optional_output(output: Path | None, legacy: Path | None) -> Path | None:
    """The file named by ``-o`` or its older spelling, or None.

    Raises:
        UsageError: both given, naming different files.
    """
    if output is not None and legacy is not None and output != legacy:
        raise UsageError(f"two files named: {legacy} and {output}.", hint="Give -o FILE only.")
    return output if output is not None else legacy

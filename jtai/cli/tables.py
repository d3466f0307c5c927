"""How tables reach the screen: drawn for a terminal, tab-separated text when piped.

Every command prints its tables through :func:`show` (or :meth:`jtai.cli._common.Cli.show`),
and each area builds its tables in a module of its own (``jtai/cli/*_tables.py``); no
library module prints. At a terminal a table is drawn by rich and folds to the terminal's
width; when stdout is a pipe or a file, each table is its title on a line, then its header
and its rows as tab-separated text (``jtai profile | cut -f 1,3``), tables apart by a blank
line.
"""

from __future__ import annotations

from typing import Any


def show(run: Any, *items: Any) -> None:
    """Print each item: a table (drawn, or as text when piped), a group of them, or text.

    ``run``: the run's :class:`jtai.cli._common.Cli` (its ``out`` console and ``piped``).
    """
    from rich.console import Group
    from rich.table import Table

    for item in items:
        if isinstance(item, Group):
            show(run, *item.renderables)
        elif isinstance(item, Table) and run.piped:
            run.out.file.write(tsv(item) + "\n")
        elif isinstance(item, str):
            run.out.print(item, highlight=False)
        else:
            run.out.print(item, highlight=False)


def tsv(table: Any) -> str:
    """A rich table as text: its title, then header and rows with tabs between cells."""
    lines = []
    if table.title:
        lines.append(_plain(table.title))
    columns = list(table.columns)
    if table.show_header:
        lines.append("\t".join(_plain(c.header) for c in columns))
    cells = [[_plain(cell) for cell in c.cells] for c in columns]
    for row in zip(*cells, strict=False):
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> str:
    from rich.text import Text

    if isinstance(value, Text):
        text = value.plain
    elif isinstance(value, str):
        try:
            text = Text.from_markup(value).plain
        except Exception:  # not markup after all: keep it as written
            text = value
    else:
        text = str(value)
    return " ".join(text.replace("\t", " ").split())

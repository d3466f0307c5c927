"""What every command shares: the app, consoles, common options and the workspace."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from jtai import __version__

if TYPE_CHECKING:
    from jtai.workspace import Workspace

console = Console()
err_console = Console(stderr=True, soft_wrap=True)

app = typer.Typer(
    name="jtai",
    help="Joint targeted area inspections: load agencies' extracts, link each child's "
    "records, sample children, record judgements and render the letter of findings.\n\n"
    "Start with: jtai demo",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    """Global options, set by the app's callback."""

    workspace: Path | None = None
    debug: bool = False


state = State()


def _version(value: bool) -> None:
    if value:
        console.print(f"jtai {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _global(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            envvar="JTAI_WORKSPACE",
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
    state.workspace = workspace
    state.debug = debug


JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def open_workspace() -> Workspace:
    """The workspace named by --workspace / JTAI_WORKSPACE, or found from the current folder.

    A folder or private file others can read is warned about on stderr, with the fix.
    """
    from jtai import workspace
    from jtai.permissions import permission_warnings

    ws = workspace.find(explicit=state.workspace)
    for warning in permission_warnings(ws.root):
        err_console.print(f"Warning: {warning}", highlight=False, markup=False)
    return ws


def print_json(data: Any) -> None:
    """Print data as JSON on stdout (dates as ISO strings), with no markup."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))

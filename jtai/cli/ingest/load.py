"""`jtai load`: load agencies' extracts and account for every row (and `--template`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jtai.cli._common import JsonOption, cli
from jtai.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from jtai.ingest.results import LoadResult

PROGRESS_MIN_ROWS = 5000


def load(
    files: Annotated[
        list[Path] | None,
        # readable=False: a file that cannot be read is one error of its own, the others still load
        typer.Argument(help="CSV or Excel extracts to load.", show_default=False, readable=False),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency", "-a", help="csc, police, health, probation, yos or education.", show_default=False
        ),
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--mapping",
            "-m",
            help="Built-in mapping (annex-a, csc, police, ...) or your YAML file. Default: Annex A for a "
            "workbook with 'List N' sheets, else the agency's canonical layout.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Fail, and add nothing from a file, if any of its rows is quarantined."
        ),
    ] = False,
    template: Annotated[
        str | None,
        typer.Option(
            "--template",
            help="Write the empty canonical CSV layout of this agency to AGENCY-template.csv and stop.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="With --template: the file to write instead.", show_default=False
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Load a file even if its event types look like another agency's; "
            "with --template: overwrite the file if it exists.",
        ),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Load agency extracts; print how every row was accounted for.

    Every row read is accepted as a record or quarantined with its reason:
    rows read = accepted + quarantined. A file loaded before (same content) adds nothing.

    Example: jtai load annex_a.xlsx --agency csc
    """
    if template:
        _template(template, output, force, json_out)
        return
    if output is not None:
        raise UsageError(
            "--output goes with --template only.",
            hint="Example: jtai load --template police --output police.csv --force",
        )
    if not files:
        raise UsageError("give the files to load.", hint="Example: jtai load annex_a.xlsx --agency csc")
    if not agency:
        raise UsageError("say whose extracts these are with --agency.", hint="Example: --agency police")
    from jtai.ingest import load_files

    ws = cli().open_workspace()
    with _Bar(disabled=json_out) as bar:
        result = load_files(
            ws, files, agency=agency, mapping=mapping, strict=strict, progress=bar.update, force=force
        )
    if json_out:
        cli().print_json(result.to_dict())
    else:
        _print_result(result)
    run = cli()
    from rich.markup import escape

    for loaded in result.files:
        for sheet in loaded.sheets:
            for warning in sheet.warnings:
                where = f"{loaded.name}, sheet {sheet.sheet!r}" if sheet.sheet else loaded.name
                run.err.print(f"[bold yellow]Warning:[/] {escape(f'{where}: {warning}')}", highlight=False)
    for failed in result.errors:
        run.error(failed.message, failed.exit_code or ExitCode.BAD_INPUT, kind="InputError")
    for rejected in result.rejected:
        run.error(rejected.message, ExitCode.QUARANTINED, kind="QuarantineError", label="Rejected")
    if not json_out:
        _print_closing(result)
    if result.errors:
        # the first failed file decides: 4 for a file that cannot be read, 2 for a wrong agency
        raise typer.Exit(result.errors[0].exit_code or int(ExitCode.BAD_INPUT))
    if result.rejected:
        raise typer.Exit(int(ExitCode.QUARANTINED))


def _template(agency: str, output: Path | None, force: bool, json_out: bool) -> None:
    from jtai.ingest import profile as lib

    target = lib.write_template(agency, output or Path(f"{agency}-template.csv"), force=force)
    if json_out:
        cli().print_json({"path": str(target), "agency": agency})
    else:
        cli().out.print(
            f"Wrote {target}: the canonical {agency} layout (see docs/ingest.md).", highlight=False
        )


class _Bar:
    """A rich progress bar on stderr, shown only for files over a few thousand rows."""

    def __init__(self, *, disabled: bool) -> None:
        self.disabled = disabled
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def update(self, name: str, done: int, total: int) -> None:
        if self.disabled or total < PROGRESS_MIN_ROWS:
            return
        if self.progress is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=cli().err,
                transient=True,
            )
            self.progress.start()
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(name, total=total)
        self.progress.update(self.tasks[name], completed=done)


def _print_result(result: LoadResult) -> None:
    from jtai.cli import ingest_tables

    table = ingest_tables.reconciliation(result)
    if table.row_count:
        cli().show(table)
    for f in result.files:
        if f.status == "already_loaded":
            cli().out.print(f.message, highlight=False, soft_wrap=True)  # its command stays on one line


def _print_closing(result: LoadResult) -> None:
    """The closing line: rows read = accepted + quarantined, over the files read; the others named."""
    read = [f for f in result.files if f.status in ("loaded", "rejected")]
    before = sum(f.status == "already_loaded" for f in result.files)
    errors = len(result.errors)
    others = []
    if errors:
        why = "the errors printed say why" if errors > 1 else "the error printed says why"
        others.append(f"{_files(errors)} not loaded ({why})")
    if before:
        others.append(f"{_files(before)} loaded before")
    rejected = bool(result.rejected)
    refused = f" + {result.rejected_rows:,} rejected" if rejected else ""
    if read:
        line = (
            f"Rows read {result.rows_read:,} = {result.accepted:,} accepted "
            f"+ {result.quarantined:,} quarantined{refused}; {_issues(result.field_issues)}"
        )
        if others:
            line += f", from the {len(read)} file{'s' if len(read) > 1 else ''} read; " + "; ".join(others)
    else:
        line = "Nothing was added: " + "; ".join(others)
    cli().out.print(line + ".", highlight=False, soft_wrap=True)
    if rejected:
        cli().out.print(
            "Rejected rows are those of files refused under --strict: nothing of those files was added.",
            highlight=False,
        )
    if result.quarantined:
        cli().out.print("See the quarantined rows with `jtai quarantine`.", highlight=False)
    if result.field_issues:
        cli().out.print(
            "Field issues are bad values of accepted records, kept aside: see them with "
            "`jtai quarantine --issues`.",
            highlight=False,
        )


def _issues(n: int) -> str:
    return "1 field issue" if n == 1 else f"{n:,} field issues"


def _files(n: int) -> str:
    return "1 file was" if n == 1 else f"{n:,} files were"

"""`jtai load`, `jtai quarantine` and `jtai profile`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jtai.cli._common import JsonOption, cli
from jtai.cli._output import LegacyExport
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


def quarantine(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write every quarantined row, with its raw values, to FILE (.csv or .xlsx).",
            show_default=False,
        ),
    ] = None,
    export: LegacyExport = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows to show on screen (1 or more).")] = 50,
    file: Annotated[
        str | None,
        typer.Option("--file", help="Only rows of this loaded file (its name).", show_default=False),
    ] = None,
    rule: Annotated[
        str | None,
        typer.Option(
            "--rule", help="Only rows quarantined by this rule, e.g. unparseable_date.", show_default=False
        ),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option("--agency", "-a", help="Only rows of this agency's files.", show_default=False),
    ] = None,
    issues: Annotated[
        bool,
        typer.Option(
            "--issues",
            help="Show the field issues instead: bad values of accepted records, kept aside with their rule.",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the export file.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Show the rows that failed validation, or export them with their raw values.

    With --issues: the field issues (a bad value of a record that was accepted without it).

    Example: jtai quarantine -o quarantine.xlsx
    """
    from jtai.cli._output import optional_output
    from jtai.ingest import profile as lib
    from jtai.ingest.layouts import agency_named

    export = optional_output(output, export)
    if limit < 1:
        raise UsageError(
            f"--limit must be 1 or more, not {limit}.",
            hint="To see every row, export them: jtai quarantine -o FILE.xlsx.",
        )
    lib.check_filter(rule=rule, agency=agency)
    agency = agency_named(agency) if agency is not None else None
    ws = cli().open_workspace()
    what = "field issues" if issues else "quarantined rows"
    if export is not None:
        n = lib.export_quarantine(ws, export, force=force, file=file, rule=rule, agency=agency, issues=issues)
        if json_out:
            cli().print_json({"exported": n, "file": str(export)})
        else:
            cli().out.print(f"Wrote {n:,} {what} to {export} (readable by you only).", highlight=False)
        return
    if issues:
        _show_issues(lib, ws, limit, file, rule, agency, json_out)
        return
    rows = lib.quarantine_rows(ws, limit=None if json_out else limit, file=file, rule=rule, agency=agency)
    if json_out:
        cli().print_json(rows)
        return
    filters = {"--file": file, "--rule": rule, "--agency": agency}
    shown = " ".join(f"{k} {v}" for k, v in filters.items() if v is not None)
    if not rows and shown:
        held = lib.quarantine_count(ws)
        cli().out.print(
            f"No quarantined rows match {shown}; the quarantine holds {held:,} rows in all.", highlight=False
        )
        return
    matching = lib.quarantine_count(ws, file=file, rule=rule, agency=agency) if len(rows) >= limit else 0
    _print_quarantine(rows, limit, matching)
    held = lib.field_issue_count(ws, file=file, rule=rule, agency=agency)
    if held:
        issue = "field issue" if held == 1 else "field issues"
        cli().out.print(
            f"The accepted records have {held:,} {issue} (values kept aside): see them with "
            "`jtai quarantine --issues`.",
            highlight=False,
        )


def _show_issues(
    lib: Any, ws: Any, limit: int, file: str | None, rule: str | None, agency: str | None, json_out: bool
) -> None:
    """`jtai quarantine --issues`: the field issues, filtered like the quarantined rows."""
    from rich.table import Table

    rows = lib.field_issue_rows(ws, limit=None if json_out else limit, file=file, rule=rule, agency=agency)
    if json_out:
        cli().print_json(rows)
        return
    filters = {"--file": file, "--rule": rule, "--agency": agency}
    shown = " ".join(f"{k} {v}" for k, v in filters.items() if v is not None)
    if not rows:
        if shown:
            held = lib.field_issue_count(ws)
            cli().out.print(f"No field issues match {shown}; there are {held:,} in all.", highlight=False)
        else:
            cli().out.print("There are no field issues.")
        return
    table = Table(title="Field issues (the records were accepted without these values)", title_justify="left")
    for name in ("File", "Sheet", "Row", "Column", "Value", "Rule", "Message"):
        table.add_column(name, overflow="fold")
    for r in rows[:limit]:
        table.add_row(
            r["file"],
            r["sheet"] or "-",
            str(r["row"]),
            r["column"],
            r["value"] or "",
            r["rule"],
            r["message"],
        )
    cli().out.print(table)
    if len(rows) >= limit:
        matching = lib.field_issue_count(ws, file=file, rule=rule, agency=agency)
        if matching > limit:
            cli().out.print(
                f"Showing the first {limit:,} of {matching:,}; "
                "export them all with `jtai quarantine --issues --export FILE`.",
                highlight=False,
            )


def profile(json_out: JsonOption = False) -> None:
    """Data quality per agency: records by event type, and how complete the key fields are.

    Example: jtai profile
    """
    from jtai.ingest import profile as lib

    data = lib.profile(cli().open_workspace())
    if json_out:
        cli().print_json(data)
        return
    _print_profile(data)


def _template(agency: str, output: Path | None, force: bool, json_out: bool) -> None:
    from jtai.ingest import profile as lib

    target = lib.write_template(agency, output or Path(f"{agency}-template.csv"), force=force)
    if json_out:
        cli().print_json({"template": str(target), "agency": agency})
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


def _print_quarantine(rows: list[dict[str, Any]], limit: int, matching: int) -> None:
    from jtai.cli import ingest_tables

    run = cli()
    if not rows:
        run.say("The quarantine is empty.")
        return
    run.show(ingest_tables.quarantine(rows[:limit], narrow=not run.piped and run.out.width < 110))
    if matching > limit:
        run.say(
            f"Showing the first {limit:,} of {matching:,}; "
            "export them all with `jtai quarantine -o FILE.xlsx`."
        )


def _print_profile(data: dict[str, Any]) -> None:
    from jtai.cli import ingest_tables

    if not data["agencies"]:
        cli().say("No records yet: load extracts with `jtai load FILE --agency AGENCY`.")
        return
    cli().show(*ingest_tables.profile(data))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("load")(load)
    app.command("quarantine")(quarantine)
    app.command("profile")(profile)

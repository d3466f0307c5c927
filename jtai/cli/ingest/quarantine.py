"""`jtai quarantine`: the rows that failed validation, or the field issues, shown or exported."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from jtai.cli._common import JsonOption, cli
from jtai.cli._output import LegacyExport
from jtai.errors import UsageError


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
            cli().print_json({"exported": n, "path": str(export)})
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
    shown = _filters_shown(file, rule, agency)
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
    shown = _filters_shown(file, rule, agency)
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


def _filters_shown(file: str | None, rule: str | None, agency: str | None) -> str:
    """The filters given, as typed (``--rule dob --agency police``), or "" when none was."""
    filters = {"--file": file, "--rule": rule, "--agency": agency}
    return " ".join(f"{k} {v}" for k, v in filters.items() if v is not None)

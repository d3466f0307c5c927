"""`jtai audits request | import | compare`: the area's own audits of the tracked children."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jtai.cli._common import JsonOption, cli, open_workspace

audits_app = typer.Typer(
    help="The area's own audits of the tracked children: request them from each agency, import "
    "what comes back, and compare them with the inspectors' grades.\n\n"
    "Example: jtai audits request --agency police",
    no_args_is_help=True,
)


@audits_app.command("request")
def request_command(
    agency: Annotated[
        list[str] | None,
        typer.Option(
            "--agency", "-a", help="Only this agency (repeat for more; default every agency judged)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="DIR", help="Folder for the files (default: audits/ in the workspace)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite earlier request files.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write one audit workbook per agency (and the same as YAML) for the tracked children.

    Each workbook has a sheet per tracked child, named by pseudonym, with the identifiers
    the agency needs to find the case, so the files are private (readable by you only):
    send each to its agency by a secure route.

    Example: jtai audits request --agency police --out requests
    """
    from jtai.scoring.local_audits.request import write_requests
    from jtai.workspace import workspace_framework

    ws = open_workspace()
    fw = workspace_framework(ws)
    conn = ws.connect()
    try:
        written = write_requests(
            conn, fw, ws.key, area=str(ws.config["area"]), out=out or ws.root / "audits",
            agencies=agency or None, force=force,
        )  # fmt: skip
    finally:
        conn.close()
    if as_json:
        cli().print_json(
            [
                {"agency": f.agency, "children": len(f.children), "criteria": len(f.criteria), "files": paths}
                for f, paths in written
            ]
        )
        return
    for form, paths in written:
        cli().say(
            f"{form.agency}: {len(form.children)} children x {len(form.criteria)} criteria -> "
            f"{paths[0]} (and {paths[1].name})"
        )
    cli().say("These files name children: send each to its agency by a secure route only.")


@audits_app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="Returned audit workbooks (.xlsx) or YAML files.")],
    as_json: JsonOption = False,
) -> None:
    """Import the area's returned audits; a file with any problem is refused whole, every problem listed.

    Exits with 4 when any file was refused (the others are imported).

    Example: jtai audits import audits/audit-police.xlsx audits/audit-health.xlsx
    """
    from jtai.errors import ExitCode
    from jtai.scoring.local_audits.importing import import_files
    from jtai.workspace import workspace_framework

    ws = open_workspace()
    fw = workspace_framework(ws)
    conn = ws.connect()
    try:
        results = import_files(conn, fw, ws.key, files, root=ws.root)
    finally:
        conn.close()
    refused = [r for r in results if not r.ok]
    if as_json:
        cli().print_json(
            [
                {
                    "file": r.file, "agency": r.agency, "imported": r.ok, "written": r.written,
                    "unchanged": r.unchanged, "blank": r.blank,
                    "problems": [p.describe() for p in r.problems],
                }
                for r in results
            ]
        )  # fmt: skip
    else:
        for r in results:
            if r.ok:
                cli().say(
                    f"{r.file}: {r.agency}, {r.children} children: {r.written} grades recorded, "
                    f"{r.unchanged} unchanged, {r.blank} left blank."
                )
                continue
            cli().warn(f"{r.file}: refused, nothing imported ({_problems(len(r.problems))}):")
            for p in r.problems:
                cli().warn(f"  {p.describe()}")
    if refused:
        raise typer.Exit(int(ExitCode.BAD_INPUT))


@audits_app.command("compare")
def compare_command(as_json: JsonOption = False) -> None:
    """The area's grades against the inspectors' agreed grades on the same children.

    Per agency and criterion: items compared, weighted kappa and Gwet's AC1 with 95%
    intervals, the mean difference in grade steps (positive: the area is more generous),
    and the children the area called good or better where inspectors found them inadequate
    (and the reverse).

    Example: jtai audits compare --json
    """
    from jtai.scoring.local_audits.compare import compare, comparison_json, generosity_candidates
    from jtai.workspace import workspace_framework

    ws = open_workspace()
    fw = workspace_framework(ws)
    conn = ws.connect()
    try:
        result = compare(conn, fw)
    finally:
        conn.close()
    if as_json:
        cli().print_json(comparison_json(fw, result))
        return
    from jtai.cli.audit_tables import apart_lines, comparison_table

    if not result.pairs:
        cli().say(
            f"Nothing to compare yet: {result.area_items} area grades, none with an inspectors' grade of "
            "the same child, criterion and agency."
        )
        return
    cli().show(comparison_table(result))
    for line in apart_lines(fw, result):
        cli().say(line)
    if result.unpaired:
        cli().say(f"{result.unpaired} area grades have no inspectors' grade yet.")
    for c in generosity_candidates(fw, result):
        cli().say(f"Candidate area for improvement: {c.criterion} {c.agency} ({c.why}).")


def _problems(n: int) -> str:
    return f"{n} problem" if n == 1 else f"{n} problems"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(audits_app, name="audits")

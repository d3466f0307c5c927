"""`jtai score template | import | export`: judgement files to fill in offline and read back."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from jtai.cli._common import JsonOption, cli
from jtai.cli._output import LegacyFile, Output, output_path
from jtai.cli.score_options import (
    AllAgencies,
    Force,
    Format,
    Inspector,
    Inspectorate,
    Reason,
    Section,
    Session,
)


def template_command(
    cases: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[CASE]...", help="Children's pseudonyms (or give --sample).", show_default=False
        ),
    ] = None,
    sample: Annotated[
        str | None,
        typer.Option(
            "--sample",
            metavar="tracked|front-door",
            help="Every pick of the newest sample of this kind: one sheet per case in a workbook.",
            show_default=False,
        ),
    ] = None,
    fmt: Format = None,
    output: Output = None,
    force: Force = False,
    inspector: Inspector = None,
    inspectorate: Inspectorate = None,
    new: Annotated[bool, typer.Option("--new", help="Allow a hand-named case.")] = False,
    section: Section = None,
    all_agencies: AllAgencies = False,
) -> None:
    """Blank judgement files to fill in offline: the questions capture asks, for cases or a sample.

    A workbook (-o FILE.xlsx) opens on instructions, has a sheet per case, and a list of the
    grades to pick from in each grade cell; YAML and CSV list every case's rows together.

    Example: jtai score template --sample tracked -o tracked.xlsx
    """
    from jtai.errors import UsageError
    from jtai.scoring.judgement_files import formats, templates, workspace_io

    kind = formats.output_format(output, fmt)  # wrong options fail before the workspace is read
    if bool(cases) == bool(sample):
        raise UsageError(
            "name the cases, or give --sample (not both).",
            hint="Example: jtai score template --sample tracked -o tracked.xlsx",
        )
    s = Session()
    rater = s.rater(inspector, inspectorate) if inspector else None
    refs = templates.sample_refs(s.conn, s.ws.key, sample) if sample else list(cases or [])
    groups = templates.templates(
        s.conn, s.fw, s.ws.key, refs, agencies=s.agencies, rater=rater, sections=section,
        all_agencies=all_agencies, new=new,
    )  # fmt: skip
    run = cli()
    for ref, _, scope in groups:
        if scope.message():
            run.warn(f"{ref}: {scope.message()}" if len(groups) > 1 else scope.message())
    columns = formats.COLUMNS + formats.TEMPLATE_EXTRA
    rows = [row for _, group, _ in groups for row in group]
    header = workspace_io.template_header(s.fw)
    if output is None:
        typer.echo(formats.render(rows, columns, kind, header=header), nl=False)
        return
    if kind == "xlsx":
        templates.write_workbook(output, s.fw, groups, columns, force=force)
    else:
        formats.write(output, rows, columns, header=header, fmt=kind, force=force)
    run.warn(f"Wrote {_count(len(rows), 'row')} for {_count(len(groups), 'case')} to {output}.")


def import_command(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="Judgement files: .yaml, .csv or .xlsx.")
    ],
    inspector: Inspector = None,
    inspectorate: Inspectorate = None,
    reason: Reason = None,
    new_cases: Annotated[bool, typer.Option("--new-cases", help="Accept hand-named cases.")] = False,
    fmt: Format = None,
    as_json: JsonOption = False,
) -> None:
    """Import judgement files, each all or nothing: every problem is listed with its row.

    A file with any problem adds nothing; the other files are imported. The command then
    fails (exit 4) naming the files not imported. With --json and several files: {"imported":
    [one result per file], "failed": [{"file", "error", "code"}]}.

    Example: jtai score import c-7kq3.yaml tracked.xlsx --inspector 'A. Inspector'
    """
    from jtai.errors import JtaiError
    from jtai.scoring.judgement_files import workspace_io

    s = Session()
    run = cli()

    def writing(n: int) -> None:
        run.err.print(f"Writing {_count(n, 'judgement')}...", highlight=False)
        sys.stderr.flush()

    done: list[dict[str, Any]] = []
    failed: list[tuple[Path, JtaiError]] = []
    for file in files:
        try:
            result = workspace_io.import_file(
                s.conn, s.fw, file, key=s.ws.key, team=s.team, inspector=inspector, inspectorate=inspectorate,
                reason=reason, new_cases=new_cases, root=s.ws.root, on_write=writing, fmt=fmt,
            )  # fmt: skip
        except JtaiError as exc:
            failed.append((file, exc))
            continue
        done.append({"file": str(file), **dataclasses.asdict(result)})
        if not as_json:
            where = "Imported" if len(files) == 1 else f"{file}: imported"
            run.say(
                f"{where} {_count(result.written, 'judgement')} ({result.unchanged:,} unchanged, "
                f"{_count(result.blank, 'blank row')} left for later, {_count(result.cases_added, 'case')} "
                "first scored)."
            )
    if as_json and len(files) == 1 and done:
        run.print_json({k: v for k, v in done[0].items() if k != "file"})  # as for one file always
    elif as_json:
        refused = [{"file": str(f), "error": e.message, "code": int(e.exit_code)} for f, e in failed]
        run.print_json({"imported": done, "failed": refused})
    if not failed:
        return
    if len(files) == 1:
        raise failed[0][1]
    from jtai.errors import InputError

    for _, problem in failed:
        run.error(problem.message, problem.exit_code, kind=type(problem).__name__, hint=problem.hint)
    names = ", ".join(str(f) for f, _ in failed)
    raise InputError(
        f"{_count(len(failed), 'file')} of {len(files)} not imported ({names}); the others were.",
        hint="Fix the problems listed and import those files again.",
    )


def export_command(
    file: LegacyFile = None,
    output: Output = None,
    history: Annotated[
        bool, typer.Option("--history", help="Every version, not only the current ones.")
    ] = False,
    fmt: Format = None,
    force: Force = False,
) -> None:
    """Export every inspector's judgements (for moderation or a round trip); the file is private.

    Example: jtai score export -o judgements.xlsx
    """
    from jtai.scoring.judgement_files import formats, workspace_io

    path = output_path(output, file, example="jtai score export -o judgements.xlsx")
    kind = formats.file_format(path, fmt)  # a wrong format fails before the workspace is read
    s = Session()
    count = workspace_io.export_file(s.conn, path, history=history, fmt=kind, force=force)
    cli().say(f"Wrote {_count(count, 'judgement')} to {path}.")


def add_commands(app: typer.Typer) -> None:
    """Add `score template`, `score import` and `score export` to the `score` group."""
    app.command("template")(template_command)
    app.command("import")(import_command)
    app.command("export")(export_command)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"

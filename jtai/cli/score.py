"""`jtai score`, `jtai moderate` and `jtai findings`."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from jtai.cli._common import JsonOption, console, err_console, open_workspace, print_json
from jtai.cli._prompt import ask, stdin_is_terminal

if TYPE_CHECKING:
    from jtai.scoring.judgements import Rater


class _CaseFirstGroup(TyperGroup):
    """A group where ``jtai score CASE`` means ``jtai score case CASE``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["case", *args]
        return super().parse_args(ctx, args)


score_app = typer.Typer(
    cls=_CaseFirstGroup,
    help="Record inspectors' judgements of a case, criterion by criterion and agency by agency. "
    "`jtai score CASE` is short for `jtai score case CASE`.\n\n"
    "Example: jtai score C-7KQ3-XM9D --inspector 'A. Inspector'",
    no_args_is_help=True,
)
moderate_app = typer.Typer(
    help="Agreement between inspectors who rated the same cases blind, and the disagreements.\n\n"
    "Example: jtai moderate",
    invoke_without_command=True,
)
findings_app = typer.Typer(
    help="Grades by criterion and agency, and candidate findings by the framework's thresholds.\n\n"
    "Example: jtai findings",
    invoke_without_command=True,
)

Inspector = Annotated[
    str | None,
    typer.Option("--inspector", envvar="JTAI_INSPECTOR", help="Who is judging (default: $JTAI_INSPECTOR)."),
]
Inspectorate = Annotated[
    str | None,
    typer.Option("--inspectorate", help="Their inspectorate id (default: from `team` in inspection.yaml)."),
]
AllAgencies = Annotated[
    bool,
    typer.Option(
        "--all-agencies",
        help="Ask every agency each criterion names, not only the agencies involved with the child.",
    ),
]
Format = Annotated[
    str | None,
    typer.Option("--format", help="yaml, csv or xlsx (default: from the file's extension; yaml on stdout)."),
]
Section = Annotated[
    list[str] | None,
    typer.Option("--section", help="Only this section's criteria (repeatable; default: as sampled)."),
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")]
Reason = Annotated[
    str | None, typer.Option("--reason", help="Why an earlier judgement is changed (required then).")
]


class _Session:
    """The workspace, its store, its framework and settings, opened once per command."""

    def __init__(self) -> None:
        from jtai.workspace import workspace_framework

        self.ws = open_workspace()
        self.conn = self.ws.connect()
        self.fw = workspace_framework(self.ws)
        self.team: list[Any] = list(self.ws.config.get("team") or [])
        agencies = self.ws.config.get("agencies")
        self.agencies: list[str] | None = [str(a) for a in agencies] if agencies else None

    def rater(self, name: str | None, inspectorate: str | None) -> Rater:
        from jtai.scoring.judgements import rater_for

        return rater_for(self.fw, name, inspectorate, self.team)


@score_app.command("case")
def case_command(
    case: Annotated[str, typer.Argument(help="The child's pseudonym, e.g. C-7KQ3-XM9D.")],
    inspector: Inspector = None,
    inspectorate: Inspectorate = None,
    new: Annotated[
        bool, typer.Option("--new", help="Score a hand-named case no record or sample holds.")
    ] = False,
    criterion: Annotated[
        str | None, typer.Option("--criterion", help="Record one judgement (no prompts).")
    ] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="Agency of that judgement.")] = None,
    grade: Annotated[
        str | None, typer.Option("--grade", help="Grade (or answer, for case_question).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Evidence note (or narrative).")] = "",
    reason: Reason = None,
    section: Section = None,
    all_agencies: AllAgencies = False,
) -> None:
    """Judge a case: asks each criterion of each agency involved and saves each answer (run again to resume).

    Example: jtai score C-7KQ3-XM9D --inspector 'A. Inspector'
    """
    from jtai.scoring import capture, cases, judgements
    from jtai.scoring.judgement_files import workspace_io

    s = _Session()
    rater = s.rater(inspector, inspectorate)
    workspace_io.applicable(s.fw, s.agencies, section)  # wrong options fail before anything is saved
    if bool(criterion) != bool(grade):
        raise typer.BadParameter("--criterion and --grade go together (with --agency, unless case_question).")
    if criterion and grade:
        judgements.require_valid(s.fw, criterion, agency or "all", grade, note)
    found = cases.resolve(s.conn, s.ws.key, case, by=rater.name, add=new, root=s.ws.root)
    if criterion and grade:
        saved = judgements.record(
            s.conn, s.fw, case_ref=found.ref, criterion=criterion, agency=agency or "all", value=grade,
            note=note, rater=rater, reason=reason, source="edit" if reason else "capture", root=s.ws.root,
        )  # fmt: skip
        console.print(
            f"Saved version {saved.version}." if saved else "Unchanged: that judgement is already recorded."
        )
        return
    from jtai.cli import score_tables

    console.print(score_tables.overview(capture.overview(s.conn, found)), highlight=False)
    scope = cases.question_scope(s.conn, s.fw, found, s.agencies, all_agencies=all_agencies, sections=section)
    if scope.message():
        console.print(scope.message(), highlight=False, markup=False)
    result = capture.capture(
        s.conn, s.fw, found, rater, ask=ask, say=lambda t: console.print(t, highlight=False, markup=False),
        agencies=scope.agencies, sections=scope.sections, root=s.ws.root,
    )  # fmt: skip
    capture.require_someone_to_ask(result, found.ref, terminal=stdin_is_terminal())
    console.print(f"\n{result.saved} saved, {result.skipped} skipped.")
    if result.stopped:
        err_console.print(
            f"Stopped with {result.remaining} question(s) left; run the same command to resume."
        )
    if result.input_ended:
        raise typer.Exit(130)


@score_app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """List the cases to judge: sampled children and cases already judged, with progress.

    Example: jtai score list
    """
    from jtai.cli import score_tables
    from jtai.scoring import progress

    s = _Session()
    rows = progress.case_progress(s.conn, s.fw, s.ws.key, s.agencies)
    if as_json:
        print_json(rows)
        return
    console.print(score_tables.progress(rows), highlight=False)


@score_app.command("template")
def template_command(
    case: Annotated[str, typer.Argument(help="The child's pseudonym.")],
    fmt: Format = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to a file (.yaml, .csv or .xlsx).")
    ] = None,
    force: Force = False,
    inspector: Inspector = None,
    inspectorate: Inspectorate = None,
    new: Annotated[bool, typer.Option("--new", help="Allow a hand-named case.")] = False,
    section: Section = None,
    all_agencies: AllAgencies = False,
) -> None:
    """Print a blank judgement file for one case (the questions capture asks), to fill in offline.

    Example: jtai score template C-7KQ3-XM9D > c-7kq3.yaml
    """
    from jtai.scoring.judgement_files import formats, workspace_io

    kind = formats.output_format(output, fmt)  # wrong options fail before the workspace is read
    s = _Session()
    rater = s.rater(inspector, inspectorate) if inspector else None
    rows, scope = workspace_io.case_template(
        s.conn, s.fw, s.ws.key, case, agencies=s.agencies, rater=rater, sections=section,
        all_agencies=all_agencies, new=new,
    )  # fmt: skip
    if scope.message():
        err_console.print(scope.message(), highlight=False, markup=False)
    columns = formats.COLUMNS + formats.TEMPLATE_EXTRA
    header = workspace_io.template_header(s.fw)
    if output is None:
        typer.echo(formats.render(rows, columns, kind, header=header), nl=False)
        return
    formats.write(output, rows, columns, header=header, fmt=kind, force=force)
    err_console.print(f"Wrote {len(rows)} rows to {output}.", highlight=False)


@score_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A judgement file: .yaml, .csv or .xlsx.")],
    inspector: Inspector = None,
    inspectorate: Inspectorate = None,
    reason: Reason = None,
    new_cases: Annotated[bool, typer.Option("--new-cases", help="Accept hand-named cases.")] = False,
    fmt: Format = None,
    as_json: JsonOption = False,
) -> None:
    """Import judgements, all or nothing: every problem is listed with its row, and nothing is saved.

    Example: jtai score import c-7kq3.yaml --inspector 'A. Inspector'
    """
    from jtai.scoring.judgement_files import workspace_io

    s = _Session()

    def writing(n: int) -> None:
        err_console.print(f"Writing {n} judgements...")
        sys.stderr.flush()

    result = workspace_io.import_file(
        s.conn, s.fw, file, key=s.ws.key, team=s.team, inspector=inspector, inspectorate=inspectorate,
        reason=reason, new_cases=new_cases, root=s.ws.root, on_write=writing, fmt=fmt,
    )  # fmt: skip
    if as_json:
        print_json(dataclasses.asdict(result))
        return
    console.print(
        f"Imported {result.written} judgements ({result.unchanged} unchanged, {result.blank} blank rows "
        f"left for later, {_cases(result.cases_added)} first scored).",
        highlight=False,
    )


@score_app.command("export")
def export_command(
    file: Annotated[Path, typer.Argument(help="Where to write: .yaml, .csv or .xlsx.")],
    history: Annotated[
        bool, typer.Option("--history", help="Every version, not only the current ones.")
    ] = False,
    fmt: Format = None,
    force: Force = False,
) -> None:
    """Export every inspector's judgements (for moderation or a round trip); the file is private.

    Example: jtai score export judgements.xlsx
    """
    from jtai.scoring.judgement_files import formats, workspace_io

    kind = formats.file_format(file, fmt)  # a wrong format fails before the workspace is read
    s = _Session()
    count = workspace_io.export_file(s.conn, file, history=history, fmt=kind, force=force)
    console.print(f"Wrote {count} judgements to {file}.", highlight=False)


@score_app.command("history")
def history_command(
    case: Annotated[str, typer.Argument(help="The child's pseudonym.")],
    as_json: JsonOption = False,
) -> None:
    """Show every version of every judgement of a case, with who, when and why.

    Example: jtai score history C-7KQ3-XM9D
    """
    from jtai.cli import score_tables
    from jtai.scoring import cases, judgements

    s = _Session()
    rows = judgements.history(s.conn, case_ref=cases.normalise_ref(case))
    if as_json:
        print_json([j.as_dict() for j in rows])
        return
    console.print(score_tables.history(s.fw, rows), highlight=False)


@moderate_app.callback()
def moderate_command(
    ctx: typer.Context,
    as_json: JsonOption = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap intervals.")] = 0,
) -> None:
    """Agreement per criterion and per pair of inspectors, with 95% intervals, and the disagreements.

    Example: jtai moderate --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from jtai.cli import score_tables
    from jtai.scoring import moderation

    s = _Session()
    result = moderation.moderate(s.conn, s.fw, seed=seed)
    if as_json:
        print_json(moderation.moderation_json(result))
        return
    console.print(score_tables.moderation(s.fw, result), highlight=False)


@moderate_app.command("resolve")
def resolve_command(
    case: Annotated[str, typer.Argument(help="The child's pseudonym.")],
    criterion: Annotated[str, typer.Argument(help="Criterion id (or case_question).")],
    agency: Annotated[str, typer.Argument(help="Agency (all, for case_question).")],
    grade: Annotated[str, typer.Option("--grade", help="The agreed grade (or answer).")],
    note: Annotated[str, typer.Option("--note", help="Why this grade was agreed.")] = "",
    inspector: Inspector = None,
    inspectorate: Inspectorate = None,
    reason: Reason = None,
) -> None:
    """Record the agreed judgement of an item the inspectors graded differently.

    Example: jtai moderate resolve C-7KQ3-XM9D FD2 police --grade good --note "checks done" --inspector Lead
    """
    from jtai.scoring import cases, judgements, moderation

    s = _Session()
    moderator = s.rater(inspector, inspectorate)
    judgements.require_valid(s.fw, criterion, agency, grade, note)  # before the case is registered
    found = cases.resolve(s.conn, s.ws.key, case, by=moderator.name, root=s.ws.root)
    saved = moderation.resolve(
        s.conn, s.fw, case_ref=found.ref, criterion=criterion, agency=agency, value=grade, note=note,
        moderator=moderator, reason=reason, root=s.ws.root,
    )  # fmt: skip
    console.print(f"Agreed: {s.fw.label(saved.value)} (version {saved.version})." if saved else "Unchanged.")


@findings_app.callback()
def findings_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Grades by criterion and agency across cases, the case question, and candidate findings.

    Example: jtai findings --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from jtai.cli import score_tables
    from jtai.scoring import findings

    s = _Session()
    items = findings.finals(s.conn, s.fw)
    cells = findings.aggregate(s.conn, s.fw, items=items)
    counts = findings.question_counts(s.conn, s.fw, items=items)
    if as_json:
        print_json(findings.findings_json(s.fw, cells, counts))
        return
    console.print(score_tables.findings(s.fw, cells, counts), highlight=False)


@findings_app.command("check")
def check_command(
    file: Annotated[
        Path | None, typer.Option("--file", help="Default: findings.yaml in the workspace.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check findings.yaml: its judgements bear each finding out, and it names no child.

    Example: jtai findings check
    """
    from jtai.report.letter_context import people_phrases
    from jtai.scoring import findings_file, findings_guard
    from jtai.scoring.findings_evidence import silent_agencies
    from jtai.store.report import index_from_store

    s = _Session()
    path = file or findings_file.findings_path(s.ws.root)
    doc = findings_file.load_findings(path)
    public = [str(s.ws.config.get("area") or ""), *people_phrases(s.ws.config)]
    hidden = findings_guard.identifying(index_from_store(s.conn), doc, public=public)
    problems = sorted(
        [*hidden, *findings_file.check(s.conn, s.fw, doc, key=s.ws.key)], key=lambda p: p.line or 0
    )
    in_scope = s.agencies or list(s.fw.agencies)
    silent = silent_agencies(s.fw, doc, in_scope)
    if as_json:
        print_json(
            [{**dataclasses.asdict(p), "severity": "error"} for p in problems]
            + [
                {"finding": None, "line": None, "message": _silent_message(a), "severity": "warning"}
                for a in silent
            ]
        )
    else:
        for p in problems:
            console.print(f"{path.name}, {p.describe()}", highlight=False, markup=False, soft_wrap=True)
        for agency in silent:
            err_console.print(
                f"{path.name}: warning: {_silent_message(agency)}", highlight=False, markup=False
            )
        if not problems:
            console.print(
                f"{len(doc.findings)} findings checked: "
                "the judgements bear each one out, and none names a child."
            )
    findings_guard.refuse(hidden, path.name)
    findings_file.require_clean(problems, path)


def _silent_message(agency: str) -> str:
    return (
        f"{agency} is in scope, but no area for improvement, priority action or main finding names it "
        f"(agencies: [{agency}]); the letter will say nothing about it."
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(score_app, name="score")
    app.add_typer(moderate_app, name="moderate")
    app.add_typer(findings_app, name="findings")


def _cases(n: int) -> str:
    return f"{n} case" if n == 1 else f"{n} cases"

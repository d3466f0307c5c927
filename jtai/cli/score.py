"""`jtai score`, `jtai moderate` and `jtai findings`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from jtai.cli._common import JsonOption, cli
from jtai.cli._prompt import ask, stdin_is_terminal
from jtai.cli.score_options import (
    AllAgencies,
    Inspector,
    Inspectorate,
    Reason,
    Section,
    Session,
)


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

    s = Session()
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
        cli().out.print(
            f"Saved version {saved.version}." if saved else "Unchanged: that judgement is already recorded."
        )
        return
    from jtai.cli import score_tables

    cli().show(score_tables.overview(capture.overview(s.conn, found)))
    scope = cases.question_scope(s.conn, s.fw, found, s.agencies, all_agencies=all_agencies, sections=section)
    if scope.message():
        cli().out.print(scope.message(), highlight=False, markup=False)
    result = capture.capture(
        s.conn, s.fw, found, rater, ask=ask, say=lambda t: cli().out.print(t, highlight=False, markup=False),
        agencies=scope.agencies, sections=scope.sections, root=s.ws.root,
    )  # fmt: skip
    capture.require_someone_to_ask(result, found.ref, terminal=stdin_is_terminal())
    cli().out.print(f"\n{result.saved:,} saved, {result.skipped:,} skipped.")
    if result.stopped:
        cli().err.print(
            f"Stopped with {result.remaining:,} question(s) left; run the same command to resume."
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

    s = Session()
    rows = progress.case_progress(s.conn, s.fw, s.ws.key, s.agencies)
    if as_json:
        cli().print_json(rows)
        return
    cli().show(score_tables.progress(rows))


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

    s = Session()
    rows = judgements.history(s.conn, case_ref=cases.normalise_ref(case))
    if as_json:
        cli().print_json([j.as_json(s.fw) for j in rows])
        return
    cli().show(score_tables.history(s.fw, rows))


@moderate_app.callback()
def moderate_command(
    ctx: typer.Context,
    as_json: JsonOption = False,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Seed of the bootstrap intervals (a whole number).")
    ] = 0,
) -> None:
    """Agreement per criterion and per pair of inspectors, with 95% intervals, and the disagreements.

    Example: jtai moderate --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from jtai.cli import score_tables
    from jtai.scoring import moderation

    s = Session()
    result = moderation.moderate(s.conn, s.fw, seed=seed)
    if as_json:
        cli().print_json(moderation.moderation_json(result))
        return
    cli().show(score_tables.moderation(s.fw, result))


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

    s = Session()
    moderator = s.rater(inspector, inspectorate)
    judgements.require_valid(s.fw, criterion, agency, grade, note)  # before the case is registered
    found = cases.resolve(s.conn, s.ws.key, case, by=moderator.name, root=s.ws.root)
    saved = moderation.resolve(
        s.conn, s.fw, case_ref=found.ref, criterion=criterion, agency=agency, value=grade, note=note,
        moderator=moderator, reason=reason, root=s.ws.root,
    )  # fmt: skip
    cli().out.print(
        f"Agreed: {s.fw.label(saved.value)} (version {saved.version})." if saved else "Unchanged."
    )


@findings_app.callback()
def findings_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Grades by criterion and agency across cases, the case question, and candidate findings.

    Example: jtai findings --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from jtai.cli import score_tables
    from jtai.scoring import findings
    from jtai.scoring.local_audits import compare as local_audits

    s = Session()
    items = findings.finals(s.conn, s.fw)
    cells = findings.aggregate(s.conn, s.fw, items=items)
    counts = findings.question_counts(s.conn, s.fw, items=items)
    # the area's own audits, markedly more generous than the inspectors: a leadership finding
    audits = local_audits.generosity_candidates(s.fw, local_audits.compare(s.conn, s.fw, items=items))
    if as_json:
        cli().print_json(findings.findings_json(s.fw, cells, counts, audits))
        return
    cli().show(score_tables.findings(s.fw, cells, counts, audits))


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

    s = Session()
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
        cli().print_json(
            [{**dataclasses.asdict(p), "severity": "error"} for p in problems]
            + [
                {"finding": None, "line": None, "message": _silent_message(a), "severity": "warning"}
                for a in silent
            ]
        )
    else:
        for p in problems:
            cli().out.print(f"{path.name}, {p.describe()}", highlight=False, markup=False, soft_wrap=True)
        for agency in silent:
            cli().err.print(f"{path.name}: warning: {_silent_message(agency)}", highlight=False, markup=False)
        if not problems:
            cli().out.print(
                f"{len(doc.findings):,} findings checked: "
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
    from jtai.cli import score_files

    score_files.add_commands(score_app)
    app.add_typer(score_app, name="score")
    app.add_typer(moderate_app, name="moderate")
    app.add_typer(findings_app, name="findings")

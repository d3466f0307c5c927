"""`jtai link`, `jtai link review | explain | export`, and `jtai child REF`."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from jtai.canonical import AGENCIES
from jtai.cli._common import JsonOption, cli
from jtai.cli._output import LegacyExport, LegacyFile, Output, optional_output, output_path

link_app = typer.Typer(
    help="Give every record a child id, linking one child's records within and across agencies.\n\n"
    "Example: jtai link",
    invoke_without_command=True,
)

ReviewerOption = Annotated[
    str | None,
    typer.Option("--reviewer", help="Your name, stored with each decision (default: your login name)."),
]


@link_app.callback()
def link_command(
    ctx: typer.Context,
    review: Annotated[
        bool, typer.Option("--review", help="Review the waiting pairs straight after linking.")
    ] = False,
    reviewer: ReviewerOption = None,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            metavar="duckdb|spark",
            help="Train and score on DuckDB (this machine) or Spark (linkage.spark in inspection.yaml; "
            'needs pip install "jtai[spark]"). Default: linkage.engine, else duckdb.',
            show_default=False,
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Retrain the model and score every pair, even when records were only added."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Link every record: strong identifiers first, then a splink model, under must-not-link rules.

    Pairs scoring above linkage.upper in inspection.yaml link; those between linkage.lower and
    linkage.upper wait for `jtai link review`. Re-running on unchanged data keeps every child id;
    after new extracts are loaded, only pairs involving their records are scored (--full: all).

    Example: jtai link            (or: jtai link --engine spark)
    """
    if ctx.invoked_subcommand is not None:
        return
    from jtai.linkage import link

    ws = cli().open_workspace()
    conn = ws.connect()
    with _progress() as step:
        summary = link(ws, conn, step=step, engine=engine, full=full)
    if as_json:
        cli().print_json(summary.as_dict())
    else:
        cli().out.print(
            f"{summary.records:,} records: {summary.children:,} children"
            + (f" and {summary.adults:,} adults" if summary.adults else "")
            + f"; {_count(summary.automatic_links, 'automatic link')} ({summary.deterministic_links:,} on "
            f"identifiers, {summary.model_links:,} by the model), {summary.reviewer_links:,} by reviewers; "
            f"{_count(summary.review_pairs, 'pair')} awaiting review; "
            f"{_count(summary.blocked_pairs, 'pair')} kept apart by must-not-link rules. "
            f"({summary.seconds:.1f} s)",
            highlight=False,
        )
        if summary.mode == "incremental":
            cli().out.print(
                f"Incremental run: {_count(summary.new_records, 'new record')}, "
                f"{_count(summary.scored_pairs, 'new pair')} scored with the saved model "
                "(jtai link --full retrains it).",
                highlight=False,
            )
        if summary.note:
            cli().out.print(summary.note, highlight=False)
        if summary.review_pairs and not review:
            cli().out.print("Review the waiting pairs with: jtai link review", highlight=False)
    if review:
        _review(conn, reviewer)


@link_app.command("review")
def review_command(
    reviewer: ReviewerOption = None,
    unsure: Annotated[
        bool,
        typer.Option(
            "--unsure", help="Review the pairs marked unsure (by anyone) instead of the waiting ones."
        ),
    ] = False,
    list_only: Annotated[
        bool, typer.Option("--list", help="List the pairs marked unsure, and how many wait; decide nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Review the pairs waiting between the thresholds: same, different or unsure.

    The records are shown side by side with their differences marked, without any score.
    Type a key and press Enter: s same, d different, u unsure, k skip, b undo, q quit
    (resume later where you left off). Decisions are kept with your name and the time; the
    next `jtai link` applies them. A pair marked unsure leaves the queue and stays unlinked:
    `--list` shows those pairs and `--unsure` reviews them again (the latest decision counts).

    Example: jtai link review --reviewer "A. Inspector"
    """
    ws = cli().open_workspace()
    conn = ws.connect()
    if list_only or as_json:
        _list_unsure(conn, as_json)
        return
    _review(conn, reviewer, unsure=unsure)


def _list_unsure(conn: object, as_json: bool) -> None:
    from jtai.cli import link_tables
    from jtai.linkage.review import unsure_pairs
    from jtai.store import linkage as store

    rows = unsure_pairs(conn)  # type: ignore[arg-type]
    waiting = len(store.review_queue(conn))  # type: ignore[arg-type]
    if as_json:
        pairs = [
            {"left": f"R{r['left_id']}", "right": f"R{r['right_id']}", "reviewer": r["reviewer"],
             "decided_at": r["decided_at"]}
            for r in rows
        ]  # fmt: skip
        cli().print_json({"unsure": pairs, "waiting": waiting})
        return
    cli().show(link_tables.unsure(rows, waiting))
    if rows:
        cli().say("Review them with: jtai link review --unsure")


@link_app.command("explain")
def explain_command(
    first: Annotated[str, typer.Argument(help="A record, e.g. R1042.")],
    second: Annotated[str, typer.Argument(help="Another record, e.g. R2210.")],
    as_json: JsonOption = False,
) -> None:
    """Explain why two records were or were not linked, field by field, with the match weights.

    Example: jtai link explain R1042 R2210
    """
    from jtai.cli import link_tables
    from jtai.linkage.explain import explain
    from jtai.linkage.refs import record_id

    left, right = record_id(first), record_id(second)
    ws = cli().open_workspace()
    out = explain(ws.connect(), left, right)
    if as_json:
        cli().print_json(out.as_dict())
        return
    cli().say(out.verdict)
    cli().show(link_tables.identifiers(out, left, right))
    if out.fields:
        cli().show(link_tables.model(out, left, right))
    else:
        cli().out.print("No model has been trained yet: run `jtai link`.")
    for rule in out.rules:
        cli().out.print(f"Must not link: {rule}.", highlight=False)
    if out.decision:
        d = out.decision
        cli().out.print(
            f"Reviewer decision: {d['decision']} by {d['reviewer']} at {d['decided_at']}.", highlight=False
        )


ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")]


@link_app.command("export")
def export_command(file: LegacyFile = None, output: Output = None, force: ForceOption = False) -> None:
    """Write every record (agency, source file, sheet, row, agency person id) with its child id.

    The file is CSV or an Excel workbook, by its suffix (.csv or .xlsx).

    Example: jtai link export -o links.xlsx
    """
    from jtai.linkage.export import export_links

    path = output_path(output, file, example="jtai link export -o links.xlsx")
    ws = cli().open_workspace()
    rows = export_links(ws, ws.connect(), path, force=force)
    cli().say(f"Wrote {rows:,} records to {path}.")


def child_command(
    ref: Annotated[
        str, typer.Argument(help="A child's pseudonym (C-XXXX-XXXX) or any of its records (R1042).")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Also write the chronology to FILE (.csv or .html)."
        ),
    ] = None,
    export: LegacyExport = None,
    pseudonymise: Annotated[
        bool,
        typer.Option(
            "--pseudonymise",
            help="Show the pseudonym instead of names; withhold identifiers, also in free text.",
        ),
    ] = False,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """One child's multi-agency chronology: every agency's events in date order, identifiers, gaps.

    Example: jtai child C-7KQ3-XM9D -o chronology.html --pseudonymise
    """
    export = optional_output(output, export)
    from jtai.linkage.chronology import chronology
    from jtai.linkage.export import export_chronology
    from jtai.linkage.refs import resolve_child

    ws = cli().open_workspace()
    conn = ws.connect()
    chron = chronology(ws, conn, resolve_child(ws, conn, ref), pseudonymise=pseudonymise)
    if export is not None:
        export_chronology(chron, export, force=force, conn=conn)
    if as_json:
        cli().print_json(chron.as_dict())
        return
    _print_chronology(chron)
    if export is not None:
        cli().out.print(f"Wrote the chronology to {export}.", highlight=False)


def _print_chronology(chron: object) -> None:
    from jtai.cli import link_tables
    from jtai.linkage.chronology import Chronology

    assert isinstance(chron, Chronology)
    cli().out.print(
        f"[bold]{chron.pseudonym}[/]: {len(chron.events):,} records from "
        f"{', '.join(AGENCIES.get(a, a) for a in chron.agencies)}",
        highlight=False,
    )
    cli().show(*link_tables.chronology(chron))
    if chron.gaps:
        cli().out.print("[bold]Gaps[/]")
        for g in chron.gaps:
            cli().out.print(f"  {g.date}  {g.message} ({', '.join(g.records)})", highlight=False)
    else:
        cli().out.print("No gaps found.")


def _review(conn: object, reviewer: str | None, *, unsure: bool = False) -> None:
    from jtai.cli import link_tables
    from jtai.cli._prompt import ask
    from jtai.linkage.review import review

    run = cli()
    name = reviewer or _login()
    result = review(
        conn,  # type: ignore[arg-type]
        reviewer=name,
        show=lambda view: run.show(link_tables.pair(view)),
        say=run.say,
        ask=ask,
        unsure=unsure,
    )
    run.say(
        f"{result.decided:,} decided, {result.skipped:,} skipped, {result.remaining:,} still waiting."
        + (" Run `jtai link` to apply the decisions." if result.decided or result.undone else "")
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@contextmanager
def _progress() -> Iterator[Callable[[str], None]]:
    """Show each linking step with a spinner and its elapsed time (on stderr)."""
    from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=cli().err
    ) as progress:
        current: list[TaskID] = []

        def step(name: str) -> None:
            if current:
                progress.update(current[-1], completed=1, total=1)
            current.append(progress.add_task(name, total=None))

        yield step
        if current:
            progress.update(current[-1], completed=1, total=1)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(link_app, name="link")
    app.command("child")(child_command)

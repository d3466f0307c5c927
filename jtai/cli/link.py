"""`jtai link`, `jtai link review | explain | export`, and `jtai child REF`."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from jtai.canonical import AGENCIES
from jtai.cli._common import JsonOption, console, err_console, open_workspace, print_json

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
    as_json: JsonOption = False,
) -> None:
    """Link every record: strong identifiers first, then a splink model, under must-not-link rules.

    Pairs scoring above linkage.upper in inspection.yaml link; those between linkage.lower and
    linkage.upper wait for `jtai link review`. Re-running on unchanged data keeps every child id.

    Example: jtai link            (or: jtai link --engine spark)
    """
    if ctx.invoked_subcommand is not None:
        return
    from jtai.linkage import link

    ws = open_workspace()
    conn = ws.connect()
    with _progress() as step:
        summary = link(ws, conn, step=step, engine=engine)
    if as_json:
        print_json(summary.as_dict())
    else:
        console.print(
            f"{summary.records:,} records: {summary.children:,} children"
            + (f" and {summary.adults:,} adults" if summary.adults else "")
            + f"; {_count(summary.automatic_links, 'automatic link')} ({summary.deterministic_links:,} on "
            f"identifiers, {summary.model_links:,} by the model), {summary.reviewer_links:,} by reviewers; "
            f"{_count(summary.review_pairs, 'pair')} awaiting review; "
            f"{_count(summary.blocked_pairs, 'pair')} kept apart by must-not-link rules. "
            f"({summary.seconds:.1f} s)",
            highlight=False,
        )
        if summary.note:
            console.print(summary.note, highlight=False)
        if summary.review_pairs and not review:
            console.print("Review the waiting pairs with: jtai link review", highlight=False)
    if review:
        _review(conn, reviewer)


@link_app.command("review")
def review_command(reviewer: ReviewerOption = None) -> None:
    """Review the pairs waiting between the thresholds: same, different or unsure.

    The records are shown side by side with their differences marked, without any score.
    Keys: s same, d different, u unsure, k skip, b undo, q quit (resume later where you left off).
    Decisions are kept with your name and the time; the next `jtai link` applies them.

    Example: jtai link review --reviewer "A. Inspector"
    """
    ws = open_workspace()
    _review(ws.connect(), reviewer)


@link_app.command("explain")
def explain_command(
    first: Annotated[str, typer.Argument(help="A record, e.g. R1042.")],
    second: Annotated[str, typer.Argument(help="Another record, e.g. R2210.")],
    as_json: JsonOption = False,
) -> None:
    """Explain why two records were or were not linked, field by field, with the match weights.

    Example: jtai link explain R1042 R2210
    """
    from rich.table import Table

    from jtai.linkage.explain import explain
    from jtai.linkage.refs import record_id

    left, right = record_id(first), record_id(second)
    ws = open_workspace()
    out = explain(ws.connect(), left, right)
    if as_json:
        print_json(out.as_dict())
        return
    console.print(out.verdict, highlight=False)
    ids = Table("Identifier", f"R{left}", f"R{right}", "Result", title="Identifiers", title_justify="left")
    for name, a, b, result in out.identifiers:
        ids.add_row(name, a or "", b or "", result)
    console.print(ids)
    if out.fields:
        table = Table(
            "Field", f"R{left}", f"R{right}", "Comparison", "Weight", title="Model", title_justify="left"
        )
        table.add_row("(prior)", "", "", "two records chosen at random", f"{out.prior_weight:+.2f}")
        for f in out.fields:
            table.add_row(f.name, f.left or "", f.right or "", f.level, f"{f.weight:+.2f}")
        table.add_row(
            "Total", "", "", f"match probability {out.match_probability:.4f}", f"{out.match_weight:+.2f}"
        )
        console.print(table)
    else:
        console.print("No model has been trained yet: run `jtai link`.")
    for rule in out.rules:
        console.print(f"Must not link: {rule}.", highlight=False)
    if out.decision:
        d = out.decision
        console.print(
            f"Reviewer decision: {d['decision']} by {d['reviewer']} at {d['decided_at']}.", highlight=False
        )


ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")]


@link_app.command("export")
def export_command(
    file: Annotated[Path, typer.Argument(help="The CSV file to write.")], force: ForceOption = False
) -> None:
    """Write every record (agency, source file, sheet, row, agency person id) with its child id, as CSV.

    Example: jtai link export links.csv
    """
    from jtai.linkage.export import export_links

    ws = open_workspace()
    rows = export_links(ws, ws.connect(), file, force=force)
    console.print(f"Wrote {rows:,} records to {file}.", highlight=False)


def child_command(
    ref: Annotated[
        str, typer.Argument(help="A child's pseudonym (C-XXXX-XXXX) or any of its records (R1042).")
    ],
    export: Annotated[
        Path | None, typer.Option("--export", help="Also write the chronology to FILE (.csv or .html).")
    ] = None,
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

    Example: jtai child C-7KQ3-XM9D --export chronology.html --pseudonymise
    """
    from jtai.linkage.chronology import chronology
    from jtai.linkage.export import export_chronology
    from jtai.linkage.refs import resolve_child

    ws = open_workspace()
    conn = ws.connect()
    chron = chronology(ws, conn, resolve_child(ws, conn, ref), pseudonymise=pseudonymise)
    if export is not None:
        export_chronology(chron, export, force=force)
    if as_json:
        print_json(chron.as_dict())
        return
    _print_chronology(chron)
    if export is not None:
        console.print(f"Wrote the chronology to {export}.", highlight=False)


def _print_chronology(chron: object) -> None:
    from rich.table import Table

    from jtai.linkage.chronology import Chronology

    assert isinstance(chron, Chronology)
    console.print(
        f"[bold]{chron.pseudonym}[/]: {len(chron.events)} records from "
        f"{', '.join(AGENCIES.get(a, a) for a in chron.agencies)}",
        highlight=False,
    )
    ids = Table("Agency", "Identifiers held", title="Identifiers", title_justify="left")
    for agency, held in chron.identifiers.items():
        ids.add_row(AGENCIES.get(agency, agency), "; ".join(f"{k}: {', '.join(v)}" for k, v in held.items()))
    console.print(ids)
    events = Table(
        "Date", "Agency", "Event", "Outcome", "Flags", "Record", title="Events", title_justify="left"
    )
    for e in chron.events:
        date = (e.date or "") + (f" to {e.end_date}" if e.end_date else "")
        events.add_row(
            date, AGENCIES.get(e.agency, e.agency), e.event, e.outcome or "", e.flags or "", e.record
        )
    console.print(events)
    if chron.gaps:
        console.print("[bold]Gaps[/]")
        for g in chron.gaps:
            console.print(f"  {g.date}  {g.message} ({', '.join(g.records)})", highlight=False)
    else:
        console.print("No gaps found.")


def _review(conn: object, reviewer: str | None) -> None:
    from jtai.linkage.review import review

    name = reviewer or _login()
    result = review(conn, reviewer=name, console=console, ask=_ask)  # type: ignore[arg-type]
    console.print(
        f"{result.decided} decided, {result.skipped} skipped, {result.remaining} still waiting."
        + (" Run `jtai link` to apply the decisions." if result.decided or result.undone else ""),
        highlight=False,
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _ask(prompt: str) -> str:
    console.print(prompt, end="", highlight=False, markup=False)
    return input()


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
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console
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

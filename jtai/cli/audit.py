"""`jtai audit log | verify | anchor`."""

from __future__ import annotations

from typing import Annotated

import typer

from jtai.cli._common import JsonOption, cli

audit_app = typer.Typer(
    help="The audit log: every judgement and case added, chained by hashes so changes show.\n\n"
    "Example: jtai audit anchor; later jtai audit verify --anchor ANCHOR",
    no_args_is_help=True,
)


@audit_app.command("log")
def log_command(
    case: Annotated[str | None, typer.Option("--case", help="Only the entries of one case.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the audit log, oldest first.

    Example: jtai audit log --case C-7KQ3-XM9D
    """
    from rich.table import Table

    from jtai import audit
    from jtai.scoring.cases import normalise_ref

    ws = cli().open_workspace()
    entries = audit.entries(ws.connect(), case_ref=normalise_ref(case) if case else None)
    if as_json:
        # the case is ``case`` as in every command's JSON; ``detail`` is the entry as logged
        cli().print_json([{("case" if k == "case_ref" else k): v for k, v in e.items()} for e in entries])
        return
    table = Table("#", "When (UTC)", "Who", "Action", "Case", "What")
    for e in entries:
        table.add_row(
            str(e["seq"]), e["at"][:19], e["actor"], e["action"], e["case_ref"] or "", _what(e["detail"])
        )
    cli().show(table if entries else "The audit log is empty.")


def _what(detail: object) -> str:
    if not isinstance(detail, dict):
        return str(detail)
    if "criterion" in detail:
        text = f"{detail['criterion']} {detail['agency']} = {detail['value']} (v{detail['version']}"
        text += f", {detail['role']})" if detail.get("role") == "agreed" else ")"
        return text + (f" because: {detail['reason']}" if detail.get("reason") else "")
    # a case's digest, adder and time are in the JSON; the table has its own who and when
    shown = {k: v for k, v in detail.items() if k not in ("child_key_sha256", "added_by", "added_at")}
    return ", ".join(f"{k}={v}" for k, v in shown.items())


@audit_app.command("verify")
def verify_command(
    anchors: Annotated[
        list[str] | None,
        typer.Option(
            "--anchor",
            metavar="ANCHOR",
            help="An anchor `jtai audit anchor` printed earlier (repeatable): the log must still extend it.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check the audit log and the judgements it records; exits 9 if anything was changed behind jtai's back.

    Example: jtai audit verify --anchor 412:3f9a2c7e1b04d5e6@2026-12-03T09:14Z
    """
    from jtai import audit, audit_anchors, audit_keys
    from jtai.errors import TamperedError

    given = [audit_anchors.parse_anchor(text) for text in anchors or []]
    ws = cli().open_workspace()
    conn = ws.connect()
    result = audit.verify(conn, ws.root)
    problems = result.problems + audit_anchors.check_anchors(conn, given)
    if as_json:
        cli().print_json(
            {
                "ok": not problems,
                "entries": result.entries,
                "judgements": result.judgements,
                "keyed_from": result.keyed_from,
                "anchors": [a.text for a in given],
                "problems": problems,
            }
        )
    else:
        for problem in problems:
            cli().out.print(f"- {problem}", highlight=False, markup=False, soft_wrap=True)
    if problems:
        raise TamperedError(
            f"The audit log does not verify: {len(problems)} problem(s).",
            hint="The database was changed outside jtai; restore it from a backup and compare.",
        )
    if not as_json:
        extends = f" It extends {len(given)} anchor{'s' if len(given) != 1 else ''}." if given else ""
        keyed = f" Entries from {result.keyed_from} on are keyed." if result.keyed_from else ""
        if not result.keyed_from and result.entries and audit_keys.for_connection(conn) is not None:
            keyed = (
                " No entry is keyed, though inspection.yaml names an audit key: either nothing was "
                "recorded since it was named, or the log was re-chained without it (an anchor tells)."
            )
        cli().out.print(
            f"The audit log verifies: {result.entries} entries, {result.judgements} judgements."
            + keyed
            + extends,
            highlight=False,
        )


@audit_app.command("anchor")
def anchor_command(as_json: JsonOption = False) -> None:
    """Print the log's newest entry in a short form to keep outside the workspace (an email, the minutes).

    `jtai audit verify --anchor` later proves that the log still extends it: an entry changed,
    removed or the log re-chained since is found, even by someone who can write the workspace.

    Example: jtai audit anchor
    """
    from jtai import audit_anchors

    ws = cli().open_workspace()
    head = audit_anchors.anchor(ws.connect())
    if as_json:
        cli().print_json(
            None
            if head is None
            else {"entry": head.seq, "hash": head.hash_prefix, "at": head.at, "anchor": head.text}
        )
        return
    if head is None:
        cli().out.print("The audit log is empty: there is nothing to anchor yet.")
        return
    cli().out.print(head.text, highlight=False, markup=False)
    cli().err.print(
        f"Entry {head.seq} of the audit log, written {head.at}. Keep this line outside the workspace "
        f"(email it, minute it); `jtai audit verify --anchor {head.text}` checks the log still extends it.",
        highlight=False,
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(audit_app, name="audit")

"""`jtai audit log | verify`."""

from __future__ import annotations

from typing import Annotated

import typer

from jtai.cli._common import JsonOption, cli

audit_app = typer.Typer(
    help="The audit log: every judgement and case added, chained by hashes so changes show.\n\n"
    "Example: jtai audit verify",
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
        cli().print_json(entries)
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
def verify_command(as_json: JsonOption = False) -> None:
    """Check the audit log and the judgements it records; exits 9 if anything was changed behind jtai's back.

    Example: jtai audit verify
    """
    from jtai import audit
    from jtai.errors import TamperedError

    ws = cli().open_workspace()
    result = audit.verify(ws.connect(), ws.root)
    if as_json:
        cli().print_json(
            {
                "ok": result.ok,
                "entries": result.entries,
                "judgements": result.judgements,
                "problems": result.problems,
            }
        )
    else:
        for problem in result.problems:
            cli().out.print(f"- {problem}", highlight=False, markup=False, soft_wrap=True)
    if not result.ok:
        raise TamperedError(
            f"The audit log does not verify: {len(result.problems)} problem(s).",
            hint="The database was changed outside jtai; restore it from a backup and compare.",
        )
    if not as_json:
        cli().out.print(f"The audit log verifies: {result.entries} entries, {result.judgements} judgements.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(audit_app, name="audit")

"""`jtai unload`: remove what loaded files brought in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from jtai.cli._common import JsonOption, cli

if TYPE_CHECKING:
    from jtai.ingest.unload import Unloaded


def unload(
    files: Annotated[
        list[str],
        typer.Argument(
            help="Each a loaded file: its path (found by its content), the name it was loaded as, "
            "or the first 8 or more characters of its SHA-256.",
            metavar="FILE_OR_NAME_OR_SHA",
            show_default=False,
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Remove it even when later work uses its records (linkage, samples, judgements); "
            "the link pairs and review decisions naming them go too.",
        ),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Remove everything a loaded file brought in, so that it can be loaded again the right way.

    Its records, quarantined rows, reconciliation and copy in extracts/ are removed together.

    A file whose records were linked, sampled or judged since is refused (exit 8).

    --force removes it anyway: then run `jtai link` again and check samples with `jtai sample verify`.

    A file whose records other files' quarantined rows repeat (duplicates) is refused even with --force:
    unload those files with it, in the same command.

    Example: jtai unload education.csv && jtai load education.csv --agency education
    """
    from jtai.ingest.unload import next_steps, unload_files

    done = unload_files(cli().open_workspace(), files, force=force)
    steps = next_steps(done)
    if json_out:
        cli().print_json({"unloaded": [u.to_dict() for u in done], "next_steps": steps})
    else:
        for unloaded in done:
            _print(unloaded)
        for step in steps:
            _say(step)
        them = "the file" if len(done) == 1 else "the files"
        _say(f"Load {them} again with the right --agency (and --mapping): jtai load FILE --agency AGENCY")
    for unloaded in done:
        if unloaded.copy not in ("removed", "none"):
            cli().err.print(f"[bold yellow]Warning:[/] {unloaded.copy}.", highlight=False, soft_wrap=True)


def _print(u: Unloaded) -> None:
    from jtai.ingest.unload import usage_phrases

    n = u.removed
    parts = [_count(n.get("records", 0), "record"), _count(n.get("quarantined", 0), "quarantined row")]
    if n.get("field_issues"):
        parts.append(_count(n["field_issues"], "field issue"))
    parts.append(_count(n.get("sheets", 0), "sheet"))
    if u.copy == "removed":
        parts.append("its copy in extracts/")
    _say(
        f"Removed {u.name} ({u.agency} records, mapping {u.mapping}, loaded {u.loaded_at[:10]}, "
        f"SHA-256 {u.sha256[:12]}): {', '.join(parts[:-1])} and {parts[-1]}."
    )
    if u.in_use:
        _say(f"It was in use: {'; '.join(usage_phrases(u.usage))}.")
    links = [
        _count(n[k], noun) for k, noun in (("link_pairs", "link pair"), ("link_decisions", "review decision"))
    ]
    if n.get("link_pairs") or n.get("link_decisions"):
        _say(f"Also removed, as they named its records: {' and '.join(links)}.")


def _say(text: str) -> None:
    """One line of output, never wrapped (a command in it stays whole)."""
    cli().out.print(text, highlight=False, markup=False, soft_wrap=True)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("unload")(unload)

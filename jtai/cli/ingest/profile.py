"""`jtai profile`: data quality per agency."""

from __future__ import annotations

from typing import Any

from jtai.cli._common import JsonOption, cli


def profile(json_out: JsonOption = False) -> None:
    """Data quality per agency: records by event type, and how complete the key fields are.

    Example: jtai profile
    """
    from jtai.ingest import profile as lib

    data = lib.profile(cli().open_workspace())
    if json_out:
        cli().print_json(data)
        return
    _print_profile(data)


def _print_profile(data: dict[str, Any]) -> None:
    from jtai.cli import ingest_tables

    if not data["agencies"]:
        cli().say("No records yet: load extracts with `jtai load FILE --agency AGENCY`.")
        return
    cli().show(*ingest_tables.profile(data))

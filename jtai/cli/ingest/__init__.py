"""`jtai load`, `jtai quarantine` and `jtai profile`, one module each."""

from __future__ import annotations

import typer

from jtai.cli.ingest import load, profile, quarantine


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("load")(load.load)
    app.command("quarantine")(quarantine.quarantine)
    app.command("profile")(profile.profile)


__all__ = ["register"]

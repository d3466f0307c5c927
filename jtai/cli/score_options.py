"""What `jtai score` commands share: their options and the workspace session they open."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from jtai.cli._common import cli

if TYPE_CHECKING:
    from jtai.scoring.judgements import Rater

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
    typer.Option(
        "--format",
        metavar="yaml|csv|xlsx",
        help="The file's format (default: from the file's extension; printed, yaml).",
    ),
]
Section = Annotated[
    list[str] | None,
    typer.Option("--section", help="Only this section's criteria (repeatable; default: as sampled)."),
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")]
Reason = Annotated[
    str | None, typer.Option("--reason", help="Why an earlier judgement is changed (required then).")
]


class Session:
    """The workspace, its store, its framework and settings, opened once per command."""

    def __init__(self) -> None:
        from jtai.workspace import workspace_framework

        self.ws = cli().open_workspace()
        self.conn = self.ws.connect()
        self.fw = workspace_framework(self.ws)
        self.team: list[Any] = list(self.ws.config.get("team") or [])
        agencies = self.ws.config.get("agencies")
        self.agencies: list[str] | None = [str(a) for a in agencies] if agencies else None

    def rater(self, name: str | None, inspectorate: str | None) -> Rater:
        from jtai.scoring.judgements import rater_for

        return rater_for(self.fw, name, inspectorate, self.team)

"""Read what the overview needs from each workspace, changing nothing in any of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jtai.canonical import CONFIG_NAME, DB_NAME
from jtai.errors import ConflictError, UsageError, WorkspaceError
from jtai.frameworks import Framework, load_framework
from jtai.indicators import Indicators, compute, indicators_for
from jtai.report import area_results
from jtai.scoring.findings_file import Finding, findings_path, load_findings
from jtai.scoring.local_audits.compare import Comparison, compare
from jtai.store.report import index_from_store
from jtai.store.snapshot import read_only
from jtai.workspace import is_workspace, read_config

if TYPE_CHECKING:
    from jtai.anonymity.guard import IdentifyingIndex


@dataclass(frozen=True)
class Area:
    """One inspected area as the overview sees it.

    Attributes:
        root: the workspace folder.
        name: the area's name from inspection.yaml.
        framework: the framework it was inspected against.
        graded: the final judgement of every case x criterion x agency.
        findings: the findings in its findings.yaml (none when it has no such file).
        index: the anonymity guard's index of everyone loaded in it.
        fieldwork_end: the last day of its fieldwork, when inspection.yaml says.
        indicators: its indicators for all children, as its own evidence pack counts them
            (the built-in definitions and its own indicators.yaml); None without a
            fieldwork_start date, which the indicators' period is counted back from.
        audits: its own audits against its inspectors' grades (empty when none is imported).
    """

    root: Path
    name: str
    framework: Framework
    graded: tuple[area_results.Graded, ...]
    findings: tuple[Finding, ...]
    index: IdentifyingIndex
    fieldwork_end: dt.date | None
    indicators: Indicators | None
    audits: Comparison


def read_areas(folders: Sequence[Path]) -> list[Area]:
    """Read each workspace (read-only), in the order given.

    Raises:
        UsageError: fewer than two folders, or the same workspace named twice.
        WorkspaceError: a folder is not a workspace, or its store cannot be read (named).
        ConfigError: a workspace's settings, framework, findings.yaml or indicators.yaml is
            invalid (named).
        ConflictError: the workspaces were inspected against different frameworks.
    """
    if len(folders) < 2:
        raise UsageError(
            "An overview compares two or more inspections; one workspace was named.",
            hint="Name every workspace of the round: jtai overview ../area-a ../area-b ../area-c",
        )
    seen: dict[Path, Path] = {}
    for folder in folders:
        resolved = folder.expanduser().resolve()
        if resolved in seen:
            raise UsageError(
                f"{folder} names the same workspace as {seen[resolved]}.", hint="Name each workspace once."
            )
        seen[resolved] = folder
    areas = [_read(folder.expanduser().resolve()) for folder in folders]
    frameworks = {area.framework.id for area in areas}
    if len(frameworks) > 1:
        which = "; ".join(f"{area.name} ({area.root}): {area.framework.id}" for area in areas)
        raise ConflictError(
            f"The workspaces were inspected against different frameworks ({which}), so their "
            "grades cannot be put side by side.",
            hint="Give only the workspaces of one round of inspections, on one framework.",
        )
    names = [area.name for area in areas]
    if len(set(names)) < len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise UsageError(
            f"Two workspaces are for the same area ({', '.join(twice)}): an overview shows each area once.",
            hint="Give one workspace per area.",
        )
    return areas


def _read(root: Path) -> Area:
    if not is_workspace(root):
        raise WorkspaceError(
            f"{root} is not a jtai workspace (it needs {CONFIG_NAME} and {DB_NAME}).",
            hint="Name the folder of each inspection's workspace.",
        )
    config = read_config(root / CONFIG_NAME)
    fw = load_framework(str(config["framework"]), base=root)
    path = findings_path(root)
    findings = tuple(load_findings(path).findings) if path.is_file() else ()
    start = config.get("fieldwork_start")
    definitions = indicators_for(root) if isinstance(start, dt.date) else []
    with read_only(root / DB_NAME) as conn:
        graded = tuple(area_results.final_judgements(conn, fw))
        index = index_from_store(conn)
        # the same count as the area's evidence pack: every child's records, no comparators
        indicators = compute(conn, fw, start, definitions) if isinstance(start, dt.date) else None
        audits = compare(conn, fw)
    end = config.get("fieldwork_end") or start
    day = end if isinstance(end, dt.date) else None
    return Area(root, str(config["area"]), fw, graded, findings, index, day, indicators, audits)

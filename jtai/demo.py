"""``jtai demo``: the whole job on the fictional area shipped in ``sample_data/``.

Creates a workspace, loads every extract, links, draws the tracked and front-door samples,
imports the demo judgements and findings, and renders the letter, the evidence pack and the
self-assessment; then builds a second area and renders the overview of both. Needs no network.

This module is the pipeline, one step function per step. The demo folder's rules (what may
be rebuilt) are in :mod:`jtai.workspace.demo_folder`; the sample data, its cases named by
their place in the samples, and the second area are in :mod:`jtai.sample_area`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jtai import workspace
from jtai.canonical import AGENCIES, DEMO_MARKER
from jtai.errors import JtaiError
from jtai.files import write_private
from jtai.linkage import link
from jtai.report.letter import write_letter
from jtai.sample_area import (
    SECOND_AREA,
    SECOND_SEED,
    fill_return,
    load_synth_extracts,
    positions,
    read_yaml,
    sample_data_dir,
    second_area_root,
    with_pseudonyms,
    write_candidate_findings,
    write_judgements,
)
from jtai.sampling import draw_front_door, draw_tracked
from jtai.store.report import index_from_store
from jtai.workspace import workspace_anchor, workspace_framework
from jtai.workspace.demo_folder import check_rebuildable, clear_demo, write_marker

if TYPE_CHECKING:
    from jtai.report.publish import Written
    from jtai.workspace import Workspace

MARKER = DEMO_MARKER
SEED = 2018  # the seed of both demo samples: the same cases on every run and machine
_AGENCY_OF_FILE = {"annex_a": "csc"}


@dataclass
class DemoStep:
    """One step of the demo and what it did."""

    name: str
    detail: str
    seconds: float


@dataclass
class DemoResult:
    """Where the demo put everything, and what it could not do."""

    root: Path
    steps: list[DemoStep] = field(default_factory=list)
    outputs: list[tuple[str, Written]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    anchor: str = ""  # the audit log's head at the end (`jtai audit anchor`)


def run_demo(
    target: Path, *, data: Path | None = None, on_step: Callable[[str], None] | None = None
) -> DemoResult:
    """Run the whole job on the sample data in ``target``.

    Args:
        target: the demo folder (rebuilt; see :mod:`jtai.workspace.demo_folder`).
        data: a folder laid out like ``sample_data/`` (default: the shipped sample data).
        on_step: called with each step's name as it starts (for a progress display).

    Raises:
        ConflictError: ``target`` is a non-empty folder that an earlier demo did not create.
    """
    data = data or sample_data_dir()
    result = DemoResult(target.expanduser().resolve())
    say = on_step or (lambda _name: None)

    def step(name: str, action: Callable[[], str]) -> None:
        say(name)
        started = time.perf_counter()
        result.steps.append(DemoStep(name, action(), time.perf_counter() - started))

    # both folders are checked before either is touched
    check_rebuildable(second_area_root(result.root), data / "inspection.yaml")
    ws_box: list[Workspace] = []
    step("Create the workspace", lambda: _create(result.root, data, ws_box))
    ws = ws_box[0]
    step("Load the extracts", lambda: _load(ws, data))
    step("Link records into children", lambda: _link(ws))
    step("Draw the samples", lambda: _sample(ws))
    step("Import the demo judgements", lambda: _judgements(ws, data, result))
    step("Import the area's audits", lambda: _area_audits(ws, data))
    step("Write the demo findings", lambda: _findings(ws, data))
    step("Render the reports", lambda: _reports(ws, result))
    second: list[Workspace] = []
    step(f"Build a second area, {SECOND_AREA}", lambda: _second_area(result.root, data, second))
    step("Render the overview of both areas", lambda: _overview(ws, second, result))
    result.anchor = _anchor(ws)
    return result


def _anchor(ws: Workspace) -> str:
    """The demo workspace's audit anchor (`jtai audit anchor`)."""
    head = workspace_anchor(ws)
    return head.text if head is not None else ""


def _create(root: Path, data: Path, box: list[Workspace], *, area: str | None = None) -> str:
    if check_rebuildable(root, data / "inspection.yaml"):
        clear_demo(root)
    config = read_yaml(data / "inspection.yaml")
    text = (data / "inspection.yaml").read_text(encoding="utf-8")
    if area is not None:  # the second area: the demo's settings, with its own name
        text = text.replace(str(config["area"]), area)
    ws = workspace.create(
        root,
        area=area or str(config["area"]),
        framework=str(config["framework"]),
        fieldwork_start=config.get("fieldwork_start"),
    )
    write_private(ws.config_path, text, error=None)
    write_marker(root)
    box.append(workspace.Workspace(ws.root))
    return str(ws.root)


def _load(ws: Workspace, data: Path) -> str:
    from jtai.ingest import load_files

    folder = data / "extracts" if (data / "extracts").is_dir() else data
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".csv", ".xlsx"})
    read = accepted = quarantined = 0
    for path in files:
        agency = _AGENCY_OF_FILE.get(path.stem.lower(), path.stem.lower().split("_")[0])
        if agency not in AGENCIES:
            raise JtaiError(f"{path.name}: the demo cannot tell which agency this sample extract is from.")
        loaded = load_files(ws, [path], agency=agency)
        for problem in loaded.errors + loaded.rejected:
            raise JtaiError(f"{problem.name}: the sample extract did not load ({problem.message}).")
        read, accepted, quarantined = (
            read + loaded.rows_read,
            accepted + loaded.accepted,
            quarantined + loaded.quarantined,
        )
    return f"{len(files)} files: {read:,} rows read = {accepted:,} accepted + {quarantined:,} quarantined"


def _link(ws: Workspace) -> str:
    conn = ws.connect()
    try:
        summary = link(ws, conn)
    finally:
        conn.close()
    pairs = f"{summary.review_pairs} pair{'' if summary.review_pairs == 1 else 's'}"
    return f"{summary.records:,} records -> {summary.children:,} children ({pairs} for review)"


def _sample(ws: Workspace) -> str:
    tracked = draw_tracked(ws, seed=SEED)
    front = draw_front_door(ws, seed=SEED)
    return (
        f"{len(tracked.picks)} tracked children (+{len(tracked.reserves)} reserves) "
        f"of {tracked.frame_size:,}; "
        f"{len(front.picks)} front-door contacts and referrals of {front.frame_size:,}; seed {SEED}"
    )


def _judgements(ws: Workspace, data: Path, result: DemoResult, *, shift: random.Random | None = None) -> str:
    from jtai.scoring.judgement_files.workspace_io import import_file

    written = write_judgements(ws, data / "demo" / "judgements.yaml", shift=shift)
    conn = ws.connect()
    try:
        done = import_file(
            conn,
            workspace_framework(ws),
            written.path,
            key=ws.key,
            team=ws.config.get("team") or [],
            root=ws.root,
        )
    finally:
        conn.close()
    if written.left_out:
        result.skipped.append(
            f"{written.left_out} demo judgements named a sample position or slot this sample does not have."
        )
    return f"{done.written} judgements of {written.cases} cases ({written.left_out} left out)"


def _area_audits(ws: Workspace, data: Path) -> str:
    """Request the audits of the tracked children, fill each agency's YAML return from the
    demo's rows, and import the returns, as an area and its inspectors would."""
    import tempfile

    from jtai.scoring.local_audits.importing import import_files
    from jtai.scoring.local_audits.request import write_requests

    rows = read_yaml(data / "demo" / "area_audits.yaml").get("audits") or []
    refs = positions(ws)
    fw = workspace_framework(ws)
    agencies = sorted({str(r["agency"]) for r in rows}, key=fw.agencies.index)
    conn = ws.connect()
    # made in a private temporary folder, deleted once imported (`jtai audits request` in the
    # demo workspace writes the requests to its audits/ folder, for a look)
    scratch = tempfile.TemporaryDirectory(prefix="jtai-demo-audits-")
    try:
        area = str(ws.config["area"])
        written = write_requests(conn, fw, ws.key, area=area, out=Path(scratch.name), agencies=agencies)
        returns = [fill_return(paths[1], form.agency, rows, refs) for form, paths in written]
        results = import_files(conn, fw, ws.key, returns, root=ws.root)
    finally:
        conn.close()
        scratch.cleanup()
    for r in results:
        if r.problems:
            raise JtaiError(f"{r.file}: the demo's audit return did not import ({r.problems[0].describe()}).")
    grades = sum(r.written for r in results)
    return f"{grades} grades from {len(results)} agencies' audits of the tracked children"


def _findings(ws: Workspace, data: Path) -> str:
    from jtai.scoring.findings_file import findings_path

    text = with_pseudonyms((data / "demo" / "findings.yaml").read_text(encoding="utf-8"), positions(ws))
    write_private(findings_path(ws.root), text, error=None)
    # the partnership's action plan, for the self-assessment (it names no case)
    plan = (data / "demo" / "action-plan.yaml").read_text(encoding="utf-8")
    write_private(ws.root / "action-plan.yaml", plan, error=None)
    return str(findings_path(ws.root))


def _reports(ws: Workspace, result: DemoResult) -> str:
    from jtai.report.evidence import write_evidence
    from jtai.report.selfassess import write_self_assessment

    conn = ws.connect()
    try:
        index = index_from_store(conn)
    finally:
        conn.close()
    for name, writer in (
        ("letter of findings", write_letter),
        ("evidence pack", write_evidence),
        ("self-assessment", write_self_assessment),
    ):
        for written in writer(ws, index=index):
            result.outputs.append((name, written))
    return f"{len(result.outputs)} files in {ws.reports_dir}"


def _second_area(root: Path, data: Path, box: list[Workspace]) -> str:
    """Build, load, link, sample, judge and audit the second area beside the demo folder."""
    _create(second_area_root(root), data, box, area=SECOND_AREA)
    ws = box[0]
    load_synth_extracts(ws)
    linked = _link(ws)
    draw_tracked(ws, seed=SECOND_SEED)
    draw_front_door(ws, seed=SECOND_SEED)
    # positions the second area's smaller samples do not reach are left out without a note
    judged = _judgements(ws, data, DemoResult(ws.root), shift=random.Random(SECOND_SEED))
    # its own audits too, from the same demo rows, so the overview compares both areas' audits
    audited = _area_audits(ws, data)
    write_candidate_findings(ws)
    return f"{ws.root}: {linked}; {judged}; {audited}"


def _overview(first: Workspace, second: list[Workspace], result: DemoResult) -> str:
    from jtai.report.overview import read_areas, summarise, write_overview

    areas = read_areas([first.root, second[0].root])
    ov = summarise(areas)
    pdf, html = first.reports_dir / "overview.pdf", first.reports_dir / "overview.html"
    for written in write_overview(ov, areas, pdf=pdf, html=html, force=True):
        result.outputs.append(("overview of both areas", written))
    return f"{len(ov.areas)} areas side by side: {pdf.name} and {html.name} in {first.reports_dir}"

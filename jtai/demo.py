"""``jtai demo``: the whole job on the fictional area shipped in ``sample_data/``.

Creates a workspace, loads every extract, links, draws the tracked and front-door samples,
imports the demo judgements and findings, and renders the letter, the evidence pack and the
self-assessment. Needs no network.

The demo folder is rebuilt from scratch on every run: in a folder holding the marker file
``.jtai-demo`` written by an earlier demo, for the workspace still there, what the demo
wrote is deleted first. A folder that also holds anything else (a file or folder the demo
does not write, or a workspace anywhere below it) is refused with nothing deleted, and so
is any other non-empty folder: the demo never deletes a real workspace or the user's files. The
marker names its workspace by a digest of the workspace's key, which ``jtai init --force``
replaces (and it removes the marker too): a workspace made over a demo is never taken for
the demo's.

Demo judgements and findings name cases by their place in the demo's samples ("tracked 3",
"front_door 12"), never by pseudonym: pseudonyms depend on each workspace's own secret key.
The demo writes copies with this workspace's pseudonyms, then imports them.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import random
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai import workspace
from jtai.audit_anchors import anchor
from jtai.canonical import AGENCIES, DEMO_MARKER, KEY_NAME
from jtai.errors import ConflictError, JtaiError
from jtai.files import write_private
from jtai.linkage import link
from jtai.report.letter import write_letter
from jtai.sampling import FRONT_DOOR, TRACKED, draw_front_door, draw_tracked, latest_sample
from jtai.store.report import index_from_store
from jtai.workspace import DEMO_OWN, is_workspace, workspace_framework

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.report.publish import Written
    from jtai.scoring.findings import Candidate
    from jtai.workspace import Workspace

MARKER = DEMO_MARKER
_MARKER_TEXT = "Made by `jtai demo`: the next demo run deletes this folder.\n"
_MARKER_ID = "workspace: "
SEED = 2018  # the seed of both demo samples: the same cases on every run and machine
_POSITION = re.compile(r"^(tracked|front_door)\s+(\d+)$")
_AGENCY_OF_FILE = {"annex_a": "csc"}
# The second fictional area, beside the demo folder, for `jtai overview`: a `jtai synth` area
# of another seed, judged from the same demo judgements with some grades a step apart.
SECOND_AREA = "Northmoor"
SECOND_SEED = 2019
SECOND_CHILDREN = 300
_SECOND_SHIFT = 0.35  # the share of the demo's grades moved one step up or down in the second area


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


def sample_data_dir() -> Path:
    """The shipped sample data: installed package data, else the source tree's ``sample_data/``.

    Raises:
        JtaiError: neither place holds it (a broken installation).
    """
    packaged = Path(str(importlib.resources.files("jtai") / "_sample_data"))
    for folder in (packaged, Path(__file__).resolve().parents[1] / "sample_data"):
        if (folder / "inspection.yaml").is_file():
            return folder.resolve()
    raise JtaiError(
        "The sample data is missing from this installation of jtai.",
        hint="Reinstall jtai: pip install --force-reinstall jtai",
    )


def run_demo(
    target: Path, *, data: Path | None = None, on_step: Callable[[str], None] | None = None
) -> DemoResult:
    """Run the whole job on the sample data in ``target``.

    Args:
        target: the demo folder (rebuilt; see the module's notes).
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
    _check_rebuildable(second_area_root(result.root), data)
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
    conn = ws.connect()
    try:
        head = anchor(conn)
    finally:
        conn.close()
    return head.text if head is not None else ""


def second_area_root(root: Path) -> Path:
    """Where the demo builds its second area: beside the demo folder, named after the area."""
    return root.with_name(f"{root.name}-{SECOND_AREA.lower()}")


def _check_rebuildable(root: Path, data: Path) -> bool:
    """Whether ``root`` holds an earlier demo to clear (False: it is new or empty).

    Raises:
        ConflictError: ``root`` holds anything the demo did not make (nothing is deleted).
    """
    if not (root.exists() and any(root.iterdir())):
        return False
    if not (root / MARKER).is_file():
        raise ConflictError(
            f"{root} is not empty and was not made by `jtai demo`, so the demo will not replace it.",
            hint="Name an empty or new folder: jtai demo DIR",
        )
    if not _still_the_demo(root, data):
        raise ConflictError(
            f"{root} holds a {MARKER} marker, but the workspace there is not the one the demo made "
            "(it was made again, e.g. by `jtai init --force`), so the demo will not replace it.",
            hint="Name an empty or new folder: jtai demo DIR. If the folder holds nothing you "
            "need, delete it yourself first.",
        )
    _refuse_strangers(root)
    return True


def _create(root: Path, data: Path, box: list[Workspace], *, area: str | None = None) -> str:
    if _check_rebuildable(root, data):
        _clear(root)
    config = _read_yaml(data / "inspection.yaml")
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
    write_private(root / MARKER, f"{_MARKER_TEXT}{_MARKER_ID}{_identity(root)}\n", error=None)
    box.append(workspace.Workspace(ws.root))
    return str(ws.root)


def _refuse_strangers(root: Path) -> None:
    """Refuse a demo folder holding anything the demo did not write, or a workspace below it.

    Raises:
        ConflictError: naming a few of the entries the demo would otherwise delete.
    """
    found: list[str] = []
    for entry in sorted(root.iterdir()):
        if entry.name not in DEMO_OWN:
            found.append(_shown(entry, root))
        elif entry.is_dir() and not entry.is_symlink():
            places = [entry] + [Path(top) / sub for top, subs, _ in os.walk(entry) for sub in subs]
            found += [_shown(place, root) for place in places if is_workspace(place)]
    if not found:
        return
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    raise ConflictError(
        f"{root} holds what the demo did not write: {', '.join(found[:5])}{more}; "
        "the demo will not rebuild the folder, and nothing was deleted.",
        hint="Move them out of the folder, or name another folder: jtai demo DIR",
    )


def _shown(place: Path, root: Path) -> str:
    name = str(place.relative_to(root))
    if is_workspace(place):
        return f"{name}/ (a jtai workspace)"
    return f"{name}/" if place.is_dir() else name


def _clear(root: Path) -> None:
    """Delete what an earlier demo wrote in ``root`` (checked: nothing else is there)."""
    for entry in root.iterdir():
        if entry.name not in DEMO_OWN:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _identity(root: Path) -> str | None:
    """A digest of the workspace's key (the key itself stays secret), or None without a key."""
    try:
        key = (root / KEY_NAME).read_bytes().strip()
    except OSError:
        return None
    return hashlib.sha256(b"jtai demo workspace\0" + key).hexdigest()


def _still_the_demo(root: Path, data: Path) -> bool:
    """Whether the workspace in ``root`` is the one whose demo wrote the marker.

    A marker written before markers named their workspace counts only while
    ``inspection.yaml`` is still the demo's, byte for byte.
    """
    try:
        lines = (root / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    named = [line.removeprefix(_MARKER_ID).strip() for line in lines if line.startswith(_MARKER_ID)]
    if named:
        return named[0] == _identity(root)
    try:
        config = (root / "inspection.yaml").read_bytes()
    except OSError:
        return False
    return config == (data / "inspection.yaml").read_bytes()


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


def positions(ws: Workspace) -> dict[str, str]:
    """``tracked 1`` -> its pseudonym, ``front_door 1`` -> ..., from the newest samples."""
    found: dict[str, str] = {}
    for kind in (TRACKED, FRONT_DOOR):
        sample = latest_sample(ws, kind)
        for n, member in enumerate(sample.picks if sample else [], start=1):
            found[f"{kind} {n}"] = member.pseudonym
    return found


def _judgements(ws: Workspace, data: Path, result: DemoResult, *, shift: random.Random | None = None) -> str:
    from jtai.scoring.judgement_files.workspace_io import import_file

    template = _read_yaml(data / "demo" / "judgements.yaml")
    refs = positions(ws)
    rows, slots, left_out = [], set(), 0
    for row in template.get("judgements") or []:
        case = refs.get(" ".join(str(row["case"]).split()))
        slot = (case, row["criterion"], row["agency"], row.get("inspector"))
        if case is None or slot in slots:
            left_out += 1
            continue
        slots.add(slot)
        rows.append({**{k: str(v) for k, v in row.items()}, "case": case})
        if shift is not None and "grade" in row:
            fw = workspace_framework(ws)
            rows[-1]["grade"] = _shifted(fw, str(row["grade"]), shift)
            if rows[-1]["grade"] in fw.scale.note_required and not rows[-1].get("note"):
                rows[-1]["note"] = "Practice fell short of what the criterion describes in this case."
    path = ws.root / "demo-judgements.yaml"
    write_private(path, _dump_yaml({"judgements": rows}), error=None)
    conn = ws.connect()
    try:
        done = import_file(
            conn, workspace_framework(ws), path, key=ws.key, team=ws.config.get("team") or [], root=ws.root
        )
    finally:
        conn.close()
    if left_out:
        result.skipped.append(
            f"{left_out} demo judgements named a sample position or slot this sample does not have."
        )
    cases = len({r["case"] for r in rows})
    return f"{done.written} judgements of {cases} cases ({left_out} left out)"


def _area_audits(ws: Workspace, data: Path) -> str:
    """Request the audits of the tracked children, fill each agency's YAML return from the
    demo's rows, and import the returns, as an area and its inspectors would."""
    import tempfile

    import yaml

    from jtai.scoring.local_audits.importing import import_files
    from jtai.scoring.local_audits.request import write_requests

    rows = _read_yaml(data / "demo" / "area_audits.yaml").get("audits") or []
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
        returns = []
        for form, paths in written:
            filled = yaml.safe_load(paths[1].read_text(encoding="utf-8"))
            mine = [r for r in rows if r["agency"] == form.agency]
            for child in filled["children"]:
                given = {str(r["criterion"]): r for r in mine if refs.get(str(r["case"])) == child["case"]}
                for grade in child["grades"]:
                    row = given.get(grade["criterion"])
                    if row is not None:
                        child["auditor"] = str(row["auditor"])
                        grade["grade"], grade["note"] = str(row["grade"]), str(row.get("note", ""))
            returned = paths[1].with_name(f"{paths[1].stem}-returned.yaml")
            write_private(returned, yaml.safe_dump(filled, sort_keys=False, allow_unicode=True), error=None)
            returns.append(returned)
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

    refs = positions(ws)
    text = (data / "demo" / "findings.yaml").read_text(encoding="utf-8")

    def swap(match: re.Match[str]) -> str:
        return refs.get(f"{match[1]} {match[2]}", match[0])

    text = re.sub(r"\b(tracked|front_door) (\d+)\b", swap, text)
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


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise JtaiError(f"{path}: the sample data file is damaged.", hint="Reinstall jtai.")
    return data


def _second_area(root: Path, data: Path, box: list[Workspace]) -> str:
    """Build, load, link, sample, judge and audit the second area beside the demo folder."""
    from jtai.ingest import load_files
    from jtai.scoring.findings import aggregate, candidates
    from jtai.scoring.findings_file import findings_path
    from jtai.synth import AGENCY_FILES, WORKBOOK, SynthConfig, generate

    second = second_area_root(root)
    _create(second, data, box, area=SECOND_AREA)
    ws = box[0]
    with tempfile.TemporaryDirectory(prefix="jtai-demo-") as scratch:
        generate(Path(scratch) / "synth", SynthConfig(children=SECOND_CHILDREN, seed=SECOND_SEED))
        extracts = Path(scratch) / "synth" / "extracts"
        for agency, name in [*AGENCY_FILES.items(), ("csc", WORKBOOK)]:
            loaded = load_files(ws, [extracts / name], agency=agency)
            for problem in loaded.errors + loaded.rejected:
                raise JtaiError(
                    f"{problem.name}: the second area's extract did not load ({problem.message})."
                )
    linked = _link(ws)
    draw_tracked(ws, seed=SECOND_SEED)
    draw_front_door(ws, seed=SECOND_SEED)
    # positions the second area's smaller samples do not reach are left out without a note
    judged = _judgements(ws, data, DemoResult(ws.root), shift=random.Random(SECOND_SEED))
    # its own audits too, from the same demo rows, so the overview compares both areas' audits
    audited = _area_audits(ws, data)
    fw = workspace_framework(ws)
    conn = ws.connect()
    try:
        suggested = candidates(fw, aggregate(conn, fw))
    finally:
        conn.close()
    write_private(findings_path(ws.root), _candidate_findings(fw, suggested), error=None)
    return f"{ws.root}: {linked}; {judged}; {audited}"


def _shifted(fw: Framework, grade: str, rng: random.Random) -> str:
    """``grade``, or one step better or worse for a share of the judgements (seeded)."""
    order = fw.grade_ids
    if grade not in order or rng.random() >= _SECOND_SHIFT:
        return grade
    return order[min(len(order) - 1, max(0, order.index(grade) + rng.choice((-1, 1))))]


def _candidate_findings(fw: Framework, suggested: list[Candidate]) -> str:
    """A findings.yaml for the second area: one finding per kind and criterion the grades suggest."""
    import yaml

    grouped: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in suggested:
        grouped.setdefault((candidate.kind, candidate.criterion), []).append(candidate)
    findings = []
    for (kind, criterion), items in sorted(grouped.items()):
        agencies = sorted({c.agency for c in items if c.agency in AGENCIES})
        why = "; ".join(f"{c.agency}: {c.why}" for c in items)
        findings.append(
            {
                "kind": kind,
                "criteria": [criterion],
                "agencies": agencies,
                "text": f"Inspectors' grades for {criterion} show this ({why}).",
            }
        )
    header = f"# The demo's second area, {SECOND_AREA}: findings from the candidates its grades suggest.\n"
    return header + str(
        yaml.safe_dump(
            {
                "headline": [f"A fictional second area for the demo's overview: {fw.title}."],
                "findings": findings,
            },
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
    )


def _overview(first: Workspace, second: list[Workspace], result: DemoResult) -> str:
    from jtai.report.overview import read_areas, summarise, write_overview

    areas = read_areas([first.root, second[0].root])
    ov = summarise(areas)
    pdf, html = first.reports_dir / "overview.pdf", first.reports_dir / "overview.html"
    for written in write_overview(ov, areas, pdf=pdf, html=html, force=True):
        result.outputs.append(("overview of both areas", written))
    return f"{len(ov.areas)} areas side by side: {pdf.name} and {html.name} in {first.reports_dir}"


def _dump_yaml(data: dict[str, Any]) -> str:
    import yaml

    return (
        "# Written by `jtai demo` from sample_data/demo/judgements.yaml, with this workspace's pseudonyms.\n"
        + str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
    )

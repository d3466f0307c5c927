"""`jtai demo` on the shipped sample data: every step, every file, and folder safety."""

from __future__ import annotations

import io
import json
import re
import stat
from pathlib import Path

import pytest
from conftest import DemoBuild

from jtai.demo import MARKER, DemoResult, run_demo
from jtai.errors import ConflictError
from jtai.report.letter import SECTION_HEADINGS
from jtai.sample_area import sample_data_dir


@pytest.fixture
def demo(demo_build: DemoBuild) -> DemoResult:
    """The demo, run once into a new folder (by `jtai demo DIR`, shared by the session)."""
    return demo_build.result


def test_every_step_ran(demo: DemoResult) -> None:
    """Create, load, link, sample, judge, findings, render: all done, nothing skipped."""
    assert [s.name for s in demo.steps] == [
        "Create the workspace",
        "Load the extracts",
        "Link records into children",
        "Draw the samples",
        "Import the demo judgements",
        "Import the area's audits",
        "Write the demo findings",
        "Render the reports",
        "Build a second area, Northmoor",
        "Render the overview of both areas",
    ]
    details = {s.name: s.detail for s in demo.steps}
    assert details["Load the extracts"].startswith("7 files: ")
    assert "6 tracked children" in details["Draw the samples"]
    assert "40 front-door contacts and referrals" in details["Draw the samples"]
    imported = re.fullmatch(
        r"(\d+) judgements of (\d+) cases \((\d+) left out\)", details["Import the demo judgements"]
    )
    assert imported is not None
    # every tracked child is judged; front-door contacts of a child already judged are left out
    assert int(imported[1]) >= 600 and int(imported[2]) >= 30
    assert demo.skipped == (
        []
        if imported[3] == "0"
        else [f"{imported[3]} demo judgements named a sample position or slot this sample does not have."]
    )


def test_every_report_written_privately(demo: DemoResult) -> None:
    """Three reports, PDF and HTML each, in reports/, readable by the owner only."""
    written = sorted((name, w.kind, w.path.name) for name, w in demo.outputs)
    assert written == [
        ("evidence pack", "html", "evidence-pack.html"),
        ("evidence pack", "pdf", "evidence-pack.pdf"),
        ("letter of findings", "html", "letter.html"),
        ("letter of findings", "pdf", "letter.pdf"),
        ("overview of both areas", "html", "overview.html"),
        ("overview of both areas", "pdf", "overview.pdf"),
        ("self-assessment", "html", "self-assessment.html"),
        ("self-assessment", "pdf", "self-assessment.pdf"),
    ]
    for _, item in demo.outputs:
        assert item.path.parent == demo.root / "reports"
        assert stat.S_IMODE(item.path.stat().st_mode) == 0o600


def test_demo_letter(demo: DemoResult) -> None:
    """The letter has every section, the demo findings and the deadline 70 working days on."""
    from pypdf import PdfReader

    pdf = next(w.path for name, w in demo.outputs if name == "letter of findings" and w.kind == "pdf")
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for heading in SECTION_HEADINGS.values():
        assert heading in text
    # published 17 May 2018; 70 working days on, skipping the 28 May and 27 August bank holidays
    assert "on behalf of the partnership, by 24 August 2018." in text
    assert "Health professionals are not routinely invited to strategy discussions" in text
    assert "Catherine Polglaze" in text and "Michael Lanyon" in text


def test_demo_judgements_use_this_workspaces_pseudonyms(demo: DemoResult) -> None:
    """The evidence pack names the sampled cases by this workspace's pseudonyms."""
    from jtai.sample_area import positions
    from jtai.workspace import Workspace

    refs = positions(Workspace(demo.root))
    html = (demo.root / "reports" / "evidence-pack.html").read_text(encoding="utf-8")
    assert refs["tracked 1"] in html and refs["front_door 40"] in html
    findings = (demo.root / "findings.yaml").read_text(encoding="utf-8")
    assert f"cases: [{refs['tracked 2']}, {refs['tracked 4']}]" in findings


def test_demo_area_audits(run, demo: DemoResult) -> None:  # type: ignore[no-untyped-def]
    """The area's audits are imported; the optimistic police audits show in compare, findings and the pack."""
    details = {s.name: s.detail for s in demo.steps}
    assert details["Import the area's audits"] == "168 grades from 6 agencies' audits of the tracked children"
    data = json.loads(run("--workspace", str(demo.root), "audits", "compare", "--json").stdout)
    steps = {row["agency"]: row["mean_steps"] for row in data["agencies"]}
    # the police audits are one grade better everywhere (capped at the top grade); the others are near
    assert steps["police"] > 0.8 and all(abs(v) < 0.5 for a, v in steps.items() if a != "police")
    assert [(c["criterion"], c["agency"]) for c in data["candidates"]] == [("LG1", "police")]
    findings = json.loads(run("--workspace", str(demo.root), "findings", "--json").stdout)
    assert any(c["criterion"] == "LG1" and c["agency"] == "police" for c in findings["candidates"])
    html = (demo.root / "reports" / "evidence-pack.html").read_text(encoding="utf-8")
    assert "Quality of local audits" in html and "+0.9" in html


def test_demo_findings_pass_the_check(run, demo: DemoResult) -> None:  # type: ignore[no-untyped-def]
    """Every demo finding rests on demo judgements that support it: `jtai findings check` exits 0."""
    result = run("--workspace", str(demo.root), "findings", "check")
    assert result.exit_code == 0, result.output
    assert " ".join(result.stdout.split()) == (
        "22 findings checked: the judgements bear each one out, and none names a child."
    )


def test_demo_gives_its_audit_anchor(run, demo: DemoResult) -> None:  # type: ignore[no-untyped-def]
    """The demo ends with the audit log's anchor, and the log verifies against it."""
    from jtai.audit_anchors import anchor
    from jtai.workspace import Workspace

    conn = Workspace(demo.root).connect()
    head = anchor(conn)
    conn.close()
    assert head is not None and demo.anchor == head.text
    result = run("--workspace", str(demo.root), "audit", "verify", "--anchor", demo.anchor)
    assert result.exit_code == 0, result.output


def test_demo_command_prints_its_anchor(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """`jtai demo` prints the anchor and how to check it; --json carries it."""
    from jtai import demo as module

    monkeypatch.setattr(
        module, "run_demo", lambda target, on_step=None: DemoResult(tmp_path, anchor="9:0123456789abcdef@x")
    )
    text = " ".join(run("demo", str(tmp_path / "d")).stdout.split())
    assert (
        "Audit anchor: 9:0123456789abcdef@x (keep it outside the workspace; `jtai audit verify --anchor 9:"
        in text
    )
    assert json.loads(run("demo", str(tmp_path / "d"), "--json").stdout)["anchor"] == "9:0123456789abcdef@x"


def test_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    """A non-empty folder without the demo's marker is left alone."""
    (tmp_path / "thesis.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConflictError, match="was not made by `jtai demo`"):
        run_demo(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.txt"]


def _stub_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every step after creating the workspace does nothing (for the folder rules)."""
    from jtai import demo as module

    for name in (
        "_load",
        "_link",
        "_sample",
        "_judgements",
        "_area_audits",
        "_findings",
        "_reports",
        "_second_area",
        "_overview",
    ):
        monkeypatch.setattr(module, name, lambda *args: "stubbed")


def test_rebuilds_its_own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder an earlier demo made is emptied and rebuilt (the later steps are stubbed here)."""
    _stub_steps(monkeypatch)
    folder = tmp_path / "demo"
    run_demo(folder)
    old_key = (folder / ".key").read_text(encoding="utf-8")
    (folder / "letter.pdf").write_bytes(b"%PDF-")  # from the README's walk-through
    result = run_demo(folder)
    assert result.steps[0].detail == str(folder.resolve())
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".jtai-demo", ".key", "extracts", "inspection.yaml", "jtai.db", "reports"]
    )
    assert (folder / ".key").read_text(encoding="utf-8") != old_key
    assert (folder / "inspection.yaml").read_text(encoding="utf-8") == (
        sample_data_dir() / "inspection.yaml"
    ).read_text(encoding="utf-8")


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    ("place", "named"),
    [
        ("mynotes.txt", "mynotes.txt"),
        ("real/data.csv", "real/"),
        ("inspection2018", "inspection2018/ (a jtai workspace)"),
        ("reports/inspection2018", "reports/inspection2018/ (a jtai workspace)"),
    ],
)
def test_refuses_its_own_folder_holding_what_it_did_not_write(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, place: str, named: str
) -> None:  # type: ignore[no-untyped-def]
    """demo, then the user's files or a workspace put in its folder: the next demo deletes nothing."""
    from jtai import workspace

    _stub_steps(monkeypatch)
    folder = tmp_path / "dm2"
    run_demo(folder)
    if place.endswith(".txt") or place.endswith(".csv"):
        (folder / place).parent.mkdir(exist_ok=True)
        (folder / place).write_text("mine", encoding="utf-8")
    else:
        workspace.create(tmp_path / "real", area="Real", framework="exploitation-2018")
        (tmp_path / "real" / "extracts" / "police.csv").write_text("mine", encoding="utf-8")
        (tmp_path / "real").rename(folder / place)
    before = _tree(folder)
    result = run("demo", str(folder))
    assert result.exit_code == 8, result.output
    assert "Error: " + " ".join(result.stderr.split()).partition("Error: ")[2] == (
        f"Error: {folder} holds what the demo did not write: {named}; the demo will not rebuild the "
        "folder, and nothing was deleted. Move them out of the folder, or name another folder: jtai demo DIR"
    )
    assert _tree(folder) == before


def test_marker_names_its_workspace_without_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The marker holds a digest of the workspace's key, never the key itself."""
    _stub_steps(monkeypatch)
    run_demo(tmp_path / "demo")
    key = (tmp_path / "demo" / ".key").read_text(encoding="utf-8").strip()
    lines = (tmp_path / "demo" / MARKER).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Made by `jtai demo`: the next demo run deletes this folder."
    assert re.fullmatch(r"workspace: [0-9a-f]{64}", lines[1])
    assert key not in lines[1]
    assert stat.S_IMODE((tmp_path / "demo" / MARKER).stat().st_mode) == 0o600


def test_the_qa_scenario_keeps_the_real_workspace(run, demo: DemoResult, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """demo, init --force, load, demo again: the second demo is refused and the real data stays."""
    import shutil

    from jtai.workspace import Workspace

    folder = tmp_path / "d2"
    shutil.copytree(demo.root, folder)  # a demo workspace, as `jtai demo d2` leaves it
    (folder / "letter.pdf").write_bytes(b"%PDF-")  # from the README's walk-through
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    init = run("init", str(folder), "--area", "Real", "--framework", "exploitation-2018", "--force")
    assert init.exit_code == 0, init.output
    assert " ".join(init.stdout.split()).startswith(
        f"Removed from {folder}: jtai.db, .key, audit.head, .jtai-demo, demo-judgements.yaml, "
        "findings.yaml, action-plan.yaml, letter.pdf, extracts/ (7 entries), reports/ (8 entries). "
        "Kept (not part of a workspace): notes.txt. Delete yourself what belonged to the old workspace. "
        f"Created workspace {folder} for Real (exploitation-2018)."
    )
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".key", "extracts", "inspection.yaml", "jtai.db", "notes.txt", "reports"]
    )
    real = tmp_path / "real.csv"
    shutil.copy(sample_data_dir() / "extracts" / "police.csv", real)
    assert run("-w", str(folder), "load", str(real), "--agency", "police").exit_code == 0
    again = run("demo", str(folder))
    assert again.exit_code == 8, again.output
    assert "was not made by `jtai demo`, so the demo will not replace it." in again.stderr
    ws = Workspace(folder)
    assert ws.config["area"] == "Real"
    conn = ws.connect()
    try:
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] > 0
    finally:
        conn.close()


def test_refuses_a_marker_left_with_another_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A marker whose workspace was made again (its key replaced) does not let the demo delete it."""
    from jtai import workspace

    _stub_steps(monkeypatch)
    folder = tmp_path / "d2"
    run_demo(folder)
    marker = (folder / MARKER).read_text(encoding="utf-8")
    workspace.create(folder, area="Real", framework="exploitation-2018", force=True)
    (folder / MARKER).write_text(marker, encoding="utf-8")  # as an older `init --force` left it
    with pytest.raises(ConflictError, match="the workspace there is not the one the demo made") as caught:
        run_demo(folder)
    assert caught.value.exit_code == 8
    assert workspace.Workspace(folder).config["area"] == "Real"


@pytest.mark.parametrize("ours", [True, False])
def test_an_older_marker_counts_only_with_the_demos_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ours: bool
) -> None:
    """A marker naming no workspace is trusted only while inspection.yaml is the demo's own."""
    _stub_steps(monkeypatch)
    folder = tmp_path / "d2"
    run_demo(folder)
    (folder / MARKER).write_text("Made by `jtai demo`: the next demo run deletes this folder.\n")
    if not ours:
        (folder / "inspection.yaml").write_text("area: Real\nframework: exploitation-2018\n")
    if ours:
        assert run_demo(folder).root == folder.resolve()
    else:
        with pytest.raises(ConflictError, match="not the one the demo made"):
            run_demo(folder)
        assert (folder / "inspection.yaml").read_text() == "area: Real\nframework: exploitation-2018\n"


def test_demo_help_has_an_example(run) -> None:  # type: ignore[no-untyped-def]
    """`jtai demo --help` explains the folder rule and gives an example."""
    result = run("demo", "--help")
    assert result.exit_code == 0
    assert "Example: jtai demo ./jtai-demo" in result.stdout


def test_second_area_beside_the_demo_for_the_overview(demo: DemoResult) -> None:
    """A second fictional area is built beside the demo folder, and the overview puts both side by side."""
    from jtai.report.overview import read_areas
    from jtai.sample_area import second_area_root

    second = second_area_root(demo.root)
    assert second.name == "jtai-demo-northmoor" and (second / MARKER).is_file()
    areas = read_areas([demo.root, second])
    assert [a.name for a in areas] == ["Seaborough", "Northmoor"]
    assert len(areas[1].graded) > 100 and areas[1].findings  # judged, with findings from its grades
    assert areas[1].audits.pairs  # its own audits, compared with its inspectors' in the overview
    assert (demo.root / "reports" / "overview.pdf").read_bytes().startswith(b"%PDF")


def test_refuses_a_second_area_folder_it_did_not_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone's folder where the second area would go stops the demo before anything is made."""
    _stub_steps(monkeypatch)
    (tmp_path / "demo-northmoor").mkdir()
    (tmp_path / "demo-northmoor" / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ConflictError, match="demo-northmoor"):
        run_demo(tmp_path / "demo")
    assert not (tmp_path / "demo").exists()
    assert (tmp_path / "demo-northmoor" / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_demo_letter_is_full_and_dated_by_the_inspection(demo: DemoResult) -> None:
    """Main findings per agency, numbered; the era's addressees; every report dated 17 May 2018."""
    html = (demo.root / "reports" / "letter.html").read_text(encoding="utf-8")
    main = html[html.index('id="h-main"') : html.index('id="h-next"')]
    headings = re.findall(r"<h3>([^<]+)</h3>", main)
    assert headings[-6:] == [
        "Children&#39;s social care",
        "Police",
        "Health",
        "Probation",
        "Youth offending service",
        "Education",
    ]
    starts = [int(n) for n in re.findall(r'<ol class="numbered" start="(\d+)"', main)]
    assert starts == sorted(starts) and len(set(starts)) == len(starts) == 9
    assert "Community Rehabilitation Company" in html[: html.index("<h1>")]
    assert "The Local Safeguarding Children Board should oversee the statement" in html
    for name in ("letter.html", "evidence-pack.html", "self-assessment.html"):
        text = (demo.root / "reports" / name).read_text(encoding="utf-8")
        assert '<meta name="dcterms.created" content="2018-05-17">' in text, name


def test_evidence_pack_shows_each_finding_and_its_grades(demo: DemoResult) -> None:
    """Finding -> criteria -> grade distribution -> cases, as `jtai findings check` counts them."""
    html = (demo.root / "reports" / "evidence-pack.html").read_text(encoding="utf-8")
    part = html[html.index('id="p-finding-evidence"') :]
    part = part[: part.index("</table>")]
    assert (
        '<th scope="row">S2 (line 31)</th><td>Key strength</td><td>DD9 (csc, police)</td>'
        "<td>1 outstanding, 7 good, 3 requires improvement, 1 inadequate (12 graded; 33% below good)</td>"
    ) in part
    assert '<th scope="row">S3 (line 40)</th><td>Key strength</td><td>LG1</td><td>none graded</td>' in part
    assert "contradicts the finding" not in part


def test_tool_dates_are_not_read_as_a_childs_birthday(demo: DemoResult, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Children born on the first days of the sampling window and of the charts: the pack still renders."""
    import shutil

    from jtai import workspace
    from jtai.store.records import insert_records

    copy = tmp_path / "ws"
    shutil.copytree(demo.root, copy)
    html = (copy / "reports" / "evidence-pack.html").read_text(encoding="utf-8")
    window = re.search(r"from (\d{4}-\d\d-\d\d) to \d{4}-\d\d-\d\d", html)
    assert window is not None
    assert "None is recorded from 1 March 2017 until" in html  # where the monthly charts start
    conn = workspace.find(explicit=copy).connect()
    try:
        insert_records(
            conn,
            [
                {"child_id": "born-on-window", "dob": window[1], "sex": "female"},
                {"child_id": "born-on-chart", "dob": "2017-03-01", "sex": "male"},
            ],
            agency="csc",
        )
    finally:
        conn.close()
    result = run("--workspace", str(copy), "report", "evidence", "--html", str(tmp_path / "ev.html"))
    assert result.exit_code == 0, result.output
    # the same date written by a person is still refused
    note = run("--workspace", str(copy), "findings", "check")
    assert note.exit_code == 0, note.output
    findings = (copy / "findings.yaml").read_text(encoding="utf-8")
    (copy / "findings.yaml").write_text(
        findings.replace("Leaders know the strengths", f"On {window[1]} leaders knew the strengths"),
        encoding="utf-8",
    )
    refused = run("--workspace", str(copy), "findings", "check")
    assert refused.exit_code == 10 and "M4: identifies a child: a date of birth" in refused.stderr


def test_demo_reports_are_accessible(demo: DemoResult) -> None:
    """Every chart in the PDFs has alt text and stays on the page; every header cell has a scope."""
    from _pdf_helpers import PAGE_PX, pdf_structure

    for name in ("evidence-pack", "self-assessment", "letter"):
        html = (demo.root / "reports" / f"{name}.html").read_text(encoding="utf-8")
        assert all('scope="' in cell for cell in re.findall(r"<th[ >][^>]*>", html)), name
        figures, headers, _ = pdf_structure((demo.root / "reports" / f"{name}.pdf").read_bytes())
        for figure in figures:
            assert str(figure.get("/Alt", "")).strip(), name
            x1, y1, x2, y2 = (float(v) for v in figure["/A"]["/BBox"])
            assert 0 <= x1 < x2 <= PAGE_PX[0] and 0 <= y1 < y2 <= PAGE_PX[1], name
        assert all(str(h["/A"]["/Scope"]) in ("/Row", "/Column") for h in headers), name
        if name == "evidence-pack":
            assert len(figures) == 4 and len(headers) > 100


def test_demo_pack_summarises_each_tracked_child(demo: DemoResult) -> None:
    """Six case summaries: agencies, records, gaps, grades and the case question; no one outside."""
    from jtai.sample_area import positions
    from jtai.workspace import Workspace

    refs = positions(Workspace(demo.root))
    html = (demo.root / "reports" / "evidence-pack.html").read_text(encoding="utf-8")
    part = html.split('<h2 id="p-cases">Case summaries</h2>')[1].split('<h2 id="p-judgements">')[0]
    assert part.count("<h3 ") == 6 and part.count("<p>Agencies involved: ") == 6
    assert refs["tracked 1"] in part and part.count("<caption>Grades for ") == 6
    assert part.count("Is the child safer because of what the agencies did?") == 6
    assert "Gaps to look for:" in part or "shows no gap" in part
    assert "Every judgement was recorded by an inspector of the inspectorate that judges the agency." in html
    assert "[outside their inspectorate" not in html

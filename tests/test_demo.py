"""`jtai demo` on the shipped sample data: every step, every file, and folder safety."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path

import pytest

from jtai.errors import ConflictError
from jtai.report.demo import MARKER, DemoResult, run_demo, sample_data_dir
from jtai.report.letter import SECTION_HEADINGS


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """The demo, run once into a new folder."""
    return run_demo(tmp_path_factory.mktemp("demo") / "jtai-demo")


def test_every_step_ran(demo: DemoResult) -> None:
    """Create, load, link, sample, judge, findings, render: all done, nothing skipped."""
    assert [s.name for s in demo.steps] == [
        "Create the workspace",
        "Load the extracts",
        "Link records into children",
        "Draw the samples",
        "Import the demo judgements",
        "Write the demo findings",
        "Render the reports",
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
    assert "to the inspectorates by 24 August 2018." in text
    assert "Health professionals are not consistently invited to strategy discussions" in text
    assert "Catherine Polglaze" in text and "Michael Lanyon" in text


def test_demo_judgements_use_this_workspaces_pseudonyms(demo: DemoResult) -> None:
    """The evidence pack names the sampled cases by this workspace's pseudonyms."""
    from jtai.report.demo import positions
    from jtai.workspace import Workspace

    refs = positions(Workspace(demo.root))
    html = (demo.root / "reports" / "evidence-pack.html").read_text(encoding="utf-8")
    assert refs["tracked 1"] in html and refs["front_door 40"] in html
    findings = (demo.root / "findings.yaml").read_text(encoding="utf-8")
    assert f"cases: [{refs['tracked 1']}, {refs['tracked 3']}]" in findings


def test_demo_findings_pass_the_check(run, demo: DemoResult) -> None:  # type: ignore[no-untyped-def]
    """Every demo finding rests on demo judgements that support it: `jtai findings check` exits 0."""
    result = run("--workspace", str(demo.root), "findings", "check")
    assert result.exit_code == 0, result.output
    assert " ".join(result.stdout.split()) == (
        "11 findings checked: each rests on evidence that supports it."
    )


def test_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    """A non-empty folder without the demo's marker is left alone."""
    (tmp_path / "thesis.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConflictError, match="was not made by `jtai demo`"):
        run_demo(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.txt"]


def test_rebuilds_its_own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder an earlier demo made is emptied and rebuilt (the later steps are stubbed here)."""
    from jtai.report import demo as module

    for name in ("_load", "_link", "_sample", "_judgements", "_findings", "_reports"):
        monkeypatch.setattr(module, name, lambda *args: "stubbed")
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / MARKER).write_text("", encoding="utf-8")
    (folder / "left-over.txt").write_text("old", encoding="utf-8")
    result = run_demo(folder)
    assert result.steps[0].detail == str(folder.resolve())
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".jtai-demo", ".key", "extracts", "inspection.yaml", "jtai.db", "reports"]
    )
    assert (folder / "inspection.yaml").read_text(encoding="utf-8") == (
        sample_data_dir() / "inspection.yaml"
    ).read_text(encoding="utf-8")


def test_demo_help_has_an_example(run) -> None:  # type: ignore[no-untyped-def]
    """`jtai demo --help` explains the folder rule and gives an example."""
    result = run("demo", "--help")
    assert result.exit_code == 0
    assert "Example: jtai demo ./jtai-demo" in result.stdout

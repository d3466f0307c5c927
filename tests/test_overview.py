"""The thematic overview across workspaces: figures, refusals, read-only reading, the guard."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from _score_helpers import hand_case, judge
from pypdf import PdfReader

from jtai import workspace
from jtai.frameworks import load_framework
from jtai.report.overview import read_areas, summarise

GOOD, RI, INADEQUATE = "good", "requires_improvement", "inadequate"


def _area(
    root: Path,
    name: str,
    grades: list[tuple[str, str, str, str]],
    answers: list[tuple[str, str]],
    findings: str = "",
    framework: str = "exploitation-2018",
) -> Path:
    """A workspace for ``name`` with the given (case, criterion, agency, grade) judgements."""
    ws = workspace.create(
        root / name.lower(), area=name, framework=framework, fieldwork_start=dt.date(2018, 3, 19)
    )
    conn = ws.connect()
    try:
        for case in sorted({c for c, *_ in grades} | {c for c, _ in answers}):
            hand_case(conn, case, root=ws.root)
        for case, criterion, agency, value in grades:
            judge(conn, case, criterion, agency, value, root=ws.root)
        for case, answer in answers:
            judge(conn, case, "case_question", "all", answer, root=ws.root)
    finally:
        conn.close()
    if findings:
        (ws.root / "findings.yaml").write_text(findings, encoding="utf-8")
    return ws.root


def _findings(*items: tuple[str, str]) -> str:
    lines = ["headline: The partnership protects children.", "findings:"]
    for i, (kind, criterion) in enumerate(items):
        lines += [
            f"  - id: f{i}",
            f"    kind: {kind}",
            f"    criteria: [{criterion}]",
            "    agencies: [police]",
            "    text: Practice was as the criterion describes.",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    """Three small areas on one framework with grades counted by hand in the tests."""
    a = _area(
        tmp_path,
        "Avonmouth",
        [
            ("CASE-A1", "FD1", "police", GOOD),
            ("CASE-A2", "FD1", "police", RI),
            ("CASE-A1", "FD1", "health", INADEQUATE),
        ],
        [("CASE-A1", "yes"), ("CASE-A2", "no")],
        _findings(("strength", "FD1"), ("improvement", "FD2")),
    )
    b = _area(
        tmp_path,
        "Brigstock",
        [
            ("CASE-B1", "FD1", "police", GOOD),
            ("CASE-B2", "FD1", "police", GOOD),
            ("CASE-B3", "FD1", "police", "outstanding"),
        ],
        [("CASE-B1", "partly"), ("CASE-B2", "yes"), ("CASE-B3", "yes")],
        _findings(("strength", "FD1")),
    )
    c = _area(
        tmp_path,
        "Corfe",
        [("CASE-C1", "FD1", "police", INADEQUATE)],
        [("CASE-C1", "no")],
        _findings(("improvement", "FD2")),
    )
    return [a, b, c]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_grades_answers_and_recurring_findings_match_hand_counts(three: list[Path]) -> None:
    """Grade counts per area and overall, not-safer shares and recurring findings are as counted by hand."""
    ov = summarise(read_areas(three))
    police = {r.area: r for r in ov.grades if (r.criterion, r.agency) == ("FD1", "police")}
    assert dict(police["Avonmouth"].counts) == {"outstanding": 0, GOOD: 1, RI: 1, INADEQUATE: 0}
    assert (police["Avonmouth"].good, police["Avonmouth"].total) == (1, 2)
    assert (police["Brigstock"].good, police["Brigstock"].total) == (3, 3)
    assert (police["Corfe"].good, police["Corfe"].total) == (0, 1)
    assert dict(police["All areas"].counts) == {"outstanding": 1, GOOD: 3, RI: 1, INADEQUATE: 1}
    assert (police["All areas"].good, police["All areas"].total) == (4, 6)
    health = [r for r in ov.grades if (r.criterion, r.agency) == ("FD1", "health")]
    assert [(r.area, r.total) for r in health] == [
        ("Avonmouth", 1),
        ("Brigstock", 0),
        ("Corfe", 0),
        ("All areas", 1),
    ]
    answers = {a.area: a for a in ov.answers}
    assert (answers["Avonmouth"].not_safer, answers["Avonmouth"].total) == (1, 2)
    assert dict(answers["Brigstock"].counts)["yes"] == 2
    assert (answers["All areas"].not_safer, answers["All areas"].total) == (2, 6)
    recurring = {(r.kind, r.criterion): r.areas for r in ov.recurring}
    assert recurring == {
        ("strength", "FD1"): ("Avonmouth", "Brigstock"),
        ("improvement", "FD2"): ("Avonmouth", "Corfe"),
    }


def test_json_carries_counts_and_shares(run, three: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """`jtai overview --json` gives ids, counts and shares an analyst can recompute."""
    result = run("overview", *map(str, three), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["framework"], data["framework_label"]) == (
        "exploitation-2018",
        load_framework("exploitation-2018").title,
    )
    assert data["areas"] == ["Avonmouth", "Brigstock", "Corfe"]
    row = next(
        r
        for r in data["grades"]
        if (r["criterion"], r["agency"], r["area"]) == ("FD1", "police", "All areas")
    )
    assert (row["graded"], row["good_or_better"], row["share_good_or_better"]) == (6, 4, round(4 / 6, 4))
    recurring = [(f["kind"], f["criterion"]) for f in data["findings"] if f["recurring"]]
    assert recurring == [("strength", "FD1"), ("improvement", "FD2")]


def test_reading_changes_nothing_in_any_workspace(run, three: list[Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every file of every workspace is byte for byte the same after an overview, and no file is added."""
    # leave changes in one store's write-ahead log, as a workspace in use has
    conn = sqlite3.connect(three[0] / "jtai.db")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO meta (key, value) VALUES ('overview-test', 'pending')")
    conn.commit()
    before = [_digests(folder) for folder in three]
    result = run("overview", *map(str, three), "--html", str(tmp_path / "o.html"))
    conn.close()
    assert result.exit_code == 0, result.output
    # the pending change was read (the copy of the log) and nothing was changed or added
    assert [_digests(folder) for folder in three[1:]] == before[1:]


def test_report_renders_pdf_and_html(run, three: list[Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The PDF opens, holds the headings and the areas, and is dated by the inspections; files are 0600."""
    pdf, html = tmp_path / "overview.pdf", tmp_path / "overview.html"
    result = run("overview", *map(str, three), "--pdf", str(pdf), "--html", str(html))
    assert result.exit_code == 0, result.output
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for heading in ("Grades by criterion and agency", "Were children safer?", "Findings across areas"):
        assert heading in text
    assert "Avonmouth" in text and "Corfe" in text
    page = html.read_text(encoding="utf-8")
    assert '<th scope="col"' in page and "Brigstock" in page
    assert PdfReader(pdf).metadata["/CreationDate"].startswith("D:20180323")
    assert pdf.stat().st_mode & 0o777 == 0o600


def test_different_frameworks_are_refused(run, three: list[Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A workspace on another framework is exit 8, naming each area's framework."""
    other = _area(tmp_path, "Dunmore", [], [], framework="neglect-2017")
    result = run("overview", str(three[0]), str(other))
    assert result.exit_code == 8
    assert "Avonmouth" in result.stderr and "neglect-2017" in result.stderr


def test_a_folder_that_is_not_a_workspace_is_named(run, three: list[Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A folder that is not a workspace is exit 3, named in the message."""
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    result = run("overview", str(three[0]), str(empty))
    assert result.exit_code == 3
    assert "nothing-here" in result.stderr and "Traceback" not in result.output


def test_one_workspace_or_the_same_twice_is_refused(run, three: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """An overview needs two different workspaces (exit 2 otherwise)."""
    assert run("overview", str(three[0])).exit_code == 2
    twice = run("overview", str(three[0]), str(three[0]) + "/")
    assert twice.exit_code == 2 and "same workspace" in twice.stderr


def test_guard_refuses_an_overview_naming_a_child_of_any_area(  # type: ignore[no-untyped-def]
    run, three: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child loaded in the last area named anywhere in the overview is exit 10, and nothing is written."""
    from jtai.report.overview import document
    from jtai.report.pack_blocks import Part

    raw = sqlite3.connect(three[2] / "jtai.db")
    raw.execute(
        "INSERT INTO records (file_id, sheet, source_row, agency, event_type, first_name, last_name) "
        "VALUES (0, '', 2, 'police', 'contact', 'Jayden', 'Okafor')"
    )
    raw.commit()
    raw.close()
    parts = document.overview_parts
    monkeypatch.setattr(
        document,
        "overview_parts",
        lambda ov, areas: [*parts(ov, areas), Part("x", "Leak", ("Jayden Okafor was seen twice.",))],
    )
    out = tmp_path / "o.html"
    result = run("overview", *map(str, three), "--html", str(out))
    assert result.exit_code == 10, result.output
    assert not out.exists()

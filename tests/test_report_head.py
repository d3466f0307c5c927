"""Every report carries the audit log's head it was made from: metadata always, the last page when marked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from _report_helpers import CLEAN_FINDINGS, make_workspace, write_findings
from _score_helpers import hand_case, judge

from jtai import audit_anchors


@pytest.mark.parametrize(
    ("command", "on_page"), [("letter", False), ("evidence", True), ("self-assessment", False)]
)
def test_reports_carry_the_head_they_were_made_from(run, tmp_path: Path, command: str, on_page: bool) -> None:  # type: ignore[no-untyped-def]
    """The PDF's Info and the HTML's metadata hold the anchor; the evidence pack shows it on its last page."""
    from pypdf import PdfReader

    ws = make_workspace(tmp_path / "ws")
    write_findings(ws, CLEAN_FINDINGS)
    conn = ws.connect()
    hand_case(conn, "audit-07", root=ws.root)
    judge(conn, "audit-07", "FD1", "police", "good", root=ws.root)
    head = audit_anchors.anchor(conn)
    conn.close()
    assert head is not None and head.seq == 2
    pdf, html = tmp_path / "out.pdf", tmp_path / "out.html"
    result = run("-w", str(ws.root), "report", command, "--pdf", str(pdf), "--html", str(html))
    assert result.exit_code == 0, result.output
    info = PdfReader(io.BytesIO(pdf.read_bytes())).metadata
    assert info is not None and info["/jtaiaudithead"] == head.text
    text = html.read_text(encoding="utf-8")
    assert f'<meta name="jtai-audit-head" content="{head.text}">' in text
    shown = f"Made from the audit log at {head.text}" in text
    assert shown is on_page
    last_page = PdfReader(io.BytesIO(pdf.read_bytes())).pages[-1].extract_text()
    assert (head.text in " ".join(last_page.split())) is on_page


def test_a_report_before_any_judgement_says_the_log_is_empty(tmp_path: Path) -> None:
    """With nothing in the audit log the report says so rather than carrying no head."""
    from jtai.report.publish import audit_head, stamp_head

    ws = make_workspace(tmp_path / "ws")
    assert audit_head(ws) == "none (the audit log is empty)"
    page = '<html><head></head><body><p class="marking">X</p><footer class="colophon"></footer></body></html>'
    stamped = stamp_head(page, "3:00aa<x>")
    assert '<meta name="jtai-audit-head" content="3:00aa&lt;x&gt;">' in stamped
    assert '<p class="audit-head">Made from the audit log at 3:00aa&lt;x&gt;' in stamped


def test_exports_carry_the_head_and_import_back(run, ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Judgement, sample and link exports name the head in a column (and About sheet); import ignores it."""
    import csv

    from _sample_helpers import add_children
    from openpyxl import load_workbook

    from jtai.workbook import label

    add_children(ws, 8)
    assert run("-w", str(ws.root), "sample", "tracked", "--seed", "1").exit_code == 0
    conn = ws.connect()
    hand_case(conn, "audit-07", root=ws.root)
    judge(conn, "audit-07", "FD1", "police", "good", root=ws.root)
    head = audit_anchors.anchor(conn)
    conn.close()
    assert head is not None
    judgements, sample = tmp_path / "j.csv", tmp_path / "s.xlsx"
    assert run("-w", str(ws.root), "score", "export", str(judgements)).exit_code == 0
    rows = list(csv.DictReader(judgements.read_text(encoding="utf-8").splitlines()))
    assert [r["audit_head"] for r in rows] == [head.text]
    again = run("-w", str(ws.root), "score", "import", str(judgements))
    assert again.exit_code == 0, again.output
    links = tmp_path / "links.csv"
    assert run("-w", str(ws.root), "link", "export", str(links)).exit_code == 0
    linked = csv.DictReader(links.read_text(encoding="utf-8").splitlines())
    assert {r["audit_head"] for r in linked} == {head.text}
    assert run("-w", str(ws.root), "sample", "export", str(sample)).exit_code == 0
    book = load_workbook(sample)
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Audit log head"] == head.text  # names in words, as every About sheet
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index(label("audit_head")) + 1  # headers in words, as in every workbook jtai writes
    assert {sheet.cell(r, column).value for r in range(2, sheet.max_row + 1)} == {head.text}

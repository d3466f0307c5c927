"""The guard reads attributes a reader or a screen reader meets, and guards the self-assessment too."""

from __future__ import annotations

from pathlib import Path

import pytest
from _report_helpers import CLEAN_FINDINGS, make_workspace, write_findings

from jtai.anonymity.guard import IdentifyingIndex, check_html
from jtai.errors import ExitCode, IdentifyingDataError


@pytest.fixture
def index() -> IdentifyingIndex:
    """One child: Keston Brinemore, NHS number 943 476 5919."""
    ix = IdentifyingIndex()
    ix.add_name("Keston", "Brinemore")
    ix.add_identifier("9434765919")
    return ix


@pytest.mark.parametrize(
    "html",
    [
        '<html><head><meta name="description" content="About Keston Brinemore"></head><body></body></html>',
        '<html><body><img src="chart.svg" alt="Cases of Keston Brinemore"></body></html>',
        '<html><body><abbr title="NHS 943 476 5919">a case</abbr></body></html>',
        '<html><body><span aria-label="Keston Brinemore">a child</span></body></html>',
    ],
    ids=["meta", "alt", "title", "aria-label"],
)
def test_names_in_attributes_are_refused(index: IdentifyingIndex, html: str) -> None:
    """A name or identifier in meta content, alt, title or aria-label text refuses the output."""
    with pytest.raises(IdentifyingDataError, match="would contain identifying data"):
        check_html(index, html, what="The letter")
    clean = html.replace("Keston Brinemore", "a child").replace("943 476 5919", "withheld")
    check_html(index, clean, what="The letter")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("Quillfeather was not seen by a social worker.", "name"), ("LA0012345 waited a year.", "identifier")],
)
def test_self_assessment_is_guarded(run, tmp_path: Path, text: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    """An action naming a loaded child refuses the self-assessment (exit 10) and writes no file."""
    ws = make_workspace(tmp_path / "ws")
    write_findings(ws, CLEAN_FINDINGS + f"  - {{kind: improvement, text: {text!r}, evidence: [audit]}}\n")
    out = tmp_path / "sa.html"
    result = run("--workspace", str(ws.root), "report", "self-assessment", "--html", str(out))
    assert result.exit_code == ExitCode.IDENTIFYING, result.output
    assert "The self-assessment would contain identifying data" in result.stderr
    assert kind in result.stderr
    assert not out.exists()
    write_findings(ws, CLEAN_FINDINGS)
    assert run("--workspace", str(ws.root), "report", "self-assessment", "--html", str(out)).exit_code == 0

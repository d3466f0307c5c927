"""The people inspection.yaml names (team, signatories, addressees) are public in every output."""

from __future__ import annotations

from pathlib import Path

import pytest
from _report_helpers import CLEAN_FINDINGS, write_findings

from jtai import workspace
from jtai.anonymity.guard import IdentifyingIndex
from jtai.report.evidence import settings_phrases
from jtai.report.letter_context import letter_from_workspace, people_phrases, public_phrases
from jtai.store.records import insert_records
from jtai.workspace import workspace_framework

TEAM = """\
team:
  - {name: Daniel Pascoe, inspectorate: Ofsted}
  - {name: Ruth Treloar, inspectorate: Ofsted}
"""
TEAM_SENTENCE = "Daniel Pascoe and Ruth Treloar led the Ofsted team."


def _workspace(root: Path) -> workspace.Workspace:
    """A workspace whose loaded child shares names with its team: Ruth Pascoe, mother Nia Kitto."""
    ws = workspace.create(root, area="Seaborough", framework="exploitation-2018")
    settings = ws.root / "inspection.yaml"
    text = settings.read_text(encoding="utf-8")
    director = "  - role: Director of Children's Services\n    name:\n"
    assert "team: []\n" in text and director in text
    text = text.replace("team: []\n", TEAM).replace(director, director.replace("name:", "name: Nia Kitto"))
    settings.write_text(text, encoding="utf-8")
    conn = ws.connect()
    try:
        insert_records(conn, [{"first_name": "Ruth", "last_name": "Pascoe", "child_id": "k1"}], agency="csc")
        insert_records(conn, [{"first_name": "Nia", "last_name": "Kitto", "child_id": "k2"}], agency="csc")
    finally:
        conn.close()
    return workspace.find(explicit=ws.root)


def test_every_output_blanks_the_same_people(tmp_path: Path) -> None:
    """Letter, evidence pack and self-assessment all treat the team, signatories and addressees as public."""
    ws = _workspace(tmp_path / "ws")
    people = people_phrases(ws.config)
    assert {"Daniel Pascoe", "Ruth Treloar", "Nia Kitto", "Director of Children's Services"} <= set(people)
    letter = letter_from_workspace(ws)
    assert set(people) <= set(public_phrases(letter, ws.config))
    assert set(people) <= set(settings_phrases(ws, workspace_framework(ws)))


@pytest.mark.parametrize("command", ["letter", "self-assessment"])
def test_cli_team_named_in_findings_is_not_refused(run, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    """A finding naming the inspection team passes the guard, though a loaded child shares their names."""
    ws = _workspace(tmp_path / "ws")
    write_findings(ws, CLEAN_FINDINGS + f"  - {{kind: main, section: front_door, text: {TEAM_SENTENCE!r}}}\n")
    out = tmp_path / "out.html"
    result = run("--workspace", str(ws.root), "report", command, "--html", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_cli_a_team_surname_alone_is_still_refused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Only the whole public phrase is blanked: "Pascoe" on its own is still a loaded child's name."""
    ws = _workspace(tmp_path / "ws")
    text = "Pascoe was seen twice."
    write_findings(ws, CLEAN_FINDINGS + f"  - {{kind: main, section: front_door, text: {text!r}}}\n")
    result = run("--workspace", str(ws.root), "report", "letter", "--html", str(tmp_path / "l.html"))
    assert result.exit_code == 10, result.output


@pytest.mark.parametrize(
    "text",
    [
        "Precious little time is given to return home interviews.",
        "Blessing the plan was not the same as agreeing it.",
        "Peace of mind for carers matters.",
        "Favour was shown to the older children.",
    ],
)
def test_ordinary_words_that_are_given_names_pass(text: str) -> None:
    """Sentence-initial ordinary words are not refused as a loaded child's first name."""
    index = IdentifyingIndex()
    for first in ("Precious", "Blessing", "Peace", "Favour"):
        index.add_name(first, "Adeyemi")
    assert index.scan_text(text) == []
    assert [hit.kind for hit in index.scan_text(text.split()[0] + " Adeyemi was seen.")] == ["name"]

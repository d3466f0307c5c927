"""`jtai findings`: aggregates and candidates by threshold; `findings check` over findings.yaml."""

from __future__ import annotations

import json

import pytest
from _score_helpers import ANN, BOB, FW, hand_case, judge

from jtai.errors import ConfigError, ExitCode
from jtai.scoring import findings, findings_file

A, B, C, D = "C-AAAA-AAAA", "C-BBBB-BBBB", "C-CCCC-CCCC", "C-DDDD-DDDD"


@pytest.fixture
def graded(ws):
    """Four cases: FD2 police mostly good, DD2 csc mostly inadequate, D not safer; one disagreement."""
    conn = ws.connect()
    for case in (A, B, C, D):
        hand_case(conn, case)
    for case, value in ((A, "good"), (B, "outstanding"), (C, "good"), (D, "good")):
        judge(conn, case, "FD2", "police", value)
    for case, value in ((A, "inadequate"), (B, "requires_improvement"), (C, "good"), (D, "inadequate")):
        judge(conn, case, "DD2", "csc", value)
    judge(conn, A, "DD2", "police", "good")
    judge(conn, A, "DD2", "police", "requires_improvement", rater=BOB)  # unresolved: counts as the lower
    judge(conn, A, "DD6", "health", "not_applicable")
    judge(conn, D, "case_question", "all", "no", note="still going missing")
    judge(conn, A, "case_question", "all", "yes", note="settled")
    judge(conn, A, "case_question", "all", "partly", rater=BOB, note="school unsure")
    return ws


def test_aggregate_counts_and_shares(graded) -> None:
    """Cells count final grades per criterion x agency; shares use graded cases only."""
    conn = graded.connect()
    cells = {(c.criterion, c.agency): c for c in findings.aggregate(conn, FW)}
    assert list(cells) == [("FD2", "police"), ("DD2", "csc"), ("DD2", "police"), ("DD6", "health")]
    fd2 = cells[("FD2", "police")]
    assert fd2.counts == {"good": 3, "outstanding": 1} and fd2.share_good == 1.0
    dd2 = cells[("DD2", "csc")]
    assert (dd2.graded, dd2.share_poor, dd2.share_worst) == (4, 0.75, 0.5)
    assert dd2.not_safer == [D]
    assert cells[("DD2", "police")].counts == {"requires_improvement": 1}
    assert cells[("DD2", "police")].unresolved == 1
    assert cells[("DD6", "health")].graded == 0 and cells[("DD6", "health")].share_good is None
    assert findings.case_answers(conn, FW) == {A: "unresolved", D: "no"}
    assert findings.question_counts(conn, FW) == {
        "yes": 0,
        "partly": 0,
        "no": 1,
        "too_early": 0,
        "unresolved": 1,
    }


def test_candidates_by_threshold(graded) -> None:
    """Good-or-better share makes a strength; inadequate share or a not-safer case a priority action."""
    cells = findings.aggregate(graded.connect(), FW)
    found = [(k.kind, k.criterion, k.agency, k.why) for k in findings.candidates(FW, cells)]
    assert found == [
        ("strength", "FD2", "police", "100% of 4 graded cases good or better"),
        (
            "priority_action",
            "DD2",
            "csc",
            "50% of 4 graded cases inadequate; 1 of them where the child is not safer",
        ),
    ]


def test_findings_cli(run, graded) -> None:
    """`jtai findings` prints the table and the candidates; --json carries the same."""
    text = run("-w", str(graded.root), "findings")
    assert text.exit_code == 0, text.output
    assert "Strength: FD2 police (100% of 4 graded cases good or better)" in text.stdout
    data = json.loads(run("-w", str(graded.root), "findings", "--json").stdout)
    assert data["case_question"]["no"] == 1
    assert [k["kind"] for k in data["candidates"]] == ["strength", "priority_action"]


FINDINGS = f"""\
headline:
  - Most children were safer.
findings:
  - id: S1
    kind: strength
    text: Police share information in the MASH quickly.
    agencies: [police]
    criteria: [FD2]
    cases: [{A}, {B}]
  - kind: strength
    text: Return home interviews are timely.
    agency: csc
    criteria: DD2
    cases: [{C}, {D}]
  - id: I1
    kind: area for improvement
    text: Police planning is weak.
    agencies: [police]
    criteria: [FD2]
    cases: [{A}]
  - id: P1
    kind: priority_action
    text: Missing children are not followed up.
    agencies: [csc]
    criteria: [DD2]
  - id: M1
    kind: main
    text: In {A} the plan drifted.
    agencies: [council]
    criteria: [ZZ9]
    section: middle
    cases: [C-ZZZZ-ZZZZ]
case_studies:
  - title: highly effective practice
    text: A 14-year-old who had repeatedly gone missing was found and helped.
    cases: [{D}]
  - kind: not_safer
    text: A child whose plan drifted.
  - text: A child helped by everyone.
    cases: [{A}]
"""


def test_findings_check_flags_each_problem(run, graded) -> None:
    """No evidence, contradicted strengths and improvements, unknown names and pseudonyms are flagged."""
    (graded.root / "findings.yaml").write_text(FINDINGS)
    result = run("-w", str(graded.root), "findings", "check")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stdout.splitlines() == [
        f"findings.yaml, line 10: finding 2: contradicted: it rests on {D}, graded inadequate.",
        f"findings.yaml, line 10: finding 2: contradicted: in {D} the child is not safer.",
        "findings.yaml, line 10: finding 2: contradicted: a key strength, but 3 of the 4 judgements "
        "under DD2 for csc (75%) are requires improvement or worse; a strength allows at most 34% "
        "(findings.strength_max_share_poor).",
        "findings.yaml, line 15: I1: contradicted: every case it rests on is graded good or better there.",
        "findings.yaml, line 15: I1: contradicted: an area for improvement, but 4 of the 4 judgements "
        "under FD2 for police (100%) are good or better; at 90% or more it is not one "
        "(findings.improvement_max_share_good).",
        "findings.yaml, line 21: P1: no evidence: it names no case or other evidence it rests on.",
        "findings.yaml, line 26: M1: the text names a case by its reference; the letter is public, "
        "describe the child instead.",
        "findings.yaml, line 26: M1: unknown case C-ZZZZ-ZZZZ.",
        "findings.yaml, line 26: M1: unknown agency 'council' (use csc, police, health, probation, yos, "
        "education, or none for the partnership).",
        "findings.yaml, line 26: M1: unknown criterion 'ZZ9' in exploitation-2018.",
        "findings.yaml, line 26: M1: unknown section 'middle' (use front_door, deep_dive, leadership).",
        f"findings.yaml, line 34: case study 1: contradicted: in {D} the child is not safer.",
        "findings.yaml, line 37: case study 2: no evidence: it names no case it rests on.",
        f"findings.yaml, line 39: case study 3: contradicted: most grades of {A} are below good.",
    ]
    assert "Error: " in result.stderr and "14 problem(s) in the findings" in result.stderr


def test_findings_check_duplicate_ids_and_unknown_agency(run, graded) -> None:
    """Each finding's problems name its own line; a repeated id and an unknown agency are problems."""
    (graded.root / "findings.yaml").write_text(
        "findings:\n"
        "  - id: S1\n    kind: strength\n    text: Police share information quickly.\n"
        "    criteria: [ZZ1]\n    cases: [C-ZZZZ-ZZZZ]\n"
        "  - id: S2\n    kind: main\n    text: The team works well.\n    agencies: [Brinemore's team]\n"
        "  - id: S1\n    kind: main\n    text: Another.\n"
    )
    result = run("-w", str(graded.root), "findings", "check")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stdout.splitlines() == [
        "findings.yaml, line 2: S1: unknown case C-ZZZZ-ZZZZ.",
        "findings.yaml, line 2: S1: unknown criterion 'ZZ1' in exploitation-2018.",
        "findings.yaml, line 2: S1: no evidence: its cases have no grade under its criteria and agencies.",
        'findings.yaml, line 7: S2: unknown agency "Brinemore\'s team" (use csc, police, health, probation, '
        "yos, education, or none for the partnership).",
        "findings.yaml, line 11: S1: the id S1 is already used on line 2.",
    ]
    data = json.loads(run("-w", str(graded.root), "findings", "check", "--json").stdout)
    assert {p["message"].split()[0] for p in data if p["severity"] == "warning"} == {
        "health",
        "probation",
        "yos",
        "education",
        "csc",
        "police",
    }
    assert [(p["finding"], p["line"]) for p in data if p["severity"] == "error"] == [
        ("S1", 2),
        ("S1", 2),
        ("S1", 2),
        ("S2", 7),
        ("S1", 11),
    ]
    doc = findings_file.load_findings(graded.root / "findings.yaml")
    assert (doc.finding_lines, doc.lines) == ([2, 7, 11], {"S1": 2, "S2": 7})
    problems = findings_file.check(graded.connect(), FW, doc, key=graded.key)
    assert problems[3].describe() == result.stdout.splitlines()[3].removeprefix("findings.yaml, ")


def test_findings_check_finds_hand_references(run, graded) -> None:
    """A hand-named case's reference in a finding's text is flagged like a pseudonym."""
    hand_case(graded.connect(), "audit-0042")
    (graded.root / "findings.yaml").write_text(
        "headline: [In audit-0042 the plan drifted.]\n"
        "findings:\n  - {kind: main, text: 'As audit-0042 shows, plans drift.'}\n"
        "  - {kind: main, text: 'Audits (not audit-00421) were late.'}\n"
    )
    result = run("-w", str(graded.root), "findings", "check")
    assert result.stdout.splitlines() == [
        "findings.yaml, headline 1: names a case by its reference; describe the child instead.",
        "findings.yaml, line 3: finding 1: the text names a case by its reference; the letter is public, "
        "describe the child instead.",
    ]


def test_findings_check_clean(run, graded) -> None:
    """A file whose findings rest on supporting evidence passes."""
    lines = FINDINGS.split("  - kind: strength")[0]
    (graded.root / "findings.yaml").write_text(lines)
    result = run("-w", str(graded.root), "findings", "check")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip()
        == "1 findings checked: the judgements bear each one out, and none names a child."
    )


def test_findings_file_shape(tmp_path) -> None:
    """Kinds and keys are checked with the line; other spellings the letter accepts are read."""
    path = tmp_path / "findings.yaml"
    path.write_text("findings:\n  - kind: strength\n    text: t\n  - kind: praise\n    text: t\n")
    with pytest.raises(ConfigError, match=r"findings.yaml, line 4: kind: input should be"):
        findings_file.load_findings(path)
    path.write_text(
        "findings:\n  - {kind: improvement, text: t, criteria: [DD9], evidence: profile dated 2016}\n"
    )
    assert findings_file.load_findings(path).findings[0].evidence == ["profile dated 2016"]
    path.write_text("findings: []\nauthor: me\n")
    with pytest.raises(ConfigError, match="author: unknown setting"):
        findings_file.load_findings(path)
    path.write_text(
        "headline: One paragraph.\nfindings:\n  - id: S1\n    kind: Key strength\n    text: |\n      two\n"
        "      lines\n    agency: police, csc\n    cases: C-AAAA-AAAA\n"
        "case_studies:\n  - {kind: poor, text: t}\n"
    )
    doc = findings_file.load_findings(path)
    assert doc.headline == ["One paragraph."]
    strength = doc.by_kind("strength")[0]
    assert (strength.text, strength.agencies, strength.cases) == (
        "two lines",
        ["police", "csc"],
        ["C-AAAA-AAAA"],
    )
    assert doc.case_studies[0].kind == "not_safer"
    assert doc.lines == {"S1": 3, "case study 1": 11}
    assert (doc.finding_lines, doc.study_lines) == ([3], [11])


def test_demo_findings_file_reads(tmp_path) -> None:
    """The demo's findings.yaml (written for the letter) fits the format."""
    from pathlib import Path

    demo = Path(__file__).resolve().parents[1] / "sample_data" / "demo" / "findings.yaml"
    doc = findings_file.load_findings(demo)
    assert doc.headline and doc.by_kind("strength") and doc.by_kind("main")


def test_report_facing_rows(graded) -> None:
    """Judgement rows for the report: ANN's and BOB's current grades are both listed."""
    from jtai.scoring.judgement_files import workspace_io

    rows = workspace_io.export_rows(graded.connect(), case_ref=A)
    assert {(r["criterion"], r["agency"], r["inspector"]) for r in rows} >= {
        ("DD2", "police", ANN.name),
        ("DD2", "police", BOB.name),
    }


def _doc(text: str) -> findings_file.FindingsDoc:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "findings.yaml"
        path.write_text(text, encoding="utf-8")
        return findings_file.load_findings(path)


def test_thresholds_come_from_the_framework(graded) -> None:
    """A strength at 75% below good is contradicted at the default 34%, not when the framework allows 80%."""
    from jtai.scoring.findings_evidence import evidence_problems

    doc = _doc("findings:\n  - {id: S1, kind: strength, text: Prompt., criteria: [DD2], agencies: [csc]}\n")
    items = findings.finals(graded.connect(), FW)
    ((_, message),) = evidence_problems(FW, doc, items)
    assert "3 of the 4 judgements under DD2 for csc (75%)" in message
    lenient = FW.model_copy(
        update={"findings": FW.findings.model_copy(update={"strength_max_share_poor": 0.8})}
    )
    assert evidence_problems(lenient, doc, items) == []
    strict = FW.model_copy(
        update={"findings": FW.findings.model_copy(update={"improvement_max_share_good": 1.0})}
    )
    better = _doc(
        "findings:\n  - {id: I1, kind: improvement, text: Slow., criteria: [FD2], agencies: [police]}\n"
    )
    assert next(m for _, m in evidence_problems(strict, better, items)).startswith("contradicted: an area")
    too_few = FW.model_copy(update={"findings": FW.findings.model_copy(update={"min_cases": 5})})
    assert evidence_problems(too_few, doc, items) == []
    bare = _doc("findings:\n  - {id: S9, kind: strength, text: Good., evidence: [minutes]}\n")
    assert [m for _, m in evidence_problems(FW, bare, items)] == [
        "names no criterion it rests on: add criteria: [...] from the framework."
    ]


def test_findings_check_runs_the_guard_by_finding_and_line(run, graded) -> None:
    """A near miss of a loaded child's name in findings.yaml: exit 10, naming the finding and its line."""
    from jtai.store.records import insert_records

    conn = graded.connect()
    insert_records(conn, [{"child_id": "k1", "first_name": "Daisy", "last_name": "Pellby"}], agency="csc")
    conn.close()
    (graded.root / "findings.yaml").write_text(
        "findings:\n"
        "  - {id: S1, kind: strength, text: Police share it., criteria: [FD2], evidence: [minutes]}\n"
        "  - id: I1\n    kind: improvement\n    text: 'Pe11by was not seen.'\n    criteria: [DD2]\n"
        "    evidence: [minutes]\n",
        encoding="utf-8",
    )
    result = run("-w", str(graded.root), "findings", "check")
    assert result.exit_code == ExitCode.IDENTIFYING, result.output
    assert "findings.yaml, line 3: I1: identifies a child: a name (P*****)." in result.stdout
    assert "Pe11by" not in result.output
    message = " ".join(result.stderr.split())
    assert "findings.yaml holds identifying data (1 found): line 3: I1: identifies a child" in message
    # agencies in scope that nothing in the letter would speak about are warned of
    assert "warning: probation is in scope, but no area for improvement" in message

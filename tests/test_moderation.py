"""`jtai moderate`: agreement per criterion and per pair, disagreements, and `moderate resolve`."""

from __future__ import annotations

import json

import pytest
from _score_helpers import ANN, BOB, hand_case, judge

from jtai.errors import ExitCode
from jtai.scoring import judgements
from jtai.scoring.agreement import NOTE_ONE_GRADE

CY = judgements.Rater("Cy", "hmicfrs")
A, B = "C-AAAA-AAAA", "C-BBBB-BBBB"
# (case, agency): (Ann's grade, Bob's grade) under FD2
FD2 = {
    (A, "csc"): ("good", "good"),
    (A, "police"): ("good", "requires_improvement"),
    (A, "health"): ("inadequate", "inadequate"),
    (B, "csc"): ("outstanding", "good"),
    (B, "police"): ("good", "good"),
    (B, "health"): ("requires_improvement", "requires_improvement"),
}


@pytest.fixture
def rated(ws):
    """Two inspectors rate FD2 on two cases (4 of 6 agree), DD6 all good, and a third rates one item."""
    conn = ws.connect()
    for case in (A, B):
        hand_case(conn, case, root=ws.root)
        for rater in (ANN, BOB):
            judge(conn, case, "DD6", "health", "good", rater=rater, root=ws.root)
    for (case, agency), (ann, bob) in FD2.items():
        judge(conn, case, "FD2", agency, ann, rater=ANN, root=ws.root)
        judge(conn, case, "FD2", agency, bob, rater=BOB, root=ws.root)
    judge(conn, A, "FD2", "csc", "good", rater=CY, root=ws.root)
    judge(conn, A, "FD2", "police", "not_applicable", rater=CY, root=ws.root)
    return ws


def test_moderate_json(run, rated) -> None:
    """Per criterion and per pair: percent agreement by hand, the one-grade paradox as null, never NaN."""
    result = run("-w", str(rated.root), "moderate", "--json")
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.stdout
    data = json.loads(result.stdout)
    assert data["inspectors"] == ["Ann", "Bob", "Cy"]
    assert data["double_rated"] == 8
    by_criterion = {c["criterion"]: c for c in data["criteria"]}
    fd2 = by_criterion["FD2"]
    assert fd2["n_units"] == 6 and fd2["n_raters"] == 3 and fd2["n_ratings"] == 13
    # item A csc: 3 pairs all agree; 3 other agreeing items 1/1; 2 disagreeing items 0/1
    assert fd2["percent_agreement"]["value"] == pytest.approx(4 / 6)
    assert -1 <= fd2["kappa"]["value"] <= 1
    assert fd2["alpha"]["ci_low"] is not None
    dd6 = by_criterion["DD6"]
    assert dd6["percent_agreement"]["value"] == 1.0
    assert dd6["kappa"]["value"] is None and dd6["kappa"]["note"] == NOTE_ONE_GRADE
    assert dd6["alpha"]["value"] is None and dd6["alpha"]["note"] == NOTE_ONE_GRADE
    assert dd6["ac1"]["value"] == pytest.approx(1.0)
    pairs = {tuple(p["inspectors"]): p for p in data["pairs"]}
    assert set(pairs) == {("Ann", "Bob"), ("Ann", "Cy"), ("Bob", "Cy")}
    assert pairs[("Ann", "Bob")]["n_units"] == 8
    assert pairs[("Ann", "Bob")]["percent_agreement"]["value"] == pytest.approx(6 / 8)
    assert pairs[("Ann", "Cy")]["kappa"]["value"] is None  # one shared graded item
    assert [(d["case"], d["criterion"], d["agency"], d["spread"]) for d in data["disagreements"]] == [
        (A, "FD2", "police", None),  # a grade against "not applicable": listed first, no spread
        (B, "FD2", "csc", 1),
    ]


def test_moderate_table_and_resolve(run, rated) -> None:
    """The table shows undefined statistics in words; resolve records the agreed grade."""
    table = run("-w", str(rated.root), "moderate")
    assert table.exit_code == 0, table.output
    assert "3 inspectors; 8 items rated by two or more; 2 disagreements (0 resolved)." in table.stdout
    assert "not defined (all ratings in one grade)" in table.stdout
    assert "nan" not in table.stdout.lower()
    args = ("-w", str(rated.root), "moderate", "resolve", B, "FD2", "csc", "--grade", "good")
    resolved = run(*args, "--note", "agreed at moderation", "--inspector", "Lead", "--inspectorate", "ofsted")
    assert resolved.exit_code == 0, resolved.output
    assert resolved.stdout.strip() == "Agreed: Good (version 1)."
    again = run(*args, "--grade", "outstanding", "--inspector", "Lead", "--inspectorate", "ofsted")
    assert again.exit_code == ExitCode.CONFLICT
    data = json.loads(run("-w", str(rated.root), "moderate", "--json").stdout)
    assert data["resolved"] == 1
    assert [d["agreed"] for d in data["disagreements"] if d["case"] == B] == ["good"]


def test_moderate_with_nothing_rated(run, ws) -> None:
    """No judgements: a plain message, and JSON with nulls."""
    assert (
        run("-w", str(ws.root), "moderate").stdout.strip() == "No graded judgements yet: nothing to moderate."
    )
    assert json.loads(run("-w", str(ws.root), "moderate", "--json").stdout)["overall"] is None

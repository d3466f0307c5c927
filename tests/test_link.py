"""Linking a workspace: accuracy on known children, twins, adults, reviewers' decisions, stable ids."""

from __future__ import annotations

import shutil

import _link_helpers as h
import pytest

from jtai import workspace
from jtai.errors import ConfigError, NotFoundError
from jtai.linkage import link
from jtai.store import linkage as store
from jtai.store import records


def _child_ids(conn) -> dict[int, str]:
    return {int(r[0]): str(r[1]) for r in conn.execute("SELECT id, child_id FROM records")}


@pytest.fixture
def linked(linked_twins_area, tmp_path):
    """A private copy of the linked workspace (300 children, 15 pairs of twins): a test may change it."""
    shutil.copytree(linked_twins_area.root, tmp_path / "ws")
    ws = workspace.Workspace(tmp_path / "ws")
    return ws, ws.connect(), linked_twins_area.truth, linked_twins_area.summary


def test_link_finds_children_accurately(linked) -> None:
    """Pairwise precision and recall against the true children are both high."""
    _ws, conn, truth, summary = linked
    precision, recall = h.pairwise(truth, _child_ids(conn))
    assert precision >= 0.99
    assert recall >= 0.98
    assert summary.records == len(truth)
    assert summary.children == len(set(_child_ids(conn).values()))


def test_twins_never_merge(linked) -> None:
    """No child id holds records of both twins (they share surname, birth date, sex and postcode)."""
    _ws, conn, truth, _summary = linked
    children = _child_ids(conn)
    by_child: dict[str, set[str]] = {}
    for rid, true in truth.items():
        by_child.setdefault(children[rid], set()).add(true)
    twins = {(f"T{j}", f"T{300 + j}") for j in range(15)}
    for held in by_child.values():
        assert not any(a in held and b in held for a, b in twins)


def test_rerun_keeps_every_child_id(linked) -> None:
    """Linking unchanged data again gives every record the same child id."""
    ws, conn, _truth, _summary = linked
    before = _child_ids(conn)
    link(ws, conn)
    assert _child_ids(conn) == before


def test_ids_carry_over_when_records_are_added(linked) -> None:
    """Loading one more file keeps the ids of children already linked."""
    ws, conn, _truth, _summary = linked
    before = _child_ids(conn)
    h.load(conn, {"yos": h.records(h.population(40, seed=9), seed=4)["police"]})
    link(ws, conn)
    after = _child_ids(conn)
    assert {rid: after[rid] for rid in before} == before


def test_reviewer_decisions_survive_relinking(linked) -> None:
    """'different' keeps a pair apart and 'same' joins it, on every later run."""
    ws, conn, _truth, summary = linked
    queue = store.review_queue(conn)
    assert len(queue) == summary.review_pairs >= 2
    (a, b), (c, d) = queue[0], queue[1]
    store.add_decision(conn, a, b, "different", "A. Inspector")
    store.add_decision(conn, c, d, "same", "A. Inspector")
    for _ in range(2):
        link(ws, conn)
        ids = _child_ids(conn)
        assert ids[a] != ids[b]
        assert ids[c] == ids[d]
        assert store.pair(conn, a, b)["status"] == "decided"
    assert (a, b) not in store.review_queue(conn)
    decided = store.decisions(conn)
    assert [(x["left_id"], x["right_id"], x["decision"], x["reviewer"]) for x in decided] == [
        (a, b, "different", "A. Inspector"),
        (c, d, "same", "A. Inspector"),
    ]


def test_adults_never_link_to_children(ws) -> None:
    """An adopter with a child's exact identity still gets an id of their own."""
    conn = ws.connect()
    person = {"first_name": "Sam", "last_name": "Fenmore", "dob": "2008-01-01", "sex": "male",
              "postcode": "SB1 1AA", "agency_person_id": "P1", "event_type": "person"}  # fmt: skip
    [child] = records.insert_records(conn, [person], file_name="csc.csv", agency="csc")
    [adult] = records.insert_records(
        conn, [{**person, "subject": "adult", "event_type": "adopter"}], file_name="annex.xlsx", agency="csc"
    )
    summary = link(ws, conn)
    ids = _child_ids(conn)
    assert ids[child] != ids[adult]
    assert (summary.children, summary.adults) == (1, 1)


def test_strong_identifier_links_despite_different_names(ws) -> None:
    """Records sharing a valid NHS number link even when names differ; invalid numbers do not count."""
    conn = ws.connect()
    rows = [
        {"first_name": "Amy", "last_name": "Oakby", "nhs_number": "943 476 5919", "agency_person_id": "A"},
        {"first_name": "Jo", "last_name": "Reedwell", "nhs_number": "9434765919", "agency_person_id": "B"},
        {"first_name": "Kit", "last_name": "Saltley", "nhs_number": "9434765918", "agency_person_id": "C"},
        {"first_name": "Lee", "last_name": "Tarnford", "nhs_number": "9434765918", "agency_person_id": "D"},
    ]
    a, b, c, d = records.insert_records(conn, rows, file_name="health.csv", agency="health")
    link(ws, conn)
    ids = _child_ids(conn)
    assert ids[a] == ids[b]
    assert len({ids[a], ids[c], ids[d]}) == 3


def test_link_with_no_records_says_what_to_do(ws) -> None:
    """Linking an empty workspace names the missing step."""
    with pytest.raises(NotFoundError, match="No records are loaded"):
        link(ws, ws.connect())


def test_thresholds_are_checked(ws) -> None:
    """A lower threshold above the upper one is a configuration error naming inspection.yaml and the line."""
    text = ws.config_path.read_text().replace("lower: 0.50", "lower: 0.99")
    ws.config_path.write_text(text)
    ws.__dict__.pop("config", None)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.strip().startswith("lower:"))
    with pytest.raises(
        ConfigError, match=rf"inspection\.yaml, line {line}: linkage\.lower \(0\.99\) is above linkage\.upper"
    ):
        link(ws, ws.connect())


def test_too_little_identity_for_a_model_says_so(ws, run) -> None:
    """Without names and dates of birth only identifiers link, and the command says so."""
    conn = ws.connect()
    rows = [{"first_name": "Amy", "agency_person_id": f"P{i}", "nhs_number": "9434765919" if i < 2 else None}
            for i in range(5)]  # fmt: skip
    records.insert_records(conn, rows, file_name="police.csv", agency="police")
    result = run("-w", str(ws.root), "link")
    assert result.exit_code == 0, result.output
    assert " ".join(result.stdout.split()).startswith(
        "5 records: 4 children; 1 automatic link (1 on identifiers, 0 by the model), 0 by reviewers; "
        "0 pairs awaiting review; 0 pairs kept apart by must-not-link rules."
    )
    assert (
        "Too few records have names and a date of birth to train the model, so only identifiers linked "
        "records this time." in " ".join(result.stdout.split())
    )

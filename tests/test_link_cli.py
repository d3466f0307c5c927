"""`jtai link`, `jtai link review`, `jtai link explain` and `jtai link export` from the command line."""

from __future__ import annotations

import csv
import json
import shutil
import stat

import pytest

from jtai import workspace
from jtai.store import linkage as store


@pytest.fixture
def ws_loaded(linked_twins_area, tmp_path):
    """A private copy of the linked workspace of 300 children and 15 pairs of twins."""
    shutil.copytree(linked_twins_area.root, tmp_path / "ws")
    return workspace.Workspace(tmp_path / "ws")


def test_link_prints_counts_and_json(ws_loaded, run) -> None:
    """`jtai link` says how many records, children, automatic links and pairs awaiting review."""
    result = run("-w", str(ws_loaded.root), "link", "--json")
    assert result.exit_code == 0, result.output
    s = json.loads(result.stdout)
    assert s["records"] == 1540
    assert s["automatic_links"] == s["deterministic_links"] + s["model_links"]
    # a decision is a new input, so the next run links again, incrementally (an unsure one changes nothing)
    conn = ws_loaded.connect()
    store.add_decision(conn, *store.review_queue(conn)[0], "unsure", "tester")
    result = run("-w", str(ws_loaded.root), "link")
    assert result.exit_code == 0, result.output
    assert (s["records"], s["children"], s["review_pairs"], s["blocked_pairs"]) == (1540, 315, 18, 63)
    expected = (
        "1,540 records: 315 children; 472 automatic links (149 on identifiers, 323 by the model), "
        "0 by reviewers; 17 pairs awaiting review; 63 pairs kept apart by must-not-link rules."
    )  # 18 less the one a reviewer answered
    assert " ".join(result.stdout.split()).startswith(expected)
    assert "Review the waiting pairs with: jtai link review" in result.stdout
    assert "Scoring pairs with new records (saved model)" in result.stderr  # progress
    again = run("-w", str(ws_loaded.root), "link")
    assert "Nothing changed since the last run" in again.stdout
    assert "Scoring" not in again.stderr


def test_review_is_blind_and_resumable(ws_loaded, run) -> None:
    """Same, skip, different, undo, unsure, quit: decisions stored with reviewer; resume shows the rest."""
    conn = ws_loaded.connect()
    queue = store.review_queue(conn)
    assert len(queue) >= 4
    result = run(
        "-w", str(ws_loaded.root), "link", "review", "--reviewer", "A. Inspector", input="s\nk\nd\nb\nu\nq\n"
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"Pair 1 of {len(queue)}: are these the same child?" in out
    assert f"Undone: your decision on R{queue[2][0]} and R{queue[2][1]}." in out
    assert "probab" not in out.lower() and "weight" not in out.lower()
    assert "≠" in out
    assert (
        f"2 decided, 1 skipped, {len(queue) - 2} still waiting. Run `jtai link` to apply the decisions."
        in out
    )
    decided = [(d["left_id"], d["right_id"], d["decision"], d["reviewer"]) for d in store.decisions(conn)]
    assert decided == [(*queue[0], "same", "A. Inspector"), (*queue[2], "unsure", "A. Inspector")]
    resumed = run("-w", str(ws_loaded.root), "link", "review", input="")
    assert resumed.exit_code == 0, resumed.output
    assert f"Pair 1 of {len(queue) - 2}" in resumed.stdout
    assert f"R{queue[1][0]}" in resumed.stdout.split("\n")[1]  # the header, piped as text


def test_explain_shows_weights(ws_loaded, run) -> None:
    """`jtai link explain` gives the verdict and each field's weight; --json gives the same as data."""
    left, right = store.review_queue(ws_loaded.connect())[0]
    result = run("-w", str(ws_loaded.root), "link", "explain", f"R{left}", f"R{right}", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(f["field"], f["field_label"]) for f in data["fields"]] == [
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("dob", "Date of birth"),
        ("postcode", "Postcode"),
        ("sex", "Sex"),
    ]
    total = data["prior_weight"] + sum(f["weight"] for f in data["fields"])
    assert abs(total - data["match_weight"]) < 0.05
    assert data["pair_status"] == "review"
    # any other record of the same person finds the pair its first record is in
    conn = ws_loaded.connect()
    other = [
        (a, row[0])
        for a, b in store.review_queue(conn)
        for row in conn.execute(
            "SELECT o.id FROM records r JOIN records o ON o.agency_person_id = r.agency_person_id "
            "AND o.id > r.id WHERE r.id = ?",
            (b,),
        )
    ]
    assert other
    again = run("-w", str(ws_loaded.root), "link", "explain", f"R{other[0][0]}", f"R{other[0][1]}", "--json")
    assert json.loads(again.stdout)["pair_status"] == "review"
    text = run("-w", str(ws_loaded.root), "link", "explain", f"R{left}", f"R{right}")
    assert text.stdout.startswith(data["verdict"].split(",")[0])
    assert "(prior)" in text.stdout


def test_explain_rejects_bad_references(ws_loaded, run) -> None:
    """A reference that is not R<number> is a usage error naming it."""
    result = run("-w", str(ws_loaded.root), "link", "explain", "R1", "Maya")
    assert result.exit_code == 2
    assert (
        result.stderr == "Error: 'Maya' is not a record reference; write a record as R<number>, e.g. R1042.\n"
    )


def test_export_writes_every_record(ws_loaded, run, tmp_path) -> None:
    """`jtai link export` writes one row per record with its child id and pseudonym, mode 0600."""
    out = tmp_path / "links.csv"
    result = run("-w", str(ws_loaded.root), "link", "export", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote 1,540 records to {out}.\n"
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 1540
    assert list(rows[0]) == ["record", "agency", "source_file", "sheet", "row", "agency_person_id", "subject",
                             "child_id", "child", "audit_head"]  # fmt: skip
    assert rows[0]["record"] == "R1" and rows[0]["child"].startswith("C-")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_refuses_an_existing_file_without_force(ws_loaded, run, tmp_path) -> None:
    """`jtai link export` onto an existing file exits 8 and keeps it; --force overwrites it."""
    out = tmp_path / "links.csv"
    out.write_text("mine", encoding="utf-8")
    result = run("-w", str(ws_loaded.root), "link", "export", str(out))
    assert result.exit_code == 8
    assert (
        result.stderr == f"Error: {out} already exists. Give --force to overwrite it, or name another file.\n"
    )
    assert out.read_text(encoding="utf-8") == "mine"
    forced = run("-w", str(ws_loaded.root), "link", "export", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1541


@pytest.mark.parametrize(
    "args", [["link"], ["link", "review"], ["link", "explain"], ["link", "export"], ["child"]]
)
def test_help_has_an_example(run, args) -> None:
    """Every linkage command's help shows an example."""
    result = run(*args, "--help")
    assert result.exit_code == 0, result.output
    assert "Example: jtai " in result.stdout


def test_review_before_linking_says_what_to_do(run, ws) -> None:
    """Reviewing before any linking run points to `jtai link`."""
    result = run("-w", str(ws.root), "link", "review", input="")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == "Nothing to review yet: run `jtai link` first.\n0 decided, 0 skipped, 0 still waiting.\n"
    )

"""A sample smaller than asked for: fewer eligible than the picks wanted, said plainly."""

from __future__ import annotations

import json

import pytest
from _sample_helpers import add_children

from jtai.workspace import Workspace


@pytest.mark.parametrize("as_json", [False, True])
def test_fewer_eligible_than_asked_is_said_plainly(run, ws: Workspace, as_json: bool) -> None:
    """--n 100000 on 30 eligible children: a warning on stderr, the heading and the stored notes say so."""
    add_children(ws)
    args = ("--workspace", str(ws.root), "sample", "tracked", "--n", "100000", "--seed", "1")
    result = run(*args, *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Warning: Only 30 children are eligible, fewer than the 100,000 asked for: "
        "sample 1 has 30 picks, not 100,000.\n"
    )
    note = (
        "Fewer children are eligible than asked for: 30 eligible, 100,000 asked for. "
        "All 30 are picked, and none is left to be a reserve."
    )
    if as_json:
        data = json.loads(result.stdout)
        assert data["summary"]["notes"] == [note]
        assert data["parameters"]["n"] == 100000
    else:
        assert " ".join(result.stdout.split()).startswith(
            "Tracked sample 1 (exploitation-2018): 30 picks (100,000 asked for) and 0 reserves "
            "from 30 eligible children. "
        )
        assert f"Note: {note}" in " ".join(result.stdout.split())
    shown = run("--workspace", str(ws.root), "sample", "show")
    assert "30 picks (100,000 asked for)" in " ".join(shown.stdout.split())


def test_front_door_fewer_than_asked(run, ws: Workspace) -> None:
    """The front door says the same in its own unit."""
    add_children(ws)
    result = run("--workspace", str(ws.root), "sample", "front-door", "--n", "500", "--seed", "1", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Warning: Only 40 contacts and referrals are eligible, fewer than the 500 asked for: "
        "sample 1 has 40 picks, not 500.\n"
    )
    notes = json.loads(result.stdout)["summary"]["notes"]
    assert notes == [
        "Fewer contacts and referrals are eligible than asked for: 40 eligible, 500 asked for. "
        "All 40 are picked."
    ]


def test_no_warning_when_the_sample_is_full(run, ws: Workspace) -> None:
    """A sample of the size asked for gives no warning."""
    add_children(ws)
    result = run("--workspace", str(ws.root), "sample", "tracked", "--n", "6", "--seed", "1", "--json")
    assert result.exit_code == 0 and result.stderr == ""

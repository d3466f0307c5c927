"""`jtai sample verify`: a sample drawn again, and checked against the audit log."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from _sample_helpers import add_children, sample_json

from jtai.errors import ExitCode
from jtai.workspace import Workspace


def _replaced(run, ws: Workspace) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A tracked sample (seed 6) whose first pick was replaced; the sample as shown after."""
    add_children(ws)
    data = sample_json(run, ws, "tracked", "--seed", "6")
    target = data["members"][0]["case"]
    result = run("--workspace", str(ws.root), "sample", "replace", target, "--reason", "in court")
    assert result.exit_code == 0, result.output
    return sample_json(run, ws, "show")


def _sql(ws: Workspace, statement: str, *params: object) -> None:
    raw = sqlite3.connect(ws.db_path)
    raw.execute(statement, params)
    raw.commit()
    raw.close()


def _verify(run, ws: Workspace):  # type: ignore[no-untyped-def]
    return run("--workspace", str(ws.root), "sample", "verify")


def test_draws_and_replacements_are_in_the_audit_log(run, ws: Workspace) -> None:
    """Draws and replacements are chained into the audit log; a member changed directly is found."""
    from jtai import audit

    shown = _replaced(run, ws)
    conn = ws.connect()
    entries = [(e["action"], e["case_ref"]) for e in audit.entries(conn)]
    conn.close()
    assert entries == [("sample.draw", None), ("sample.replace", shown["replacements"][0]["withdrawn"])]
    checked = run("--workspace", str(ws.root), "audit", "verify")
    assert checked.exit_code == 0, checked.output
    ok = _verify(run, ws)
    assert ok.exit_code == 0, ok.output
    assert "The audit log's entries for the draw and its replacements match." in " ".join(ok.stdout.split())
    _sql(ws, "UPDATE sample_members SET stratum = 'cse | 0-9 | male' WHERE position = 2")
    tampered = _verify(run, ws)
    assert tampered.exit_code == ExitCode.TAMPERED
    assert "changed behind the tool's back (member 2 is not the one the log records)" in " ".join(
        tampered.stderr.split()
    )


def test_a_reserve_made_a_pick_directly_is_found(run, ws: Workspace) -> None:
    """A reserve's role set to pick in the database, with no replacement, exits 9 and names it."""
    shown = _replaced(run, ws)
    reserve = next(m for m in shown["members"] if m["role"] == "reserve")
    _sql(ws, "UPDATE sample_members SET role = 'pick' WHERE position = ?", reserve["position"])
    result = run("--workspace", str(ws.root), "sample", "verify", "--json")
    assert result.exit_code == ExitCode.TAMPERED
    data = json.loads(result.stdout)
    assert (data["reproduced"], data["audit"]) == (False, "differs")
    assert data["changes"] == [f"member {reserve['position']}'s role is pick, not reserve"]


def test_deleted_replacements_are_found(run, ws: Workspace) -> None:
    """Deleting the stored replacement rows is found against the log, and so are the roles left behind."""
    shown = _replaced(run, ws)
    swap = shown["replacements"][0]
    _sql(ws, "DELETE FROM sample_replacements")
    result = _verify(run, ws)
    assert result.exit_code == ExitCode.TAMPERED
    text = " ".join(result.stderr.split())
    assert "0 replacements are stored and the log records 1" in text
    _sql(
        ws,
        "UPDATE sample_members SET role = drawn_as WHERE position IN (?, ?)",
        swap["withdrawn_position"],
        swap["reserve_position"],
    )
    data = json.loads(run("--workspace", str(ws.root), "sample", "verify", "--json").stdout)
    assert data["changes"] == [
        "0 replacements are stored and the log records 1",
        f"member {swap['withdrawn_position']}'s role is pick, not withdrawn",
        f"member {swap['reserve_position']}'s role is reserve, not pick",
    ]


@pytest.mark.parametrize(
    ("statement", "change"),
    [
        (
            "UPDATE sample_replacements SET reason = 'moved away'",
            "replacement 1 is not the one the log records",
        ),
        (
            "UPDATE sample_members SET position = position + 100 WHERE position = 12",
            "positions are not 1 to 12",
        ),
    ],
)
def test_a_changed_reason_or_order_is_found(run, ws: Workspace, statement: str, change: str) -> None:
    """A replacement's reason or a member's position changed directly exits 9."""
    _replaced(run, ws)
    _sql(ws, statement)
    result = _verify(run, ws)
    assert result.exit_code == ExitCode.TAMPERED
    assert change in " ".join(result.stderr.split())


def test_without_a_logged_draw_roles_follow_the_stored_replacements(run, ws: Workspace) -> None:
    """A sample whose draw is not in the log still has its roles checked against its replacements."""
    from jtai.sampling import load_sample, verify_sample
    from jtai.sampling.trail import Logged, changes

    shown = _replaced(run, ws)
    sample = load_sample(ws, shown["id"])
    assert changes(sample, Logged(None)) == []
    _sql(ws, "DELETE FROM sample_replacements")
    assert changes(load_sample(ws, shown["id"]), Logged(None)) == [
        f"member {shown['replacements'][0]['withdrawn_position']}'s role is withdrawn, not pick",
        f"member {shown['replacements'][0]['reserve_position']}'s role is pick, not reserve",
    ]
    assert verify_sample(ws, load_sample(ws, shown["id"])).tampered


def test_a_members_reason_edited_directly_is_found(run, ws: Workspace) -> None:
    """The reason `sample show` and exports print is checked against the log's digest: exit 9."""
    _replaced(run, ws)
    _sql(ws, "UPDATE sample_members SET reason = 'chosen by hand' WHERE position = 3")
    result = run("--workspace", str(ws.root), "sample", "verify", "--json")
    assert result.exit_code == ExitCode.TAMPERED
    data = json.loads(result.stdout)
    assert (data["audit"], data["reasons_checked"]) == ("differs", True)
    assert data["changes"] == ["the members' reasons are not the ones the log records"]


def test_the_log_holds_a_digest_of_the_reasons_not_their_text(run, ws: Workspace) -> None:
    """The draw's entry holds the reasons' SHA-256, and verify says the reasons were checked."""
    from jtai.sampling import load_sample
    from jtai.sampling.trail import logged, reasons_digest

    shown = _replaced(run, ws)
    sample = load_sample(ws, shown["id"])
    draw = logged(ws, sample.id).draw
    assert draw is not None
    assert draw["reasons_sha256"] == reasons_digest([(m.position, m.reason) for m in sample.members])
    assert not any(sample.members[0].reason in json.dumps(v) for v in draw.values())
    data = json.loads(run("--workspace", str(ws.root), "sample", "verify", "--json").stdout)
    assert (data["reproduced"], data["reasons_checked"]) == (True, True)
    assert "reasons cannot be checked" not in data["message"]


def test_an_older_draw_says_its_reasons_cannot_be_checked(
    run, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A draw logged before the log kept the reasons' digest: verify says so, and still checks the rest."""
    from jtai.sampling import verify as module
    from jtai.sampling.trail import Logged, logged

    def older(ws: Workspace, sample_id: int) -> Logged:
        log = logged(ws, sample_id)
        assert log.draw is not None
        return Logged({k: v for k, v in log.draw.items() if k != "reasons_sha256"}, log.replacements)

    _replaced(run, ws)
    monkeypatch.setattr(module, "logged", older)
    _sql(ws, "UPDATE sample_members SET reason = 'chosen by hand' WHERE position = 3")
    result = _verify(run, ws)
    assert result.exit_code == 0, result.output
    assert " ".join(result.stdout.split()).endswith(
        "The audit log's entries for the draw and its replacements match. The members' reasons cannot be "
        "checked: the log kept no digest of them when this sample was drawn (by an earlier version of jtai)."
    )

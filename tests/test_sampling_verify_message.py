"""`jtai sample verify` counts what differs when a stored sample was changed behind the tool's back."""

from __future__ import annotations

import json

from test_sampling_verify import _replaced, _sql

from jtai.errors import ExitCode
from jtai.workspace import Workspace


def test_message_counts_members_roles_order_and_reasons(run, ws: Workspace) -> None:
    """A reserve made a pick and a reason edited: 1 role and 1 reason are counted, not "0 members differ"."""
    shown = _replaced(run, ws)
    reserve = next(m for m in shown["members"] if m["role"] == "reserve")
    _sql(ws, "UPDATE sample_members SET role = 'pick' WHERE position = ?", reserve["position"])
    _sql(ws, "UPDATE sample_members SET reason = 'chosen by hand' WHERE position = 3")
    result = run("--workspace", str(ws.root), "sample", "verify", "--json")
    assert result.exit_code == ExitCode.TAMPERED
    data = json.loads(result.stdout)
    assert data["reasons_differing"] == [3]
    size, members = shown["frame_size"], len(shown["members"])
    assert data["message"] == (
        f"Sample {shown['id']} does not match what jtai drew: the same frame of {size} children "
        f"and seed 6 give the same {members} members. The stored sample differs from the audit log "
        "in 1 role and 1 reason: it was changed behind the tool's back (the members' reasons are not the "
        f"ones the log records; member {reserve['position']}'s role is pick, not reserve)."
    )


def test_message_counts_members_and_the_order(run, ws: Workspace) -> None:
    """Two strata and a position changed: the members, the order and the reasons digest are counted."""
    _replaced(run, ws)
    _sql(ws, "UPDATE sample_members SET stratum = 'x' WHERE position IN (2, 4)")
    _sql(ws, "UPDATE sample_members SET position = position + 100 WHERE position = 12")
    message = json.loads(run("--workspace", str(ws.root), "sample", "verify", "--json").stdout)["message"]
    assert "4 of 12 members differ" in message  # drawn again: 2, 4, the one at 112 and the one missing at 12
    assert "differs from the audit log in 4 members, the order and the reasons:" in message
    assert " 0 of " not in message

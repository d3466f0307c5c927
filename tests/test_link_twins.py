"""Twins never merge automatically; a name mistyped or written short is not a twin."""

from __future__ import annotations

import shutil

import _link_helpers as h
import pandas as pd
import pytest

from jtai import workspace
from jtai.linkage import link
from jtai.linkage.twins import TWIN_REASON, different_names, known_names, osa_distance
from jtai.store import records

KNOWN = frozenset({"ELLA", "ELLIE", "JACK", "JAKE", "JON", "JOHN", "ALEX", "ALEXANDER", "TOM", "HARRY"})


@pytest.mark.parametrize(
    ("a", "b", "twins"),
    [
        ("ELLA", "ELLIE", True),  # one name group, two names
        ("JACK", "JAKE", True),
        ("TOM", "HARRY", True),
        ("JON", "JOHN", False),  # one keystroke: a typo
        ("ALEX", "ALEXANDER", False),  # written short
        ("ELLA", "ELLA", False),
        ("ELLA", "ELLXE", False),  # not a name anyone else holds: a typo
    ],
)
def test_different_names(a: str, b: str, twins: bool) -> None:
    """Two first names are different names only when neither is a typo or a short form of the other."""
    assert different_names(a, b, KNOWN) is twins


def test_osa_distance_counts_a_swap_as_one() -> None:
    """Two neighbouring letters swapped is one edit, as a keystroke error is."""
    assert osa_distance("JOHN", "JHON") == 1
    assert osa_distance("ELLA", "ELLIE") == 2
    assert osa_distance("", "ABC") == 3


def test_known_names_are_in_the_table_or_held_twice() -> None:
    """A first name counts as a name when the table has it or two identities hold it."""
    known = known_names(pd.Series(["ZEPHYR", "ZEPHYR JAMES", "QWXZ", None]))
    assert "ZEPHYR" in known and "ELLA" in known
    assert "QWXZ" not in known


@pytest.fixture(scope="module")
def _twins_once(tmp_path_factory):
    """300 children in four agencies, plus twins Ella/Ellie and Jack/Jake recorded without NHS numbers."""
    root = tmp_path_factory.mktemp("twins") / "ws"
    ws = workspace.create(root, area="Seaborough", framework="exploitation-2018")
    conn = ws.connect()
    truth = h.load(conn, h.records(h.population(300)))
    twins = [
        ("E1", "Ella", "Brightwater", "2012-05-14", "female", "SB3 4DL"),
        ("E2", "Ellie", "Brightwater", "2012-05-14", "female", "SB3 4DL"),
        ("J1", "Jack", "Ormesby", "2010-11-02", "male", "SB5 2FN"),
        ("J2", "Jake", "Ormesby", "2010-11-02", "male", "SB5 2FN"),
    ]
    for agency in ("police", "health"):
        rows = [
            {
                "agency_person_id": f"{agency}-{t}",
                "first_name": f,
                "last_name": s,
                "dob": d,
                "sex": x,
                "postcode": p,
            }
            for t, f, s, d, x, p in twins
        ]
        for rid, (t, *_rest) in zip(records.insert_records(conn, rows, agency=agency), twins, strict=True):
            truth[rid] = t
    summary = link(ws, conn)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return root, truth, summary


@pytest.fixture
def twins_ws(_twins_once, tmp_path):
    """A private copy of the twins' workspace."""
    root, truth, summary = _twins_once
    shutil.copytree(root, tmp_path / "ws")
    ws = workspace.Workspace(tmp_path / "ws")
    return ws, ws.connect(), truth, summary


def test_twins_with_names_of_one_group_wait_for_review(twins_ws) -> None:
    """Ella/Ellie and Jack/Jake (same surname, birth date, sex, postcode) are never one child."""
    _ws, conn, truth, _summary = twins_ws
    child = dict(conn.execute("SELECT id, child_id FROM records"))
    held: dict[str, set[str]] = {}
    for rid, true in truth.items():
        held.setdefault(child[rid], set()).add(true)
    assert not any({"E1", "E2"} <= s or {"J1", "J2"} <= s for s in held.values())
    # each twin's own records (two agencies) are one child
    for twin in ("E1", "E2", "J1", "J2"):
        assert len({child[r] for r, t in truth.items() if t == twin}) == 1
    reasons = conn.execute(
        "SELECT p.reason FROM link_pairs p JOIN records a ON a.id = p.left_id "
        "JOIN records b ON b.id = p.right_id WHERE p.status = 'review' "
        "AND a.last_name = b.last_name AND a.last_name IN ('Brightwater', 'Ormesby')"
    ).fetchall()
    assert reasons and all(r[0] == TWIN_REASON for r in reasons)
    assert len(reasons) == 8  # each twin's two records against the other's two, for both pairs


def test_a_reviewer_can_still_link_twin_looking_records(twins_ws) -> None:
    """A reviewer's "same" on a twin-looking pair links it next run (the rule stops automatic links only)."""
    ws, conn, _truth, _summary = twins_ws
    left, right = conn.execute(
        "SELECT p.left_id, p.right_id FROM link_pairs p JOIN records a ON a.id = p.left_id "
        "WHERE p.status = 'review' AND a.last_name = 'Ormesby'"
    ).fetchone()
    from jtai.store import linkage as store

    store.add_decision(conn, left, right, "same", "tester")
    link(ws, conn)
    ids = conn.execute("SELECT child_id FROM records WHERE id IN (?, ?)", (left, right)).fetchall()
    assert ids[0][0] == ids[1][0]

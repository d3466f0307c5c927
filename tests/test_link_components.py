"""Which atoms an incremental run clusters again: the components new records can change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jtai.linkage.components import touched_atoms
from jtai.linkage.normalise import STRONG_IDS
from jtai.linkage.steps import Identities
from jtai.store.connection import connect

NEWER_THAN = 100  # the last run read records 1..100

# atom: (smallest record id, first name, NHS number)
ATOMS = [
    (1, "QUORRA", None),  # 0: a name held once before; the new atom 7 holds it too
    (2, "ZEBEDIAH", None),  # 1: scored with 0 (they look like twins once QUORRA is a name)
    (3, "AMELIA", None),  # 2: gains a record (101)
    (4, "AMELIA", None),  # 3: scored with 2
    (5, "BORIS", "9434765919"),  # 4: shares its NHS number with the new atom 8
    (6, "CALLUM", None),  # 5: scored with 6; nothing new reaches them
    (7, "CALLUM", None),  # 6
    (102, "QUORRA", None),  # 7: new
    (103, "BORISLAV", "9434765919"),  # 8: new
]
RECORDS = [(1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 5), (7, 6), (101, 2), (102, 7), (103, 8)]
PAIRS = [(0, 1), (2, 3), (5, 6)]


def _data() -> Identities:
    atoms = pd.DataFrame(
        {
            "id": [a[0] for a in ATOMS],
            "subject": "child",
            "agency": "health",
            "agency_person_id": [f"P{a[0]}" for a in ATOMS],
            "first_name": [a[1] for a in ATOMS],
            **{k: [None] * len(ATOMS) for k in STRONG_IDS},
        }
    )
    atoms["nhs_number"] = [a[2] for a in ATOMS]
    ids, atom = zip(*RECORDS, strict=True)
    return Identities(atoms, np.array(ids), np.array(atom), np.zeros(len(ids), dtype=bool))


def _scored(pairs: list[tuple[int, int]]) -> pd.DataFrame:
    left, right = zip(*pairs, strict=True)
    return pd.DataFrame(
        {"node_id_l": left, "node_id_r": right, "match_probability": 0.99, "match_weight": 9.0}
    )


@pytest.fixture
def conn(tmp_path):
    return connect(tmp_path / "jtai.db")


def test_new_atoms_atoms_with_new_records_and_new_names_reach_their_whole_component(conn) -> None:
    """New atoms, atoms that gained records, names that became names: their components, and only those."""
    touched, known = touched_atoms(conn, _data(), _scored(PAIRS), NEWER_THAN)
    assert np.flatnonzero(touched).tolist() == [0, 1, 2, 3, 4, 7, 8]
    assert "QUORRA" in known and "ZEBEDIAH" not in known


def test_a_name_held_twice_before_touches_nothing(conn) -> None:
    """A first name that was a name already: the new atom holding it reaches nothing else."""
    data = _data()
    data.atoms.loc[1, "first_name"] = "QUORRA"  # 0 and 1 held it before: no change for them
    touched, _ = touched_atoms(conn, data, _scored([(2, 3), (5, 6)]), NEWER_THAN)
    assert not touched[[0, 1, 5, 6]].any()
    assert touched[[2, 3, 4, 7, 8]].all()


def test_an_agency_person_id_reaches_the_same_agency_s_atoms_only(conn) -> None:
    """An old atom under a new record's agency person id is clustered again; another agency's is not."""
    data = _data()
    data.atoms.loc[5, "agency_person_id"] = "P103"  # health's person P103 is new atom 8 too
    data.atoms.loc[6, ["agency", "agency_person_id"]] = ["police", "P102"]  # police's P102, not health's
    touched, _ = touched_atoms(conn, data, _scored([(0, 1), (2, 3)]), NEWER_THAN)
    assert touched[5] and not touched[6]


def test_a_reviewers_decision_touches_its_components(conn) -> None:
    """Both records of a decision: their components are clustered again."""
    conn.execute(
        "INSERT INTO link_decisions (left_id, right_id, decision, reviewer, decided_at) "
        "VALUES (6, 7, 'different', 'tester', '2018-03-19')"
    )
    touched, _ = touched_atoms(conn, _data(), _scored(PAIRS), NEWER_THAN)
    assert touched.all()


def test_only_new_and_changed_pairs_are_written() -> None:
    """A pair as the last run kept it is not written again; a new one, or another status or reason, is."""
    from jtai.linkage.incremental import PAIR_COLUMNS, Increment
    from jtai.linkage.steps import ModelResult

    kept = pd.DataFrame(
        [
            (1, 2, 0.99, 9.0, "linked", None),
            (3, 4, 0.7, 2.0, "review", None),
            (5, 6, 0.98, 8.0, "linked", None),
        ],
        columns=list(PAIR_COLUMNS),
    )
    increment = Increment(ModelResult(kept.iloc[:0], None, None), 1, kept)
    rows = [
        (1, 2, 0.99, 9.0, "linked", None),  # as it was
        (3, 4, 0.7, 2.0, "blocked", "different NHS numbers"),  # another status
        (5, 6, 0.98, 8.0, "linked", "joined through other records"),  # another reason
        (7, 8, 0.6, 1.0, "review", None),  # new
    ]
    assert increment.changed(rows) == rows[1:]
    assert increment.changed(rows[:1]) == []

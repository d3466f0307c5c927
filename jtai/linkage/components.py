"""Incremental runs cluster again only the part of the workspace that new records can change.

Every outcome of clustering (links, must-not-link rules, the twin test, pair statuses and
stable child ids) depends only on one connected component of a graph whose nodes are the
atoms and whose edges are the scored pairs, shared identifiers and reviewers' decisions,
with one exception: whether a first word counts as a name in the twin test depends on counts
over every identity (see :mod:`.twins`). So after records are added, with no decision
changed since the last run, a component is clustered again when it holds

- an atom that is new or gained records;
- an atom whose first name became a name with the new records (held by a second identity);
- an atom a reviewer's decision is about (decisions are few).

Every other component keeps its child ids and its pairs' statuses as the last run saved
them, which is what clustering everything would give them. The counts of the run are the
last run's, less what the components clustered again held before, plus what they hold now.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jtai.linkage.nicknames import NAME_GROUPS
from jtai.linkage.normalise import STRONG_IDS
from jtai.linkage.steps import (
    Identities,
    ModelResult,
    Outcome,
    Parts,
    cluster,
    link_deterministic,
)
from jtai.linkage.twins import first_words, names_held
from jtai.store import link_basis
from jtai.store import linkage as store

if TYPE_CHECKING:
    import sqlite3

    import numpy as np
    import pandas as pd

    from jtai.linkage.incremental import Increment


@dataclass(frozen=True)
class Change:
    """An incremental run's data, its pairs, the highest record id the last run read, and that run."""

    data: Identities
    increment: Increment
    newer_than: int
    last: dict[str, Any] | None


def recluster(conn: sqlite3.Connection, change: Change, upper: float) -> Outcome | None:
    """Cluster only the components records were added to (see the module's rules).

    Returns:
        The outcome for the whole workspace, with ``rows`` and ``assigned`` covering only
        the components clustered again; None when the last run cannot stand for the
        others (a reviewer's decision made or undone since, or no summary): cluster all.
    """
    last = change.last
    if last is None or not last.get("summary") or not last.get("basis"):
        return None
    if json.loads(last["basis"]).get("decisions") != link_basis.decisions_now(conn):
        return None
    data, newer_than = change.data, change.newer_than
    scored = change.increment.model.scored
    touched, known = touched_atoms(conn, data, scored, newer_than)
    old = data.atoms["id"].to_numpy() <= newer_than
    records = touched[data.record_atom]
    previous = store.child_ids_of(conn, data.record_ids[records])
    parts = Parts(known, previous, store.held_child_ids(conn))
    now, _ = cluster(conn, _part(data, touched), upper, lambda: _pairs_of(scored, touched), _quiet, parts)
    _, _, was = link_deterministic(conn, _part(data, touched & old), _quiet)
    summary = json.loads(last["summary"])
    kept = change.increment.kept
    untouched = ~touched[kept["node_id_l"].to_numpy()]
    status = kept["status"].to_numpy(dtype=object)[untouched]
    by_model = int(((status == "linked") & kept["reason"].isna().to_numpy()[untouched]).sum())
    held_before = [previous.get(int(i)) for i in data.record_ids[records]]
    adult = data.adult[records]
    return Outcome(
        rows=now.rows,
        assigned=now.assigned,
        records=len(data.record_ids),
        children=_recount(summary["children"], held_before, now.assigned["child_id"], ~adult),
        adults=_recount(summary["adults"], held_before, now.assigned["child_id"], adult),
        deterministic_links=int(summary["deterministic_links"]) - was + now.deterministic_links,
        reviewer_links=now.reviewer_links,
        model_links=by_model + now.model_links,
        review_pairs=int((status == "review").sum()) + now.review_pairs,
        blocked_pairs=int((status == "blocked").sum()) + now.blocked_pairs,
    )


def touched_atoms(
    conn: sqlite3.Connection, data: Identities, scored: pd.DataFrame, newer_than: int
) -> tuple[np.ndarray, set[str]]:
    """Which atoms are in a component to cluster again, and the first words that are names now.

    Args:
        conn: the store (for reviewers' decisions).
        data: every record's identity; an atom is new when its ``id`` is above ``newer_than``.
        scored: every scored pair (``node_id_l``, ``node_id_r``: atom numbers).
        newer_than: the highest record id the last run read.
    """
    old = data.atoms["id"].to_numpy() <= newer_than
    words = first_words(data.atoms["first_name"])
    counts = words.value_counts()
    known = names_held(counts)
    before = words[old].value_counts().reindex(counts.index, fill_value=0)
    became = {str(w) for w in counts[(counts >= 2) & (before < 2)].index if w} - set(NAME_GROUPS)
    seeds = ~old
    seeds[data.record_atom[data.record_ids > newer_than]] = True
    if became:
        seeds |= words.isin(became).to_numpy(dtype=bool)
    decided = _decision_atoms(conn, data)
    seeds[decided.ravel()] = True
    edges = [
        (scored["node_id_l"].to_numpy(), scored["node_id_r"].to_numpy()),
        *_identifier_edges(data.atoms),
        (decided[:, 0], decided[:, 1]),
    ]
    return _components_of(len(data.atoms), edges, seeds), known


def _quiet(_name: str) -> None:
    """No progress lines for the part clustered again (the run reports "Forming clusters")."""


def _decision_atoms(conn: sqlite3.Connection, data: Identities) -> np.ndarray:
    """The atoms of both records of every decision whose records are both loaded, as rows of two."""
    import numpy as np

    pairs = [(d["left_id"], d["right_id"]) for d in store.decisions(conn)]
    ids = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    order = np.argsort(data.record_ids, kind="stable")
    at = np.searchsorted(data.record_ids, ids, sorter=order).clip(max=len(order) - 1)
    found = data.record_ids[order[at]] == ids
    both = found.all(axis=1)
    return np.asarray(data.record_atom[order[at[both]]], dtype=np.int64).reshape(-1, 2)


def _identifier_edges(atoms: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """Atoms sharing a strong identifier or an agency's person id, each joined to the first of its group.

    A group is the atoms of one subject (child or adult) holding one value of the key; the
    values are numbered once per column, so grouping is on numbers, not strings.
    """
    import numpy as np
    import pandas as pd

    def numbered(column: str) -> tuple[np.ndarray, int]:
        codes, values = pd.factorize(atoms[column])
        return codes.astype(np.int64), len(values)

    subject, subjects = numbered("subject")
    agency, agencies = numbered("agency")
    edges = []
    for key in [*STRONG_IDS, "agency_person_id"]:
        value, _ = numbered(key)
        members = np.flatnonzero(value >= 0)
        if not len(members):
            continue
        group = value * subjects + subject
        if key == "agency_person_id":
            group = group * agencies + agency
        _, first, inverse = np.unique(group[members], return_index=True, return_inverse=True)
        edges.append((members, members[first[inverse]]))
    return edges


def _components_of(size: int, edges: list[tuple[np.ndarray, np.ndarray]], seeds: np.ndarray) -> np.ndarray:
    """Which nodes share a connected component with a seed."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    left = np.concatenate([np.asarray(e[0], dtype=np.int64) for e in edges])
    right = np.concatenate([np.asarray(e[1], dtype=np.int64) for e in edges])
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(size, size)).tocsr()
    _, labels = connected_components(graph, directed=False)
    return np.isin(labels, np.unique(labels[seeds]))


def _part(data: Identities, atoms: np.ndarray) -> Identities:
    """The atoms flagged in ``atoms`` and their records, numbered afresh in the same order."""
    import numpy as np

    number = np.cumsum(atoms) - 1
    records = atoms[data.record_atom]
    return Identities(
        data.atoms[atoms].reset_index(drop=True),
        data.record_ids[records],
        number[data.record_atom[records]],
        data.adult[records],
    )


def _pairs_of(scored: pd.DataFrame, atoms: np.ndarray) -> ModelResult:
    """The scored pairs between the atoms flagged in ``atoms``, numbered as :func:`_part` numbers them."""
    import numpy as np

    number = np.cumsum(atoms) - 1
    inside = scored[atoms[scored["node_id_l"].to_numpy()]]
    return ModelResult(
        inside.assign(
            node_id_l=number[inside["node_id_l"].to_numpy()], node_id_r=number[inside["node_id_r"].to_numpy()]
        ),
        None,
        None,
    )


def _recount(total: int, before: list[str | None], now: pd.Series, counted: np.ndarray) -> int:
    """``total`` distinct child ids, less those the counted records held, plus those they hold now."""
    held = {child for child, keep in zip(before, counted.tolist(), strict=True) if keep and child is not None}
    return int(total) - len(held) + int(now[counted].nunique())

"""The steps of one ``jtai link`` run, each a function with a small result of its own.

read the identities -> apply reviewers' decisions -> link on identifiers -> score pairs with
the model -> classify the scored pairs (link, review, blocked) -> assign child ids.
:func:`jtai.linkage.run.link` runs them in that order and saves the outcome in one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from jtai.errors import NotFoundError
from jtai.linkage.clusters import ConstrainedUnionFind, stable_child_ids
from jtai.linkage.comparisons import BASE_COLUMNS, OPTIONAL_FIELDS
from jtai.linkage.normalise import STRONG_IDS, identity_frame
from jtai.linkage.probabilistic import Step, train_and_predict
from jtai.linkage.spark import spark_api
from jtai.linkage.twins import TWIN_REASON, twin_pairs
from jtai.store import linkage as store

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

    import numpy as np
    import pandas as pd

# Fewer identities with names and a date of birth than this, and there is no model to train.
MIN_MODEL_IDENTITIES = 20
NO_MODEL = (
    "Too few records have names and a date of birth to train the model, so only identifiers "
    "linked records this time."
)
JOINED = "joined through other records"
# the normalised fields as recorded (the other model columns are derived from them)
_ATOM_FIELDS = [
    "subject", "agency", "agency_person_id", *STRONG_IDS, "first_name", "last_name", "dob",
    *OPTIONAL_FIELDS,
]  # fmt: skip
# the columns the model may read, in order, without repeats
NODE_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys((*BASE_COLUMNS, *OPTIONAL_FIELDS, "street_sdx", "locality_sdx"))
)


@dataclass(frozen=True)
class Identities:
    """The records as linkage sees them.

    Attributes:
        atoms: one row per atom (records certainly one person: same agency, person id and
            identity as recorded); ``id`` is its smallest record id.
        record_ids: every record id.
        record_atom: the atom of each record (aligned with ``record_ids``).
        adult: whether each record is an adult's (aligned with ``record_ids``).
    """

    atoms: pd.DataFrame
    record_ids: np.ndarray
    record_atom: np.ndarray
    adult: np.ndarray


@dataclass(frozen=True)
class Decided:
    """Reviewers' decisions as applied: links made, and the pairs decided (record ids)."""

    links: int
    pairs: frozenset[tuple[int, int]]


@dataclass(frozen=True)
class ModelResult:
    """Pairs the model scored at or above ``lower``, the model as JSON, and why there is none."""

    scored: pd.DataFrame
    model_json: str | None
    note: str | None


@dataclass(frozen=True)
class PairStatus:
    """What became of one scored pair (keyed by the atoms' representative records)."""

    left: int
    right: int
    probability: float
    weight: float
    status: str
    reason: str | None = None

    def row(self) -> tuple[int, int, float, float, str, str | None]:
        """The ``link_pairs`` row."""
        return (self.left, self.right, self.probability, self.weight, self.status, self.reason)


@dataclass(frozen=True)
class Classified:
    """Every scored pair's status, and how many links the model made."""

    pairs: tuple[PairStatus, ...]
    model_links: int

    def count(self, status: str) -> int:
        """How many pairs have ``status``."""
        return sum(1 for p in self.pairs if p.status == status)


@dataclass(frozen=True)
class Outcome:
    """What clustering gives a run: pairs to write, child ids, and the counts of its summary.

    Attributes:
        rows: the ``link_pairs`` rows of the pairs clustered.
        assigned: ``id``, ``child_id`` and ``changed`` (differs from the id held before)
            of the records clustered.
        records, children, adults: over the whole workspace.
        deterministic_links, reviewer_links, model_links: links made on identifiers, by
            reviewers' decisions and by the model.
        review_pairs, blocked_pairs: pairs waiting for review, kept apart by a rule.
    """

    rows: list[tuple[int, int, float, float, str, str | None]]
    assigned: pd.DataFrame
    records: int
    children: int
    adults: int
    deterministic_links: int
    reviewer_links: int
    model_links: int
    review_pairs: int
    blocked_pairs: int

    def counts(self) -> dict[str, int]:
        """The counts of the run's summary, by their names there."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("rows", "assigned")}


@dataclass(frozen=True)
class Parts:
    """Where to take what clustering reads, when ``data`` is only part of the workspace.

    Attributes:
        known: the first words that are names (counted over every identity).
        previous: the child id each record of ``data`` holds now.
        seen: every child id held now.
    """

    known: set[str]
    previous: dict[int, str]
    seen: set[str]


def cluster(
    conn: sqlite3.Connection,
    data: Identities,
    upper: float,
    score: Callable[[], ModelResult],
    report: Step,
    parts: Parts | None = None,
) -> tuple[Outcome, ModelResult]:
    """Link on decisions and identifiers, score with ``score``, link the scored pairs, give child ids.

    Returns:
        The outcome for the records of ``data``, and the model ``score`` gave.
    """
    uf, decided, deterministic = link_deterministic(conn, data, report)
    model = score()
    report("Forming clusters")
    pairs = classify_pairs(data, model, uf, decided.pairs, upper, parts.known if parts else None)
    assigned = assign_child_ids(conn, data, uf, parts)
    outcome = Outcome(
        rows=[p.row() for p in pairs.pairs],
        assigned=assigned,
        records=len(assigned),
        children=int(assigned.loc[~data.adult, "child_id"].nunique()),
        adults=int(assigned.loc[data.adult, "child_id"].nunique()),
        deterministic_links=deterministic,
        reviewer_links=decided.links,
        model_links=pairs.model_links,
        review_pairs=pairs.count("review"),
        blocked_pairs=pairs.count("blocked"),
    )
    return outcome, model


def read_identities(conn: sqlite3.Connection) -> Identities:
    """Read and normalise every distinct identity, grouped into atoms.

    Raises:
        NotFoundError: no records are loaded.
    """
    groups, record_ids, record_group = store.identity_groups(conn)
    if len(record_ids) == 0:
        raise NotFoundError(
            "No records are loaded, so there is nothing to link.", hint="Run `jtai load` first."
        )
    ident = identity_frame(groups)
    keys = atom_keys(ident)
    ident["atom"] = ident.groupby(keys, dropna=False, sort=False).ngroup()
    atoms = ident.groupby("atom", sort=True).first()  # rows in id order: id = smallest record id
    record_atom = ident["atom"].to_numpy()[record_group]
    adult = (ident["subject"].to_numpy() == "adult")[record_group]
    return Identities(atoms, record_ids, record_atom, adult)


def atom_keys(*frames: pd.DataFrame) -> list[str]:
    """The fields that make an atom; an optional field only where some identity of ``frames`` fills it."""
    return [f for f in _ATOM_FIELDS if f not in OPTIONAL_FIELDS or any(x[f].notna().any() for x in frames)]


def link_deterministic(
    conn: sqlite3.Connection, data: Identities, report: Step
) -> tuple[ConstrainedUnionFind, Decided, int]:
    """Reviewers' decisions, then shared identifiers: the union-find, the decisions, the identifier links."""
    uf = ConstrainedUnionFind(
        data.atoms["nhs_number"].tolist(), data.atoms["sex"].tolist(), upn=data.atoms["upn"].tolist()
    )
    decided = apply_decisions(conn, data, uf)
    report("Linking on NHS number, council child id, UPN and PNC id")
    return uf, decided, link_identifiers(data.atoms, uf)


def apply_decisions(conn: sqlite3.Connection, data: Identities, uf: ConstrainedUnionFind) -> Decided:
    """Reviewers' decisions: "different" becomes a must-not-link rule, then "same" links."""
    import numpy as np

    decided = store.decisions(conn)
    wanted = {d["left_id"] for d in decided} | {d["right_id"] for d in decided}
    held = np.isin(data.record_ids, np.fromiter(wanted, dtype=np.int64, count=len(wanted)))
    atom_of = dict(zip(data.record_ids[held].tolist(), data.record_atom[held].tolist(), strict=True))
    for d in decided:
        a, b = atom_of.get(d["left_id"]), atom_of.get(d["right_id"])
        if d["decision"] == "different" and a is not None and b is not None:
            uf.cannot.setdefault(a, set()).add(b)
            uf.cannot.setdefault(b, set()).add(a)
    links = 0
    for d in decided:
        a, b = atom_of.get(d["left_id"]), atom_of.get(d["right_id"])
        if d["decision"] == "same" and a is not None and b is not None:
            links += uf.union(a, b)[0]
    return Decided(links, frozenset((d["left_id"], d["right_id"]) for d in decided))


def link_identifiers(atoms: pd.DataFrame, uf: ConstrainedUnionFind) -> int:
    """Link atoms sharing a strong identifier or an agency's person id; the links made."""
    made = 0
    keys: list[list[str]] = [[k] for k in STRONG_IDS] + [["agency", "agency_person_id"]]
    for key in keys:
        subset = atoms.dropna(subset=key)
        if subset.empty:
            continue
        # idxmin: the atom number of the atom with the smallest record id sharing the key
        first = subset.groupby(["subject", *key], sort=False)["id"].transform("idxmin")
        for a, b in zip(subset.index.tolist(), first.tolist(), strict=True):
            if a != b:
                made += uf.union(int(a), int(b))[0]
    return made


def score_identities(
    atoms: pd.DataFrame,
    lower: float,
    report: Step,
    run_on: tuple[str, dict[str, Any]] = ("duckdb", {}),
) -> ModelResult:
    """Train the model on the atoms and score candidate pairs (none when it cannot train).

    The model scores atoms, not distinct identities: two agencies recording one identity
    are the pairs that teach EM what a match looks like. ``run_on`` is the engine and its
    options (see :func:`jtai.linkage.run.engine_options`).
    """
    import numpy as np
    import pandas as pd
    from splink.internals.exceptions import SplinkException

    nodes = atoms[list(NODE_COLUMNS)].reset_index(drop=True)
    nodes.insert(0, "node_id", np.arange(len(nodes), dtype="int64"))
    empty = pd.DataFrame(
        {
            "node_id_l": pd.Series(dtype="int64"),
            "node_id_r": pd.Series(dtype="int64"),
            "match_probability": pd.Series(dtype="float64"),
            "match_weight": pd.Series(dtype="float64"),
        }
    )
    usable = int(nodes[["first_name", "last_name", "dob"]].notna().all(axis=1).sum())
    if usable < MIN_MODEL_IDENTITIES:
        return ModelResult(empty, None, NO_MODEL)
    try:
        if run_on[0] == "spark":
            report("Starting Spark")
            with spark_api(run_on[1]) as api:
                scored, model = train_and_predict(nodes, lower, report, db_api=api)
        else:
            scored, model = train_and_predict(nodes, lower, report)
    except (SplinkException, ValueError, ZeroDivisionError):
        # splink cannot train on degenerate data (e.g. no pair agrees on anything); an
        # interrupt that splink turned into one of these is caught by the caller
        return ModelResult(empty, None, NO_MODEL)
    return ModelResult(scored, model, None)


def classify_pairs(
    data: Identities,
    model: ModelResult,
    uf: ConstrainedUnionFind,
    decided: frozenset[tuple[int, int]],
    upper: float,
    known: set[str] | None = None,
) -> Classified:
    """Link the model's pairs strongest first; the rest wait for review or are blocked.

    A pair at or above ``upper`` links unless it looks like twins (see :mod:`.twins`) or a
    must-not-link rule holds; a pair below waits for review unless its records are already
    one child. A pair whose records were already one child is ``linked`` with the reason
    ``joined through other records``; ``linked`` with no reason is a link the model made.
    ``known``: the first words that are names, when ``data`` is only part of the workspace.
    """
    scored = model.scored.sort_values("match_probability", ascending=False, kind="stable")
    left = scored["node_id_l"].to_numpy()
    right = scored["node_id_r"].to_numpy()
    twins = twin_pairs(data.atoms.reset_index(drop=True), left, right, known)
    rep = data.atoms["id"].tolist()  # Python ints: indexed once per pair
    out: list[PairStatus] = []
    pending: list[tuple[int, int, float, float, str | None]] = []
    model_links = 0
    for la, ra, p, w, twin in zip(
        left.tolist(),
        right.tolist(),
        scored["match_probability"].tolist(),
        scored["match_weight"].tolist(),
        twins.tolist(),
        strict=True,
    ):
        low, high = (rep[la], rep[ra]) if rep[la] < rep[ra] else (rep[ra], rep[la])
        if (low, high) in decided:
            out.append(PairStatus(low, high, p, w, "decided"))
        elif p >= upper and not twin:
            merged, reason = uf.union(la, ra)
            model_links += merged
            if reason is None:
                out.append(PairStatus(low, high, p, w, "linked", None if merged else JOINED))
            else:
                out.append(PairStatus(low, high, p, w, "blocked", reason))
        else:
            pending.append((la, ra, p, w, TWIN_REASON if twin else None))
    for la, ra, p, w, why in pending:
        low, high = (rep[la], rep[ra]) if rep[la] < rep[ra] else (rep[ra], rep[la])
        if uf.find(la) == uf.find(ra):
            out.append(PairStatus(low, high, p, w, "linked", JOINED))
        elif (reason := uf.conflict(la, ra)) is not None:
            out.append(PairStatus(low, high, p, w, "blocked", reason))
        else:
            out.append(PairStatus(low, high, p, w, "review", why))
    return Classified(tuple(out), model_links)


def assign_child_ids(
    conn: sqlite3.Connection, data: Identities, uf: ConstrainedUnionFind, parts: Parts | None = None
) -> pd.DataFrame:
    """Every record's child id (``id``, ``child_id``), carried over from the previous run.

    ``changed`` says whether the record's child id differs from the one it held (what to write).
    ``parts``: the ids held now, when ``data`` is only part of the workspace.
    """
    import numpy as np
    import pandas as pd

    roots = np.asarray(uf.roots(), dtype=np.int64)
    previous = parts.previous if parts else store.previous_child_ids(conn)
    frame = pd.DataFrame({"id": data.record_ids, "cluster": roots[data.record_atom]})
    frame["previous"] = frame["id"].map(previous) if previous else None
    frame["child_id"] = stable_child_ids(frame, parts.seen if parts else None)
    frame["changed"] = frame["child_id"].ne(frame["previous"]).to_numpy(dtype=bool)
    return frame[["id", "child_id", "changed"]]

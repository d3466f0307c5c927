"""Incremental runs: after new extracts are loaded, score only the pairs that involve them.

A run applies incrementally when the last run saved a model and read the same thresholds,
engine and method, and records were only added since (no file unloaded). The saved model
then scores, without training, the candidate pairs in which at least one side is a new atom;
the last run's pairs (at or above ``lower``, scored by the same model) are kept as they
were. Clustering, twins, must-not-link rules and stable child ids then run on all of them
exactly as in a full run. Anything else (a file unloaded, a threshold changed, the Spark
engine, a field newly filled in enough to be compared, ``jtai link --full``) links in full
and retrains the model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jtai.linkage.comparisons import fields_in_use, model_columns
from jtai.linkage.probabilistic import predict_new
from jtai.linkage.steps import NODE_COLUMNS, ModelResult
from jtai.store import link_basis
from jtai.store import linkage as store

if TYPE_CHECKING:
    import sqlite3

    import pandas as pd

# The engine an incremental run scores on (a Spark run always links in full).
ENGINE = "duckdb"
# a pair as ``link_pairs`` holds it
PAIR_COLUMNS = ("left_id", "right_id", "match_probability", "match_weight", "status", "reason")


@dataclass(frozen=True)
class Basis:
    """What a run read and how: compared with the last run's to decide whether to run in full."""

    version: str
    upper: float
    lower: float
    engine: str
    records: link_basis.Records
    decisions: str = ""

    def as_json(self, model: bool) -> str:
        """The run's ``basis`` column (``model``: whether the run left a model to score with)."""
        method = {"version": self.version, "upper": self.upper, "lower": self.lower, "engine": self.engine}
        decided = {"decisions": self.decisions}
        return json.dumps({**method, "model": model, **self.records.as_dict(), **decided})


@dataclass(frozen=True)
class Increment:
    """The pairs of an incremental run: the last run's kept pairs and the newly scored ones.

    Attributes:
        model: every pair at or above ``lower`` (as a full run's model would give them).
        new_pairs: how many pairs involving a new atom scored at or above ``lower``.
        kept: the last run's pairs: ``left_id``, ``right_id`` (records), ``node_id_l``,
            ``node_id_r`` (atom numbers), ``match_probability``, ``match_weight``,
            ``status``, ``reason``.
    """

    model: ModelResult
    new_pairs: int
    kept: pd.DataFrame

    def changed(self, rows: list[tuple[int, int, float, float, str, str | None]]) -> list[tuple[Any, ...]]:
        """The rows of ``rows`` that are new or differ from the last run's (what to write)."""
        import pandas as pd

        if not rows:
            return []
        frame = pd.DataFrame(rows, columns=list(PAIR_COLUMNS))
        before = frame[list(PAIR_COLUMNS[:2])].merge(self.kept[list(PAIR_COLUMNS)], how="left")
        same = before["status"].notna().to_numpy(copy=True)
        for column in PAIR_COLUMNS[2:]:
            now, then = frame[column], before[column]
            same &= ((now == then) | (now.isna() & then.isna())).to_numpy()
        return [row for row, unchanged in zip(rows, same.tolist(), strict=True) if not unchanged]


def since(conn: sqlite3.Connection, basis: Basis, last: dict[str, Any] | None) -> int | None:
    """The highest record id the last run read, when this run may score only newer records.

    None when the run must link in full: no last run or no model from it, another method,
    threshold or engine, or a file or record removed since.
    """
    if last is None or not last.get("basis") or basis.engine != ENGINE:
        return None
    before = json.loads(last["basis"])
    method = {"version": basis.version, "upper": basis.upper, "lower": basis.lower, "engine": basis.engine}
    if not before.get("model") or any(before.get(k) != v for k, v in method.items()):
        return None
    records = link_basis.Records(
        tuple((int(i), str(s)) for i, s in before["files"]), int(before["records"]), int(before["max_id"])
    )
    return records.max_id if link_basis.only_added(conn, records) else None


def score_increment(
    conn: sqlite3.Connection, atoms: pd.DataFrame, lower: float, newer_than: int
) -> Increment | None:
    """The last run's pairs and, with its saved model, the pairs involving atoms newer than ``newer_than``.

    An atom is new when its smallest record id is above ``newer_than``: an old atom that
    gained records holds the same identity, so its pairs score as before.

    The saved model's blocking rules are used as they are: a full run would check each
    rule's pair budget again on the larger data set.

    Returns:
        None when the saved model does not fit the data now (the fields filled in enough
        to be compared changed): link in full.
    """
    import numpy as np
    import pandas as pd

    model_json = store.model_settings(conn)
    if model_json is None:
        return None
    saved = json.loads(model_json)
    nodes = atoms[list(NODE_COLUMNS)].reset_index(drop=True)
    fields = fields_in_use(nodes)
    if list(model_columns(fields)) != saved["columns"]:
        return None
    kept = link_basis.scored_pairs(conn)
    rep = atoms["id"].to_numpy()
    sides = []
    for column in ("left_id", "right_id"):
        at = np.searchsorted(rep, kept[column].to_numpy()).clip(max=len(rep) - 1)
        if not (rep[at] == kept[column].to_numpy()).all():
            return None  # a pair of records that no longer stand for an atom
        sides.append(at)
    old = pd.DataFrame(
        {
            "node_id_l": sides[0],
            "node_id_r": sides[1],
            "match_probability": kept["match_probability"],
            "match_weight": kept["match_weight"],
        }
    )
    nodes.insert(0, "node_id", np.arange(len(nodes), dtype="int64"))
    nodes["is_new"] = rep > newer_than
    new = predict_new(nodes, lower, model_json) if nodes["is_new"].any() else old.iloc[:0]
    scored = pd.concat([old, new], ignore_index=True).sort_values(
        ["node_id_l", "node_id_r"], kind="stable", ignore_index=True
    )
    kept = kept.assign(node_id_l=sides[0], node_id_r=sides[1])
    return Increment(ModelResult(scored, None, None), len(new), kept)

"""``jtai link``: give every record a child id.

1. Normalise identity fields; group records that are certainly one person into *atoms*
   (same agency, agency person id and identical identity).
2. Deterministic pass: atoms sharing a strong identifier (NHS number that passes its check
   digit, council child id, UPN, PNC id, or the same agency's person id) link.
3. Probabilistic pass: a splink model scores pairs of atoms (see :mod:`.model`).
4. Links are applied strongest first under the must-not-link rules (:mod:`.clusters`);
   model pairs between the thresholds wait for review unless already joined.
5. Child ids carry over from the previous run (stable on unchanged data).
"""

from __future__ import annotations

import getpass
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from jtai.errors import ConfigError, NotFoundError
from jtai.linkage.clusters import ConstrainedUnionFind, stable_child_ids
from jtai.linkage.normalise import STRONG_IDS, identity_frame
from jtai.linkage.probabilistic import MODEL_COLUMNS, Step, train_and_predict
from jtai.linkage.spark import ENGINES, check_available, spark_api
from jtai.store import linkage as store

if TYPE_CHECKING:
    import sqlite3

    import pandas as pd

    from jtai.workspace import Workspace

DEFAULT_UPPER = 0.95
DEFAULT_LOWER = 0.50
_ATOM_FIELDS = [
    "subject", "agency", "agency_person_id", *STRONG_IDS, "first_name", "last_name", "dob", "sex", "postcode",
]  # fmt: skip
# Fewer identities with names and a date of birth than this, and there is no model to train.
MIN_MODEL_IDENTITIES = 20
NO_MODEL = (
    "Too few records have names and a date of birth to train the model, so only identifiers "
    "linked records this time."
)
# Above the upper threshold, but first names share nothing: twins look like this.
FIRST_NAMES_DIFFER = "first names differ entirely (twins look like this)"


@dataclass(frozen=True)
class LinkSummary:
    """What one run of ``jtai link`` did (``model_seconds``: the part spent in splink)."""

    records: int
    children: int
    adults: int
    deterministic_links: int
    model_links: int
    reviewer_links: int
    review_pairs: int
    blocked_pairs: int
    upper: float
    lower: float
    seconds: float
    model_seconds: float
    note: str | None = None

    @property
    def automatic_links(self) -> int:
        """Links made without a reviewer: deterministic and model links above ``upper``."""
        return self.deterministic_links + self.model_links

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data (for ``--json``)."""
        return {**asdict(self), "automatic_links": self.automatic_links}


def engine_options(ws: Workspace, engine: str | None) -> tuple[str, dict[str, Any]]:
    """The engine to train and score on, and its ``linkage.spark`` options.

    Raises:
        ConfigError: an unknown engine, or the Spark engine without pyspark or Java.
    """
    section = ws.config.get("linkage") or {}
    chosen = engine or str(section.get("engine") or "duckdb")
    if chosen not in ENGINES:
        raise ConfigError(
            f"linkage.engine is {chosen!r}; it must be one of {', '.join(ENGINES)}.", file=str(ws.config_path)
        )
    if chosen == "spark":
        check_available()
    options = section.get("spark") or {}
    return chosen, dict(options) if isinstance(options, dict) else {}


def thresholds(ws: Workspace) -> tuple[float, float]:
    """The ``linkage: {upper, lower}`` settings of ``inspection.yaml``, checked.

    Raises:
        ConfigError: a threshold is not a number in 0..1, or lower is above upper.
    """
    section = ws.config.get("linkage") or {}
    if not isinstance(section, dict):
        raise ConfigError("linkage must be a mapping with upper and lower.", file=str(ws.config_path))
    values = []
    for name, default in (("upper", DEFAULT_UPPER), ("lower", DEFAULT_LOWER)):
        value = section.get(name, default)
        if value is None:
            value = default
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ConfigError(
                f"linkage.{name} is {value!r}; it must be a match probability from 0 to 1.",
                file=str(ws.config_path),
            )
        values.append(float(value))
    upper, lower = values
    if lower > upper:
        raise ConfigError(
            f"linkage.lower ({lower}) is above linkage.upper ({upper}).",
            file=str(ws.config_path),
            hint="Set lower to at most upper.",
        )
    return upper, lower


def link(
    ws: Workspace, conn: sqlite3.Connection, *, step: Step | None = None, engine: str | None = None
) -> LinkSummary:
    """Link every record of the workspace and store the child ids.

    Args:
        ws: the workspace (for its thresholds).
        conn: its open store.
        step: called with the name of each step as it starts (for progress display).
        engine: "duckdb" or "spark" (see :mod:`jtai.linkage.spark`); by default
            ``linkage.engine`` in inspection.yaml, else "duckdb".

    Raises:
        NotFoundError: no records are loaded.
        ConfigError: the thresholds are invalid, or the Spark engine is not available.
    """
    import pandas as pd

    report = step or (lambda _name: None)
    started, clock = store.now(), time.perf_counter()
    upper, lower = thresholds(ws)
    run_on = engine_options(ws, engine)
    report("Reading records")
    import numpy as np

    groups, record_ids, record_group = store.identity_groups(conn)
    if len(record_ids) == 0:
        raise NotFoundError(
            "No records are loaded, so there is nothing to link.", hint="Run `jtai load` first."
        )
    ident = identity_frame(groups)
    ident["atom"] = ident.groupby(_ATOM_FIELDS, dropna=False, sort=False).ngroup()
    atoms = ident.groupby("atom", sort=True).first()  # rows are in id order: id = smallest record id
    record_atom = ident["atom"].to_numpy()[record_group]
    uf = ConstrainedUnionFind(atoms["nhs_number"].tolist(), atoms["sex"].tolist(), upn=atoms["upn"].tolist())

    decided = store.decisions(conn)
    wanted = {d["left_id"] for d in decided} | {d["right_id"] for d in decided}
    held = np.isin(record_ids, np.fromiter(wanted, dtype=np.int64, count=len(wanted)))
    atom_of = dict(zip(record_ids[held].tolist(), record_atom[held].tolist(), strict=True))
    reviewer_links = 0
    for d in decided:
        a, b = atom_of.get(d["left_id"]), atom_of.get(d["right_id"])
        if a is None or b is None:
            continue
        if d["decision"] == "different":
            uf.cannot.setdefault(a, set()).add(b)
            uf.cannot.setdefault(b, set()).add(a)
    for d in decided:
        a, b = atom_of.get(d["left_id"]), atom_of.get(d["right_id"])
        if d["decision"] == "same" and a is not None and b is not None:
            reviewer_links += uf.union(a, b)[0]

    report("Linking on NHS number, council child id, UPN and PNC id")
    deterministic = 0
    for edges in _deterministic_edges(atoms):
        for a, b in edges:
            deterministic += uf.union(a, b)[0]

    # The model scores atoms, not distinct identities: two agencies recording one identity
    # are the pairs that teach EM what a match looks like.
    nodes = atoms[list(MODEL_COLUMNS)].reset_index(drop=True)
    nodes.insert(0, "node_id", np.arange(len(nodes), dtype="int64"))
    model_clock = time.perf_counter()
    scored, model_json, note = _score(nodes, lower, report, run_on)
    model_seconds = round(time.perf_counter() - model_clock, 2)
    report("Forming clusters")
    rep_record = atoms["id"].to_numpy()
    scored["left_atom"] = scored["node_id_l"]
    scored["right_atom"] = scored["node_id_r"]
    scored = scored.sort_values("match_probability", ascending=False, kind="stable")
    decided_pairs = {(d["left_id"], d["right_id"]) for d in decided}
    model_links = 0
    statuses: list[tuple[int, int, float, float, str, str | None]] = []
    pending: list[tuple[int, int, float, float, str | None]] = []
    for la, ra, p, w, differ in zip(
        scored["left_atom"].tolist(),
        scored["right_atom"].tolist(),
        scored["match_probability"].tolist(),
        scored["match_weight"].tolist(),
        scored["first_names_differ"].tolist(),
        strict=True,
    ):
        left, right = sorted((int(rep_record[la]), int(rep_record[ra])))
        if (left, right) in decided_pairs:
            statuses.append((left, right, p, w, "decided", None))
        elif p >= upper and not differ:
            # first names that differ entirely (twins) never link without a reviewer
            merged, reason = uf.union(la, ra)
            model_links += merged
            statuses.append((left, right, p, w, "blocked" if reason else "linked", reason))
        else:
            pending.append((la, ra, p, w, FIRST_NAMES_DIFFER if p >= upper else None))
    for la, ra, p, w, why in pending:
        left, right = sorted((int(rep_record[la]), int(rep_record[ra])))
        if uf.find(la) == uf.find(ra):
            statuses.append((left, right, p, w, "linked", "joined through other records"))
        elif (reason := uf.conflict(la, ra)) is not None:
            statuses.append((left, right, p, w, "blocked", reason))
        else:
            statuses.append((left, right, p, w, "review", why))
    review = sum(1 for s in statuses if s[4] == "review")
    blocked = sum(1 for s in statuses if s[4] == "blocked")

    roots = np.asarray(uf.roots(), dtype=np.int64)
    previous = store.previous_child_ids(conn)
    frame = pd.DataFrame({"id": record_ids, "cluster": roots[record_atom]})
    frame["previous"] = frame["id"].map(previous) if previous else None
    frame["child_id"] = stable_child_ids(frame)
    adult = (ident["subject"].to_numpy() == "adult")[record_group]
    report("Saving child ids")
    finished = store.now()
    summary = LinkSummary(
        records=len(frame),
        children=int(frame.loc[~adult, "child_id"].nunique()),
        adults=int(frame.loc[adult, "child_id"].nunique()),
        deterministic_links=deterministic,
        model_links=model_links,
        reviewer_links=reviewer_links,
        review_pairs=review,
        blocked_pairs=blocked,
        upper=upper,
        lower=lower,
        seconds=round(time.perf_counter() - clock, 2),
        model_seconds=model_seconds,
        note=note,
    )
    run_row = {
        "started_at": started,
        "finished_at": finished,
        "run_by": _user(),
        "upper": upper,
        "lower": lower,
        "records": summary.records,
        "children": summary.children,
        "automatic_links": summary.automatic_links,
        "review_pairs": review,
        "blocked_pairs": blocked,
        "seconds": summary.seconds,
    }
    store.save_run(
        conn,
        run=run_row,
        pairs=statuses,
        assignments=zip(frame["child_id"].tolist(), frame["id"].tolist(), strict=True),
        model_settings=model_json,
    )
    return summary


def _deterministic_edges(atoms: pd.DataFrame) -> list[list[tuple[int, int]]]:
    """For each strong identifier, edges from every atom to the first atom sharing it."""
    out: list[list[tuple[int, int]]] = []
    keys: list[list[str]] = [[k] for k in STRONG_IDS] + [["agency", "agency_person_id"]]
    for key in keys:
        subset = atoms.dropna(subset=key)
        if subset.empty:
            out.append([])
            continue
        first = subset.groupby(["subject", *key], sort=False)["id"].transform("idxmin")
        # idxmin gives the index label (atom number) of the atom with the smallest record id
        pairs = [(int(a), int(b)) for a, b in zip(subset.index, first, strict=True) if a != b]
        out.append(pairs)
    return out


def _score(
    nodes: pd.DataFrame, lower: float, report: Step, run_on: tuple[str, dict[str, Any]] = ("duckdb", {})
) -> tuple[pd.DataFrame, str | None, str | None]:
    """Scored pairs above ``lower``, the model (None without one), and a note when there is none."""
    import pandas as pd
    from splink.internals.exceptions import SplinkException

    empty = pd.DataFrame(
        {
            "node_id_l": pd.Series(dtype="int64"),
            "node_id_r": pd.Series(dtype="int64"),
            "match_probability": pd.Series(dtype="float64"),
            "match_weight": pd.Series(dtype="float64"),
            "first_names_differ": pd.Series(dtype="bool"),
        }
    )
    usable = int(nodes[["first_name", "last_name", "dob"]].notna().all(axis=1).sum())
    if usable < MIN_MODEL_IDENTITIES:
        return empty, None, NO_MODEL

    try:
        if run_on[0] == "spark":
            report("Starting Spark")
            with spark_api(run_on[1]) as api:
                scored, model = train_and_predict(nodes, lower, report, db_api=api)
        else:
            scored, model = train_and_predict(nodes, lower, report)
    except (SplinkException, ValueError, ZeroDivisionError):
        # splink cannot train on degenerate data (e.g. no pair agrees on anything)
        return empty, None, NO_MODEL
    return scored, model, None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

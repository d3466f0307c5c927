"""``jtai link``: give every record a child id.

1. Normalise identity fields; group records that are certainly one person into *atoms*
   (same agency, agency person id and identical identity).
2. Deterministic pass: atoms sharing a strong identifier (NHS number that passes its check
   digit, council child id, UPN, PNC id, or the same agency's person id) link.
3. Probabilistic pass: a splink model scores pairs of atoms (see :mod:`.probabilistic`).
4. Links are applied strongest first under the must-not-link rules (:mod:`.clusters`);
   model pairs between the thresholds wait for review unless already joined.
5. Child ids carry over from the previous run (stable on unchanged data).

Each step is a function of :mod:`.steps`; nothing is saved unless all of them complete.
"""

from __future__ import annotations

import getpass
import json
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from jtai.errors import ConfigError
from jtai.linkage.components import Change, recluster
from jtai.linkage.incremental import Basis, Increment, score_increment, since
from jtai.linkage.interrupts import catch_interrupts
from jtai.linkage.kept_identities import Read, chunk, read_since
from jtai.linkage.probabilistic import Step
from jtai.linkage.spark import ENGINES, check_available
from jtai.linkage.steps import (
    NO_MODEL,
    Identities,
    ModelResult,
    cluster,
    read_identities,
    score_identities,
)
from jtai.store import link_basis
from jtai.store import linkage as store

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

    from jtai.workspace import Workspace

__all__ = ["NO_MODEL", "LinkSummary", "link", "thresholds"]

# Bumped whenever linking would give another outcome on the same data, so that a re-run
# after an upgrade links again instead of keeping the last run's outcome.
LINKAGE_VERSION = "3"
UNCHANGED = (
    "Nothing changed since the last run (same records, decisions and thresholds): its child ids are kept."
)
DEFAULT_UPPER = 0.95
DEFAULT_LOWER = 0.50


@dataclass(frozen=True)
class LinkSummary:
    """What one run of ``jtai link`` did (``model_seconds``: the part spent in splink).

    ``mode`` is ``full`` (the model trained and every candidate pair scored),
    ``incremental`` (only pairs involving ``new_records`` scored, with the saved model) or
    ``unchanged`` (the last run's outcome kept); ``scored_pairs`` is how many pairs the model
    scored at or above ``lower`` in this run.
    """

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
    mode: str = "full"
    new_records: int = 0
    scored_pairs: int = 0

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
    ws: Workspace,
    conn: sqlite3.Connection,
    *,
    step: Step | None = None,
    engine: str | None = None,
    full: bool = False,
) -> LinkSummary:
    """Link every record of the workspace and store the child ids.

    Nothing is written unless the whole run completes: an interrupt (Ctrl-C) or an error at
    any step leaves the previous linkage exactly as it was and is raised
    (``KeyboardInterrupt`` for an interrupt, whatever library it reached first).

    Args:
        ws: the workspace (for its thresholds).
        conn: its open store.
        step: called with the name of each step as it starts (for progress display).
        engine: "duckdb" or "spark" (see :mod:`jtai.linkage.spark`); by default
            ``linkage.engine`` in inspection.yaml, else "duckdb".
        full: link in full and retrain the model even when only records were added since
            the last run (see :mod:`.incremental`) or nothing changed.

    Raises:
        NotFoundError: no records are loaded.
        ConfigError: the thresholds are invalid, or the Spark engine is not available.
        KeyboardInterrupt: the run was interrupted; nothing was saved.
    """
    report = step or (lambda _name: None)
    with catch_interrupts() as interrupted:
        try:
            summary = _link(ws, conn, report, interrupted, engine, full)
        except BaseException:
            if interrupted():
                raise KeyboardInterrupt from None
            raise
    return summary


def _link(
    ws: Workspace,
    conn: sqlite3.Connection,
    report: Step,
    interrupted: Callable[[], bool],
    engine: str | None,
    full: bool,
) -> LinkSummary:
    """The steps of :func:`link`, each a function of its own."""
    started, clock = store.now(), time.perf_counter()
    upper, lower = thresholds(ws)
    run_on = engine_options(ws, engine)
    report("Reading records")
    inputs = _inputs(conn, upper, lower)
    if not full and (kept := _unchanged(conn, inputs, clock)) is not None:
        return kept
    basis = Basis(
        LINKAGE_VERSION, upper, lower, run_on[0], link_basis.records_now(conn), link_basis.decisions_now(conn)
    )
    last = store.last_run(conn)
    newer_than = None if full else since(conn, basis, last)
    read = _read(conn, newer_than)
    data = read.data
    model_clock = time.perf_counter()
    increment = _score_increment(conn, data, lower, newer_than, report)
    model_seconds = round(time.perf_counter() - model_clock, 2)
    outcome = None
    if increment is not None and newer_than is not None:
        report("Forming clusters")
        outcome = recluster(conn, Change(data, increment, newer_than, last), upper)
    if outcome is None:

        def score() -> ModelResult:
            nonlocal model_seconds
            model_clock = time.perf_counter()
            model = increment.model if increment else score_identities(data.atoms, lower, report, run_on)
            model_seconds = round(time.perf_counter() - model_clock, 2)
            _check(interrupted)
            return model

        outcome, model = cluster(conn, data, upper, score, report)
        note, model_json, scored = model.note, model.model_json, len(model.scored)
    else:
        note, model_json, scored = None, None, 0
    _check(interrupted)
    report("Saving child ids")
    new_records = (
        len(data.record_ids) if increment is None else int((data.record_ids > (newer_than or 0)).sum())
    )
    summary = LinkSummary(
        **outcome.counts(),
        upper=upper,
        lower=lower,
        seconds=round(time.perf_counter() - clock, 2),
        model_seconds=model_seconds,
        note=note,
        mode="incremental" if increment else "full",
        new_records=new_records,
        scored_pairs=increment.new_pairs if increment else scored,
    )
    changed = outcome.assigned[outcome.assigned["changed"]]
    store.save_run(
        conn,
        run=_run_row(summary, started, inputs, basis.as_json(bool(increment) or model_json is not None)),
        pairs=increment.changed(outcome.rows) if increment else outcome.rows,
        assignments=zip(changed["child_id"].tolist(), changed["id"].tolist(), strict=True),
        model_settings=model_json,
        progress=report,
        only_changes=increment is not None,
        identities=chunk(read, basis.records.max_id),
    )
    return summary


def _read(conn: sqlite3.Connection, newer_than: int | None) -> Read:
    """Every identity: only the records above ``newer_than`` read afresh, when the kept ones allow."""
    return (read_since(conn, newer_than) if newer_than is not None else None) or Read(read_identities(conn))


def _score_increment(
    conn: sqlite3.Connection, data: Identities, lower: float, newer_than: int | None, report: Step
) -> Increment | None:
    """The pairs of an incremental run, or None when this run links in full."""
    if newer_than is None:
        return None
    report("Scoring pairs with new records (saved model)")
    return score_increment(conn, data.atoms, lower, newer_than)


def _check(interrupted: Callable[[], bool]) -> None:
    """Stop here if an interrupt arrived and a library swallowed it."""
    if interrupted():
        raise KeyboardInterrupt


def _inputs(conn: sqlite3.Connection, upper: float, lower: float) -> tuple[str, bool]:
    """What this run reads (data, decisions, thresholds, method), and whether every record has a child id."""
    data, all_linked = store.inputs(conn)
    return f"{LINKAGE_VERSION}:{upper}:{lower}:{data}", all_linked


def _unchanged(conn: sqlite3.Connection, inputs: tuple[str, bool], clock: float) -> LinkSummary | None:
    """The last run's outcome when it read exactly these inputs (nothing to do), else None."""
    fingerprint, all_linked = inputs
    last = store.last_run(conn)
    if not all_linked or last is None or last.get("inputs") != fingerprint or not last.get("summary"):
        return None
    before = json.loads(last["summary"])
    before.pop("automatic_links", None)
    before["seconds"] = round(time.perf_counter() - clock, 2)
    before["model_seconds"] = 0.0
    before["note"] = UNCHANGED
    before.update(mode="unchanged", new_records=0, scored_pairs=0)
    return LinkSummary(**before)


def _run_row(summary: LinkSummary, started: str, inputs: tuple[str, bool], basis: str) -> dict[str, Any]:
    """The ``link_runs`` row of a run."""
    return {
        "inputs": inputs[0],
        "basis": basis,
        "summary": json.dumps(summary.as_dict()),
        "started_at": started,
        "finished_at": store.now(),
        "run_by": _user(),
        "upper": summary.upper,
        "lower": summary.lower,
        "records": summary.records,
        "children": summary.children,
        "automatic_links": summary.automatic_links,
        "review_pairs": summary.review_pairs,
        "blocked_pairs": summary.blocked_pairs,
        "seconds": summary.seconds,
    }


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

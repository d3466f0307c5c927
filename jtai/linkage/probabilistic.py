"""The probabilistic pass: a splink model on DuckDB, trained on the workspace's own data.

The model compares *identities* (distinct combinations of name, date of birth, sex and
postcode), not records: a child's many events repeat one identity, so the model scores far
fewer rows than there are records. No labels are needed: u probabilities come from random
sampling, m probabilities from expectation maximisation on two blocking rules.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from jtai.linkage.comparisons import (
    BASE_COLUMNS,
    BlockingRule,
    blocking_rules,
    comparisons,
    fields_in_use,
    model_columns,
    usable_rules,
)

if TYPE_CHECKING:
    import pandas as pd

# Columns every model reads, besides ``node_id`` (see :mod:`.comparisons` for the rest).
MODEL_COLUMNS: tuple[str, ...] = BASE_COLUMNS
# u is estimated from up to this many random pairs; the same seed gives the same model.
U_MAX_PAIRS = 2_000_000
U_MIN_PAIRS = 200_000  # u needs this many even on a small workspace (50 per identity otherwise)
EM_MAX_PAIRS = 1_000_000
# An EM session on fewer pairs than this learns nothing reliable; a looser rule is used.
MIN_EM_PAIRS = 50
SEED = 42

Step = Callable[[str], None]
# EM sessions: what each trains, and its blocking rules (tightest first).
_EM_SESSIONS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("names and sex (EM, blocked on date of birth and postcode)", (("dob", "postcode"), ("dob",))),
    (
        "date of birth (EM, blocked on names and postcode)",
        (("first_name", "last_name", "postcode"), ("first_name", "last_name")),
    ),
    (
        "surname, postcode and sex (EM, blocked on first name and date of birth)",
        (("first_name", "dob"), ("dob",)),
    ),
)


def settings(fields: Sequence[str] = (), rules: Sequence[BlockingRule] | None = None) -> Any:
    """The splink settings for a workspace whose filled-in optional fields are ``fields``.

    Comparisons and blocking rules are those of :mod:`.comparisons`; every blocking rule
    also requires the same ``subject``, so an adult (an Annex A adopter) is never compared
    with a child.
    """
    from splink import SettingsCreator
    from splink.blocking_rule_library import CustomRule

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="node_id",
        probability_two_random_records_match=1e-5,
        comparisons=comparisons(fields),
        blocking_rules_to_generate_predictions=[
            CustomRule(r.sql()) for r in (blocking_rules(fields) if rules is None else rules)
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


# EM can drive a level's m or u to exactly 0 on a small workspace, which splink 5.0.0 then
# rejects (values must be >= 1e-300). Such a level is floored at this probability instead.
_PROBABILITY_FLOOR = 1e-6


@contextmanager
def _floored_em() -> Iterator[None]:
    """Floor zero m and u estimates during EM (see :data:`_PROBABILITY_FLOOR`)."""
    from splink.internals import expectation_maximisation as em

    original = em.populate_m_u_from_lookup

    def floored(fixed: Any, level: Any, name: str, lookup: dict[str, dict[int, Any]]) -> None:
        for levels in lookup.values():
            for record in levels.values():
                for key in ("m_probability", "u_probability"):
                    value = record.get(key)
                    if isinstance(value, int | float) and value < _PROBABILITY_FLOOR:
                        record[key] = _PROBABILITY_FLOOR
        original(fixed, level, name, lookup)

    em.populate_m_u_from_lookup = floored  # type: ignore[assignment]  # same signature, untyped args
    try:
        yield
    finally:
        em.populate_m_u_from_lookup = original


@contextmanager
def quiet_splink() -> Iterator[None]:
    """Silence splink's own log lines (our progress display reports the steps)."""
    logger = logging.getLogger("splink")
    old = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(old)


def train_and_predict(
    nodes: pd.DataFrame, lower: float, step: Step | None = None, *, db_api: Any = None
) -> tuple[pd.DataFrame, str]:
    """Train the model on ``nodes`` and score every candidate pair.

    Args:
        nodes: one row per identity: ``node_id`` (int) and the columns of
            :func:`.comparisons.model_columns` (the optional fields may be all missing).
        lower: pairs scoring below this match probability are not returned.
        step: called with the name of each step as it starts (for progress display).
        db_api: the splink backend to run on (a ``SparkAPI`` for the Spark engine); a new
            in-memory DuckDB by default.

    Returns:
        The scored pairs (``node_id_l``, ``node_id_r``, ``match_probability``,
        ``match_weight``) and the trained model as JSON: ``{"model": <splink settings>,
        "tf": {column: {value: frequency}}, "columns": [the node columns it reads]}``.
    """
    from splink import DuckDBAPI, Linker, block_on
    from splink.internals.exceptions import EMTrainingException

    report = step or (lambda _name: None)
    fields = fields_in_use(nodes)
    columns = model_columns(fields)
    nodes = nodes[["node_id", *columns]]
    with quiet_splink(), _floored_em():
        db_api = db_api or DuckDBAPI()
        table = db_api.register(nodes, dataset_display_name="identities")
        linker = Linker(table, settings(fields, usable_rules(nodes, fields)), log_level=None)
        report("Estimating how often two identities match")
        if _pairs_blocked(nodes, ("first_name", "last_name", "dob")) > 0:
            linker.training.estimate_probability_two_random_records_match(
                [block_on("subject", "first_name", "last_name", "dob")], recall=0.7
            )
        report("Estimating u from random pairs")
        u_pairs = min(U_MAX_PAIRS, max(U_MIN_PAIRS, 50 * len(nodes)))
        linker.training.estimate_u_using_random_sampling(
            max_pairs=u_pairs, seed=SEED, min_count_per_level=None, num_chunks=1
        )
        # Each EM session blocks on fields that make most of its pairs true matches, and
        # trains the comparisons it does not block on. A small workspace may have no pairs
        # for the tight rule; the looser one after it is tried instead.
        for label, rules in _EM_SESSIONS:
            report(f"Training {label}")
            for rule in rules:
                if _pairs_blocked(nodes, rule) < MIN_EM_PAIRS:
                    continue
                # a failed session can leave the model half-changed: keep a copy to restore
                saved = copy.deepcopy(linker._settings_obj.core_model_settings)
                try:
                    linker.training.estimate_parameters_using_expectation_maximisation(
                        block_on("subject", *rule), max_pairs=EM_MAX_PAIRS
                    )
                    break
                except EMTrainingException:
                    linker._settings_obj.core_model_settings = saved
        _dob_knowledge(linker)
        report("Scoring candidate pairs")
        predictions = linker.inference.predict(threshold_match_probability=lower, warning_mode="never")
        # the scored pairs come back whatever the engine (Spark collects them here)
        scored = predictions.as_pandas_dataframe()[  # type: ignore[no-untyped-call]
            ["node_id_l", "node_id_r", "match_probability", "match_weight"]
        ].sort_values(["node_id_l", "node_id_r"], kind="stable", ignore_index=True)
        model = json.dumps(
            {
                "model": linker.misc.save_model_to_json(),
                "tf": _term_frequencies(nodes),
                "columns": list(columns),
            }
        )
    return scored, model


def predict_new(nodes: pd.DataFrame, lower: float, model_json: str) -> pd.DataFrame:
    """Score, with a saved model and no training, the candidate pairs that involve a new node.

    Every new node comes after every old one, and splink pairs a node only with nodes after
    it, so a pair involves a new node exactly when its right side is new. The model's own
    blocking rules each gain ``AND r.is_new``, which DuckDB applies before the join: a pair
    of two old nodes (scored by the run that saved the model) is not even formed, and every
    other pair a full run would propose is scored.

    Args:
        nodes: ``node_id``, ``is_new`` (bool, new nodes last) and the columns the model reads
            (its ``columns``).
        lower: pairs scoring below this match probability are not returned.
        model_json: what :func:`train_and_predict` saved.

    Returns:
        The scored pairs, as :func:`train_and_predict` returns them.
    """
    from splink import DuckDBAPI, Linker

    if not nodes["is_new"].is_monotonic_increasing:
        raise ValueError("new nodes must come after every old one")
    saved = json.loads(model_json)
    model = saved["model"]
    for rule in model["blocking_rules_to_generate_predictions"]:
        rule["blocking_rule"] = f"({rule['blocking_rule']}) AND r.is_new"
    with quiet_splink():
        db_api = DuckDBAPI()
        table = db_api.register(
            nodes[["node_id", *saved["columns"], "is_new"]], dataset_display_name="identities"
        )
        linker = Linker(table, model, log_level=None)
        predictions = linker.inference.predict(threshold_match_probability=lower, warning_mode="never")
        scored: pd.DataFrame = predictions.as_pandas_dataframe()[  # type: ignore[no-untyped-call]
            ["node_id_l", "node_id_r", "match_probability", "match_weight"]
        ].sort_values(["node_id_l", "node_id_r"], kind="stable", ignore_index=True)
    return scored


# What EM cannot learn from one workspace about dates of birth. A date near the other (a
# keystroke, day and month swapped, days or months out, another year) is an entry error
# that EM may never see in a clean extract: its m is at least NEAR_DOB_M, not "never". A
# date wholly different is a sibling or a namesake far more often than an error, however
# many namesakes EM met: its m is at most FAR_DOB_M.
NEAR_DOB_M = 0.002
FAR_DOB_M = 0.0005


def _dob_knowledge(linker: Any) -> None:
    """Bound the trained m of the date-of-birth levels (see :data:`NEAR_DOB_M`)."""
    for comparison in linker._settings_obj.comparisons:
        if comparison.output_column_name != "dob":
            continue
        levels = [lv for lv in comparison.comparison_levels if not lv.is_null_level]
        for level in levels[1:-1]:
            level.m_probability = max(level.m_probability or 0.0, NEAR_DOB_M)
        levels[-1].m_probability = min(levels[-1].m_probability or FAR_DOB_M, FAR_DOB_M)


def _pairs_blocked(nodes: pd.DataFrame, rule: tuple[str, ...]) -> int:
    """How many pairs of identities agree on every field of ``rule`` (and on subject)."""
    keys = ["subject", *rule]
    sizes = nodes.dropna(subset=list(rule)).groupby(keys, sort=False).size()
    return int((sizes * (sizes - 1) // 2).sum())


def _term_frequencies(nodes: pd.DataFrame) -> dict[str, dict[str, float]]:
    """How common each name is among the identities (what splink's adjustments used)."""
    out = {}
    for column in ("first_name", "last_name"):
        counts = nodes[column].dropna().value_counts()
        total = float(counts.sum()) or 1.0
        out[column] = {str(k): float(v) / total for k, v in counts.items()}
    return out


def score_pair(model_json: str, left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    """Score two identities with a saved model, keeping every comparison's weight.

    Args:
        model_json: splink settings (the ``model`` part of what :func:`train_and_predict` saves).
        left: one identity (``node_id`` and :data:`MODEL_COLUMNS`).
        right: the other.

    Returns:
        splink's row for the pair: ``match_probability``, ``match_weight`` and, per
        comparison, ``gamma_<name>`` and ``bf_<name>`` (its Bayes factor).
    """
    import pandas as pd
    from splink import DuckDBAPI, Linker

    model = json.loads(model_json)
    model["retain_intermediate_calculation_columns"] = True
    model["retain_matching_columns"] = True
    with quiet_splink():
        frame = pd.DataFrame([left, right]).astype(object)
        frame = frame.where(frame.notna(), None)
        db_api = DuckDBAPI()
        table = db_api.register(frame, dataset_display_name="pair")
        linker = Linker(table, model, log_level=None)
        rows = linker.inference.score_pair(left, right).as_record_list()
    return dict(rows[0])

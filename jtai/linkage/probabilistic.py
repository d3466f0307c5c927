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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# Columns the model reads, besides ``node_id``.
MODEL_COLUMNS: tuple[str, ...] = (
    "subject",
    "first_name",
    "first_group",
    "last_name",
    "dob",
    "dob_year",
    "dob_days",
    "dob_swapped",
    "sex",
    "postcode",
    "first_sdx",
    "last_sdx",
)
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


def settings() -> Any:
    """The splink settings: comparisons and the blocking rules that generate candidate pairs.

    Every blocking rule also requires the same ``subject``, so an adult (an Annex A adopter)
    is never compared with a child. The rules together keep recall high while pairing few
    records that cannot match: a child whose surname changed is found by date of birth and
    first name (or its short form); one whose first name is misspelt by date of birth and
    surname Soundex; one whose date of birth is mistyped or has day and month swapped by
    names and year of birth; one with a wrong date of birth and a new surname by postcode.
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="node_id",
        probability_two_random_records_match=1e-5,
        comparisons=[
            _first_name_comparison(),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            _dob_comparison(),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("subject", "dob", "first_group"),
            block_on("subject", "dob", "last_sdx"),
            block_on("subject", "first_group", "last_sdx", "dob_year"),
            block_on("subject", "postcode", "first_group"),
            block_on("subject", "postcode", "last_sdx", "dob_year"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _dob_comparison() -> Any:
    """Dates of birth: exact, one keystroke apart, day and month swapped, within a month.

    Anything further apart is a different child (siblings are months or years apart), so
    it has no level of its own between "a month" and "anything else".
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(label_for_charts="Exact match on date of birth"),
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="One keystroke apart"),
            cll.CustomLevel("dob_swapped_l = dob_r", label_for_charts="Day and month swapped"),
            cll.CustomLevel("abs(dob_days_l - dob_days_r) <= 31", label_for_charts="Within a month"),
            cll.ElseLevel(),
        ],
    )


def _first_name_comparison() -> Any:
    """First names: exact, same name group (Alex / Alexander), then spelling likeness."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="First name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("first_group").configure(
                label_for_charts="Same name group (Alex / Alexander)"
            ),
            cll.JaroWinklerLevel("first_name", 0.92),
            cll.JaroWinklerLevel("first_name", 0.88),
            cll.JaroWinklerLevel("first_name", 0.7),
            cll.ElseLevel(),
        ],
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
        nodes: one row per identity: ``node_id`` (int) and :data:`MODEL_COLUMNS`.
        lower: pairs scoring below this match probability are not returned.
        step: called with the name of each step as it starts (for progress display).
        db_api: the splink backend to run on (a ``SparkAPI`` for the Spark engine); a new
            in-memory DuckDB by default.

    Returns:
        The scored pairs (``node_id_l``, ``node_id_r``, ``match_probability``,
        ``match_weight``, ``first_names_differ``) and the trained model as JSON:
        ``{"model": <splink settings>, "tf": {column: {value: frequency}}}``.
    """
    import duckdb
    from splink import DuckDBAPI, Linker, block_on
    from splink.internals.exceptions import EMTrainingException

    report = step or (lambda _name: None)
    with quiet_splink(), _floored_em():
        db_api = db_api or DuckDBAPI()
        table = db_api.register(nodes, dataset_display_name="identities")
        linker = Linker(table, settings(), log_level=None)
        report("Estimating how often two identities match")
        if _pairs_blocked(nodes, ("first_name", "last_name", "dob")) > 0:
            linker.training.estimate_probability_two_random_records_match(
                [block_on("subject", "first_name", "last_name", "dob")], recall=0.7
            )
        report("Estimating u from random pairs")
        u_pairs = min(U_MAX_PAIRS, max(U_MIN_PAIRS, 50 * len(nodes)))
        linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=SEED)
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
        report("Scoring candidate pairs")
        predictions = linker.inference.predict(threshold_match_probability=lower, warning_mode="never")
        # the scored pairs come back whatever the engine (Spark collects them here)
        pairs = predictions.as_pandas_dataframe()[  # type: ignore[no-untyped-call]
            ["node_id_l", "node_id_r", "match_probability", "match_weight"]
        ]
        con = duckdb.connect()
        con.register("jtai_pairs", pairs)
        con.register("jtai_first_names", nodes[["node_id", "first_name", "first_group"]])
        # first names that share no group and look nothing alike: twins, not typos
        scored = con.execute(
            "SELECT p.node_id_l, p.node_id_r, p.match_probability, p.match_weight, "
            "COALESCE(l.first_group <> r.first_group "
            "AND jaro_winkler_similarity(l.first_name, r.first_name) < 0.7, FALSE) AS first_names_differ "
            "FROM jtai_pairs p "
            "JOIN jtai_first_names l ON l.node_id = p.node_id_l "
            "JOIN jtai_first_names r ON r.node_id = p.node_id_r "
            "ORDER BY p.node_id_l, p.node_id_r"
        ).df()
        con.close()
        model = json.dumps({"model": linker.misc.save_model_to_json(), "tf": _term_frequencies(nodes)})
    return scored, model


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

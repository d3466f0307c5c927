"""Inter-rater agreement for blind double rating and moderation.

Inspectors grade *items* (an item is one case x criterion x agency) on an ordinal scale,
given by the grades' ranks (default: inadequate 1, requires improvement 2, good 3,
outstanding 4). "Not applicable" and "insufficient evidence" are not grades of the scale:
leave them out before calling. Any number of raters may rate an item, and raters may
skip items (missing ratings); an item rated by one rater only is in no pair.

Public API (all pure functions; importing this module does not import numpy or scipy):

``agreement_summary(ratings, ranks=DEFAULT_RANKS, *, weights="linear", metric="ordinal",
confidence=0.95, n_boot=1000, seed=0) -> AgreementSummary``
    All statistics at once: percent agreement, weighted Cohen's kappa (Light's mean
    pairwise kappa for more than two raters), Gwet's AC1, Gwet's AC2 and Krippendorff's
    alpha. Use it per criterion.
``pairwise(ratings, rater_a, rater_b, ranks=DEFAULT_RANKS, **same options)
-> AgreementSummary``
    The same for one pair of inspectors, on the items both rated.
``percent_agreement(ratings, ranks=DEFAULT_RANKS, *, confidence=0.95) -> Statistic``
``cohen_kappa(ratings, rater_a, rater_b, ranks=DEFAULT_RANKS, *, weights="linear",
confidence=0.95) -> Statistic``
``gwet_ac(ratings, ranks=DEFAULT_RANKS, *, weights="identity", confidence=0.95)
-> Statistic`` (AC1 with identity weights, AC2 otherwise)
``krippendorff_alpha(ratings, ranks=DEFAULT_RANKS, *, metric="ordinal", confidence=0.95,
n_boot=1000, seed=0) -> Statistic``
``disagreements(ratings, ranks=DEFAULT_RANKS) -> tuple[Disagreement, ...]``
    Items whose raters gave different grades, widest spread first.

``ratings`` is an iterable of ``(unit_id, rater_id, rank)``; ids are any hashable values
(e.g. ``("C-7KQ3-XM9D", "FD1", "police")`` and an inspector's name). ``weights`` is one of
``"identity"``, ``"linear"``, ``"quadratic"``, ``"ordinal"`` (Gwet's ordinal weights);
``metric`` one of ``"nominal"``, ``"ordinal"``, ``"interval"``.

Each statistic is a frozen :class:`Statistic` (``name, value, ci_low, ci_high, n_units,
n_pairs, note, ci_method``). ``value`` is None, never NaN, when the statistic is not
defined, and ``note`` says why, e.g. ``"not defined (all ratings in one grade)"`` (the
kappa paradox: when every rating is one grade, agreement is 100%, kappa and alpha are not
defined, and AC1 is 1). ``Statistic.format()`` gives ``"0.82 (0.61 to 0.95)"`` or the
note. Statistics other than percent agreement need at least two raters and two items
rated by two or more raters.

Confidence intervals (95% by default): percent agreement, Wilson score over items;
Cohen's kappa, normal with the Fleiss-Cohen-Everitt (1969) standard error; Gwet's AC1/AC2,
Gwet's variance with a t quantile; Krippendorff's alpha and Light's kappa, percentile
bootstrap over items with ``numpy.random.default_rng(seed)``, so results are reproducible
(items are sorted by id first, so the order of ``ratings`` does not matter).

Raises ``ConfigError`` when ``ranks`` is not a scale of two or more distinct integers and
``InputError`` when a rank is not on the scale or a rater rated an item twice.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

from jtai.scoring.agreement.ratings import MISSING, RatingTable, build_table
from jtai.scoring.agreement.results import (
    DEFAULT_RANKS,
    NOTE_CI_UNSTABLE,
    NOTE_FEW_RATERS,
    NOTE_NO_PAIRS,
    NOTE_NO_SHARED,
    NOTE_ONE_GRADE,
    NOTE_ONE_UNIT,
    AgreementSummary,
    Disagreement,
    Metric,
    Rating,
    Statistic,
    Weights,
)

__all__ = [
    "DEFAULT_RANKS",
    "NOTE_CI_UNSTABLE",
    "NOTE_FEW_RATERS",
    "NOTE_NO_PAIRS",
    "NOTE_NO_SHARED",
    "NOTE_ONE_GRADE",
    "NOTE_ONE_UNIT",
    "AgreementSummary",
    "Disagreement",
    "Metric",
    "Rating",
    "Statistic",
    "Weights",
    "agreement_summary",
    "cohen_kappa",
    "disagreements",
    "gwet_ac",
    "krippendorff_alpha",
    "pairwise",
    "percent_agreement",
]


def _summarise(
    table: RatingTable, weights: Weights, metric: Metric, confidence: float, n_boot: int, seed: int
) -> AgreementSummary:
    from jtai.scoring.agreement import statistics as core

    per_item = [sum(c != MISSING for c in row) for row in table.cells]
    return AgreementSummary(
        percent_agreement=core.percent_agreement(table, confidence),
        kappa=core.light_kappa(table, weights, confidence, n_boot, seed),
        ac1=core.gwet_ac(table, "identity", confidence),
        ac2=core.gwet_ac(table, weights, confidence),
        alpha=core.krippendorff_alpha(table, metric, confidence, n_boot, seed),
        n_units=sum(k >= 2 for k in per_item),
        n_single=sum(k == 1 for k in per_item),
        n_raters=len(table.raters),
        n_ratings=table.n_ratings,
    )


def agreement_summary(
    ratings: Iterable[Rating],
    ranks: Sequence[int] = DEFAULT_RANKS,
    *,
    weights: Weights = "linear",
    metric: Metric = "ordinal",
    confidence: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> AgreementSummary:
    """All agreement statistics for a set of ratings by any number of raters.

    Args:
        ratings: ``(unit_id, rater_id, rank)`` triples.
        ranks: ranks of the scale's ordinal grades.
        weights: weights of Cohen's kappa and Gwet's AC2.
        metric: Krippendorff's alpha difference function.
        confidence: level of the confidence intervals.
        n_boot: bootstrap resamples (0: no bootstrap intervals).
        seed: seed of the bootstrap.

    Returns:
        The summary; undefined statistics have ``value`` None and a note.

    Raises:
        ConfigError: ``ranks`` is not a usable scale.
        InputError: a rank off the scale, or a rater who rated an item twice.
    """
    return _summarise(build_table(ratings, ranks), weights, metric, confidence, n_boot, seed)


def pairwise(
    ratings: Iterable[Rating],
    rater_a: Hashable,
    rater_b: Hashable,
    ranks: Sequence[int] = DEFAULT_RANKS,
    *,
    weights: Weights = "linear",
    metric: Metric = "ordinal",
    confidence: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> AgreementSummary:
    """All agreement statistics for one pair of inspectors, on the items both rated.

    Other raters' ratings are ignored; items only one of the two rated count in
    ``n_single``. Arguments, result and errors are as for :func:`agreement_summary`;
    ``kappa`` is Cohen's weighted kappa of ``rater_a`` (rows) and ``rater_b`` (columns).
    """
    table = build_table(ratings, ranks)
    present = [r for r in (rater_a, rater_b) if r in table.raters]
    if rater_a == rater_b:
        present = present[:1]
    return _summarise(table.restrict(present), weights, metric, confidence, n_boot, seed)


def percent_agreement(
    ratings: Iterable[Rating], ranks: Sequence[int] = DEFAULT_RANKS, *, confidence: float = 0.95
) -> Statistic:
    """Mean over items of the share of pairs of ratings that agree exactly (0 to 1).

    Defined from one item rated twice; the interval is Wilson's score interval with the
    number of items as the sample size.
    """
    from jtai.scoring.agreement import statistics as core

    return core.percent_agreement(build_table(ratings, ranks), confidence)


def cohen_kappa(
    ratings: Iterable[Rating],
    rater_a: Hashable,
    rater_b: Hashable,
    ranks: Sequence[int] = DEFAULT_RANKS,
    *,
    weights: Weights = "linear",
    confidence: float = 0.95,
) -> Statistic:
    """Weighted Cohen's kappa of two raters on the items both rated.

    ``weights="identity"`` gives the unweighted kappa. Not defined (None) when all their
    ratings are in one grade, when they share fewer than two items, or when a rater is
    absent.
    """
    from jtai.scoring.agreement import statistics as core

    table = build_table(ratings, ranks)
    if rater_a == rater_b or rater_a not in table.raters or rater_b not in table.raters:
        name = "Cohen's kappa" if weights == "identity" else f"Cohen's kappa ({weights} weights)"
        return Statistic(name, None, None, None, 0, 0, NOTE_FEW_RATERS)
    pair = table.restrict([rater_a, rater_b])
    return core.cohen_kappa(pair, 0, 1, weights, confidence)


def gwet_ac(
    ratings: Iterable[Rating],
    ranks: Sequence[int] = DEFAULT_RANKS,
    *,
    weights: Weights = "identity",
    confidence: float = 0.95,
) -> Statistic:
    """Gwet's AC1 (``weights="identity"``) or AC2 (other weights) for any number of raters.

    The interval uses Gwet's variance formula and a t quantile with (items - 1) degrees of
    freedom, clipped to [-1, 1].
    """
    from jtai.scoring.agreement import statistics as core

    return core.gwet_ac(build_table(ratings, ranks), weights, confidence)


def krippendorff_alpha(
    ratings: Iterable[Rating],
    ranks: Sequence[int] = DEFAULT_RANKS,
    *,
    metric: Metric = "ordinal",
    confidence: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> Statistic:
    """Krippendorff's alpha for any number of raters with missing ratings.

    The ordinal metric uses the grade frequencies of the pairable ratings; interval uses the
    rank values. The interval is a percentile bootstrap over items (``n_boot`` 0: none).
    """
    from jtai.scoring.agreement import statistics as core

    return core.krippendorff_alpha(build_table(ratings, ranks), metric, confidence, n_boot, seed)


def disagreements(
    ratings: Iterable[Rating], ranks: Sequence[int] = DEFAULT_RANKS
) -> tuple[Disagreement, ...]:
    """Items whose raters gave different grades, widest spread first, then by item id."""
    table = build_table(ratings, ranks)
    found = []
    for unit, row in zip(table.units, table.cells, strict=True):
        given = tuple((table.raters[j], table.ranks[c]) for j, c in enumerate(row) if c != MISSING)
        values = [rank for _, rank in given]
        if len(set(values)) > 1:
            found.append(Disagreement(unit, given, max(values) - min(values)))
    # a stable sort keeps the item order of the table within each spread
    return tuple(sorted(found, key=lambda d: -d.spread))

"""Inter-rater agreement statistics checked against published and hand-computed values."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jtai.errors import ConfigError, InputError
from jtai.scoring.agreement import (
    NOTE_FEW_RATERS,
    NOTE_NO_PAIRS,
    NOTE_ONE_GRADE,
    NOTE_ONE_UNIT,
    Rating,
    Statistic,
    agreement_summary,
    cohen_kappa,
    disagreements,
    gwet_ac,
    krippendorff_alpha,
    pairwise,
    percent_agreement,
)

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers, 12 units,
# values 1-5, with missing data. Gwet's Handbook uses the same data ("raw_4raters").
K_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
K_RANKS = (1, 2, 3, 4, 5)


def _from_rows(rows: list[list[int | None]]) -> list[Rating]:
    """Ratings from a rater-by-unit grid with None for a missing rating."""
    return [(u, f"r{j}", v) for j, row in enumerate(rows) for u, v in enumerate(row) if v is not None]


def _from_cross_table(table: list[list[int]], ranks: tuple[int, ...]) -> list[Rating]:
    """Ratings of raters "a" (rows) and "b" (columns) from a contingency table."""
    out: list[Rating] = []
    unit = 0
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            for _ in range(count):
                out += [(unit, "a", ranks[i]), (unit, "b", ranks[j])]
                unit += 1
    return out


def _finite_or_none(stat: Statistic) -> bool:
    """True when value and limits are None or finite numbers, the limits in order."""
    parts = [stat.value, stat.ci_low, stat.ci_high]
    if any(p is not None and not math.isfinite(p) for p in parts):
        return False
    if stat.ci_low is not None and stat.ci_high is not None:
        return stat.ci_low <= stat.ci_high
    return True


def test_alpha_matches_krippendorffs_worked_example() -> None:
    """Alpha on Krippendorff's 4-coder example is 0.743 nominal, 0.849 interval, 0.815 ordinal."""
    ratings = _from_rows(K_DATA)
    got = {
        m: krippendorff_alpha(ratings, K_RANKS, metric=m, n_boot=0)
        for m in ("nominal", "interval", "ordinal")
    }
    assert {m: round(s.value or 0, 3) for m, s in got.items()} == {
        "nominal": 0.743,
        "interval": 0.849,
        "ordinal": 0.815,
    }
    assert got["nominal"].value == pytest.approx(0.743421052631579, abs=1e-12)  # = 1 - 9.75/38
    assert (got["ordinal"].n_units, got["ordinal"].n_pairs) == (11, 55)


def test_ac1_matches_gwets_published_example() -> None:
    """Gwet's AC1 on the Handbook's 4-rater data is 0.77544 with 95% CI 0.46081 to 1."""
    stat = gwet_ac(_from_rows(K_DATA), K_RANKS)
    assert stat.name == "Gwet's AC1"
    assert stat.value == pytest.approx(0.77544, abs=5e-6)
    assert stat.ci_low == pytest.approx(0.46081, abs=5e-6)
    assert stat.ci_high == 1.0
    assert stat.ci_method == "Gwet's variance, t with 11 df"


@pytest.mark.parametrize(
    ("weights", "value", "ci_low"),
    [
        # irrCAC 0.4.4 (a port of Gwet's own R functions), categories 1-5, same data
        ("linear", 0.8587391364, 0.6004997004),
        ("quadratic", 0.9140007236, 0.6851813659),
        ("ordinal", 0.8989397699, 0.6636467004),
    ],
)
def test_ac2_matches_irrcac(weights: str, value: float, ci_low: float) -> None:
    """Gwet's AC2 and its lower limit match irrCAC for linear, quadratic and ordinal weights."""
    stat = gwet_ac(_from_rows(K_DATA), K_RANKS, weights=weights)  # type: ignore[arg-type]
    assert stat.value == pytest.approx(value, abs=1e-9)
    assert stat.ci_low == pytest.approx(ci_low, abs=1e-9)
    assert stat.name == f"Gwet's AC2 ({weights} weights)"


# Agresti's "sex is fun" table (husband x wife, 91 couples), R vcd::Kappa(SexualFun):
# unweighted 0.1293 (ASE 0.06860), equal-spacing weights 0.2374 (ASE 0.07832).
SEXUAL_FUN = [[7, 7, 2, 3], [2, 8, 3, 7], [1, 5, 4, 9], [2, 8, 9, 14]]


@pytest.mark.parametrize(
    ("weights", "value", "ase"), [("identity", 0.1293, 0.06860), ("linear", 0.2374, 0.07832)]
)
def test_kappa_matches_textbook_table(weights: str, value: float, ase: float) -> None:
    """Cohen's kappa and its standard error match the textbook table's published values."""
    ratings = _from_cross_table(SEXUAL_FUN, (1, 2, 3, 4))
    stat = cohen_kappa(ratings, "a", "b", weights=weights)  # type: ignore[arg-type]
    assert stat.value == pytest.approx(value, abs=5e-5)
    assert stat.ci_low == pytest.approx(value - 1.959964 * ase, abs=1e-4)
    assert stat.ci_high == pytest.approx(value + 1.959964 * ase, abs=1e-4)
    assert (stat.n_units, stat.n_pairs) == (91, 91)


def test_kappa_two_by_two_by_hand() -> None:
    """A 2x2 table with po 0.7 and pe 0.5 gives kappa 0.4 exactly."""
    ratings = _from_cross_table([[20, 5], [10, 15]], (1, 2))
    assert cohen_kappa(ratings, "a", "b", (1, 2), weights="identity").value == pytest.approx(0.4, abs=1e-12)


def _kappa_by_disagreement(table: list[list[int]], power: int) -> Fraction:
    """Weighted kappa as 1 - sum(v*observed) / sum(v*expected), with v = |i-j|**power."""
    n = sum(map(sum, table))
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table, strict=True)]
    q = len(table)
    obs = sum(Fraction(abs(i - j) ** power * table[i][j]) for i in range(q) for j in range(q))
    exp = sum(Fraction(abs(i - j) ** power * rows[i] * cols[j], n) for i in range(q) for j in range(q))
    return 1 - obs / exp


@pytest.mark.parametrize(("weights", "power"), [("linear", 1), ("quadratic", 2)])
def test_weighted_kappa_equals_disagreement_form(weights: str, power: int) -> None:
    """Linear and quadratic kappa equal the exact disagreement-weight form on a 4x4 table."""
    table = [[3, 1, 0, 0], [2, 5, 1, 0], [0, 2, 6, 1], [0, 0, 1, 2]]
    stat = cohen_kappa(_from_cross_table(table, (1, 2, 3, 4)), "a", "b", weights=weights)  # type: ignore[arg-type]
    assert stat.value == pytest.approx(float(_kappa_by_disagreement(table, power)), abs=1e-12)


def test_one_grade_paradox() -> None:
    """All ratings good: agreement 100%, AC1 1, kappa and alpha not defined (None, never NaN)."""
    ratings = [(u, r, 3) for u in range(8) for r in ("Ann", "Bo")]
    summary = agreement_summary(ratings, (1, 2, 3, 4))
    assert summary.percent_agreement.value == 1.0
    assert summary.ac1.value == 1.0
    assert summary.ac2.value == 1.0
    for stat in (summary.kappa, summary.alpha):
        assert (stat.value, stat.ci_low, stat.ci_high, stat.note) == (None, None, None, NOTE_ONE_GRADE)
        assert stat.format() == "not defined (all ratings in one grade)"
    assert summary.percent_agreement.format() == "1.00 (0.68 to 1.00)"


def test_near_paradox_kappa_zero_while_ac1_high() -> None:
    """One rater always good, the other once lower: kappa 0 while AC1 is 0.897 (by hand)."""
    ratings = [(u, "a", 3) for u in range(10)] + [(u, "b", 2 if u == 0 else 3) for u in range(10)]
    assert cohen_kappa(ratings, "a", "b", weights="identity").value == pytest.approx(0.0, abs=1e-12)
    # pa = 0.9; pi = (0.95, 0.05); pe = 2 * 0.95 * 0.05 / 3; AC1 = (pa - pe) / (1 - pe)
    pe = 2 * 0.95 * 0.05 / 3
    assert gwet_ac(ratings).value == pytest.approx((0.9 - pe) / (1 - pe), abs=1e-12)


def test_unequal_raters_and_missing_ratings() -> None:
    """Items with 1 to 4 raters: counts are right and alpha matches the reference package."""
    rows: list[list[int | None]] = [
        [4, 3, 3, 2, 1, None, 3, None],
        [4, 3, 2, None, 1, 2, None, None],
        [None, 3, 3, 2, None, 2, None, 3],
        [None, None, 4, 2, None, None, None, None],
    ]
    summary = agreement_summary(_from_rows(rows), (1, 2, 3, 4), n_boot=200)
    assert (summary.n_units, summary.n_single, summary.n_raters, summary.n_ratings) == (6, 2, 4, 18)
    assert summary.alpha.n_pairs == 1 + 3 + 6 + 3 + 1 + 1
    reference = krippendorff.alpha(
        np.array(rows, dtype=float), level_of_measurement="ordinal", value_domain=[1, 2, 3, 4]
    )
    assert summary.alpha.value == pytest.approx(reference, abs=1e-12)


def test_fewer_than_two_raters_and_one_item() -> None:
    """One rater, no ratings, or one shared item give None with the reason, never NaN."""
    single = agreement_summary([(u, "Ann", 2) for u in range(5)])
    assert {s.note for s in single.statistics()} == {NOTE_FEW_RATERS}
    assert all(s.value is None for s in agreement_summary([]).statistics())
    one = agreement_summary([(1, "Ann", 2), (1, "Bo", 3), (2, "Ann", 4)])
    assert one.percent_agreement.value == 0.0
    assert [s.note for s in one.statistics()[1:]] == [NOTE_ONE_UNIT] * 4
    apart = agreement_summary([(1, "Ann", 2), (2, "Bo", 3)])
    assert {s.note for s in apart.statistics()} == {NOTE_NO_PAIRS}


def test_bootstrap_intervals_are_reproducible() -> None:
    """The same seed gives the same interval whatever the order of ratings; another seed differs."""
    ratings = _from_rows(K_DATA)
    first = agreement_summary(ratings, K_RANKS, seed=7)
    shuffled = list(ratings)
    random.Random(1).shuffle(shuffled)
    again = agreement_summary(shuffled, K_RANKS, seed=7)
    assert first == again
    other = krippendorff_alpha(ratings, K_RANKS, seed=8)
    assert (other.ci_low, other.ci_high) != (first.alpha.ci_low, first.alpha.ci_high)
    assert first.alpha.ci_method == "bootstrap over items (1000 resamples, seed 7)"


def test_pairwise_uses_only_the_two_inspectors() -> None:
    """pairwise() compares two inspectors on the items both rated, ignoring a third."""
    ratings = _from_rows(K_DATA)
    pair = pairwise(ratings, "r0", "r3", K_RANKS)
    assert (pair.n_units, pair.n_single, pair.n_raters) == (9, 2, 2)
    assert pair.kappa == cohen_kappa(ratings, "r0", "r3", K_RANKS)
    assert pair.percent_agreement.value == pytest.approx(8 / 9)


def test_light_kappa_is_mean_of_pairwise_kappas() -> None:
    """With three raters on every item, kappa is the mean of the three pairwise kappas."""
    rows: list[list[int | None]] = [[1, 2, 3, 4, 2, 3], [1, 2, 4, 4, 3, 3], [2, 2, 3, 3, 2, 1]]
    ratings = _from_rows(rows)
    pairs = [("r0", "r1"), ("r0", "r2"), ("r1", "r2")]
    expected = sum(cohen_kappa(ratings, a, b).value or 0 for a, b in pairs) / 3
    stat = agreement_summary(ratings, n_boot=100).kappa
    assert stat.name == "mean pairwise Cohen's kappa (linear weights)"
    assert stat.value == pytest.approx(expected, abs=1e-12)


def test_bad_input_is_refused() -> None:
    """A rank off the scale, a repeated rating and a one-grade scale raise clear errors."""
    with pytest.raises(InputError, match=r"Inspector Ann gave item 1 the rank 5, which is not on the scale"):
        percent_agreement([(1, "Ann", 5), (1, "Bo", 3)])
    with pytest.raises(InputError, match="Inspector Ann rated item 1 twice"):
        percent_agreement([(1, "Ann", 2), (1, "Ann", 3)])
    with pytest.raises(ConfigError, match="at least two ranked grades"):
        percent_agreement([], ranks=[1])


def test_disagreements_widest_first() -> None:
    """Disagreements list each item's grades, the widest spread first."""
    found = disagreements(_from_rows(K_DATA), K_RANKS)
    assert [(d.unit, d.spread) for d in found] == [(5, 3), (1, 1), (7, 1)]
    assert found[0].ratings == (("r0", 1), ("r1", 2), ("r2", 3), ("r3", 4))


_grids = st.integers(2, 12).flatmap(
    lambda n_units: st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=n_units, max_size=n_units),
        min_size=2,
        max_size=5,
    )
)


@settings(max_examples=60, deadline=None)
@given(_grids)
def test_alpha_matches_reference_package_on_random_tables(rows: list[list[int | None]]) -> None:
    """Alpha (nominal, ordinal, interval) equals the krippendorff package on random tables."""
    ratings = _from_rows(rows)
    data = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    pairable = [[v for v in col if not np.isnan(v)] for col in data.T]
    values = {v for col in pairable if len(col) >= 2 for v in col}
    n_units = sum(len(col) >= 2 for col in pairable)
    for metric in ("nominal", "ordinal", "interval"):
        stat = krippendorff_alpha(ratings, metric=metric, n_boot=0)  # type: ignore[arg-type]
        if n_units < 2 or len(values) < 2:
            assert stat.value is None
            continue
        reference = krippendorff.alpha(data, level_of_measurement=metric, value_domain=[1, 2, 3, 4])
        assert stat.value == pytest.approx(reference, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(_grids)
def test_every_statistic_is_a_number_in_range_or_none(rows: list[list[int | None]]) -> None:
    """On any table every value and limit is None or a finite number, never NaN."""
    summary = agreement_summary(_from_rows(rows), n_boot=50)
    for stat in summary.statistics():
        assert _finite_or_none(stat), stat
        assert (stat.value is None) == bool(stat.note.startswith("not defined"))


def test_format_shows_value_interval_or_reason() -> None:
    """format() shows the value and interval, a value with its note, or the reason it is missing."""
    full = Statistic("x", 0.8213, 0.6149, 0.951, 10, 10, "", "m")
    assert full.format() == "0.82 (0.61 to 0.95)"
    assert full.format(3) == "0.821 (0.615 to 0.951)"
    bare = Statistic("x", -0.25, None, None, 3, 3, "confidence interval not defined (too few resamples)")
    assert bare.format() == "-0.25 [confidence interval not defined (too few resamples)]"
    assert Statistic("x", None, None, None, 0, 0, NOTE_NO_PAIRS).format() == NOTE_NO_PAIRS


def test_bootstrap_leaves_out_one_grade_resamples_and_says_so() -> None:
    """Resamples without the one disagreement have no alpha; the note counts those kept."""
    ratings = [(u, r, 3) for u in range(9) for r in ("Ann", "Bo")] + [(9, "Ann", 3), (9, "Bo", 2)]
    stat = krippendorff_alpha(ratings, n_boot=1000, seed=0)
    assert stat.value == pytest.approx(0.0, abs=1e-12)  # by hand: 1 - (n - 1) * 2 / (2 * 19 * 1) with n = 20
    kept = int(stat.note.split()[2])
    assert 550 < kept < 750  # about 1 - 0.9**10 = 65% of resamples draw item 9
    assert stat.note == f"interval from {kept} of 1000 resamples (the others had one grade only)"
    assert stat.ci_low is not None and stat.ci_high is not None and stat.ci_low <= stat.ci_high

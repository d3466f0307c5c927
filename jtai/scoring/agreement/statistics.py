"""The agreement statistics, computed with numpy (scipy only for t quantiles).

Every function takes a checked :class:`~jtai.scoring.agreement.ratings.RatingTable` and
returns a :class:`~jtai.scoring.agreement.results.Statistic`; undefined values come back as
None with a note, never as NaN. Bootstrap intervals resample items (rows) with a
``numpy.random.default_rng(seed)``, so the same ratings and seed give the same interval.
"""

from __future__ import annotations

import itertools
import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from jtai.errors import UsageError
from jtai.scoring.agreement.ratings import MISSING, RatingTable
from jtai.scoring.agreement.results import (
    NOTE_CI_UNSTABLE,
    NOTE_FEW_RATERS,
    NOTE_NO_PAIRS,
    NOTE_NO_SHARED,
    NOTE_ONE_GRADE,
    NOTE_ONE_UNIT,
    Metric,
    Statistic,
    Weights,
)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

_TINY = 1e-12
_NOTE_PAIRS_ONE_GRADE = "not defined (each pair of inspectors gave one grade throughout)"


def weight_matrix(ranks: tuple[int, ...], kind: Weights) -> Floats:
    """Agreement weights between grades (Gwet's definitions, on the rank values).

    ``linear`` is ``1 - |k - l| / (max - min)``, ``quadratic`` its square form, ``ordinal``
    Gwet's ordinal weights ``1 - M(k, l) / max M`` with ``M = C(|i - j| + 1, 2)`` on grade
    positions, ``identity`` exact agreement only.

    Raises:
        UsageError: an unknown kind of weights.
    """
    values = np.asarray(ranks, dtype=np.float64)
    scaled: Floats = np.abs(values[:, None] - values[None, :]) / (values[-1] - values[0])
    if kind == "identity":
        return np.eye(len(values))
    if kind == "linear":
        return 1.0 - scaled
    if kind == "quadratic":
        return 1.0 - scaled**2
    if kind == "ordinal":
        pos = np.arange(len(values), dtype=np.float64)
        steps = np.abs(pos[:, None] - pos[None, :])
        m: Floats = (steps + 1.0) * steps / 2.0
        ordinal: Floats = 1.0 - m / m.max()
        return ordinal
    raise UsageError(f"Unknown agreement weights {kind!r}; use identity, linear, quadratic or ordinal.")


def _counts(table: RatingTable) -> Floats:
    """Items x grades: how many raters gave each grade to each item."""
    return np.asarray(table.counts(), dtype=np.float64).reshape(len(table.units), len(table.ranks))


def _cells(table: RatingTable) -> Ints:
    return np.asarray(table.cells, dtype=np.int64).reshape(len(table.units), len(table.raters))


def _undefined(name: str, note: str, n_units: int = 0, n_pairs: int = 0) -> Statistic:
    return Statistic(name, None, None, None, n_units, n_pairs, note)


def _precheck(table: RatingTable, n_units: int, min_units: int = 2) -> str:
    """Why nothing can be computed, or an empty string."""
    if len(table.raters) < 2:
        return NOTE_FEW_RATERS
    if n_units == 0:
        return NOTE_NO_PAIRS
    if n_units < min_units:
        return NOTE_ONE_UNIT
    return ""


def _clip(low: float, high: float) -> tuple[float, float]:
    return max(-1.0, low), min(1.0, high)


def _snap(value: float) -> float:
    """Round away float noise at the ends of the scale (-1.0000000000000004 is -1)."""
    for end in (-1.0, 1.0):
        if abs(value - end) < 1e-9:
            return end
    return value


def _resample_weights(n_units: int, n_boot: int, seed: int) -> Floats:
    """How often each item is drawn in each of ``n_boot`` resamples (rows)."""
    rng = np.random.default_rng(seed)
    drawn = rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=n_boot)
    return drawn.astype(np.float64)


def _percentile_ci(samples: Floats, confidence: float) -> tuple[float | None, float | None, str]:
    """Percentile interval of the defined resamples; none when fewer than half are defined.

    A resample in which every rating is in one grade has no value; it is left out, and the
    note says how many resamples the interval rests on.
    """
    finite = samples[np.isfinite(samples)]
    if finite.size == 0 or finite.size < samples.size / 2:
        return None, None, NOTE_CI_UNSTABLE
    low, high = np.quantile(finite, [(1 - confidence) / 2, (1 + confidence) / 2])
    note = ""
    if finite.size < samples.size:
        note = f"interval from {finite.size} of {samples.size} resamples (the others had one grade only)"
    return _snap(float(low)), _snap(float(high)), note


def _boot_method(n_boot: int, seed: int) -> str:
    return f"bootstrap over items ({n_boot} resamples, seed {seed})"


def percent_agreement(table: RatingTable, confidence: float) -> Statistic:
    """Mean over items of the share of pairs of ratings that agree exactly; Wilson interval."""
    name = "percent agreement"
    counts = _counts(table)
    m = counts.sum(axis=1)
    keep = m >= 2
    n_units, n_pairs = int(keep.sum()), int((m[keep] * (m[keep] - 1) / 2).sum())
    note = _precheck(table, n_units, min_units=1)
    if note:
        return _undefined(name, note, n_units, n_pairs)
    c, mm = counts[keep], m[keep]
    value = _snap(float(((c * (c - 1)).sum(axis=1) / (mm * (mm - 1))).mean()))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    centre = value + z * z / (2 * n_units)
    half = z * math.sqrt(value * (1 - value) / n_units + z * z / (4 * n_units * n_units))
    denom = 1 + z * z / n_units
    low, high = max(0.0, (centre - half) / denom), min(1.0, (centre + half) / denom)
    return Statistic(name, value, low, high, n_units, n_pairs, "", "Wilson score over items")


def _kappa_batch(tables: Floats, w: Floats) -> Floats:
    """Weighted kappa of each ``q x q`` table in a batch; NaN where chance agreement is 1."""
    n = tables.sum(axis=(1, 2))
    p = tables / np.where(n > 0, n, 1.0)[:, None, None]
    row, col = p.sum(axis=2), p.sum(axis=1)
    po = (p * w).sum(axis=(1, 2))
    pe = np.einsum("bi,ij,bj->b", row, w, col)
    ok = (1 - pe > _TINY) & (n >= 2)
    out = np.full(n.shape, np.nan)
    out[ok] = (po[ok] - pe[ok]) / (1 - pe[ok])
    return out


def _kappa_se(table: Floats, w: Floats, kappa: float) -> float:
    """Large-sample standard error of weighted kappa (Fleiss, Cohen & Everitt 1969)."""
    n = table.sum()
    p = table / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    pe = float(row @ w @ col)
    w_row, w_col = w @ col, w.T @ row
    inner = float((p * (w - (w_row[:, None] + w_col[None, :]) * (1 - kappa)) ** 2).sum())
    var = (inner - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2)
    return math.sqrt(max(var, 0.0))


def _pair_onehots(cells: Ints, a: int, b: int, q: int) -> Floats:
    """Items x (q*q): a 1 in the cell of the two raters' grades where both rated the item."""
    both = (cells[:, a] != MISSING) & (cells[:, b] != MISSING)
    out = np.zeros((cells.shape[0], q * q))
    rows = np.flatnonzero(both)
    out[rows, cells[rows, a] * q + cells[rows, b]] = 1.0
    return out


def _kappa_name(weights: Weights) -> str:
    return "Cohen's kappa" if weights == "identity" else f"Cohen's kappa ({weights} weights)"


def cohen_kappa(table: RatingTable, a: int, b: int, weights: Weights, confidence: float) -> Statistic:
    """Weighted Cohen's kappa of raters ``a`` and ``b`` (column indexes), normal interval."""
    name = _kappa_name(weights)
    q = len(table.ranks)
    onehots = _pair_onehots(_cells(table), a, b, q)
    n = int(onehots.sum())
    note = _precheck(table, n)
    if note:
        return _undefined(name, note, n, n)
    w = weight_matrix(table.ranks, weights)
    cross = onehots.sum(axis=0).reshape(q, q)
    kappa = _snap(float(_kappa_batch(cross[None], w)[0]))
    if math.isnan(kappa):
        return _undefined(name, NOTE_ONE_GRADE, n, n)
    half = NormalDist().inv_cdf((1 + confidence) / 2) * _kappa_se(cross, w, kappa)
    low, high = _clip(kappa - half, kappa + half)
    method = "normal, Fleiss-Cohen-Everitt standard error"
    return Statistic(name, kappa, low, high, n, n, "", method)


def light_kappa(table: RatingTable, weights: Weights, confidence: float, n_boot: int, seed: int) -> Statistic:
    """Cohen's kappa for two raters; for more, the mean over pairs of raters (Light's kappa).

    Pairs that share fewer than two items, or whose kappa is not defined, are left out of
    the mean (the note says how many). The interval is a bootstrap over items.
    """
    if len(table.raters) == 2:
        return cohen_kappa(table, 0, 1, weights, confidence)
    name = f"mean pairwise {_kappa_name(weights)}"
    counts = _counts(table)
    n_units = int((counts.sum(axis=1) >= 2).sum())
    note = _precheck(table, n_units)
    if note:
        return _undefined(name, note, n_units)
    cells, q = _cells(table), len(table.ranks)
    onehots = [
        oh
        for a, b in itertools.combinations(range(len(table.raters)), 2)
        if (oh := _pair_onehots(cells, a, b, q)).sum() >= 2
    ]
    if not onehots:
        return _undefined(name, NOTE_NO_SHARED, n_units)
    stack = np.stack(onehots)  # pairs x items x q*q
    stack = stack[:, stack.sum(axis=2).max(axis=0) > 0, :]  # items some pair shares
    n_used, n_pairs = stack.shape[1], int(stack.sum())
    w = weight_matrix(table.ranks, weights)
    kappas = _kappa_batch(stack.sum(axis=1).reshape(-1, q, q), w)
    defined = np.isfinite(kappas)
    if not defined.any():
        one_grade = int((counts.sum(axis=0) > 0).sum()) == 1
        return _undefined(name, NOTE_ONE_GRADE if one_grade else _NOTE_PAIRS_ONE_GRADE, n_used, n_pairs)
    value = _snap(float(kappas[defined].mean()))
    note = "" if defined.all() else f"mean over {int(defined.sum())} of {len(kappas)} pairs of inspectors"
    if n_boot <= 0:
        return Statistic(name, value, None, None, n_used, n_pairs, note)
    draws = _resample_weights(n_used, n_boot, seed)
    per_pair = np.stack([_kappa_batch((draws @ oh).reshape(-1, q, q), w) for oh in stack])
    finite = np.isfinite(per_pair)
    n_finite = finite.sum(axis=0)
    sums = np.where(finite, per_pair, 0.0).sum(axis=0)
    boot = np.where(n_finite > 0, sums / np.maximum(n_finite, 1), np.nan)
    low, high, ci_note = _percentile_ci(boot, confidence)
    note = "; ".join(x for x in (note, ci_note) if x)
    return Statistic(name, value, low, high, n_used, n_pairs, note, _boot_method(n_boot, seed))


def gwet_ac(table: RatingTable, weights: Weights, confidence: float) -> Statistic:
    """Gwet's AC1 (identity weights) or AC2, with Gwet's variance and a t interval.

    Follows Gwet, *Handbook of Inter-Rater Reliability* (4th ed., ch. 2 and 5): items rated
    once count towards the grade shares (and so the chance agreement) but not the observed
    agreement.
    """
    name = "Gwet's AC1" if weights == "identity" else f"Gwet's AC2 ({weights} weights)"
    counts = _counts(table)
    r = counts.sum(axis=1)
    two = r >= 2
    n, n2 = counts.shape[0], int(two.sum())
    n_pairs = int((r[two] * (r[two] - 1) / 2).sum())
    note = _precheck(table, n2)
    if note:
        return _undefined(name, note, n2, n_pairs)
    q = len(table.ranks)
    w = weight_matrix(table.ranks, weights)
    weighted = counts @ w.T  # r*_ik: raters of item i in agreement (weighted) with grade k
    pa_i = np.zeros(n)
    pa_i[two] = (counts[two] * (weighted[two] - 1)).sum(axis=1) / (r[two] * (r[two] - 1))
    pa = float(pa_i[two].mean())
    pi = (counts / r[:, None]).mean(axis=0)
    scale = float(w.sum()) / (q * (q - 1))
    pe = scale * float((pi * (1 - pi)).sum())
    if 1 - pe <= _TINY:
        return _undefined(name, NOTE_ONE_GRADE, n2, n_pairs)
    ac = _snap((pa - pe) / (1 - pe))
    ac_i = (n / n2) * (pa_i - pe * two) / (1 - pe)
    pe_i = scale * (counts @ (1 - pi)) / r
    ac_i_star = ac_i - 2 * (1 - ac) * (pe_i - pe) / (1 - pe)
    se = math.sqrt(float(((ac_i_star - ac) ** 2).sum()) / (n * (n - 1)))
    from scipy import stats  # slow to import; only needed here

    half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * se
    low, high = _clip(ac - half, ac + half)
    return Statistic(name, ac, low, high, n2, n_pairs, "", f"Gwet's variance, t with {n - 1} df")


def _alpha_batch(coincidences: Floats, ranks: tuple[int, ...], metric: Metric) -> Floats:
    """Krippendorff's alpha of each ``q x q`` coincidence matrix; NaN with one grade only."""
    nc = coincidences.sum(axis=2)
    n = nc.sum(axis=1)
    q = len(ranks)
    if metric == "nominal":
        delta = np.broadcast_to(1.0 - np.eye(q), coincidences.shape)
    elif metric == "interval":
        v = np.asarray(ranks, dtype=np.float64)
        delta = np.broadcast_to((v[:, None] - v[None, :]) ** 2, coincidences.shape)
    elif metric == "ordinal":
        cum = np.cumsum(nc, axis=1)
        # delta[c, k] = (sum of n_g for g from c to k  -  (n_c + n_k) / 2) ** 2
        delta = (cum[:, None, :] - cum[:, :, None] + (nc[:, :, None] - nc[:, None, :]) / 2) ** 2
    else:
        raise UsageError(f"Unknown metric {metric!r}; use nominal, ordinal or interval.")
    observed = (coincidences * delta).sum(axis=(1, 2))
    expected = (nc[:, :, None] * nc[:, None, :] * delta).sum(axis=(1, 2))
    ok = expected > 1e-9
    out = np.full(n.shape, np.nan)
    out[ok] = 1 - (n[ok] - 1) * observed[ok] / expected[ok]
    return out


def krippendorff_alpha(
    table: RatingTable, metric: Metric, confidence: float, n_boot: int, seed: int
) -> Statistic:
    """Krippendorff's alpha from the coincidence matrix; bootstrap interval over items."""
    name = f"Krippendorff's alpha ({metric})"
    counts = _counts(table)
    m = counts.sum(axis=1)
    keep = m >= 2
    c, mm = counts[keep], m[keep]
    n_units, n_pairs = int(keep.sum()), int((mm * (mm - 1) / 2).sum())
    note = _precheck(table, n_units)
    if note:
        return _undefined(name, note, n_units, n_pairs)
    q = len(table.ranks)
    per_item = (c[:, :, None] * c[:, None, :] - c[:, :, None] * np.eye(q)) / (mm - 1)[:, None, None]
    alpha = _snap(float(_alpha_batch(per_item.sum(axis=0)[None], table.ranks, metric)[0]))
    if math.isnan(alpha):
        return _undefined(name, NOTE_ONE_GRADE, n_units, n_pairs)
    if n_boot <= 0:
        return Statistic(name, alpha, None, None, n_units, n_pairs)
    draws = _resample_weights(n_units, n_boot, seed)
    boot = _alpha_batch((draws @ per_item.reshape(n_units, q * q)).reshape(-1, q, q), table.ranks, metric)
    low, high, ci_note = _percentile_ci(boot, confidence)
    return Statistic(name, alpha, low, high, n_units, n_pairs, ci_note, _boot_method(n_boot, seed))

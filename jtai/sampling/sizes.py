"""Attribute-sampling sample sizes, as in the AICPA audit sampling tables.

The sample size is the smallest ``n`` such that, if the true deviation rate were the
tolerable rate, a sample of ``n`` would show at most the expected number of deviations
``k = ceil(n * expected_rate)`` with probability no more than ``1 - confidence`` (the risk
of overreliance). This reproduces the published AICPA tables (Audit Sampling guide,
Tables A-1 and A-2) with the binomial distribution; with a known population size the
hypergeometric distribution gives the exact, smaller size for that population.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from jtai.errors import UsageError

MAX_SIZE = 100_000
_BLOCK = 2_000


@dataclass(frozen=True)
class SampleSize:
    """A sample size and how it was found.

    Attributes:
        n: the number of cases to sample.
        deviations_allowed: the most deviations the sample may show and still support the
            conclusion that the rate is below the tolerable rate.
        method: ``binomial`` or ``hypergeometric``.
        confidence: the confidence level (1 - risk of overreliance).
        tolerable_rate: the tolerable deviation rate.
        expected_rate: the expected deviation rate.
        population: the population size (hypergeometric only).
        achieved_risk: the probability of accepting when the rate equals the tolerable rate.
    """

    n: int
    deviations_allowed: int
    method: str
    confidence: float
    tolerable_rate: float
    expected_rate: float
    population: int | None
    achieved_risk: float

    def to_dict(self) -> dict[str, Any]:
        """The result as a plain dict (for --json): the sample size is ``size``, as sizes are named."""
        data = asdict(self)
        return {"size": data.pop("n"), **data}


def sample_size(
    confidence: float,
    tolerable_rate: float,
    expected_rate: float = 0.0,
    population: int | None = None,
) -> SampleSize:
    """The attribute-sampling sample size.

    Args:
        confidence: e.g. 0.95 (a 5% risk of overreliance).
        tolerable_rate: the highest deviation rate that is still acceptable, e.g. 0.05.
        expected_rate: the deviation rate expected in the population, e.g. 0.01.
        population: the number of cases in the population; if given, the hypergeometric
            distribution is used (exact for sampling without replacement).

    Returns:
        The sample size, e.g. 59 for 95% confidence, 5% tolerable, 0 expected.

    Raises:
        UsageError: a rate outside (0, 1), an expected rate not below the tolerable rate, or
            a population too small to hold a single deviation.
    """
    from scipy.stats import binom, hypergeom

    _check(confidence, tolerable_rate, expected_rate, population)
    risk = 1.0 - confidence
    if population is not None:
        bad = math.ceil(tolerable_rate * population - 1e-9)
        limit = population
    else:
        limit = MAX_SIZE
    import numpy as np

    for start in range(1, limit + 1, _BLOCK):
        ns = np.arange(start, min(start + _BLOCK, limit + 1))
        ks = np.ceil(ns * expected_rate - 1e-9).astype(int) if expected_rate > 0 else np.zeros_like(ns)
        if population is None:
            p_accept = binom.cdf(ks, ns, tolerable_rate)
        else:
            p_accept = hypergeom.cdf(ks, population, bad, ns)
        ok = np.flatnonzero((p_accept <= risk + 1e-12) & (ks < ns))
        if ok.size:
            i = int(ok[0])
            return SampleSize(
                n=int(ns[i]),
                deviations_allowed=int(ks[i]),
                method="binomial" if population is None else "hypergeometric",
                confidence=confidence,
                tolerable_rate=tolerable_rate,
                expected_rate=expected_rate,
                population=population,
                achieved_risk=float(p_accept[i]),
            )
    raise UsageError(
        f"No sample of up to {limit:,} cases reaches {confidence:.0%} confidence with these rates.",
        hint="Raise the tolerable rate or lower the expected rate.",
    )


def _check(confidence: float, tolerable: float, expected: float, population: int | None) -> None:
    if not 0 < confidence < 1:
        raise UsageError(f"--confidence is {confidence}; give a value between 0 and 1, e.g. 0.95.")
    if not 0 < tolerable < 1:
        raise UsageError(f"--tolerable-rate is {tolerable}; give a value between 0 and 1, e.g. 0.05.")
    if not 0 <= expected < 1:
        raise UsageError(f"--expected-rate is {expected}; give a value from 0 up to 1, e.g. 0.01.")
    if expected >= tolerable:
        raise UsageError(
            f"--expected-rate ({expected}) must be below --tolerable-rate ({tolerable}).",
            hint="If you expect as many deviations as you can tolerate, sampling cannot help: "
            "review every case.",
        )
    if population is not None and population < 1:
        raise UsageError(f"--population is {population}; give the number of cases, at least 1.")

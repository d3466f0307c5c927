"""Attribute-sampling sample sizes against the published AICPA tables."""

from __future__ import annotations

import pytest

from jtai.errors import UsageError
from jtai.sampling import sample_size

# (confidence, tolerable rate, expected rate) -> (sample size, deviations allowed), from the
# AICPA Audit Sampling guide, Table A-1 (5% risk of overreliance) and Table A-2 (10% risk).
AICPA = [
    (0.95, 0.02, 0.0, 149, 0),
    (0.95, 0.03, 0.0, 99, 0),
    (0.95, 0.04, 0.0, 74, 0),
    (0.95, 0.05, 0.0, 59, 0),
    (0.95, 0.06, 0.0, 49, 0),
    (0.95, 0.07, 0.0, 42, 0),
    (0.95, 0.08, 0.0, 36, 0),
    (0.95, 0.09, 0.0, 32, 0),
    (0.95, 0.10, 0.0, 29, 0),
    (0.95, 0.15, 0.0, 19, 0),
    (0.95, 0.20, 0.0, 14, 0),
    (0.95, 0.05, 0.0025, 93, 1),
    (0.95, 0.03, 0.0075, 208, 2),
    (0.95, 0.04, 0.01, 156, 2),
    (0.95, 0.05, 0.02, 181, 4),
    (0.95, 0.09, 0.03, 84, 3),
    (0.90, 0.02, 0.0, 114, 0),
    (0.90, 0.05, 0.0, 45, 0),
    (0.90, 0.10, 0.0, 22, 0),
    (0.90, 0.20, 0.0, 11, 0),
    (0.90, 0.07, 0.03, 94, 3),
    (0.90, 0.08, 0.04, 98, 4),
]


@pytest.mark.parametrize(("confidence", "tolerable", "expected", "n", "k"), AICPA)
def test_matches_published_table(
    confidence: float, tolerable: float, expected: float, n: int, k: int
) -> None:
    """Binomial sizes and allowed deviations equal the AICPA table entries."""
    result = sample_size(confidence, tolerable, expected)
    assert (result.n, result.deviations_allowed, result.method) == (n, k, "binomial")
    assert result.achieved_risk <= 1 - confidence + 1e-12


def test_hypergeometric_is_smaller_and_converges() -> None:
    """With a population the size is smaller, and it approaches the binomial size as it grows."""
    assert sample_size(0.95, 0.05, population=1000).n == 57
    assert sample_size(0.95, 0.05, population=100).n == 45
    assert sample_size(0.95, 0.05, population=1_000_000).n == 59
    small = sample_size(0.95, 0.05, population=10)
    assert small.method == "hypergeometric" and small.n == 10


def test_bad_rates_are_usage_errors() -> None:
    """Rates outside (0, 1), or an expected rate not below the tolerable one, are refused clearly."""
    with pytest.raises(UsageError, match=r"--expected-rate \(0.1\) must be below --tolerable-rate \(0.05\)"):
        sample_size(0.95, 0.05, 0.1)
    with pytest.raises(UsageError, match=r"--confidence is 1\.5"):
        sample_size(1.5, 0.05)
    with pytest.raises(UsageError, match="--population is 0"):
        sample_size(0.95, 0.05, population=0)


def test_size_command(run) -> None:
    """`jtai sample size` prints the size; --json gives the full result; no workspace needed."""
    result = run("sample", "size", "--confidence", "0.95", "--tolerable-rate", "0.05")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Sample size: 59 cases (binomial)."
    as_json = run("sample", "size", "--tolerable-rate", "0.10", "--population", "500", "--json")
    import json

    data = json.loads(as_json.stdout)
    assert (data["size"], data["method"], data["population"]) == (28, "hypergeometric", 500)
    bad = run("sample", "size", "--tolerable-rate", "0.01", "--expected-rate", "0.02")
    assert bad.exit_code == 2
    assert "must be below --tolerable-rate" in bad.stderr

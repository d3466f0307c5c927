"""Result types and fixed wording of the inter-rater agreement statistics.

Plain standard-library code, so importing it costs nothing at start-up; the numbers are
computed in :mod:`jtai.scoring.agreement.statistics`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

Weights = Literal["identity", "linear", "quadratic", "ordinal"]
"""Agreement weights between grades: 1 on the diagonal, 0 for the two ends of the scale."""

Metric = Literal["nominal", "ordinal", "interval"]
"""Krippendorff's difference function (level of measurement)."""

Rating = tuple[Hashable, Hashable, int]
"""One rating: ``(unit_id, rater_id, rank)``."""

DEFAULT_RANKS: tuple[int, ...] = (1, 2, 3, 4)
"""Ranks of the default scale: inadequate 1, requires improvement 2, good 3, outstanding 4."""

NOTE_ONE_GRADE = "not defined (all ratings in one grade)"
NOTE_FEW_RATERS = "not defined (fewer than two inspectors)"
NOTE_NO_PAIRS = "not defined (no item rated by two or more inspectors)"
NOTE_ONE_UNIT = "not defined (only one item rated by two or more inspectors)"
NOTE_NO_SHARED = "not defined (no two inspectors rated two or more items in common)"
NOTE_CI_UNSTABLE = "confidence interval not defined (too few resamples with more than one grade)"


@dataclass(frozen=True, slots=True)
class Statistic:
    """One agreement statistic with its 95% (or other) confidence interval.

    Attributes:
        name: what was computed, e.g. ``"Krippendorff's alpha (ordinal)"``.
        value: the estimate, or None when it is not defined (see ``note``); never NaN.
        ci_low: lower confidence limit, or None when there is no interval.
        ci_high: upper confidence limit, or None when there is no interval.
        n_units: items (unit = case x criterion x agency) rated by two or more raters
            that the statistic rests on.
        n_pairs: pairs of ratings of the same item compared (for Cohen's kappa: items
            both inspectors rated).
        note: empty, or why the value or the interval is missing or should be read with
            care, e.g. ``"not defined (all ratings in one grade)"``.
        ci_method: how the interval was found, e.g. ``"Gwet's variance, t"`` or
            ``"bootstrap over items (1000 resamples, seed 0)"``; empty when none.
    """

    name: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_units: int
    n_pairs: int
    note: str = ""
    ci_method: str = ""

    @property
    def defined(self) -> bool:
        """True when the statistic has a value."""
        return self.value is not None

    def format(self, digits: int = 2) -> str:
        """The value and interval as the CLI shows them, or the note when undefined.

        Example: ``"0.82 (0.61 to 0.95)"``; ``"not defined (all ratings in one grade)"``; a
        value without an interval is followed by the note, if any, in brackets.
        """
        if self.value is None:
            return self.note
        text = f"{self.value:.{digits}f}"
        if self.ci_low is not None and self.ci_high is not None:
            return f"{text} ({self.ci_low:.{digits}f} to {self.ci_high:.{digits}f})"
        return f"{text} [{self.note}]" if self.note else text


@dataclass(frozen=True, slots=True)
class AgreementSummary:
    """All agreement statistics for one set of ratings (a criterion, or a pair of inspectors).

    Attributes:
        percent_agreement: share (0 to 1) of pairs of ratings of an item that agree exactly.
        kappa: weighted Cohen's kappa (two raters), or the mean of pairwise weighted Cohen's
            kappas (Light's kappa) when there are more than two.
        ac1: Gwet's AC1 (nominal, unweighted).
        ac2: Gwet's AC2 with the summary's weights (linear by default).
        alpha: Krippendorff's alpha with the summary's metric (ordinal by default).
        n_units: items rated by two or more raters.
        n_single: items rated by one rater only; they are in no pair (Gwet's AC1/AC2 still
            use them for the chance agreement, as Gwet prescribes).
        n_raters: distinct raters.
        n_ratings: ratings given.
    """

    percent_agreement: Statistic
    kappa: Statistic
    ac1: Statistic
    ac2: Statistic
    alpha: Statistic
    n_units: int
    n_single: int
    n_raters: int
    n_ratings: int

    def statistics(self) -> tuple[Statistic, ...]:
        """The five statistics in display order."""
        return (self.percent_agreement, self.kappa, self.ac1, self.ac2, self.alpha)


@dataclass(frozen=True, slots=True)
class Disagreement:
    """An item on which raters gave different grades.

    Attributes:
        unit: the item's id as given in the ratings.
        ratings: ``(rater_id, rank)`` for every rater of the item, in rater order.
        spread: highest rank minus lowest rank (1 = neighbouring grades).
    """

    unit: Hashable
    ratings: tuple[tuple[Hashable, int], ...]
    spread: int

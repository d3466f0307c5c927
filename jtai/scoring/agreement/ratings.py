"""Check ratings and arrange them as an item-by-rater table of grade indexes."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from jtai.errors import ConfigError, InputError
from jtai.scoring.agreement.results import Rating

MISSING = -1
"""Cell value of the table where a rater did not rate an item."""


@dataclass(frozen=True, slots=True)
class RatingTable:
    """Ratings as a grid: one row per item, one column per rater.

    Attributes:
        ranks: the scale's ranks, ascending; a cell holds an index into this tuple.
        units: item ids in a stable order (sorted), one per row.
        raters: rater ids in a stable order (sorted), one per column.
        cells: ``cells[i][j]`` is the grade index rater ``j`` gave item ``i``, or MISSING.
        n_ratings: how many ratings there are.
    """

    ranks: tuple[int, ...]
    units: tuple[Hashable, ...]
    raters: tuple[Hashable, ...]
    cells: tuple[tuple[int, ...], ...]
    n_ratings: int

    def counts(self) -> list[list[int]]:
        """For each item, how many raters gave each grade."""
        out = []
        for row in self.cells:
            per = [0] * len(self.ranks)
            for cell in row:
                if cell != MISSING:
                    per[cell] += 1
            out.append(per)
        return out

    def restrict(self, raters: Iterable[Hashable]) -> RatingTable:
        """The same table with only the given raters' columns and the items they rated."""
        keep = [self.raters.index(r) for r in raters]
        rows = [(u, tuple(row[j] for j in keep)) for u, row in zip(self.units, self.cells, strict=True)]
        rows = [(u, row) for u, row in rows if any(c != MISSING for c in row)]
        return RatingTable(
            ranks=self.ranks,
            units=tuple(u for u, _ in rows),
            raters=tuple(self.raters[j] for j in keep),
            cells=tuple(row for _, row in rows),
            n_ratings=sum(c != MISSING for _, row in rows for c in row),
        )


def order_key(value: Hashable) -> tuple[str, int | float | str]:
    """A sort key that orders ids of one type naturally and mixed types stably."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (type(value).__name__, value)
    return (type(value).__name__, str(value))


def check_ranks(ranks: Sequence[int]) -> tuple[int, ...]:
    """The scale's ranks, ascending.

    Raises:
        ConfigError: fewer than two ranks, a repeated rank, or a rank that is not an integer.
    """
    if any(isinstance(r, bool) or not isinstance(r, int) for r in ranks):
        raise ConfigError(
            "The grading scale's ranks must be whole numbers.",
            hint="Give each ordinal grade of the framework's scale an integer rank.",
        )
    ordered = tuple(sorted(ranks))
    if len(set(ordered)) != len(ordered):
        raise ConfigError(
            f"The grading scale repeats a rank: {list(ordered)}.",
            hint="Give each ordinal grade of the framework's scale its own rank.",
        )
    if len(ordered) < 2:
        raise ConfigError(
            "Agreement needs a grading scale with at least two ranked grades.",
            hint="Add ranked grades to the framework's scale.",
        )
    return ordered


def build_table(ratings: Iterable[Rating], ranks: Sequence[int]) -> RatingTable:
    """Check the ratings and arrange them as a table.

    Args:
        ratings: ``(unit_id, rater_id, rank)`` triples; "not applicable" and "insufficient
            evidence" must already be left out.
        ranks: the ranks of the scale's ordinal grades.

    Raises:
        ConfigError: the ranks are not a usable scale.
        InputError: a rank that is not on the scale, or a rater who rated an item twice.
    """
    scale = check_ranks(ranks)
    index = {rank: i for i, rank in enumerate(scale)}
    grid: dict[Hashable, dict[Hashable, int]] = {}
    raters: set[Hashable] = set()
    n = 0
    for unit, rater, rank in ratings:
        if isinstance(rank, bool) or rank not in index:
            raise InputError(
                f"Inspector {rater} gave item {unit} the rank {rank!r}, which is not on the "
                f"scale {list(scale)}.",
                hint='Leave out "not applicable" and "insufficient evidence" before computing agreement.',
            )
        row = grid.setdefault(unit, {})
        if rater in row:
            raise InputError(
                f"Inspector {rater} rated item {unit} twice.",
                hint="Pass only the current judgement of each inspector.",
            )
        row[rater] = index[rank]
        raters.add(rater)
        n += 1
    units = tuple(sorted(grid, key=order_key))
    rater_order = tuple(sorted(raters, key=order_key))
    cells = tuple(tuple(grid[u].get(r, MISSING) for r in rater_order) for u in units)
    return RatingTable(ranks=scale, units=units, raters=rater_order, cells=cells, n_ratings=n)

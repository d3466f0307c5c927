"""Reproducible stratified draws: allocation, picks and reserves.

Every draw starts from a frame sorted by a stable key and gives each row a uniform random
number from ``numpy.random.Generator(PCG64(seed))``; within a stratum, rows are taken in
the order of those numbers. The same seed and frame therefore give the same sample on any
machine, and every member of a stratum is equally likely to be taken first.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

PICK = "pick"
RESERVE = "reserve"
CELL_SEPARATOR = " | "
# Levels that are gaps in the data, not groups to represent: never sought for coverage.
NOT_SOUGHT = frozenset({"", "unknown", "other ages"})


@dataclass(frozen=True)
class Drawn:
    """One row taken from the frame.

    Attributes:
        row: the row's position in the key-sorted frame.
        role: ``pick`` or ``reserve``.
        group: its level of the first (allocation) dimension.
        stratum: its full cell, e.g. ``"cse | 14-15 | female"``.
    """

    row: int
    role: str
    group: str
    stratum: str


@dataclass
class Draw:
    """The result of a draw.

    Attributes:
        members: picks in drawing order, then reserves.
        allocation: per group: eligible, picked, reserves (in the groups' order).
        frame_hash: SHA-256 of the frame the draw used.
        notes: things the user should know (a stratum left out, fewer than asked).
    """

    members: list[Drawn]
    allocation: list[dict[str, object]]
    frame_hash: str
    notes: list[str] = field(default_factory=list)


def uniform_keys(size: int, seed: int) -> np.ndarray:
    """One uniform random number in [0, 1) per frame row, from the seed alone.

    Built from the raw 64-bit output of the PCG64 bit generator (whose stream NumPy keeps
    fixed) with the standard 53-bit conversion, so the numbers do not depend on how a
    NumPy version implements its distributions.
    """
    import numpy as np

    raw = np.random.PCG64(seed).random_raw(size)
    return np.asarray(raw >> np.uint64(11), dtype=np.float64) * (1.0 / 9007199254740992.0)


def frame_hash(frame: pd.DataFrame, columns: Sequence[str]) -> str:
    """SHA-256 of the frame's rows (only ``columns``, in key order), as hex.

    The text hashed is the column names joined by tabs, then one line per row with its
    values as text (missing as empty) joined by tabs.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    digest = hashlib.sha256()
    digest.update("\t".join(columns).encode("utf-8"))
    if len(frame):
        arrays = [
            pc.fill_null(pa.array(frame[c].astype("string"), type=pa.large_string()), "") for c in columns
        ]
        rows = pc.binary_join_element_wise(*arrays, pa.scalar("\t", pa.large_string()))
        text = pc.binary_join(
            pa.LargeListArray.from_arrays(pa.array([0, len(rows)], pa.int64()), rows),
            pa.scalar("\n", pa.large_string()),
        )
        digest.update(b"\n" + text[0].as_buffer().to_pybytes())
    return digest.hexdigest()


def allocate(sizes: Sequence[int], n: int, *, when_short: str = "order") -> list[int]:
    """Share ``n`` across strata: at least one per non-empty stratum, the rest proportional.

    Args:
        sizes: stratum sizes.
        n: the total to take (more than the strata hold means all of them).
        when_short: if ``n`` is below the number of non-empty strata, which get one:
            ``order`` (the first ones) or ``largest``.

    Returns:
        Numbers per stratum: each at most its size; they sum to ``min(n, sum(sizes))``.
    """
    total = sum(sizes)
    n = max(0, min(n, total))
    nonempty = [i for i, s in enumerate(sizes) if s > 0]
    out = [0] * len(sizes)
    if n == 0:
        return out
    if n < len(nonempty):
        chosen = nonempty if when_short == "order" else sorted(nonempty, key=lambda i: (-sizes[i], i))
        for i in chosen[:n]:
            out[i] = 1
        return out
    quota = [n * s / total for s in sizes]
    for i in nonempty:
        out[i] = min(sizes[i], max(1, math.floor(quota[i])))
    while sum(out) > n:
        i = max((i for i in nonempty if out[i] > 1), key=lambda i: (out[i] - quota[i], -i))
        out[i] -= 1
    while sum(out) < n:
        i = max((i for i in nonempty if out[i] < sizes[i]), key=lambda i: (quota[i] - out[i], -i))
        out[i] += 1
    return out


def draw_stratified(
    frame: pd.DataFrame,
    *,
    dimensions: Sequence[str],
    levels: dict[str, list[str]],
    n: int,
    reserves: int,
    seed: int,
    hash_columns: Sequence[str],
    spread: bool,
    when_short: str = "order",
    distinct: str | None = None,
    unit_name: str = "rows",
) -> Draw:
    """Draw picks and reserves from ``frame``, stratified on ``dimensions``.

    The first dimension is allocated across with :func:`allocate`. With ``spread``
    (tracked children), the picks inside each group are then those that add the most
    levels of the other dimensions not yet in the sample, so a small sample still covers
    age bands, sexes and so on (sex not recorded and ages outside the bands are data gaps,
    not levels sought); without it (front door) every full cell is allocated
    proportionally. Ties go to the row with the smallest random number, so a row's chance
    is the same as any other row of its cell.

    Args:
        frame: one row per unit, with a ``key`` column and one column per dimension.
        dimensions: stratum columns, the first is allocated across.
        levels: each dimension's levels in display order (others follow, sorted).
        n: picks wanted.
        reserves: reserves per group (spread) or per cell (proportional).
        seed: the random seed.
        hash_columns: the columns that identify the frame for its hash.
        spread: cover the other dimensions inside each group (tracked sampling).
        when_short: passed to :func:`allocate`.
        distinct: a column (the child) of which, where a stratum allows, each value is
            taken once (proportional draws only).
        unit_name: what a frame row is, for the notes (``children``).
    """
    if not frame["key"].is_monotonic_increasing:
        frame = frame.sort_values("key", kind="stable")
    frame = frame.reset_index(drop=True)
    u = uniform_keys(len(frame), seed)
    dims = list(dimensions) or ["_all"]
    if "_all" in dims:
        frame = frame.assign(_all="all")
    cells = _cells(frame, dims, u)
    unit = dims if not spread else dims[:1]
    groups = _ordered({cell[: len(unit)] for cell in cells}, unit, levels)
    group_sizes = [sum(len(v) for c, v in cells.items() if c[: len(unit)] == g) for g in groups]
    quotas = allocate(group_sizes, n, when_short=when_short)
    members: list[Drawn] = []
    if spread:
        members = _spread(cells, groups, quotas, u, reserves)
    else:
        owner = frame[distinct].astype("string").fillna("").tolist() if distinct else None
        used: set[str] = set()
        for group, quota in zip(groups, quotas, strict=True):
            rows = cells[group]
            if owner is not None:
                # one unit per child where the cell allows: a child's contact and the referral
                # that followed it are one journey through the front door
                rows = _one_per_owner(rows, owner, used, quota + reserves if quota else 0)
            label = CELL_SEPARATOR.join(group)
            members += [Drawn(r, PICK, group[0], label) for r in rows[:quota]]
            if quota:
                members += [Drawn(r, RESERVE, group[0], label) for r in rows[quota : quota + reserves]]
        members.sort(key=lambda m: m.role != PICK)
    allocation = [
        {
            "stratum": CELL_SEPARATOR.join(g),
            "eligible": size,
            "picked": sum(1 for m in members if m.role == PICK and _in(m, g)),
            "reserves": sum(1 for m in members if m.role == RESERVE and _in(m, g)),
        }
        for g, size in zip(groups, group_sizes, strict=True)
    ]
    notes = []
    if n > len(frame):
        notes.append(shortfall_note(unit_name, len(frame), n, reserves))
    elif sum(1 for s in group_sizes if s) > n:
        left = [str(a["stratum"]) for a in allocation if a["eligible"] and not a["picked"]]
        notes.append(f"{len(left)} non-empty strata have no pick (n is too small): {', '.join(left)}.")
    return Draw(members, allocation, frame_hash(frame, hash_columns), notes)


def shortfall_note(unit: str, eligible: int, asked: int, reserves: int) -> str:
    """What to say when fewer ``unit`` are eligible than the picks asked for."""
    spare = ", and none is left to be a reserve" if reserves else ""
    return (
        f"Fewer {unit} are eligible than asked for: {eligible:,} eligible, {asked:,} asked for. "
        f"All {eligible:,} are picked{spare}."
    )


def _one_per_owner(rows: list[int], owner: list[str], used: set[str], wanted: int) -> list[int]:
    """Rows reordered so the first ``wanted`` belong to distinct owners not yet used, if possible."""
    first: list[int] = []
    later: list[int] = []
    for r in rows:
        if len(first) < wanted and owner[r] not in used:
            first.append(r)
            used.add(owner[r])
        else:
            later.append(r)
    return first + later


def _cells(frame: pd.DataFrame, dims: list[str], u: np.ndarray) -> dict[tuple[str, ...], list[int]]:
    """Cell -> its rows, each list in the order of the random numbers."""
    import numpy as np
    import pandas as pd

    if not len(frame):
        return {}
    codes, uniques = [], []
    for d in dims:
        code, unique = pd.factorize(frame[d].astype("string").fillna(""))
        codes.append(code)
        uniques.append(unique)
    combined = np.ravel_multi_index(codes, [max(len(x), 1) for x in uniques])
    order = np.lexsort((u, combined))
    bounds = np.flatnonzero(np.diff(combined[order])) + 1
    cells: dict[tuple[str, ...], list[int]] = {}
    for chunk in np.split(order, bounds):
        first = chunk[0]
        cells[tuple(str(uniques[j][codes[j][first]]) for j in range(len(dims)))] = chunk.tolist()
    return cells


def _in(member: Drawn, group: tuple[str, ...]) -> bool:
    if len(group) == 1:
        return member.group == group[0]
    return member.stratum == CELL_SEPARATOR.join(group)


def _ordered(
    found: set[tuple[str, ...]], dims: list[str], levels: dict[str, list[str]]
) -> list[tuple[str, ...]]:
    def rank(cell: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
        out = []
        for d, value in zip(dims, cell, strict=True):
            known = levels.get(d, [])
            out.append((known.index(value) if value in known else len(known), value))
        return tuple(out)

    return sorted(found, key=rank)


def _spread(
    cells: dict[tuple[str, ...], list[int]],
    groups: list[tuple[str, ...]],
    quotas: list[int],
    u: np.ndarray,
    reserves: int,
) -> list[Drawn]:
    """Picks round-robin over groups, each covering new levels; then reserves alike."""
    remaining = {cell: list(rows) for cell, rows in cells.items()}
    covered: list[set[str]] = [set(NOT_SOUGHT) for _ in next(iter(cells), ("",))[1:]]
    picks: list[Drawn] = []
    by_group: dict[str, list[tuple[str, ...]]] = {}
    for rnd in range(max(quotas, default=0)):
        for group, quota in zip(groups, quotas, strict=True):
            if quota <= rnd:
                continue
            options = [c for c in remaining if c[0] == group[0] and remaining[c]]
            cell = max(
                options,
                key=lambda c: (sum(v not in covered[i] for i, v in enumerate(c[1:])), -u[remaining[c][0]]),
            )
            picks.append(Drawn(remaining[cell].pop(0), PICK, group[0], CELL_SEPARATOR.join(cell)))
            for i, v in enumerate(cell[1:]):
                covered[i].add(v)
            by_group.setdefault(group[0], []).append(cell)
    spare: list[Drawn] = []
    for name, chosen in by_group.items():
        for k in range(reserves):
            target = chosen[k % len(chosen)]
            options = [c for c in remaining if c[0] == name and remaining[c]]
            if not options:
                break
            cell = max(
                options,
                key=lambda c: (
                    sum(a == b for a, b in zip(c[1:], target[1:], strict=True)),
                    -u[remaining[c][0]],
                ),
            )
            spare.append(Drawn(remaining[cell].pop(0), RESERVE, name, CELL_SEPARATOR.join(cell)))
    return picks + spare

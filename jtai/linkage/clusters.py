"""Clusters of records under must-not-link rules, and child ids that stay put across runs.

Links are applied strongest first with a constrained union-find: two clusters merge only
if no must-not-link rule holds between them, so a chain A~B~C can never put two records
that must not link into one child.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

NHS_CONFLICT = "different NHS numbers"
UPN_CONFLICT = "different unique pupil numbers"
CONFLICTS = {"nhs_number": NHS_CONFLICT, "upn": UPN_CONFLICT}
SEX_CONFLICT = "different recorded sexes"
REVIEWER_CONFLICT = "a reviewer decided they are different children"


class ConstrainedUnionFind:
    """Union-find over atoms (groups of records that are certainly one person).

    Args:
        nhs: each atom's valid NHS number or None.
        sex: each atom's recorded sex or None.
        cannot: pairs of atoms a reviewer said are different children.
        upn: each atom's valid unique pupil number or None (optional).
    """

    def __init__(
        self,
        nhs: Sequence[str | None],
        sex: Sequence[str | None],
        cannot: Iterable[tuple[int, int]] = (),
        upn: Sequence[str | None] | None = None,
    ) -> None:
        size = len(nhs)
        self.parent = list(range(size))
        self.exclusive: dict[str, dict[int, str]] = {
            "nhs_number": {i: v for i, v in enumerate(nhs) if v},
            "upn": {i: v for i, v in enumerate(upn or ()) if v},
        }
        self.sex: dict[int, str] = {i: v for i, v in enumerate(sex) if v}
        self.cannot: dict[int, set[int]] = {}
        for a, b in cannot:
            self.cannot.setdefault(a, set()).add(b)
            self.cannot.setdefault(b, set()).add(a)

    def find(self, x: int) -> int:
        """The root of ``x``'s cluster."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def conflict(self, a: int, b: int) -> str | None:
        """The must-not-link rule that keeps the clusters of ``a`` and ``b`` apart, or None."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        for name, held in self.exclusive.items():
            va, vb = held.get(ra), held.get(rb)
            if va and vb and va != vb:
                return CONFLICTS[name]
        sa, sb = self.sex.get(ra), self.sex.get(rb)
        if sa and sb and sa != sb:
            return SEX_CONFLICT
        ca, cb = self.cannot.get(ra), self.cannot.get(rb)
        if ca and cb:
            small, other = (ca, rb) if len(ca) <= len(cb) else (cb, ra)
            if any(self.find(x) == other for x in small):
                return REVIEWER_CONFLICT
        return None

    def union(self, a: int, b: int) -> tuple[bool, str | None]:
        """Merge the clusters of ``a`` and ``b`` unless a rule forbids it.

        Returns:
            ``(merged, reason)``: merged is False when they were already one cluster
            (reason None) or a rule forbids it (reason names the rule).
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False, None
        reason = self.conflict(ra, rb)
        if reason is not None:
            return False, reason
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        for held in self.exclusive.values():
            if rb in held:
                held.setdefault(ra, held[rb])
        if rb in self.sex:
            self.sex.setdefault(ra, self.sex[rb])
        if rb in self.cannot:
            self.cannot.setdefault(ra, set()).update(self.cannot.pop(rb))
        return True, None

    def roots(self) -> list[int]:
        """The root of every atom, in atom order."""
        return [self.find(i) for i in range(len(self.parent))]


def stable_child_ids(frame: pd.DataFrame, seen: set[str] | None = None) -> pd.Series:
    """Child ids for clusters, carried over from the previous run where the data allow.

    Each new cluster takes the previous child id held by most of its records, biggest
    overlaps first (in a tie, the smaller cluster label), each previous id going to one
    cluster only, whatever the order of the rows. A cluster with no previous
    id free gets ``CH`` + its smallest record id (zero-padded), which never reuses an id
    seen before; on unchanged data every child keeps its id.

    Args:
        frame: one row per record: ``id`` (record id), ``cluster`` (a sortable label),
            ``previous`` (the child id before this run, or missing).
        seen: every child id held before this run, when ``frame`` is only some of the
            records (by default the ids in ``previous``).

    Returns:
        The child id of each row, aligned with ``frame``.
    """
    import pandas as pd

    previous = frame["previous"].astype(object)
    if seen is None:
        seen = set(previous.dropna().unique())
    overlap = (
        frame.assign(previous=previous)
        .dropna(subset=["previous"])
        .groupby(["cluster", "previous"], sort=False)
        .size()
        .reset_index(name="n")
        .sort_values(["n", "previous", "cluster"], ascending=[False, True, True], kind="stable")
    )
    chosen: dict[object, str] = {}
    taken: set[str] = set()
    for cluster, prev in zip(overlap["cluster"].tolist(), overlap["previous"].tolist(), strict=True):
        if cluster in chosen or prev in taken:
            continue
        chosen[cluster] = str(prev)
        taken.add(str(prev))
    smallest = frame.groupby("cluster", sort=False)["id"].min()
    for cluster, first in zip(smallest.index.tolist(), smallest.tolist(), strict=True):
        if cluster in chosen:
            continue
        base = f"CH{int(first):07d}"
        candidate, n = base, 1
        while candidate in seen or candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        chosen[cluster] = candidate
        taken.add(candidate)
    return pd.Series(frame["cluster"].map(chosen).to_numpy(), index=frame.index, dtype=object)

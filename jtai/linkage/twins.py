"""Twins: two children with one surname and one date of birth, and different first names.

Twins share everything a model compares except the first name, and usually the postcode
too, so a model scores them as one child. A pair that looks like twins is never linked
without a reviewer, however high its score: the same date of birth and surname, and first
names that are different names, not one name misspelt. Names count as different when their
first words

- are not the same, and neither is the start of the other (``ALEX`` / ``ALEXANDER`` is one
  name written short);
- are more than one keystroke apart (``JON`` / ``JOHN`` is one name mistyped);
- are both names: in the name-group table, or the first name of at least two identities
  of the workspace (a typo is rarely written the same way twice).

Names in one name group count as different here (``ELLA`` / ``ELLIE``, ``JACK`` / ``JAKE``):
parents give twins names that go together. Records sharing a strong identifier were linked
before the model ran, so they never reach this rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jtai.linkage.nicknames import NAME_GROUPS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

TWIN_REASON = "same surname and date of birth, different first names (twins look like this)"


def first_word(name: object) -> str:
    """The first word of a normalised name ('' for none)."""
    return name.split(" ")[0] if isinstance(name, str) and name else ""


def osa_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from ``a`` to ``b``."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def different_names(a: str, b: str, known: set[str] | frozenset[str]) -> bool:
    """Whether two first words are two different names (see the module's rules)."""
    if not a or not b or a == b or a.startswith(b) or b.startswith(a):
        return False
    if a not in known or b not in known:
        return False
    return osa_distance(a, b) >= 2


def first_words(first_names: pd.Series) -> pd.Series:
    """The first word of each name ('' for none), worked out once per distinct name."""
    import numpy as np
    import pandas as pd

    names, distinct = pd.factorize(first_names)  # a few thousand names, -1 for none
    firsts = np.array([*(first_word(name) for name in distinct), ""], dtype=object)
    return pd.Series(firsts[names], index=first_names.index)


def known_names(first_names: pd.Series) -> set[str]:
    """First words that are names: in the name-group table or held by two identities or more."""
    return names_held(first_words(first_names).value_counts())


def names_held(counts: pd.Series) -> set[str]:
    """:func:`known_names`, from how many identities hold each first word."""
    return set(NAME_GROUPS) | {str(w) for w in counts[counts >= 2].index if w}


def twin_pairs(
    nodes: pd.DataFrame, left: np.ndarray, right: np.ndarray, known: set[str] | None = None
) -> np.ndarray:
    """For each pair of node rows, whether it looks like twins.

    Args:
        nodes: ``first_name``, ``last_name`` and ``dob`` of every node (row = node number).
        left: node numbers of the left side of each pair.
        right: node numbers of the right side.
        known: the first words that are names (:func:`known_names`), when ``nodes`` are
            only some of the workspace's identities; by default counted over ``nodes``.
    """
    import numpy as np

    if len(left) == 0:
        return np.zeros(0, dtype=bool)
    dob = nodes["dob"].to_numpy(dtype=object)
    last = nodes["last_name"].to_numpy(dtype=object)
    first = nodes["first_name"].to_numpy(dtype=object)
    filled = (nodes["dob"].notna() & nodes["last_name"].notna()).to_numpy(dtype=bool)
    same = filled[left] & (dob[left] == dob[right]) & (last[left] == last[right])
    out = np.zeros(len(left), dtype=bool)
    todo = np.flatnonzero(same)
    if len(todo):
        if known is None:
            known = known_names(nodes["first_name"])
        for i in todo.tolist():
            a, b = first_word(first[left[i]]), first_word(first[right[i]])
            out[i] = different_names(a, b, known)
    return out

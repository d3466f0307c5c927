"""Near-miss spellings of loaded names, found as a reader would recognise them.

A report writer who types "Pelby", "Pellbyy", "Pe11by" or "Pellby2" for a child called Pellby
has still named the child. A word of the text is a near miss of a loaded name when, after
both are put in one form (:func:`name_key`: no case or accents, digits and symbols read as the
letters they stand for, a doubled letter read once), they differ by at most one edit (an
insertion, a deletion, a substitution or two neighbouring letters swapped), or two edits for
a name of 8 letters or more.

Only names of :data:`MIN_LENGTH` letters or more are matched this way, and not names that
are ordinary English words (:data:`~jtai.anonymity.common_words.COMMON_WORDS`); a word of
the text that is itself an ordinary word (:func:`~jtai.anonymity.ordinary_words.is_ordinary`)
is never a near miss: "Hardly" is not a misspelling of Hardy.

The lookup is SymSpell's: each name is stored under every form left by deleting up to its
allowed number of letters, and a word is looked up under its own deletions, so the time per
word does not grow with the number of names; candidates are confirmed with the real distance.
"""

from __future__ import annotations

import re

from jtai.anonymity.common_words import COMMON_WORDS

MIN_LENGTH = 4
LONG_NAME = 8  # names this long are matched two edits away
# digits and symbols people type for letters ("Pe11by", "J@yden", "5mith")
_FOR_LETTERS = str.maketrans("0134578@$!|92", "oleastbasilgz")
_DOUBLED = re.compile(r"(.)\1+")


def name_key(word: str) -> str:
    """``word`` (already folded: lower case, no accents) in the form near misses are compared.

    Digits and symbols become the letters they stand for and a doubled letter counts once:
    "pe11byy" and "pelby" both give "pelby".
    """
    return _DOUBLED.sub(r"\1", word.translate(_FOR_LETTERS))


def allowed_edits(name: str) -> int:
    """How many edits away a near miss of ``name`` may be: 2 for long names, else 1."""
    return 2 if len(name) >= LONG_NAME else 1


def _deletions(word: str, depth: int) -> set[str]:
    """Every form of ``word`` with up to ``depth`` letters deleted (``word`` included)."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))} - found
        found |= frontier
    return found


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (swaps of neighbours count one), or ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class NearNames:
    """The loaded names that near misses are looked for, indexed by their deletions."""

    def __init__(self) -> None:
        self._by_deletion: dict[str, str] = {}  # deletion -> "\n"-joined name keys
        self._keys: dict[str, str] = {}  # name key -> a loaded name (folded)

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, name: str) -> None:
        """Add one folded name word (too short, not all letters, or an ordinary word: ignored)."""
        if len(name) < MIN_LENGTH or not name.isalpha() or name in COMMON_WORDS:
            return
        key = name_key(name)
        if key in self._keys:
            return
        self._keys[key] = name
        for deletion in _deletions(key, allowed_edits(name)):
            held = self._by_deletion.get(deletion)
            self._by_deletion[deletion] = key if held is None else f"{held}\n{key}"

    def match(self, word: str) -> str | None:
        """The loaded name ``word`` (folded) is a near miss of, if any."""
        letters = sum(c.isalpha() for c in word)
        # a code such as "R35" or "7KQ3" is no name: digits may stand for letters only in a
        # word that is mostly letters ("Pe11by", "Pellby2")
        if len(word) < MIN_LENGTH - 1 or letters < 3 or letters <= len(word) - letters:
            return None
        key = name_key(word)
        if key in self._keys:
            return self._keys[key]
        for deletion in _deletions(key, 2):
            held = self._by_deletion.get(deletion)
            if held is None:
                continue
            for candidate in held.split("\n"):
                name = self._keys[candidate]
                if edit_distance(key, candidate, allowed_edits(name)) <= allowed_edits(name):
                    return name
        return None

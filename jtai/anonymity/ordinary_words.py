"""Ordinary English words: a word of a report that is one is never read as a misspelt name.

The list is the English word-frequency list shipped by ``pyspellchecker`` (MIT licence):
about 160,000 words seen at least 50 times in a large body of English text, read once per
process and only when a word of a report is close to a loaded name. Names that are common
enough to be in it ("oliver") are still found when written exactly; only near misses that
are themselves ordinary words ("hardly" beside Hardy) are let through.
"""

from __future__ import annotations

import functools

from jtai.anonymity.common_words import COMMON_WORDS


@functools.cache
def _words() -> frozenset[str]:
    import gzip
    import json
    from importlib import resources

    data = resources.files("spellchecker").joinpath("resources", "en.json.gz").read_bytes()
    counts = json.loads(gzip.decompress(data))
    return frozenset(counts) | COMMON_WORDS


def is_ordinary(word: str) -> bool:
    """``word`` (lower case) is an ordinary English word."""
    return word in COMMON_WORDS or word in _words()

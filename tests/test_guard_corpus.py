"""The guard reads as a person does: every variant of a loaded value refused, ordinary prose passed."""

from __future__ import annotations

import time

from jtai.anonymity.corpus import PROSE, VARIANTS, corpus_index, rates
from jtai.anonymity.guard import IdentifyingIndex
from jtai.synth.names import BOYS, GIRLS, SURNAMES


def _synth_names() -> list[tuple[str, str]]:
    firsts = [name for pool in (*BOYS.values(), *GIRLS.values()) for name in pool]
    return [(first, last) for first in firsts for last in SURNAMES[:60]]


def test_every_variant_refused_and_no_prose_line() -> None:
    """At least 60 variants of loaded names, ids and dates: 100% refused; inspection prose: 0%."""
    assert len(VARIANTS) >= 60
    refused, false = rates(corpus_index(_synth_names()))
    missed = [v for v in VARIANTS if not corpus_index().scan_text(v)]
    assert (refused, false, missed) == (1.0, 0.0, [])


def test_near_miss_of_an_ordinary_word_passes() -> None:
    """A word that is itself an ordinary word is no misspelt name ("hardly" beside Hardy)."""
    ix = IdentifyingIndex()
    ix.add_name("Tom", "Hardy")
    assert ix.scan_text("Hardly any plan was reviewed.") == []
    assert [h.kind for h in ix.scan_text("Hardey was seen.")] == ["name"]


def test_codes_and_pseudonyms_are_not_read_as_names() -> None:
    """Reserve labels ("R35") and pseudonym groups are codes, never digits-for-letters names."""
    ix = IdentifyingIndex()
    ix.add_name("Lily", "Rees")
    ix.add_name("Mason", "Kestle")
    ix.add_name("Adam", "Kestle")
    assert ix.scan_text("C-E1WM-TZ82 R35 and C-MA50-N4XQ") == []
    # nor when a reading joins the groups across the dashes ("CXY12-AD4M" leaves "AD4M")
    assert ix.scan_text("C-XY12-AD4M, C-XY12-ADAM (picked)") == []


def test_near_misses_stay_fast_with_many_names() -> None:
    """18,000 distinct surnames: the deletion index builds in seconds and a page scans in well under one."""
    ix = IdentifyingIndex()
    syllables = [a + b for a in "bcdfghklmnprstvw" for b in ("an", "el", "or", "ith", "ane", "ock")]
    start = time.perf_counter()
    count = 0
    for a in syllables:
        for b in syllables:
            for c in ("by", "more"):
                ix.add_name(None, a + b + c)
                count += 1
    built = time.perf_counter() - start
    start = time.perf_counter()
    for line in PROSE * 8:
        ix.scan_text(line)
    scanned = time.perf_counter() - start
    assert count >= 18_000 and built < 15 and scanned < 2, (count, built, scanned)

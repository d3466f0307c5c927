"""Which reserve a replacement promotes: same risk type, most strata in common, the first drawn on a tie."""

from __future__ import annotations

from jtai.sampling.replace import best_reserve
from jtai.sampling.stored_sample import Member, Sample


def _member(position: int, role: str, stratum: str) -> Member:
    group = stratum.split(" | ")[0]
    return Member(position, role, role, f"child-{position}", None, f"C-{position}", None, group, stratum, "r")


def _sample(*members: Member) -> Sample:
    return Sample(1, "tracked", "exploitation-2018", 1, {}, 10, "h", True, {}, "Ann", "t", list(members))


def test_the_reserve_sharing_most_strata_is_promoted() -> None:
    """Of three same-risk reserves, the one matching age band and sex is chosen, not the first drawn."""
    pick = _member(1, "pick", "cse | 14-15 | female")
    sample = _sample(
        pick,
        _member(
            2, "reserve", "gang | 14-15 | female"
        ),  # every other stratum in common, but another risk type
        _member(3, "reserve", "cse | 10-13 | male"),
        _member(4, "reserve", "cse | 10-13 | female"),
        _member(5, "reserve", "cse | 14-15 | female"),
    )
    chosen = best_reserve(sample, pick)
    assert chosen is not None and chosen.position == 5


def test_on_a_tie_the_reserve_drawn_first_is_promoted() -> None:
    """Two reserves equally alike: the earlier position wins; no reserve of the risk type gives None."""
    pick = _member(1, "pick", "cse | 14-15 | female")
    sample = _sample(
        pick,
        _member(2, "reserve", "cse | 10-13 | male"),
        _member(3, "reserve", "cse | 14-15 | male"),
        _member(4, "reserve", "cse | 16-17 | female"),
    )
    chosen = best_reserve(sample, pick)
    assert chosen is not None and chosen.position == 3
    assert best_reserve(_sample(pick, _member(2, "reserve", "gang | 14-15 | female")), pick) is None

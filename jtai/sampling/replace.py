"""Swap one pick for a reserve of the same stratum, with the reason recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jtai.errors import ConflictError, NotFoundError, UsageError
from jtai.sampling.draw import CELL_SEPARATOR
from jtai.sampling.read import latest_sample, load_sample
from jtai.sampling.samples import now, who
from jtai.sampling.stored_sample import FRONT_DOOR, TRACKED, Member, Sample
from jtai.sampling.trail import Trail
from jtai.store import sampling as store

if TYPE_CHECKING:
    from jtai.workspace import Workspace


def replace(ws: Workspace, ref: str, reason: str, *, sample_id: int | None = None) -> tuple[Member, Member]:
    """Withdraw the pick ``ref`` and promote the best reserve of its stratum.

    The reserve chosen is of the same allocation stratum (risk type; source for the
    front door) and shares most of the other strata (age band, sex...); on a tie, the
    one drawn first. Every other member stays as it was.

    Args:
        ref: a child's pseudonym (tracked) or a record reference ``R1042`` (front door).
        reason: why, e.g. "family declined"; stored with the sample.
        sample_id: the sample (default: the newest tracked one, or the newest front-door
            one for an ``R`` reference).

    Returns:
        The withdrawn member and the promoted reserve (as they were before the swap).

    Raises:
        UsageError: an empty reason, or ``ref`` names a reserve.
        NotFoundError: no such sample, or ``ref`` is not in it.
        ConflictError: ``ref`` was already replaced, or no reserve is left in its stratum.
    """
    if not reason.strip():
        raise UsageError("--reason is empty; say why the case is replaced, e.g. 'family declined'.")
    text = ref.strip().upper()
    is_record = text.startswith("R") and text[1:].isdigit()
    if sample_id is not None:
        sample = load_sample(ws, sample_id)
    else:
        found = latest_sample(ws, FRONT_DOOR if is_record else TRACKED)
        if found is None:
            kind = "front-door" if is_record else "tracked"
            raise NotFoundError(
                f"There is no {kind} sample to replace {ref} in.",
                hint=f"Draw one first with `jtai sample {kind}`.",
            )
        sample = found
    member = _find(sample, text, is_record)
    if member is None:
        raise NotFoundError(
            f"{ref} is not in sample {sample.id}.",
            hint="See its members with `jtai sample show`.",
        )
    if member.role == "withdrawn":
        raise ConflictError(f"{ref} was already replaced in sample {sample.id}.")
    if member.role == "reserve":
        raise UsageError(f"{ref} is a reserve in sample {sample.id}, not a pick; only picks are replaced.")
    reserve = best_reserve(sample, member)
    if reserve is None:
        raise ConflictError(
            f"No reserve is left in stratum {member.group!r} of sample {sample.id}, so {ref} cannot be "
            "replaced.",
            hint="Draw a new sample with more reserves (--reserves), or keep the case.",
        )
    trail = Trail(ws)
    detail = {
        "sample": sample.id,
        "withdrawn": [member.position, member.pseudonym, member.record_ref],
        "promoted": [reserve.position, reserve.pseudonym, reserve.record_ref],
        "reason": reason.strip(),
    }
    conn = ws.connect()
    try:
        store.record_replacement(
            conn,
            sample_id=sample.id,
            withdrawn_position=member.position,
            reserve_position=reserve.position,
            reason=reason.strip(),
            replaced_by=who(),
            replaced_at=now(),
            then=trail.replace(who(), member.pseudonym, detail),
        )
    finally:
        conn.close()
    trail.saved()
    return member, reserve


def best_reserve(sample: Sample, member: Member) -> Member | None:
    """The unused reserve of the member's group most like it (the first drawn on a tie)."""
    mine = member.stratum.split(CELL_SEPARATOR)
    options = [m for m in sample.reserves if m.group == member.group]
    if not options:
        return None

    def likeness(m: Member) -> tuple[int, int]:
        theirs = m.stratum.split(CELL_SEPARATOR)
        return (sum(a == b for a, b in zip(mine, theirs, strict=False)), -m.position)

    return max(options, key=likeness)


def _find(sample: Sample, text: str, is_record: bool) -> Member | None:
    for m in sample.members:
        if (is_record and m.record_ref == text) or (not is_record and m.pseudonym == text):
            return m
    return None

"""Check that a stored sample can be drawn again: same frame, same seed, same members."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from jtai.errors import NotFoundError
from jtai.pseudonym import pseudonym
from jtai.sampling.frame import child_keys
from jtai.sampling.samples import front_door_draw, members_of, read_records, tracked_draw
from jtai.sampling.spec import front_door_from_parameters, tracked_from_parameters
from jtai.sampling.stored_sample import TRACKED, Sample
from jtai.sampling.trail import changes, logged, reasons_logged

if TYPE_CHECKING:
    from jtai.workspace import Workspace


@dataclass(frozen=True)
class Verification:
    """What drawing a stored sample again from the records now loaded gave.

    Attributes:
        sample_id: the sample checked.
        unit: ``children`` or ``contacts and referrals``.
        seed: its seed.
        stored_hash, current_hash: the frame's hash then and now.
        stored_size, current_size: the frame's size then and now.
        members: how many members the sample has.
        differing: positions whose member is not the one drawn again.
        audit: ``matches`` (the stored sample is what the audit log says was drawn and
            replaced), ``differs`` (it was changed behind the tool's back) or ``missing``
            (no entry for the draw).
        changes: how the stored sample differs from what the tool wrote: from the audit
            log, or (with no entry) a member's role from the stored replacements.
        reasons_checked: whether the members' reasons were checked against the log (a
            sample drawn before the log kept a digest of them cannot be).
        reasons_differing: positions whose stored reason is not the one drawn again (only
            when the frame is the same).
    """

    sample_id: int
    unit: str
    seed: int
    stored_hash: str
    current_hash: str
    stored_size: int
    current_size: int
    members: int
    differing: list[int] = field(default_factory=list)
    audit: str = "missing"
    changes: list[str] = field(default_factory=list)
    reasons_checked: bool = False
    reasons_differing: list[int] = field(default_factory=list)

    @property
    def tampered(self) -> bool:
        """Whether the stored sample was changed other than by jtai."""
        return bool(self.changes)

    @property
    def reproduced(self) -> bool:
        """Whether the same frame and seed gave the same members, as the audit log recorded."""
        return self.stored_hash == self.current_hash and not self.differing and not self.tampered

    def message(self) -> str:
        """One or two sentences for the user."""
        if self.tampered:
            more = f"; and {len(self.changes) - 5} more" if len(self.changes) > 5 else ""
            source = "the audit log" if self.audit != "missing" else "its own replacements"
            log = (
                f" The stored sample differs from {source} in {self.counted()}: it was changed behind the "
                f"tool's back ({'; '.join(self.changes[:5])}{more})."
            )
        else:
            log = {
                "matches": " The audit log's entries for the draw and its replacements match.",
                "missing": " The audit log has no entry for this draw.",
            }[self.audit]
        if self.audit != "missing" and not self.reasons_checked:
            log += (
                " The members' reasons cannot be checked: the log kept no digest of them when "
                "this sample was drawn (by an earlier version of jtai)."
            )
        if self.reproduced:
            return (
                f"Sample {self.sample_id} reproduces: the same frame of {self.stored_size:,} {self.unit} "
                f"(hash {self.stored_hash[:16]}) and seed {self.seed} give the same {self.members} "
                f"members.{log}"
            )
        if self.stored_hash == self.current_hash and not self.differing:
            return (
                f"Sample {self.sample_id} does not match what jtai drew: the same frame of "
                f"{self.stored_size:,} {self.unit} and seed {self.seed} give the same {self.members} "
                f"members.{log}"
            )
        frame = (
            "the frame is the same"
            if self.stored_hash == self.current_hash
            else f"the frame has changed ({self.stored_size:,} {self.unit} then, {self.current_size:,} now; "
            f"hash {self.stored_hash[:16]} then, {self.current_hash[:16] or 'none'} now)"
        )
        return (
            f"Sample {self.sample_id} does not reproduce from the records now loaded: {frame}, and "
            f"{len(self.differing)} of {self.members} members differ.{log}"
        )

    def counted(self) -> str:
        """What differs, counted by kind: ``2 members, 1 role, the order and 3 reasons``."""
        members = {c for c in self.changes if c.startswith("member ") and "log records" in c}
        roles = sum("'s role is " in c for c in self.changes)
        swaps = sum(c.startswith("replacement ") for c in self.changes)
        for c in self.changes:
            if numbers := re.fullmatch(r"(\d+) replacements are stored and the log records (\d+)", c):
                swaps += abs(int(numbers[1]) - int(numbers[2]))
        parts = [_count(len(members), "member"), _count(roles, "role")]
        if any(c.startswith("the members' positions") for c in self.changes):
            parts.append("the order")
        if any(c.startswith("the members' reasons") for c in self.changes):
            parts.append(
                _count(len(self.reasons_differing), "reason") if self.reasons_differing else "the reasons"
            )
        parts.append(_count(swaps, "replacement"))
        if any(c.startswith("the seed or frame") for c in self.changes):
            parts.append("the seed or frame")
        shown = [p for p in parts if p]
        if not shown:
            return "what it records"
        return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (for --json)."""
        return {**asdict(self), "reproduced": self.reproduced, "message": self.message()}


def verify_sample(ws: Workspace, sample: Sample) -> Verification:
    """Draw ``sample`` again with its stored seed and parameters, and compare.

    The parameters come from the sample, not from today's framework file, so an edited
    framework does not change the answer; changed records do.
    """
    params = sample.parameters
    tracked = sample.kind == TRACKED
    front = None if tracked else front_door_from_parameters(params)
    conn = ws.connect()
    try:
        records = read_records(conn, front.event_types if front else None)
    finally:
        conn.close()
    try:
        if front is None:
            rule, spec = tracked_from_parameters(params)
            names = set(params.get("excluded") or [])
            keys = set(child_keys(records).dropna()) if names else set()
            excluded = {k for k in keys if pseudonym(ws.key, k) in names}
            frame, _, draw = tracked_draw(records, rule, spec, sample.seed, excluded)
        else:
            frame, _, draw = front_door_draw(records, front, sample.seed)
        again = members_of(frame, draw, record_ids=not tracked)
        size, digest = len(frame), draw.frame_hash
    except NotFoundError:
        again, size, digest = [], 0, ""
    then = {m.position: (m.child_key, m.drawn_as, m.record_id, m.stratum) for m in sample.members}
    now = {m["position"]: (m["child_key"], m["role"], m["record_id"], m["stratum"]) for m in again}
    differing = sorted(p for p in then.keys() | now.keys() if then.get(p) != now.get(p))
    redrawn = {m["position"]: m["reason"] for m in again} if digest == sample.frame_hash else {}
    reasons = sorted(
        m.position for m in sample.members if m.position in redrawn and m.reason != redrawn[m.position]
    )
    log = logged(ws, sample.id)
    found = changes(sample, log)
    audit = "missing" if log.draw is None else "differs" if found else "matches"
    return Verification(
        sample_id=sample.id,
        unit="children" if tracked else "contacts and referrals",
        seed=sample.seed,
        stored_hash=sample.frame_hash,
        current_hash=digest,
        stored_size=sample.frame_size,
        current_size=size,
        members=len(sample.members),
        differing=differing,
        audit=audit,
        changes=found,
        reasons_checked=reasons_logged(log),
        reasons_differing=reasons,
    )


def _count(n: int, noun: str) -> str:
    """``1 role``, ``3 roles``; empty for none."""
    return "" if n == 0 else f"{n} {noun}{'' if n == 1 else 's'}"

"""What a stored sample looks like to the rest of jtai (scoring, report, the CLI)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

TRACKED = "tracked"
FRONT_DOOR = "front_door"
KINDS = (TRACKED, FRONT_DOOR)


@dataclass(frozen=True)
class Member:
    """One child (tracked) or one contact/referral (front door) in a sample.

    Attributes:
        position: 1-based position in the sample (picks first, then reserves).
        role: ``pick``, ``reserve`` or ``withdrawn`` (replaced by a reserve).
        drawn_as: the role it was drawn as.
        child_key: the linkage child id, or an unlinked key (``la:...``, ``police:...``).
        child_id: the linkage child id, None when linkage has not reached the records.
        pseudonym: the child's pseudonym, e.g. ``C-7KQ3-XM9D`` (the case reference).
        record_id: the contact or referral (front door), else None.
        group: the allocation stratum (risk type; or source for the front door).
        stratum: the full stratum, e.g. ``cse | 14-15 | female``.
        reason: why it is in the sample, one line.
    """

    position: int
    role: str
    drawn_as: str
    child_key: str
    child_id: str | None
    pseudonym: str
    record_id: int | None
    group: str
    stratum: str
    reason: str

    @property
    def record_ref(self) -> str | None:
        """``R1042`` for a front-door member."""
        return f"R{self.record_id}" if self.record_id is not None else None

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (for --json), named as every command's JSON names things (docs/cli.md).

        The pseudonym is ``case`` and the contact or referral ``record`` (``R1042``), beside
        ``record_id``; ``child_key`` is left out: an unlinked child key holds an agency's
        identifier (``la:<LA child id>``), which must not leave the workspace outside the
        area's own export.
        """
        data = asdict(self)
        del data["child_key"]
        data["case"] = data.pop("pseudonym")
        return {**data, "record": self.record_ref}


@dataclass(frozen=True)
class Replacement:
    """One pick swapped for a reserve.

    Attributes:
        withdrawn, reserve: the two members' case references (``R1042`` at the front door).
        withdrawn_position, reserve_position: their positions in the sample.
    """

    withdrawn: str
    reserve: str
    reason: str
    replaced_by: str
    replaced_at: str
    withdrawn_position: int = 0
    reserve_position: int = 0


@dataclass(frozen=True)
class Sample:
    """A stored sample.

    Attributes:
        id: its number (``jtai sample show --sample ID``).
        kind: ``tracked`` or ``front_door``.
        framework: the framework it followed.
        seed: the random seed.
        parameters: n, reserves, window, strata... as used.
        frame_size: how many children (or contacts and referrals) it was drawn from.
        frame_hash: SHA-256 of that frame.
        linked: whether every record had a linkage child id when it was drawn.
        summary: the allocation table, cohort counts and notes.
        created_by, created_at: who drew it and when (UTC, ISO 8601).
        members: picks, reserves and withdrawn members, by position.
        replacements: swaps made since, oldest first.
    """

    id: int
    kind: str
    framework: str
    seed: int
    parameters: dict[str, Any]
    frame_size: int
    frame_hash: str
    linked: bool
    summary: dict[str, Any]
    created_by: str
    created_at: str
    members: list[Member] = field(default_factory=list)
    replacements: list[Replacement] = field(default_factory=list)

    @property
    def picks(self) -> list[Member]:
        """The members to review now (reserves promoted by a replacement included)."""
        return [m for m in self.members if m.role == "pick"]

    @property
    def reserves(self) -> list[Member]:
        """Reserves not yet used."""
        return [m for m in self.members if m.role == "reserve"]

    @property
    def allocation(self) -> list[dict[str, Any]]:
        """Per stratum: eligible, picked, reserves."""
        return list(self.summary.get("allocation", []))

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (for --json)."""
        data = asdict(self)
        data["members"] = [m.to_dict() for m in self.members]
        return data

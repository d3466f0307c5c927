"""A sample as rich renderables: heading, notes, allocation, coverage, members, replacements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jtai.sampling.stored_sample import FRONT_DOOR, Sample

if TYPE_CHECKING:
    from rich.console import RenderableType


def renderables(sample: Sample) -> list[RenderableType]:
    """What ``jtai sample show`` prints, in order."""
    from rich.table import Table
    from rich.text import Text

    front = sample.kind == FRONT_DOOR
    unit = _unit(sample)
    title = "Front-door sample" if front else "Tracked sample"
    asked = f" ({_asked(sample):,} asked for)" if shortfall(sample) else ""
    out: list[RenderableType] = [
        Text.from_markup(
            f"[bold]{title} {sample.id}[/] ({sample.framework}): {len(sample.picks):,} picks{asked} and "
            f"{len(sample.reserves)} reserves from {sample.frame_size:,} eligible {unit}."
        ),
        Text(
            f"Seed {sample.seed}; frame hash {sample.frame_hash[:16]}; drawn by {sample.created_by} "
            f"at {sample.created_at}."
        ),
    ]
    if sample.summary.get("explanation"):
        out.append(Text(str(sample.summary["explanation"])))
    for note in sample.summary.get("notes", []):
        out.append(Text(f"Note: {note}", style="yellow"))

    allocation = Table("Stratum", "Eligible", "Share", "Picked", "Reserves", title="Allocation")
    total = sum(int(a["eligible"]) for a in sample.allocation) or 1
    for a in sample.allocation:
        allocation.add_row(
            str(a["stratum"]).replace("_", " "),
            f"{int(a['eligible']):,}",
            f"{int(a['eligible']) / total:.0%}",
            str(a["picked"]),
            str(a["reserves"]),
        )
    out.append(allocation)
    for dimension, levels in sample.summary.get("coverage", {}).items():
        parts = [f"{level} {picked}/{eligible}" for level, (eligible, picked) in levels.items()]
        out.append(Text(f"Covered, {dimension.replace('_', ' ')} (picked/eligible): {', '.join(parts)}"))

    members = Table("#", "Role", "Case", *(["Record"] if front else []), "Reason", title="Members")
    for m in sample.members:
        members.add_row(
            str(m.position),
            m.role,
            m.pseudonym,
            *([m.record_ref or ""] if front else []),
            m.reason,
        )
    out.append(members)
    for r in sample.replacements:
        out.append(
            Text(f"Replaced {r.withdrawn} with {r.reserve}: {r.reason} ({r.replaced_by}, {r.replaced_at}).")
        )
    if not sample.linked:
        out.append(Text("Linkage had not run on every record when this sample was drawn.", style="yellow"))
    return out


def shortfall(sample: Sample) -> str | None:
    """A warning when fewer were eligible than the picks asked for, else None."""
    asked = _asked(sample)
    drawn = sum(1 for m in sample.members if m.drawn_as == "pick")
    if drawn >= asked:
        return None
    return (
        f"Only {drawn:,} {_unit(sample)} are eligible, fewer than the {asked:,} asked for: "
        f"sample {sample.id} has {drawn:,} picks, not {asked:,}."
    )


def _asked(sample: Sample) -> int:
    """The picks asked for (0 when the stored parameters do not say)."""
    asked = sample.parameters.get("n")
    return asked if isinstance(asked, int) and not isinstance(asked, bool) else 0


def _unit(sample: Sample) -> str:
    return "contacts and referrals" if sample.kind == FRONT_DOOR else "children"


def sample_list(samples: list[Sample]) -> RenderableType:
    """A table of samples: number, kind, seed, frame size, picks, replacements, who and when."""
    from rich.table import Table

    table = Table("Sample", "Kind", "Seed", "Frame", "Picks", "Reserves", "Replaced")
    table.add_column("Drawn (UTC)", no_wrap=True)
    for s in samples:
        table.add_row(
            str(s.id),
            s.kind.replace("_", "-"),
            str(s.seed),
            f"{s.frame_size:,}",
            str(len(s.picks)),
            str(len(s.reserves)),
            str(len(s.replacements)),
            f"{s.created_at[:16].replace('T', ' ')}, {s.created_by}",
        )
    if not samples:
        table.caption = "No sample drawn yet: run `jtai sample tracked` or `jtai sample front-door`."
    return table

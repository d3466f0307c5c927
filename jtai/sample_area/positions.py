"""Cases named by their place in the demo's samples, turned into this workspace's pseudonyms.

The demo's judgements and findings name cases as "tracked 3" or "front_door 12", never by
pseudonym: pseudonyms depend on each workspace's own secret key. This writes copies with the
workspace's pseudonyms, for the demo to import.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jtai.files import write_private
from jtai.sample_area.shipped import read_yaml
from jtai.sampling import FRONT_DOOR, TRACKED, latest_sample
from jtai.workspace import workspace_framework

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.workspace import Workspace

# the share of the demo's grades moved one step up or down when they are shifted (seeded)
SHIFT_SHARE = 0.35
_POSITION = re.compile(r"\b(tracked|front_door) (\d+)\b")
_SHIFTED_NOTE = "Practice fell short of what the criterion describes in this case."


@dataclass(frozen=True)
class DemoJudgements:
    """The demo's judgements written with this workspace's pseudonyms.

    Attributes:
        path: the file written, ready to import.
        cases: how many cases the judgements are about.
        left_out: judgements naming a position or slot these samples do not have.
    """

    path: Path
    cases: int
    left_out: int


def positions(ws: Workspace) -> dict[str, str]:
    """``tracked 1`` -> its pseudonym, ``front_door 1`` -> ..., from the newest samples."""
    found: dict[str, str] = {}
    for kind in (TRACKED, FRONT_DOOR):
        sample = latest_sample(ws, kind)
        for n, member in enumerate(sample.picks if sample else [], start=1):
            found[f"{kind} {n}"] = member.pseudonym
    return found


def write_judgements(ws: Workspace, template: Path, *, shift: random.Random | None = None) -> DemoJudgements:
    """Write ``template``'s judgements into the workspace with its pseudonyms.

    A judgement naming a position the samples do not reach, or a slot (case, criterion,
    agency, inspector) already filled, is left out. With ``shift``, a share of the grades
    moves one step up or down, with a note where the scale asks for one.
    """
    refs = positions(ws)
    fw = workspace_framework(ws) if shift is not None else None
    rows: list[dict[str, str]] = []
    slots: set[tuple[object, ...]] = set()
    left_out = 0
    for row in read_yaml(template).get("judgements") or []:
        case = refs.get(" ".join(str(row["case"]).split()))
        slot = (case, row["criterion"], row["agency"], row.get("inspector"))
        if case is None or slot in slots:
            left_out += 1
            continue
        slots.add(slot)
        rows.append({**{k: str(v) for k, v in row.items()}, "case": case})
        if fw is not None and shift is not None and "grade" in row:
            rows[-1]["grade"] = _shifted(fw, str(row["grade"]), shift)
            if rows[-1]["grade"] in fw.scale.note_required and not rows[-1].get("note"):
                rows[-1]["note"] = _SHIFTED_NOTE
    path = ws.root / "demo-judgements.yaml"
    write_private(path, _dump_judgements(rows), error=None)
    return DemoJudgements(path, len({r["case"] for r in rows}), left_out)


def with_pseudonyms(text: str, refs: dict[str, str]) -> str:
    """``text`` with every sample position it names replaced by that case's pseudonym."""

    def swap(match: re.Match[str]) -> str:
        return refs.get(f"{match[1]} {match[2]}", match[0])

    return _POSITION.sub(swap, text)


def _shifted(fw: Framework, grade: str, rng: random.Random) -> str:
    """``grade``, or one step better or worse for a share of the judgements (seeded)."""
    order = fw.grade_ids
    if grade not in order or rng.random() >= SHIFT_SHARE:
        return grade
    return order[min(len(order) - 1, max(0, order.index(grade) + rng.choice((-1, 1))))]


def _dump_judgements(rows: list[dict[str, str]]) -> str:
    import yaml

    return (
        "# Written by `jtai demo` from sample_data/demo/judgements.yaml, with this workspace's pseudonyms.\n"
        + str(yaml.safe_dump({"judgements": rows}, sort_keys=False, allow_unicode=True, width=100))
    )

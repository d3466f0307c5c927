"""The evidence pack's notes: every inspector's and moderator's note, case by case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jtai.report import area_results
from jtai.report.pack_blocks import Part
from jtai.report.text import agency_heading

if TYPE_CHECKING:
    from jtai.frameworks import Framework


def notes_part(fw: Framework, notes: list[area_results.Note]) -> Part:
    """Every evidence note, case by case: each inspector's note on each item, with their grade."""
    if not notes:
        return Part("notes", "Evidence notes", missing="No evidence notes have been recorded yet.")
    order = {criterion.id: n for n, (_, criterion) in enumerate(fw.criteria(), start=1)}
    order[area_results.CASE_QUESTION] = 0
    by_case: dict[str, list[str]] = {}
    for note in sorted(
        notes,
        key=lambda n: (
            n.case,
            order.get(n.criterion, len(order)),
            n.criterion,
            n.agency,
            n.role == "agreed",
            n.inspector,
        ),
    ):
        if note.criterion == area_results.CASE_QUESTION:
            what = "Is the child safer?"
        else:
            what = f"{note.criterion}, {agency_heading(note.agency)}"
        found = fw.inspectorate(note.inspectorate)
        who = f"{note.inspector} ({found.name if found else note.inspectorate})"
        if note.role == "agreed":
            who = f"agreed by {who}"
        by_case.setdefault(note.case, []).append(f"{what} – {who}, {fw.label(note.value)}: {note.text}")
    subparts = tuple(Part(f"notes-{case}", case, items=tuple(items)) for case, items in by_case.items())
    return Part(
        "notes",
        "Evidence notes",
        (
            f"{len(notes)} {'note' if len(notes) == 1 else 'notes'} on {len(by_case)} "
            f"{'case' if len(by_case) == 1 else 'cases'}: every inspector's note on each item, with "
            "the grade they gave.",
        ),
        subparts=subparts,
    )

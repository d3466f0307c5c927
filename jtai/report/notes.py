"""The evidence pack's notes, grouped case -> criterion -> agency, inspectors by initials.

A key at the head of the part names each inspector once, with their inspectorate; each note
then carries the initials and the grade. Inspectors who wrote the same text on the same item
share one line. A note on an agency outside the inspector's inspectorate (as the framework
says which inspectorate judges which agency) is marked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jtai.report import area_results
from jtai.report.pack_blocks import Part, Table
from jtai.report.text import agency_heading, format_list

if TYPE_CHECKING:
    from jtai.frameworks import Framework

OUTSIDE = "outside their inspectorate's agencies"


def initials(names: list[str]) -> dict[str, str]:
    """Short, distinct initials for each name: ``Ruth Treloar`` -> ``RT`` (``RTr`` on a clash)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(names)):
        words = name.split() or [name or "?"]
        short = "".join(w[0].upper() for w in words)
        extra = 1
        while short in taken and extra < len(words[-1]):
            short = "".join(w[0].upper() for w in words) + words[-1][1 : extra + 1].lower()
            extra += 1
        n = 2
        base = short
        while short in taken:
            short = f"{base}{n}"
            n += 1
        taken.add(short)
        out[name] = short
    return out


def notes_part(fw: Framework, notes: list[area_results.Note]) -> Part:
    """Every evidence note, grouped by case, criterion and agency."""
    if not notes:
        return Part("notes", "Evidence notes", missing="No evidence notes have been recorded yet.")
    order = {criterion.id: n for n, (_, criterion) in enumerate(fw.criteria(), start=1)}
    order[area_results.CASE_QUESTION] = 0
    agency_order = {a: n for n, a in enumerate(fw.agencies)}
    short = initials([n.inspector for n in notes])
    who_wrote = {}
    for note in notes:
        found = fw.inspectorate(note.inspectorate)
        who_wrote[note.inspector] = found.name if found else note.inspectorate
    key = Table.build(
        "Who wrote the notes",
        ("Initials", "Inspector", "Inspectorate"),
        ((short[name], name, who_wrote[name]) for name in sorted(short, key=lambda n: short[n])),
    )
    grouped: dict[str, dict[str, dict[str, list[area_results.Note]]]] = {}
    for note in sorted(
        notes,
        key=lambda n: (
            n.case,
            order.get(n.criterion, len(order)),
            n.criterion,
            agency_order.get(n.agency, len(agency_order)),
            n.role == "agreed",
            n.inspector,
        ),
    ):
        grouped.setdefault(note.case, {}).setdefault(note.criterion, {}).setdefault(note.agency, []).append(
            note
        )
    outside = 0
    cases = []
    for case, criteria in grouped.items():
        items = []
        for criterion, agencies in criteria.items():
            lines = []
            for agency, mine in agencies.items():
                line, flagged = _agency_line(fw, agency, mine, short)
                outside += flagged
                lines.append(line)
            head = "Is the child safer?" if criterion == area_results.CASE_QUESTION else criterion
            items.append(f"{head} — {' '.join(lines)}")
        cases.append(Part(f"notes-{case}", case, items=tuple(items)))
    text = [
        f"{len(notes)} {'note' if len(notes) == 1 else 'notes'} on {len(grouped)} "
        f"{'case' if len(grouped) == 1 else 'cases'}, grouped by case, then criterion (one line each, "
        "by its id in the framework), then agency. Each note gives the initials of who wrote it and "
        "the grade they gave; inspectors who wrote the same words on the same item share it.",
    ]
    if outside:
        text.append(
            f"{outside} {'note is' if outside == 1 else 'notes are'} marked as written by an inspector "
            f"{OUTSIDE}: the framework assigns that agency to another inspectorate."
        )
    return Part("notes", "Evidence notes", tuple(text), (key,), subparts=tuple(cases))


def _agency_line(
    fw: Framework, agency: str, notes: list[area_results.Note], short: dict[str, str]
) -> tuple[str, int]:
    """``Police: RT and AR, Good: text. DP, Requires improvement: text.`` and how many are flagged."""
    by_text: dict[tuple[str, str, str], list[str]] = {}
    flagged = 0
    for note in notes:
        mark = ""
        if agency != "all" and fw.judges(note.inspectorate, agency) is False:
            mark = f" [{OUTSIDE}]"
            flagged += 1
        who = short[note.inspector] + (" (agreed)" if note.role == "agreed" else "")
        by_text.setdefault((" ".join(note.text.split()), fw.label(note.value), mark), []).append(who)
    pieces = [f"{format_list(who)}, {grade}{mark}: {text}" for (text, grade, mark), who in by_text.items()]
    head = "" if agency == "all" else f"{agency_heading(agency)}: "
    return head + " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in pieces), flagged

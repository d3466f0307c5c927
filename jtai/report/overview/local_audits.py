"""The quality of local audits across areas: each area's own audits against its inspectors' grades.

Each area's comparison is the one its evidence pack shows (:func:`compare`: the area's grade
of a tracked child paired with the inspectors' final grade of the same child, criterion and
agency). Here every pair of an area counts together, and the pairs of all areas together,
each pair its own item: case references repeat across areas, children do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jtai.frameworks import Framework
from jtai.report.overview.areas import Area
from jtai.report.pack_blocks import Part, Table
from jtai.report.text import agency_heading, format_list
from jtai.scoring.local_audits.compare import ALL, Pair, Row, pooled, statistic_json

ALL_AGENCIES = "All agencies"
DIRECTION_LABELS = {"more_generous": "More generous", "harsher": "Harsher", "same": "Neither"}


@dataclass(frozen=True)
class AuditAgreement:
    """How one area's audits (or all areas' together) agreed with the inspectors' grades.

    Attributes:
        area: the area's name, or "All areas".
        audit_grades: grades on the framework's scale from the area's audits.
        unpaired: those with no inspectors' grade of the same child, criterion and agency.
        overall: every pair together; None when nothing could be paired.
        agencies: one row per agency with pairs, in the framework's order.
    """

    area: str
    audit_grades: int
    unpaired: int
    overall: Row | None
    agencies: tuple[Row, ...]

    @property
    def paired(self) -> int:
        """Pairs compared."""
        return self.overall.items if self.overall is not None else 0


def audit_agreement(fw: Framework, areas: list[Area], all_areas: str) -> list[AuditAgreement]:
    """One entry per area (in the order named), then all areas together (named ``all_areas``)."""
    out = []
    every: list[Pair] = []
    for area in areas:
        result = area.audits
        every += result.pairs
        out.append(_agreement(fw, area.name, result.pairs, result.area_items, result.unpaired))
    out.append(
        _agreement(
            fw,
            all_areas,
            every,
            sum(a.audits.area_items for a in areas),
            sum(a.audits.unpaired for a in areas),
        )
    )
    return out


def _agreement(fw: Framework, name: str, pairs: list[Pair], grades: int, unpaired: int) -> AuditAgreement:
    order = {a: i for i, a in enumerate(fw.agencies)}
    agencies = sorted({p.agency for p in pairs}, key=lambda a: (order.get(a, len(order)), a))
    return AuditAgreement(
        name,
        grades,
        unpaired,
        pooled(fw, pairs) if pairs else None,
        tuple(pooled(fw, [p for p in pairs if p.agency == a], agency=a) for a in agencies),
    )


def direction(row: Row) -> str | None:
    """``more_generous`` (the area's grades above the inspectors' on average), ``harsher`` or ``same``."""
    if row.mean_steps is None:
        return None
    return "more_generous" if row.mean_steps > 0 else "harsher" if row.mean_steps < 0 else "same"


def audits_json(found: list[AuditAgreement]) -> list[dict[str, Any]]:
    """One entry per area and agency (``agency`` ``all``: every agency together) as JSON-ready data."""
    out = []
    for entry in found:
        out.append(
            {
                "area": entry.area,
                "agency": ALL,
                "agency_label": ALL_AGENCIES,
                "imported": entry.audit_grades > 0,
                "audit_grades": entry.audit_grades,
                "unpaired": entry.unpaired,
                **_row_json(entry.overall),
            }
        )
        for row in entry.agencies:
            out.append(
                {"area": entry.area, "agency": row.agency, "agency_label": agency_heading(row.agency)}
                | _row_json(row)
            )
    return out


def _row_json(row: Row | None) -> dict[str, Any]:
    way = direction(row) if row is not None else None
    return {
        "paired": row.items if row is not None else 0,
        "weighted_kappa": statistic_json(row.kappa) if row is not None else None,
        "ac1": statistic_json(row.ac1) if row is not None else None,
        "mean_steps": round(row.mean_steps, 6) if row is not None and row.mean_steps is not None else None,
        "direction": way,
        "direction_label": DIRECTION_LABELS[way] if way else None,
        "area_more_generous": row.more_generous if row is not None else 0,
        "area_harsher": row.harsher if row is not None else 0,
        "same": row.same if row is not None else 0,
    }


def audits_part(found: list[AuditAgreement]) -> Part:
    """Each area's agreement, all agencies and then each, and all areas together."""
    title = "Quality of local audits"
    areas, together = found[:-1], found[-1]
    compared = [e for e in areas if e.overall is not None]
    if not compared:
        return Part(
            "local-audits",
            title,
            missing="No area has audits of its own that can be set beside its inspectors' grades.",
        )
    paragraphs = [
        "Each area audited its tracked children itself. Its grades are paired with the inspectors' final "
        "grade of the same child, criterion and agency, as in its evidence pack. Steps is the mean "
        "difference, the area's grade minus the inspectors', in grade steps: above zero the area was "
        "more generous, below zero harsher. Agreement is Cohen's weighted kappa (linear weights) and "
        f"Gwet's AC1, with 95% intervals. \"{together.area}\" counts every area's pairs together.",
    ]
    none = [e.area for e in areas if e.audit_grades == 0]
    if none:
        paragraphs.append(f"No audit of the area's own has been imported for {format_list(none)}.")
    paragraphs += [
        f"{e.area}: {e.audit_grades} grades from its audits, none yet with an inspectors' grade of the "
        "same child, criterion and agency."
        for e in areas
        if e.audit_grades and e.overall is None
    ]
    rows = []
    for entry in [*compared, together]:
        assert entry.overall is not None
        for row in (entry.overall, *entry.agencies):
            first = row is entry.overall
            rows.append(
                (
                    entry.area if first else "",
                    ALL_AGENCIES if first else agency_heading(row.agency),
                    row.items,
                    entry.unpaired if first else "",
                    row.kappa.format(),
                    row.ac1.format(),
                    "" if row.mean_steps is None else f"{row.mean_steps:+.2f}",
                    DIRECTION_LABELS[direction(row) or "same"],
                    row.more_generous,
                    row.harsher,
                )
            )
    header = (
        "Area",
        "Agency",
        "Pairs",
        "Not paired",
        "Weighted kappa",
        "Gwet's AC1",
        "Steps",
        "The area was",
        "Higher",
        "Lower",
    )
    table = Table.build("The areas' grades against the inspectors'", header, rows, numeric=(2, 3, 6, 8, 9))
    return Part("local-audits", title, tuple(paragraphs), (table,))

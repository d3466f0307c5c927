"""The tables of `jtai link review | explain` and `jtai child`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jtai.canonical import AGENCIES

if TYPE_CHECKING:
    from rich.table import Table

    from jtai.linkage.chronology import Chronology
    from jtai.linkage.review import PairView


def pair(view: PairView) -> Table:
    """Both records side by side; a row whose values differ is marked ≠ and highlighted."""
    from rich.table import Table

    table = Table(
        title=f"Pair {view.number} of {view.total}: are these the same child?", title_justify="left"
    )
    table.add_column("")
    table.add_column("Field")
    table.add_column(f"R{view.left}", overflow="fold")
    table.add_column(f"R{view.right}", overflow="fold")
    for label, left, right, differ in view.rows:
        table.add_row("≠" if differ else "", label, left, right, style="bold yellow" if differ else None)
    return table


def unsure(rows: list[dict[str, Any]], waiting: int) -> Table:
    """The pairs whose latest decision is unsure, with who said so and when."""
    from rich.table import Table

    table = Table(
        title=f"Marked unsure: {len(rows):,} pair{'' if len(rows) == 1 else 's'} "
        f"({waiting:,} waiting for a first decision)",
        title_justify="left",
    )
    for name in ("Records", "Reviewer", "Decided at"):
        table.add_column(name)
    for r in rows:
        table.add_row(f"R{r['left_id']} R{r['right_id']}", str(r["reviewer"]), str(r["decided_at"]))
    return table


def identifiers(out: Any, left: int, right: int) -> Table:
    """`link explain`: each strong identifier of the two records, and what it said."""
    from rich.table import Table

    from jtai.linkage.explain import field_label

    ids = Table("Identifier", f"R{left}", f"R{right}", "Result", title="Identifiers", title_justify="left")
    for name, a, b, result in out.identifiers:
        ids.add_row(field_label(name), a or "", b or "", result)
    return ids


def model(out: Any, left: int, right: int) -> Table:
    """`link explain`: the model's comparison of each field, with its weight, and the total."""
    from rich.table import Table

    table = Table(
        "Field", f"R{left}", f"R{right}", "Comparison", "Weight", title="Model", title_justify="left"
    )
    table.add_row("(prior)", "", "", "two records chosen at random", f"{out.prior_weight:+.2f}")
    for f in out.fields:
        table.add_row(f.label, f.left or "", f.right or "", f.level, f"{f.weight:+.2f}")
    table.add_row(
        "Total", "", "", f"match probability {out.match_probability:.4f}", f"{out.match_weight:+.2f}"
    )
    return table


def chronology(chron: Chronology) -> list[Table]:
    """`jtai child`: the identifiers each agency holds, and the events in date order."""
    from rich.table import Table

    ids = Table("Agency", "Identifiers held", title="Identifiers", title_justify="left")
    for agency, held in chron.identifiers.items():
        ids.add_row(AGENCIES.get(agency, agency), "; ".join(f"{k}: {', '.join(v)}" for k, v in held.items()))
    events = Table(
        "Date", "Agency", "Event", "Outcome", "Flags", "Record", title="Events", title_justify="left"
    )
    for e in chron.events:
        date = (e.date or "") + (f" to {e.end_date}" if e.end_date else "")
        events.add_row(
            date, AGENCIES.get(e.agency, e.agency), e.event, e.outcome or "", e.flags or "", e.record
        )
    return [ids, events]

"""The tables of `jtai link review`: a pair side by side, and the pairs marked unsure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.table import Table

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

"""The tables of `jtai load`, `jtai quarantine` and `jtai profile`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.table import Table

    from jtai.ingest.results import LoadResult


def reconciliation(result: LoadResult) -> Table:
    """Rows read, accepted and quarantined per file and sheet, with the top reasons."""
    from rich.table import Table

    table = Table(title="Reconciliation", title_justify="left")
    # a Rejected column only when --strict refused a file, so that other loads read as before
    rejected = bool(result.rejected)
    columns = [
        "File",
        "Sheet",
        "Read",
        "Accepted",
        "Quarantined",
        *(["Rejected"] if rejected else []),
        "Field issues",
    ]
    for name in columns:
        table.add_column(name, justify="left" if name in ("File", "Sheet") else "right")
    table.add_column("Top reasons", justify="left")
    for f in result.files:
        if f.status != "loaded" and f.status != "rejected":
            continue
        for s in f.sheets:
            if s.skipped:
                dashes = ["-"] * (len(columns) - 2)
                table.add_row(f.name, s.sheet or "-", *dashes, f"skipped: {s.skipped}")
                continue
            reasons = ", ".join(f"{rule} ({n:,})" for rule, n in s.top_reasons())
            counts = [
                s.rows_read,
                s.accepted,
                s.quarantined,
                *([s.rejected] if rejected else []),
                s.field_issues,
            ]
            table.add_row(f.name, s.sheet or "-", *(f"{n:,}" for n in counts), reasons)
    return table


def quarantine(rows: list[dict[str, Any]], *, narrow: bool = False) -> Table:
    """Quarantined rows: where, column, value, rule and message.

    ``narrow`` (a terminal under 110 columns): where (file, sheet, row), rule and message
    only, the message taking the room left; it names the column and the value already.
    """
    from rich.table import Table

    table = Table(title="Quarantined rows", title_justify="left")
    if narrow:
        table.add_column("Where", overflow="fold", max_width=24)
        table.add_column("Rule", overflow="fold", max_width=18)
        table.add_column("Message", overflow="fold", ratio=1, min_width=30)
        for r in rows:
            where = f"{r['file']} {r['sheet'] + ' ' if r['sheet'] else ''}row {r['row']:,}"
            table.add_row(where, r["rule"], r["message"])
        return table
    for name in ("File", "Sheet", "Row", "Column", "Value", "Rule"):
        table.add_column(name, overflow="fold", justify="right" if name == "Row" else "left")
    table.add_column("Message", overflow="fold", ratio=1, min_width=30)
    for r in rows:
        table.add_row(
            r["file"],
            r["sheet"] or "-",
            f"{r['row']:,}",
            r["column"] or "",
            r["value"] or "",
            r["rule"],
            r["message"],
        )
    return table


def profile(data: dict[str, Any]) -> list[Table]:
    """How complete each key field is per agency (a row per field), then records by event type."""
    from rich.table import Table

    from jtai.ingest.profile import KEY_FIELDS

    agencies = data["agencies"]
    complete = Table(title="Completeness of key fields", title_justify="left")
    complete.add_column("Field")
    for agency in agencies:
        complete.add_column(agency, justify="right", overflow="fold")
    complete.add_row("Records", *(f"{item['records']:,}" for item in agencies.values()))
    for field, label in KEY_FIELDS.items():
        complete.add_row(
            label, *(f"{item['completeness'].get(field, 0.0):.0%}" for item in agencies.values())
        )
    tables = [complete]
    for agency, item in agencies.items():
        events = Table(title=f"{agency}: records by event type", title_justify="left")
        events.add_column("Event type")
        events.add_column("Records", justify="right")
        for code, n in item["event_types"].items():
            events.add_row(code, f"{n:,}")
        for rule, n in item["quarantined"].items():
            events.add_row(f"(quarantined: {rule})", f"{n:,}")
        for rule, n in item.get("field_issues", {}).items():
            events.add_row(f"(field issue: {rule})", f"{n:,}")
        tables.append(events)
    return tables

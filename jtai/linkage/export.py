"""Files written by linkage: the record-to-child table, and a child's chronology (CSV or HTML).

Both hold personal data (agency person ids; a chronology's names unless pseudonymised), so
they are written readable by their owner only (0600), wherever they go. An existing file is
never overwritten unless the caller says ``force``. CSV cells that a spreadsheet would run
as a formula are written as text (:func:`jtai.spreadsheet.neutralise`).
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from jtai.audit_anchors import anchor
from jtai.canonical import AGENCIES, EVENT_FIELDS
from jtai.errors import InputError, UsageError
from jtai.files import open_private
from jtai.linkage.refs import pseudonyms
from jtai.spreadsheet import neutralise
from jtai.store import linkage as store

if TYPE_CHECKING:
    from jtai.linkage.chronology import Chronology
    from jtai.workspace import Workspace

LINK_COLUMNS = (
    "record",
    "agency",
    "source_file",
    "sheet",
    "row",
    "agency_person_id",
    "subject",
    "child_id",
    "child",
)
CHRONOLOGY_COLUMNS = (
    "date",
    "end_date",
    "agency",
    "event",
    *EVENT_FIELDS[EVENT_FIELDS.index("source") :],
    "record",
    "gap",
    "audit_head",
)

_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Chronology of {{ c.pseudonym }}</title>
{% if head %}<meta name="jtai-audit-head" content="{{ head }}">{% endif %}
<style>
body { font-family: sans-serif; margin: 2em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
tr.gap td { background: #fde2e2; }
</style></head>
<body>
<h1>Multi-agency chronology: {{ c.pseudonym }}</h1>
<p>{{ c.events | length }} records from {{ c.agencies | length }} agencies;
{{ c.gaps | length }} gap{{ "" if c.gaps | length == 1 else "s" }} found.
This document holds personal data: keep it within the inspection.</p>
<h2>Identifiers each agency holds</h2>
<table><thead><tr><th>Agency</th><th>Field</th><th>Values</th></tr></thead><tbody>
{% for agency, held in c.identifiers.items() %}{% for field, values in held.items() %}
<tr><td>{{ agencies.get(agency, agency) }}</td><td>{{ field }}</td><td>{{ values | join(", ") }}</td></tr>
{% endfor %}{% endfor %}
</tbody></table>
<h2>Gaps</h2>
{% if c.gaps %}<ul>{% for g in c.gaps %}<li>{{ g.date }}: {{ g.message }} ({{ g.records | join(", ") }})</li>
{% endfor %}</ul>{% else %}<p>None found.</p>{% endif %}
<h2>Events</h2>
<table><thead><tr><th>Date</th><th>End</th><th>Agency</th><th>Event</th><th>Outcome</th>
<th>Flags</th><th>Details</th><th>Record</th></tr></thead><tbody>
{% for e in c.events %}<tr><td>{{ e.date or "" }}</td><td>{{ e.end_date or "" }}</td>
<td>{{ agencies.get(e.agency, e.agency) }}</td><td>{{ e.event }}</td><td>{{ e.outcome or "" }}</td>
<td>{{ e.flags or "" }}</td><td>{{ e.details or "" }}</td><td>{{ e.record }}</td></tr>
{% endfor %}</tbody></table>
{% if head %}<p>Made from the audit log at {{ head }} (see jtai audit anchor).</p>{% endif %}
</body></html>
"""


def export_links(ws: Workspace, conn: sqlite3.Connection, path: Path, *, force: bool = False) -> int:
    """Write every record with its child id and pseudonym, as CSV or an Excel workbook.

    The format is the file's suffix, ``.csv`` or ``.xlsx``; return the rows written.

    Args:
        force: overwrite ``path`` if it exists.

    Raises:
        UsageError: the suffix is neither .csv nor .xlsx.
        ConflictError: ``path`` exists and ``force`` is false.
        InputError: the file cannot be written.
    """
    from jtai import workbook

    suffix = workbook.require_suffix(path, (".csv", ".xlsx"), "link export")
    names = pseudonyms(ws, conn)
    head = anchor(conn)  # the audit log's head the export was made from, on every row
    mark = head.text if head else ""
    rows = [
        (f"R{rid}", agency, file_name, sheet, row, person, subject, child, names.get(child, ""), mark)
        for rid, agency, file_name, sheet, row, person, subject, child in store.export_rows(conn)
    ]
    header = (*LINK_COLUMNS, "audit_head")
    if suffix == ".xlsx":
        kinds: dict[str, workbook.Kind] = {"agency_person_id": "id", "child_id": "id", "row": "number"}
        book = workbook.Workbook()
        book.table("Links", workbook.columns(header, kinds), rows)
        book.save(path, force=force, error=InputError)
        return len(rows)
    with open_private(path, force=force) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for cells in rows:
            writer.writerow([neutralise(c) for c in cells])
    return len(rows)


def export_chronology(
    chron: Chronology, path: Path, *, force: bool = False, conn: sqlite3.Connection | None = None
) -> None:
    """Write a chronology as CSV (events, then gaps) or HTML, chosen by the file's suffix.

    Args:
        force: overwrite ``path`` if it exists.
        conn: the workspace store: the export then carries the audit log's head it was made
            from (a column of the CSV, a meta element and a closing line of the HTML).

    Raises:
        UsageError: the suffix is neither .csv nor .html.
        ConflictError: ``path`` exists and ``force`` is false.
        InputError: the file cannot be written.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".html", ".htm"):
        raise UsageError(f"{path}: write the chronology to a .csv or .html file.")
    head = anchor(conn) if conn is not None else None
    mark = head.text if head else ""
    with open_private(path, force=force) as handle:
        if suffix == ".csv":
            writer = csv.writer(handle)
            writer.writerow(CHRONOLOGY_COLUMNS)
            for e in chron.events:
                writer.writerow(
                    neutralise(c)
                    for c in (
                        e.date,
                        e.end_date,
                        e.agency,
                        e.event,
                        e.source,
                        e.outcome,
                        e.team,
                        e.worker,
                        e.flags,
                        e.details,
                        e.record,
                        "",
                        mark,
                    )
                )
            for g in chron.gaps:
                gap = (g.date, "", "", g.kind, "", "", "", "", "", "", " ".join(g.records), g.message, mark)
                writer.writerow(neutralise(c) for c in gap)
        else:
            import jinja2

            env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
            handle.write(env.from_string(_HTML).render(c=chron, agencies=AGENCIES, head=mark))

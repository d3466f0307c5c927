"""Data quality at a glance: counts by event type and completeness of key fields, per agency."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai.canonical import AGENCIES
from jtai.errors import ConflictError, InputError, UsageError
from jtai.files import exists_error, open_private, workspace_file_error
from jtai.ingest.layouts import LAYOUTS, agency_named
from jtai.spreadsheet import neutralise
from jtai.store import field_issues
from jtai.store import profile as profile_queries
from jtai.store import records as store

if TYPE_CHECKING:
    from jtai.workspace import Workspace

# The key fields whose completeness a data lead checks first, with their labels.
KEY_FIELDS: dict[str, str] = {
    "nhs_number": "NHS number",
    "dob": "Date of birth",
    "first_name": "First name",
    "last_name": "Last name",
    "postcode": "Postcode",
    "la_child_id": "LA child id",
}


def profile(ws: Workspace) -> dict[str, Any]:
    """Per agency: records, records by event type, share of key fields filled, quarantine by rule.

    Returns:
        ``{"agencies": {agency: {"records": n, "event_types": {type: n},
        "completeness": {field: share 0-1}, "quarantined": {rule: n}, "field_issues": {rule: n}}}}``,
        agencies in
        canonical order, only those with records or quarantined rows.
    """
    conn = ws.connect()
    try:
        counts = profile_queries.profile_counts(conn)
        filled = profile_queries.profile_completeness(conn)
        quarantine = profile_queries.profile_quarantine(conn)
        issues = field_issues.by_agency_and_rule(conn)
    finally:
        conn.close()
    agencies: dict[str, dict[str, Any]] = {}

    def entry(agency: str) -> dict[str, Any]:
        return agencies.setdefault(
            agency,
            {"records": 0, "event_types": {}, "completeness": {}, "quarantined": {}, "field_issues": {}},
        )

    for row in counts:
        entry(row["agency"])["event_types"][row["event_type"]] = row["n"]
    for row in filled:
        item = entry(row["agency"])
        item["records"] = row["records"]
        item["completeness"] = {
            f: round(row[f] / row["records"], 4) if row["records"] else 0.0 for f in KEY_FIELDS
        }
    for row in quarantine:
        entry(row["agency"])["quarantined"][row["rule"]] = row["n"]
    for row in issues:
        entry(row["agency"])["field_issues"][row["rule"]] = row["n"]
    order = {a: i for i, a in enumerate(AGENCIES)}
    return {"agencies": dict(sorted(agencies.items(), key=lambda kv: order.get(kv[0], 99)))}


def quarantine_rows(
    ws: Workspace,
    limit: int | None = None,
    *,
    file: str | None = None,
    rule: str | None = None,
    agency: str | None = None,
) -> list[dict[str, Any]]:
    """The quarantined rows, each with file, agency, sheet, row, column, value, rule, message, raw.

    Args:
        ws: the workspace.
        limit: at most this many rows.
        file: only rows of the loaded file of this name.
        rule: only rows quarantined by this rule (see docs/ingest.md).
        agency: only rows of this agency's files.

    Raises:
        UsageError: an unknown rule or agency.
    """
    rows = _query(ws, store.quarantined, limit=limit, file=file, rule=rule, agency=agency)
    return [
        {
            "file": r["file"],
            "agency": r["agency"],
            "sheet": r["sheet"],
            "row": r["source_row"],
            "column": r["column_name"],
            "value": r["value"],
            "rule": r["rule"],
            "message": r["message"],
            "raw": json.loads(r["raw"]),
        }
        for r in rows
    ]


def quarantine_count(
    ws: Workspace, *, file: str | None = None, rule: str | None = None, agency: str | None = None
) -> int:
    """How many rows the quarantine holds, or how many match the filters given.

    Raises:
        UsageError: an unknown rule or agency.
    """
    return int(_query(ws, store.quarantine_count, file=file, rule=rule, agency=agency))


def field_issue_rows(
    ws: Workspace,
    limit: int | None = None,
    *,
    file: str | None = None,
    rule: str | None = None,
    agency: str | None = None,
) -> list[dict[str, Any]]:
    """The field issues of accepted records: file, agency, sheet, row, column, field, value, rule, message.

    Raises:
        UsageError: an unknown rule or agency.
    """
    rows = _query(ws, field_issues.issues, limit=limit, file=file, rule=rule, agency=agency)
    return [
        {
            "file": r["file"],
            "agency": r["agency"],
            "sheet": r["sheet"],
            "row": r["source_row"],
            "column": r["column_name"],
            "field": r["field"],
            "value": r["value"],
            "rule": r["rule"],
            "message": r["message"],
        }
        for r in rows
    ]


def field_issue_count(
    ws: Workspace, *, file: str | None = None, rule: str | None = None, agency: str | None = None
) -> int:
    """How many field issues there are, or how many match the filters given.

    Raises:
        UsageError: an unknown rule or agency.
    """
    return int(_query(ws, field_issues.count, file=file, rule=rule, agency=agency))


def _query(ws: Workspace, query: Callable[..., Any], **filters: Any) -> Any:
    """Run a filtered query of the quarantine or the field issues, the filters checked first."""
    check_filter(rule=filters.get("rule"), agency=filters.get("agency"))
    conn = ws.connect()
    try:
        return query(conn, **filters)
    finally:
        conn.close()


def check_filter(*, rule: str | None = None, agency: str | None = None) -> None:
    """Refuse a rule or agency that no quarantined row can have.

    Raises:
        UsageError: the rule or the agency is not one jtai knows, with the ones it knows.
    """
    from jtai.ingest.validate import RULES

    if rule is not None and rule not in RULES:
        raise UsageError(f"there is no quarantine rule {rule!r}.", hint=f"Use one of: {', '.join(RULES)}.")
    if agency is not None:
        agency_named(agency)


def export_quarantine(
    ws: Workspace,
    target: Path,
    *,
    force: bool = False,
    file: str | None = None,
    rule: str | None = None,
    agency: str | None = None,
    issues: bool = False,
) -> int:
    """Write the quarantine to a CSV file or an Excel workbook (by the suffix, .csv or .xlsx).

    The file is 0600: it holds children's data. The ``raw`` column holds the whole raw row
    as JSON. Text that a spreadsheet would read as a formula (starting ``=``, ``+``, ``-``
    or ``@``) is written with a leading ``'``. With ``issues``, the field issues are written
    instead (no ``raw``; a ``field`` column). Return the row count.

    Raises:
        ConflictError: ``target`` exists and ``force`` is false.
        InputError: the file cannot be written.
        UsageError: an unknown rule or agency, or a suffix other than .csv and .xlsx.
    """
    from jtai import workbook

    suffix = workbook.require_suffix(target, (".csv", ".xlsx"), "quarantine export")
    check_filter(rule=rule, agency=agency)
    hint = "Choose another name, or add --force."
    if target.exists() and not force:
        raise exists_error(target, hint)
    if issues:
        rows = field_issue_rows(ws, file=file, rule=rule, agency=agency)
        columns = ["file", "agency", "sheet", "row", "column", "field", "value", "rule", "message"]
        raws: list[str] | None = None
    else:
        rows = quarantine_rows(ws, file=file, rule=rule, agency=agency)
        columns = ["file", "agency", "sheet", "row", "column", "value", "rule", "message", "raw"]
        raws = [json.dumps(row["raw"], ensure_ascii=False) for row in rows]
    if suffix == ".xlsx":
        book = workbook.Workbook()
        kinds: dict[str, workbook.Kind] = {"value": "text", "raw": "text", "row": "number"}
        table = rows if raws is None else [{**row, "raw": raw} for row, raw in zip(rows, raws, strict=True)]
        book.table("Field issues" if issues else "Quarantine", workbook.columns(columns, kinds), table)
        book.save(target, force=force, error=InputError, exists_hint=hint)
        return len(rows)
    with open_private(target, force=force, exists_hint=hint) as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for n, row in enumerate(rows):
            cells = [neutralise(row[c]) for c in columns if c != "raw"]
            writer.writerow([*cells, *([] if raws is None else [raws[n]])])
    return len(rows)


def write_template(agency: str, target: Path, *, force: bool = False) -> Path:
    """Write the empty canonical layout of ``agency`` (its header row) to ``target``, CSV or XLSX.

    Raises:
        UsageError: unknown agency, or a suffix other than .csv and .xlsx.
        ConflictError: ``target`` exists and ``force`` is false.
        InputError: the file cannot be written.
    """
    agency = agency_named(agency)
    own = workspace_file_error(target)
    if own is not None:
        raise own
    if target.exists() and not force:
        raise ConflictError(
            f"{target} already exists.", hint="Name another file with --output, or add --force to replace it."
        )
    from jtai import workbook

    suffix = workbook.require_suffix(target, (".csv", ".xlsx"), "template")
    if suffix == ".xlsx":
        book = workbook.Workbook()
        # the canonical names are the headers a load reads: kept as they are, not put in words
        cols = [workbook.Column(c, title=c, kind="text") for c in LAYOUTS[agency].columns]
        book.table(agency, cols, [])
        book.save(target, force=True, error=InputError)
        return target
    with open_private(target) as handle:  # 0600 whatever the umask; an OSError is an InputError
        csv.writer(handle).writerow(LAYOUTS[agency].columns)
    return target

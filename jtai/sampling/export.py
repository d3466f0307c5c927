"""Write a sample as CSV or XLSX: pseudonyms by default, identifiers only when asked.

Every text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe, in both
formats. Files are created readable by their owner only (0600), and an existing file is
never overwritten unless the caller says ``force``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai.canonical import IDENTIFYING
from jtai.errors import UsageError
from jtai.files import WRITE_HINT, exists_error, write_private
from jtai.sampling.stored_sample import FRONT_DOOR, Sample
from jtai.spreadsheet import neutralise
from jtai.store import sampling as store
from jtai.workspace import workspace_anchor

if TYPE_CHECKING:
    from jtai.workbook import Kind as WorkbookKind
    from jtai.workspace import Workspace

# The sample list's identifying columns: a child's ids across agencies, then the canonical ones.
IDENTIFIER_HEADERS = (
    "child_id",
    "la_child_id",
    "agency_person_ids",
    *(f for f in IDENTIFYING if f not in ("agency_person_id", "la_child_id")),
)


def sample_table(ws: Workspace, sample: Sample, *, with_identifiers: bool = False) -> list[dict[str, Any]]:
    """The rows of a sample as they are exported (one per member, by position)."""
    why = {r.withdrawn: r.reason for r in sample.replacements}
    rows: list[dict[str, Any]] = []
    for m in sample.members:
        row: dict[str, Any] = {
            "position": m.position,
            "role": m.role,
            "drawn_as": m.drawn_as,
            "case": m.pseudonym,
        }
        if sample.kind == FRONT_DOOR:
            row["record"] = m.record_ref
        ref = m.record_ref if sample.kind == FRONT_DOOR else m.pseudonym
        row.update(stratum=m.stratum, reason=m.reason, replaced_because=why.get(ref or "", ""))
        rows.append(row)
    if with_identifiers:
        conn = ws.connect()
        try:
            found = store.identifiers(conn, sorted({m.child_key for m in sample.members}))
        finally:
            conn.close()
        for row, m in zip(rows, sample.members, strict=True):
            ids = found.get(m.child_key, {})
            persons = [
                f"{a}:{p}"
                for a, p in zip(ids.get("agency", []), ids.get("agency_person_id", []), strict=False)
            ]
            row["child_id"] = m.child_id or ""
            row["agency_person_ids"] = "; ".join(persons)
            for column in IDENTIFIER_HEADERS:
                if column not in ("child_id", "agency_person_ids"):
                    row[column] = "; ".join(ids.get(column, []))
    return rows


def export_sample(
    ws: Workspace, sample: Sample, path: Path, *, with_identifiers: bool = False, force: bool = False
) -> int:
    """Write ``sample`` to ``path`` (``.csv`` or ``.xlsx``); return the rows written.

    Args:
        force: overwrite ``path`` if it exists.

    Raises:
        UsageError: the file name ends in neither .csv nor .xlsx, or it cannot be written.
        ConflictError: ``path`` exists and ``force`` is false.
    """
    from jtai import workbook

    suffix = workbook.require_suffix(path, (".csv", ".xlsx"), "sample export")
    if not force and path.exists():
        raise exists_error(path)
    head = _audit_head(ws)
    rows = [r | {"audit_head": head} for r in sample_table(ws, sample, with_identifiers=with_identifiers)]
    headers = list(rows[0]) if rows else ["position", "role", "case", "stratum", "reason", "audit_head"]
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([neutralise(r.get(h)) for h in headers] for r in rows)
        _write_private(path, buffer.getvalue().encode("utf-8"), force)
    else:
        _write_xlsx(path, sample, headers, rows, force)
    return len(rows)


# Identifiers are text (an NHS number keeps its leading zero); a date of birth is a date.
_KINDS: dict[str, WorkbookKind] = {
    "case": "id",
    "record": "id",
    "child_id": "id",
    "la_child_id": "id",
    "agency_person_ids": "id",
    "nhs_number": "id",
    "upn": "id",
    "pnc_id": "id",
    "postcode": "id",
    "dob": "date",
    "position": "number",
}


def _write_xlsx(
    path: Path, sample: Sample, headers: list[str], rows: list[dict[str, Any]], force: bool
) -> None:
    from jtai.workbook import Workbook, columns

    book = Workbook()
    book.table(f"Sample {sample.id}", columns(headers, _KINDS), rows)
    book.key_values(
        "About",
        [
            ("sample", sample.id),
            ("kind", sample.kind),
            ("framework", sample.framework),
            ("seed", sample.seed),
            ("frame size", sample.frame_size),
            ("frame hash", sample.frame_hash),
            ("drawn by", sample.created_by),
            ("drawn at (UTC)", _when(sample.created_at)),
            ("parameters", json.dumps(sample.parameters, sort_keys=True)),
            ("audit log head", rows[0]["audit_head"] if rows else ""),
        ],
    )
    book.save(path, force=force, hint=WRITE_HINT)


def _when(value: Any) -> Any:
    """An ISO timestamp as a datetime (a date cell in the workbook); anything else as it is."""
    from jtai.workbook import cell_value

    return cell_value(value, "datetime")


def _audit_head(ws: Workspace) -> str:
    """The audit log's head this export was made from (``jtai audit anchor``'s form), or empty."""
    head = workspace_anchor(ws)
    return head.text if head is not None else ""


def _write_private(path: Path, data: bytes, force: bool) -> None:
    # force=False: a file that appeared since the check above is not overwritten either
    write_private(path, data, force=force, error=UsageError, hint=WRITE_HINT)

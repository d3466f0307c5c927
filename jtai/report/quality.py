"""The data-quality part of the evidence pack and the self-assessment."""

from __future__ import annotations

import sqlite3

from jtai.report.pack_blocks import Part, Table
from jtai.report.text import agency_heading
from jtai.store import profile
from jtai.store import report as queries

KEY_FIELDS = ("dob", "sex", "postcode", "nhs_number", "la_child_id", "upn")
FIELD_HEADINGS = {
    "dob": "Date of birth",
    "sex": "Sex",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
    "la_child_id": "LA child ID",
    "upn": "UPN",
}


def data_quality_part(conn: sqlite3.Connection) -> Part:
    """Files loaded and their reconciliation, linkage, key-field completeness, quarantine reasons."""
    files = queries.file_counts(conn)
    if not files:
        return Part("data-quality", "Data quality", missing="No extract has been loaded yet (`jtai load`).")
    read = sum(int(f["rows_read"]) for f in files)
    accepted = sum(int(f["rows_accepted"]) for f in files)
    quarantined = sum(int(f["rows_quarantined"]) for f in files)
    paragraphs = [
        f"{len(files)} extract sheets loaded: {read:,} rows read = {accepted:,} accepted + "
        f"{quarantined:,} quarantined ({quarantined / read:.1%})."
        if read
        else "No rows were read."
    ]
    tables = [
        Table.build(
            "Extracts loaded",
            ("File", "Agency", "Sheet", "Rows read", "Accepted", "Quarantined"),
            (
                (
                    f["name"],
                    agency_heading(f["agency"]),
                    f["sheet"],
                    f["rows_read"],
                    f["rows_accepted"],
                    f["rows_quarantined"],
                )
                for f in files
            ),
            numeric=(3, 4, 5),
        ),
        Table.build(
            "Records and linkage by agency",
            ("Agency", "Records", "Children", "Records not linked"),
            (
                (agency_heading(r["agency"]), r["records"], r["children"], r["unlinked"])
                for r in queries.record_counts(conn)
            ),
            numeric=(1, 2, 3),
        ),
        Table.build(
            "Key fields filled, by agency (share of records)",
            ("Agency", "Records", *(FIELD_HEADINGS[f] for f in KEY_FIELDS)),
            (
                (
                    agency_heading(r["agency"]),
                    r["records"],
                    *(f"{int(r[f]) / int(r['records']):.0%}" for f in KEY_FIELDS),
                )
                for r in profile.profile_completeness(conn, KEY_FIELDS)
            ),
            numeric=range(1, 2 + len(KEY_FIELDS)),
        ),
    ]
    reasons = queries.quarantine_reasons(conn)
    if reasons:
        tables.append(
            Table.build(
                "Quarantine reasons (rows, never their values)",
                ("Agency", "Rule", "Column", "Rows"),
                (
                    (
                        agency_heading(r["agency"]),
                        str(r["rule"]).replace("_", " "),
                        r["column_name"] or "",
                        r["rows"],
                    )
                    for r in reasons
                ),
                numeric=(3,),
            )
        )
    return Part("data-quality", "Data quality", tuple(paragraphs), tuple(tables))

"""Children and samples for the sampling tests: a workspace filled through the store."""

from __future__ import annotations

import json
from typing import Any

from jtai.store import records
from jtai.workspace import Workspace

RISKS = ["cse", "gang", "missing", ""]
SOURCES = ["q) 6: Police", "e) 2A", "g) 3A", "s) 8"]
OUTCOMES = ["NFA", "Early help", "Single assessment", "Section 47"]


def add_children(ws: Workspace, count: int = 40, *, linked: bool = True, start: int = 0) -> None:
    """``count`` children: a police record with a theme flag and a CSC contact each."""
    rows: list[dict[str, Any]] = []
    for i in range(start, start + count):
        who = {
            "la_child_id": f"L{i:03d}",
            "first_name": "=HYPERLINK(1)" if i == 0 else f"Name{i}",
            "last_name": "Smith",
            "dob": f"{2001 + i % 16}-05-0{1 + i % 9}",
            "sex": "female" if i % 3 else "male",
            "child_id": f"child-{i:03d}" if linked else None,
        }
        rows.append(
            {
                **who,
                "agency": "police",
                "agency_person_id": f"P{i}",
                "event_type": "police_incident",
                "event_date": "2018-01-10",
                "flags": RISKS[i % 4] or None,
            }
        )
        rows.append(
            {
                **who,
                "agency": "csc",
                "agency_person_id": f"S{i}",
                "event_type": "contact",
                "event_date": f"2018-02-{1 + i % 27:02d}",
                "source": SOURCES[i % 4],
                "outcome": OUTCOMES[(i // 4) % 4],
            }
        )
    conn = ws.connect()
    try:
        records.insert_records(conn, rows, agency="csc")
    finally:
        conn.close()


def sample_json(run, ws: Workspace, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    result = run("--workspace", str(ws.root), "sample", *args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data

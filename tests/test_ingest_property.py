"""Property: whatever CSV content arrives, ingest never crashes and every row is accounted for."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jtai import workspace
from jtai.canonical import EVENT_TYPES, FIELDS
from jtai.errors import JtaiError
from jtai.ingest import load_files

CELL = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(
        [
            "",
            "P1",
            "9434765919",
            "03/04/2005",
            "2018-01-02",
            "male",
            "a) Female",
            "SW1A 1AA",
            "cse;missing",
            "2099-01-01",
            "43193",
            *list(EVENT_TYPES)[:5],
        ]
    ),
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A header drawn from the canonical fields (or junk), rows of random width and content."""
    header = draw(st.lists(st.sampled_from([*FIELDS, "junk", ""]), min_size=1, max_size=8))
    if draw(st.booleans()):
        header = ["agency_person_id", "event_type", *header]
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(header) + 2), max_size=8))

    def line(cells: list[str]) -> str:
        return delimiter.join(
            '"' + c.replace('"', '""') + '"' if any(x in c for x in '",;\t\n\r') else c for c in cells
        )

    text = "\n".join([line(header), *(line(r) for r in rows)])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=csv_files())
def test_random_csv_never_crashes_and_reconciles(tmp_path_factory, content: bytes) -> None:
    """No traceback; rows read = accepted + quarantined, in the result and in the store."""
    root = tmp_path_factory.mktemp("prop")
    ws = workspace.create(root / "ws", area="A", framework="exploitation-2018")
    path = Path(root / "x.csv")
    path.write_bytes(content)
    try:
        result = load_files(ws, [path], agency="police", today=dt.date(2026, 1, 1))
    except JtaiError as exc:  # pragma: no cover - load_files reports file problems in the result
        raise AssertionError(f"load_files raised {exc}") from exc
    (file,) = result.files
    assert file.status in ("loaded", "error")
    if file.status == "error":
        assert file.message.startswith("x.csv")
        return
    assert file.rows_read == file.accepted + file.quarantined
    with sqlite3.connect(ws.db_path) as conn:
        stored = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        held = conn.execute("SELECT count(*) FROM quarantine").fetchone()[0]
        (read, accepted, quarantined) = conn.execute(
            "SELECT rows_read, rows_accepted, rows_quarantined FROM sheets"
        ).fetchone()
    assert (stored, held) == (file.accepted, file.quarantined)
    assert read == accepted + quarantined == file.rows_read


# Bad values of the fields a row can do without: each must be one field issue, the row kept.
BAD_CELLS: dict[str, list[str]] = {
    "dob": ["31/02/2005", "notadate", "2099-01-01", "1850-01-01", "2019-05-05"],
    "postcode": ["4011", "NOT A POSTCODE"],
    "nhs_number": ["1234567890", "12345"],
    "sex": ["Q", "Martian"],
    "flags": ["dragons", "cse;dragons"],
    "end_date": ["2018-13-45", "2017-01-01"],
    "details": ["x\x00y"],
}
# Bad values that leave a row without a person or a placed event: the row is quarantined.
ROW_CELLS: dict[str, list[str]] = {
    "agency_person_id": [""],
    "event_date": ["yesterday", "2099-01-01", "=1"],
    "event_type": ["burglary"],
}
ROW_RULES = {"missing_required", "unparseable_date", "date_in_future", "unknown_code", "no_person"}
GOOD = {
    "agency_person_id": "",
    "first_name": "Ann",
    "last_name": "Lee",
    "dob": "2005-01-01",
    "sex": "F",
    "postcode": "SW1A 1AA",
    "nhs_number": "9434765919",
    "event_type": "arrest",
    "event_date": "2018-01-02",
    "end_date": "2018-02-01",
    "flags": "missing",
    "details": "note",
}


@st.composite
def rows_with_bad_cells(draw: st.DrawFn) -> list[dict[str, str]]:
    """Rows of the canonical police layout, each with a random set of bad cells."""
    n = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for i in range(n):
        row = dict(GOOD, agency_person_id=f"P{i}")
        for name, values in {**BAD_CELLS, **ROW_CELLS}.items():
            if draw(st.integers(0, 4)) == 0:  # about one field in five is bad
                row[name] = draw(st.sampled_from(values))
        rows.append(row)
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_with_bad_cells())
def test_every_bad_cell_is_one_field_issue_or_its_row_lacks_a_person_or_event(
    tmp_path_factory, rows: list[dict[str, str]]
) -> None:
    """Rows with a bad id, event type or event date are quarantined; every other bad cell is one issue."""
    import csv
    import io

    root = tmp_path_factory.mktemp("cells")
    ws = workspace.create(root / "ws", area="A", framework="exploitation-2018")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(GOOD), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = root / "cells.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    (file,) = load_files(ws, [path], agency="police", today=dt.date(2026, 1, 1)).files
    assert file.status == "loaded", file.message
    # what must happen, worked out from the rows drawn
    dropped = {
        i + 2
        for i, r in enumerate(rows)
        if any(r[f] != GOOD[f] for f in ROW_CELLS if f != "agency_person_id")
    }
    dropped |= {i + 2 for i, r in enumerate(rows) if r["agency_person_id"] == ""}
    bad = {
        (i + 2, name)
        for i, r in enumerate(rows)
        if i + 2 not in dropped
        for name, values in BAD_CELLS.items()
        if r[name] in values
    }
    with sqlite3.connect(ws.db_path) as conn:
        quarantined = dict(conn.execute("SELECT source_row, rule FROM quarantine").fetchall())
        issues = conn.execute("SELECT source_row, column_name FROM field_issues").fetchall()
        accepted = {r for (r,) in conn.execute("SELECT source_row FROM records")}
    assert set(quarantined) == dropped
    assert set(quarantined.values()) <= ROW_RULES
    assert accepted == {i + 2 for i in range(len(rows))} - dropped
    assert sorted(issues) == sorted(bad)  # each bad cell exactly once
    assert file.rows_read == file.accepted + file.quarantined == len(rows)

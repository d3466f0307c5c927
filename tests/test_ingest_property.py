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

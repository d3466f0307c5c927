"""Shared set-up for the scoring tests: linked records and quick judgements."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from jtai.frameworks import Framework, load_framework
from jtai.pseudonym import pseudonym
from jtai.scoring import cases, judgements
from jtai.scoring.judgements import Rater

ANN = Rater("Ann", "ofsted")
BOB = Rater("Bob", "cqc")
FW: Framework = load_framework("exploitation-2018")


def add_child(conn: sqlite3.Connection, key: bytes, child_id: str, events: list[tuple[str, str, str]]) -> str:
    """Insert linked records (agency, event_type, date) for one child; return its pseudonym."""
    from jtai.store import records

    file = records.file_by_hash(conn, "test")
    file_id = file["id"] if file else records.add_file(
        conn, sha256="test", name="x.csv", agency="csc", mapping="canonical", stored_as="x", size=0,
        loaded_at="2018-01-01", loaded_by="test",
    )  # fmt: skip
    rows = []
    for i, (agency, event, date) in enumerate(events):
        values = dict.fromkeys(records.RECORD_COLUMNS)
        values.update(
            file_id=file_id, sheet="", source_row=i + 2, agency=agency, subject="child", event_type=event,
            event_date=date, flags="missing", child_id=child_id,
        )  # fmt: skip
        rows.append([values[c] for c in records.RECORD_COLUMNS])
    records.add_records(conn, rows)
    # linkage fills child_id; here the test links the rows it just added by hand
    conn.execute("UPDATE records SET child_id = ? WHERE child_id IS NULL", (child_id,))
    return pseudonym(key, child_id)


def hand_case(conn: sqlite3.Connection, ref: str, root: Path | None = None) -> str:
    """Register a hand-named case and return its reference."""
    return cases.resolve(conn, b"k", ref, by="test", add=True, root=root).ref


def judge(
    conn: sqlite3.Connection,
    case: str,
    criterion: str,
    agency: str,
    value: str,
    rater: Rater = ANN,
    note: str = "seen",
    root: Path | None = None,
    role: str = "rater",
) -> judgements.Judgement | None:
    """Record one judgement with the exploitation-2018 framework."""
    return judgements.record(
        conn, FW, case_ref=case, criterion=criterion, agency=agency, value=value, note=note, rater=rater,
        root=root, role=role,
    )  # fmt: skip

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
    # Raw SQL with the few columns a record must have: the ingest and linkage code that
    # normally writes them is not what these tests are about.
    raw = sqlite3.connect(conn.execute("PRAGMA database_list").fetchone()[2], isolation_level=None)
    raw.executemany(
        "INSERT INTO records (file_id, sheet, source_row, agency, event_type, event_date, flags, child_id) "
        "VALUES (0, '', ?, ?, ?, ?, 'missing', ?)",
        [(i + 2, agency, event, date, child_id) for i, (agency, event, date) in enumerate(events)],
    )
    raw.close()
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

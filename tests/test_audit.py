"""The audit log: hash chain, append-only guards, and tampering found by `jtai audit verify`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable

import pytest
from _score_helpers import hand_case, judge

from jtai import audit
from jtai.errors import ExitCode
from jtai.scoring import cases
from jtai.store import scoring as store_scoring
from jtai.store import transaction

CASE = "C-AAAA-BBBB"


@pytest.fixture
def judged(ws):
    """A workspace with one case and three judgements, each with its audit entry."""
    conn = ws.connect()
    hand_case(conn, CASE, root=ws.root)
    judge(conn, CASE, "FD1", "police", "good", root=ws.root)
    judge(conn, CASE, "FD2", "police", "requires_improvement", note="slow", root=ws.root)
    judge(conn, CASE, "FD2", "health", "good", root=ws.root)
    return ws


def _tamper(ws, change: Callable[[sqlite3.Connection], None]) -> None:
    """Change the database the way someone with the sqlite3 shell could: guards off, change, guards on."""
    raw = sqlite3.connect(ws.db_path, isolation_level=None)
    for name in store_scoring.GUARD_TRIGGERS:
        raw.execute(f"DROP TRIGGER {name}")
    change(raw)
    raw.executescript(store_scoring.DDL)
    raw.close()


def test_clean_log_verifies(run, judged) -> None:
    """An untouched workspace verifies and the log lists every action in order."""
    result = run("-w", str(judged.root), "audit", "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "The audit log verifies: 4 entries, 3 judgements."
    log = json.loads(run("-w", str(judged.root), "audit", "log", "--case", CASE, "--json").stdout)
    assert [e["action"] for e in log] == ["case.add", "judgement", "judgement", "judgement"]
    assert log[2]["detail"]["value"] == "requires_improvement"
    assert log[1]["prev_hash"] == log[0]["hash"]


def test_guards_refuse_update_and_delete(judged) -> None:
    """Triggers refuse UPDATE and DELETE on judgements, cases and the log."""
    conn = judged.connect()
    for sql in (
        "UPDATE judgements SET value = 'outstanding'",
        "DELETE FROM judgements",
        "UPDATE audit_log SET actor = 'X'",
        "DELETE FROM audit_log WHERE seq = 4",
        "DELETE FROM score_cases",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda db: db.execute("UPDATE judgements SET value = 'outstanding' WHERE id = 2"),
            "judgement 2 differs from its audit entry (it was changed directly).",
        ),
        (
            lambda db: db.execute("UPDATE audit_log SET actor = 'Eve' WHERE seq = 2"),
            "entry 2 was changed after it was written (its hash does not match).",
        ),
        (
            lambda db: db.execute("DELETE FROM judgements WHERE id = 1"),
            "judgement 1 is in the audit log but not in the database (it was deleted).",
        ),
        (
            lambda db: db.execute("DELETE FROM audit_log WHERE seq = 2"),
            "entry 3 follows entry 1: entries are missing or out of order.",
        ),
        (
            lambda db: db.executescript(
                "UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3;"
                "UPDATE audit_log SET seq = 3 WHERE seq = 100;"
            ),
            "entry 2 does not chain to the entry before it (deleted or reordered).",
        ),
        (
            lambda db: db.executescript(
                "DELETE FROM audit_log WHERE seq = 4; DELETE FROM judgements WHERE id = 3;"
            ),
            "the log ends before entry 4: entries were cut off the end.",
        ),
        (
            lambda db: db.execute(
                "INSERT INTO judgements (case_ref, criterion, agency, role, inspector, inspectorate, value, "
                "note, version, reason, source, framework, recorded_at) VALUES ('C-AAAA-BBBB', 'FD5', 'csc', "
                "'rater', 'Ann', 'ofsted', 'good', '', 1, '', 'capture', 'exploitation-2018', 'x')"
            ),
            "judgement 4 has no audit entry (it was added behind the tool's back).",
        ),
        (
            lambda db: db.execute("DELETE FROM score_cases"),
            "case C-AAAA-BBBB is in the audit log but not in the database (it was deleted).",
        ),
        (
            lambda db: db.execute("UPDATE score_cases SET child_key = 'la:77'"),
            "case C-AAAA-BBBB differs from its audit entry (it was changed directly).",
        ),
        (
            lambda db: db.execute("UPDATE score_cases SET added_by = 'Eve'"),
            "case C-AAAA-BBBB differs from its audit entry (it was changed directly).",
        ),
        (
            lambda db: db.execute("UPDATE score_cases SET added_at = '2018-01-01T00:00:00+00:00'"),
            "case C-AAAA-BBBB differs from its audit entry (it was changed directly).",
        ),
        (
            lambda db: db.executescript(
                "CREATE TRIGGER judgements_no_update BEFORE UPDATE ON judgements WHEN 0 BEGIN SELECT 1; END;"
            ),
            "the append-only guards were changed in the database (judgements_no_update): their SQL is not "
            "what jtai wrote.",
        ),
        (
            lambda db: db.execute(
                "CREATE TRIGGER judgements_drop BEFORE INSERT ON judgements BEGIN SELECT RAISE(IGNORE); END"
            ),
            "triggers jtai did not write were added to the judgements, cases or audit log (judgements_drop).",
        ),
    ],
    ids=[
        "update-judgement",
        "update-entry",
        "delete-judgement",
        "delete-entry",
        "reorder",
        "cut-tail",
        "insert",
        "delete-case",
        "case-child-key",
        "case-added-by",
        "case-added-at",
        "weakened-guard",
        "extra-trigger",
    ],
)
def test_tampering_is_found(run, judged, change, expected) -> None:
    """Each kind of change made directly in SQLite is found, and verify exits with TAMPERED."""
    _tamper(judged, change)
    result = run("-w", str(judged.root), "audit", "verify")
    assert result.exit_code == ExitCode.TAMPERED
    assert f"- {expected}" in result.stdout.splitlines()
    assert "Error: The audit log does not verify" in result.stderr


def test_removed_guards_are_found(judged) -> None:
    """Dropping the append-only triggers is itself reported."""
    raw = sqlite3.connect(judged.db_path, isolation_level=None)
    raw.execute("DROP TRIGGER audit_no_delete")
    raw.close()
    result = audit.verify(judged.connect(), judged.root)
    assert result.problems == ["the append-only guards were removed from the database (audit_no_delete)."]


def test_head_file_only_moves_forward(judged) -> None:
    """An older entry saved late never moves audit.head back."""
    head = (judged.root / "audit.head").read_text()
    assert head.startswith("4 ")
    audit.save_head(judged.root, {"seq": 2, "hash": "x"})
    assert (judged.root / "audit.head").read_text() == head
    assert (judged.root / "audit.head").stat().st_mode & 0o777 == 0o600


def test_case_entry_records_the_row_without_the_child_key(run, ws) -> None:
    """A case's entry holds every column, the child key only as a digest, so the log shows no identifier."""
    conn = ws.connect()
    case = cases.Case("C-CCCC-DDDD", "la:77", "sample")
    cases.register(conn, case, by="Ann", root=ws.root)
    detail = audit.entries(conn, case_ref=case.ref)[0]["detail"]
    row = store_scoring.case_row(conn, case.ref)
    assert detail == {
        "ref": "C-CCCC-DDDD",
        "origin": "sample",
        "added_by": "Ann",
        "added_at": row["added_at"],
        "child_key_sha256": hashlib.sha256(b"la:77").hexdigest(),
    }
    assert "la:77" not in json.dumps(audit.entries(conn))
    assert audit.verify(conn, ws.root).ok
    table = run("-w", str(ws.root), "audit", "log").stdout
    assert "origin=sample, ref=C-CCCC-DDDD" in table and "sha256" not in table


def test_earlier_case_entries_still_verify(ws) -> None:
    """An entry of an earlier version (ref and origin only) verifies, and its actor is checked."""
    conn = ws.connect()
    with transaction(conn):
        store_scoring.insert_case(conn, "audit-07", None, "hand", "Ann", audit.now())
        audit.append(
            conn,
            actor="Ann",
            action="case.add",
            case_ref="audit-07",
            detail={"ref": "audit-07", "origin": "hand"},
        )
    assert audit.verify(conn).ok
    raw = sqlite3.connect(ws.db_path, isolation_level=None)
    raw.executescript("DROP TRIGGER cases_no_update; UPDATE score_cases SET added_by = 'Eve';")
    raw.executescript(store_scoring.DDL)
    raw.close()
    assert audit.verify(conn).problems == [
        "case audit-07 differs from its audit entry (it was changed directly)."
    ]

"""Audit anchors: the head kept outside the workspace finds a log rewritten by someone who can write it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from _sample_helpers import add_children, sample_json
from _score_helpers import hand_case, judge

from jtai import audit, audit_anchors
from jtai.errors import ExitCode, UsageError
from jtai.store import scoring as store_scoring
from jtai.workspace import Workspace

CASE = "C-AAAA-BBBB"


@pytest.fixture
def judged(ws: Workspace) -> Workspace:
    """A workspace with one case and three judgements: four audit entries."""
    conn = ws.connect()
    hand_case(conn, CASE, root=ws.root)
    judge(conn, CASE, "FD1", "police", "good", root=ws.root)
    judge(conn, CASE, "FD2", "police", "requires_improvement", note="slow", root=ws.root)
    judge(conn, CASE, "FD2", "health", "good", root=ws.root)
    conn.close()
    return ws


def _published_hash(prev: str, seq: int, at: str, actor: str, action: str, case_ref: Any, detail: str) -> str:
    """The SHA-256 recipe docs/scoring.md publishes, written out again as a forger would."""
    text = json.dumps(
        [prev, seq, at, actor, action, case_ref, detail],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _forge(
    ws: Workspace,
    statements: list[str],
    *,
    keep: Callable[[int], bool] = lambda seq: True,
    edit: Callable[[int, dict[str, Any]], dict[str, Any]] = lambda seq, detail: detail,
) -> None:
    """Rewrite the workspace as a hostile user with only its files could, leaving no trace in the chain.

    Guards off; ``statements`` run; entries not kept are dropped and the details of the
    others edited; every hash recomputed; guards back on; ``audit.head`` rewritten.
    """
    raw = sqlite3.connect(ws.db_path, isolation_level=None)
    raw.row_factory = sqlite3.Row
    for name in store_scoring.GUARD_TRIGGERS:
        raw.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        raw.execute(statement)
    rows = [dict(r) for r in raw.execute("SELECT * FROM audit_log ORDER BY seq") if keep(int(r["seq"]))]
    raw.execute("DELETE FROM audit_log")
    prev = "0" * 64
    for row in rows:
        detail = json.dumps(
            edit(row["seq"], json.loads(row["detail"])),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        digest = _published_hash(
            prev, row["seq"], row["at"], row["actor"], row["action"], row["case_ref"], detail
        )
        raw.execute(
            "INSERT INTO audit_log (seq, at, actor, action, case_ref, detail, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row["seq"], row["at"], row["actor"], row["action"], row["case_ref"], detail, prev, digest),
        )
        prev = digest
    raw.executescript(store_scoring.DDL)
    raw.close()
    (ws.root / "audit.head").write_text(f"{rows[-1]['seq']} {prev}\n", encoding="ascii")


def _anchor(run, ws: Workspace) -> str:  # type: ignore[no-untyped-def]
    result = run("-w", str(ws.root), "audit", "anchor")
    assert result.exit_code == 0, result.output
    return str(result.stdout.strip())


def _verify(run, ws: Workspace, *anchors: str):  # type: ignore[no-untyped-def]
    args = [arg for a in anchors for arg in ("--anchor", a)]
    return run("-w", str(ws.root), "audit", "verify", *args)


def test_anchor_is_the_newest_entry_in_a_short_form(run, judged: Workspace) -> None:
    """`audit anchor` prints entry number, 16 hex digits of its hash and the minute, on one line."""
    conn = judged.connect()
    last = audit.entries(conn)[-1]
    result = run("-w", str(judged.root), "audit", "anchor")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"4:{last['hash'][:16]}@{last['at'][:16]}Z\n"
    assert "Keep this line outside the workspace" in result.stderr
    data = json.loads(run("-w", str(judged.root), "audit", "anchor", "--json").stdout)
    assert data == {
        "entry": 4,
        "hash": last["hash"][:16],
        "at": last["at"][:16] + "Z",
        "anchor": result.stdout.strip(),
    }


def test_an_empty_log_has_no_anchor(run, ws: Workspace) -> None:
    """A new workspace says there is nothing to anchor, and --json gives null."""
    assert run("-w", str(ws.root), "audit", "anchor").stdout.strip() == (
        "The audit log is empty: there is nothing to anchor yet."
    )
    assert json.loads(run("-w", str(ws.root), "audit", "anchor", "--json").stdout) is None


def test_a_log_that_grew_still_extends_its_anchors(run, judged: Workspace) -> None:
    """Entries appended after anchoring are fine: every earlier anchor still verifies."""
    first = _anchor(run, judged)
    conn = judged.connect()
    judge(conn, CASE, "FD3", "police", "good", root=judged.root)
    conn.close()
    second = _anchor(run, judged)
    result = _verify(run, judged, first, second)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "The audit log verifies: 5 entries, 4 judgements. It extends 2 anchors."
    short = first.split("@")[0]
    assert _verify(run, judged, short).exit_code == 0  # the time may be left out


@pytest.mark.parametrize("value", ["4", "x:3f9a2c7e", "4:3f9a", "0:3f9a2c7e1b04d5e6", "4:zz9a2c7e1b04d5e6"])
def test_a_value_that_is_not_an_anchor_is_a_usage_error(run, judged: Workspace, value: str) -> None:
    """A mistyped anchor is exit 2 with an example, not a tampering verdict."""
    result = _verify(run, judged, value)
    assert result.exit_code == ExitCode.USAGE
    assert f"--anchor {value!r} is not an audit anchor." in result.stderr
    with pytest.raises(UsageError):
        audit_anchors.parse_anchor(value)


def test_forgery_a_cut_entries_and_rewritten_head(run, judged: Workspace) -> None:
    """(a) The last entries and their judgements cut and audit.head rewritten: only the anchor finds it."""
    anchor = _anchor(run, judged)
    _forge(judged, ["DELETE FROM judgements WHERE id > 1"], keep=lambda seq: seq <= 2)
    assert _verify(run, judged).exit_code == 0  # the chain alone cannot tell
    result = _verify(run, judged, anchor)
    assert result.exit_code == ExitCode.TAMPERED
    assert (
        "- entry 4 (anchored "
        + anchor.split("@")[1]
        + ") is missing: the log was cut back after it was anchored."
        in result.stdout.splitlines()
    )


def test_forgery_b_changed_judgement_and_rechained_log(run, judged: Workspace) -> None:
    """(b) Judgement 1 made inadequate, its entry rewritten and the chain recomputed: the anchor finds it."""
    anchor = _anchor(run, judged)

    def inadequate(seq: int, detail: dict[str, Any]) -> dict[str, Any]:
        return detail | {"value": "inadequate"} if detail.get("id") == 1 else detail

    _forge(judged, ["UPDATE judgements SET value = 'inadequate' WHERE id = 1"], edit=inadequate)
    assert _verify(run, judged).exit_code == 0
    result = _verify(run, judged, anchor)
    assert result.exit_code == ExitCode.TAMPERED
    assert (
        f"- entry 4 is not the entry anchored as {anchor}: it, or an entry before it, was changed, removed "
        "or the log re-chained after anchoring." in result.stdout.splitlines()
    )
    data = json.loads(run("-w", str(judged.root), "audit", "verify", "--anchor", anchor, "--json").stdout)
    assert data["ok"] is False and data["anchors"] == [anchor] and len(data["problems"]) == 1


def test_forgery_c_changed_reason_and_digest_rechained(run, ws: Workspace) -> None:
    """(c) A member's reason and the log's digest of reasons changed and re-chained: the anchor finds it."""
    from jtai.sampling import load_sample
    from jtai.sampling.trail import reasons_digest

    add_children(ws)
    shown = sample_json(run, ws, "tracked", "--seed", "6")
    anchor = _anchor(run, ws)
    sample = load_sample(ws, shown["id"])
    reasons = [(m.position, "chosen by hand" if m.position == 3 else m.reason) for m in sample.members]

    def digest(seq: int, detail: dict[str, Any]) -> dict[str, Any]:
        return detail | {"reasons_sha256": reasons_digest(reasons)} if "reasons_sha256" in detail else detail

    _forge(ws, ["UPDATE sample_members SET reason = 'chosen by hand' WHERE position = 3"], edit=digest)
    assert run("-w", str(ws.root), "sample", "verify").exit_code == 0
    assert _verify(run, ws).exit_code == 0
    result = _verify(run, ws, anchor)
    assert result.exit_code == ExitCode.TAMPERED
    assert "- entry 1 is not the entry anchored as" in result.stdout


def test_entry_hash_covers_the_previous_hash(run, judged: Workspace) -> None:
    """Entry 1 changed and re-hashed, entry 2 relinked to it but not re-hashed: entry 2's hash is wrong."""
    assert audit.entry_hash("a" * 64, 2, "t", "x", "y", None, "{}") != audit.entry_hash(
        "b" * 64, 2, "t", "x", "y", None, "{}"
    )
    raw = sqlite3.connect(judged.db_path, isolation_level=None)
    raw.row_factory = sqlite3.Row
    for name in store_scoring.GUARD_TRIGGERS:
        raw.execute(f"DROP TRIGGER {name}")
    first = dict(raw.execute("SELECT * FROM audit_log WHERE seq = 1").fetchone())
    changed = audit.entry_hash(
        first["prev_hash"], 1, first["at"], "Eve", first["action"], first["case_ref"], first["detail"]
    )
    raw.execute("UPDATE audit_log SET actor = 'Eve', hash = ? WHERE seq = 1", (changed,))
    raw.execute("UPDATE audit_log SET prev_hash = ? WHERE seq = 2", (changed,))
    raw.executescript(store_scoring.DDL)
    raw.close()
    result = _verify(run, judged)
    assert result.exit_code == ExitCode.TAMPERED
    assert result.stdout.splitlines() == [
        "- entry 2 was changed after it was written (its hash does not match)."
    ]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (None, "the log has entries but audit.head is missing."),
        ("4 " + "0" * 64 + "\n", "entry 4 does not match audit.head."),
        ("four entries\n", "audit.head is damaged."),
        ("", "audit.head is damaged."),
        ("9 " + "0" * 64 + "\n", "the log ends before entry 9: entries were cut off the end."),
    ],
    ids=["missing", "mismatched", "damaged", "empty", "ahead"],
)
def test_audit_head_problems_are_found(run, judged: Workspace, head: str | None, expected: str) -> None:
    """audit.head missing, naming another hash, unreadable or ahead of the log: exit 9 with the reason."""
    path = judged.root / "audit.head"
    if head is None:
        path.unlink()
    else:
        path.write_text(head, encoding="ascii")
    result = _verify(run, judged)
    assert result.exit_code == ExitCode.TAMPERED
    assert result.stdout.splitlines() == [f"- {expected}"]

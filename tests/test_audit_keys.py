"""Keyed audit entries: with a secret kept outside the workspace, re-chaining the log needs the secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from pathlib import Path

import pytest
from _score_helpers import hand_case, judge
from test_audit_anchor import _forge, _published_hash

from jtai import audit
from jtai.errors import ConfigError, ExitCode
from jtai.store import scoring as store_scoring
from jtai.workspace import Workspace

CASE = "C-AAAA-BBBB"
SECRET = "9f1c2e7a5b3d4c6e8f0a1b2c3d4e5f60"


def _name_key(ws: Workspace, setting: str) -> None:
    with (ws.root / "inspection.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"audit_key: {setting}\n")


@pytest.fixture
def keyed(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A workspace keyed by JTAI_TEST_AUDIT_KEY, with one case and two judgements."""
    monkeypatch.setenv("JTAI_TEST_AUDIT_KEY", SECRET)
    _name_key(ws, "env:JTAI_TEST_AUDIT_KEY")
    conn = ws.connect()
    hand_case(conn, CASE, root=ws.root)
    judge(conn, CASE, "FD1", "police", "good", root=ws.root)
    judge(conn, CASE, "FD2", "police", "good", root=ws.root)
    conn.close()
    return ws


def test_entries_are_keyed_and_verify(run, keyed: Workspace) -> None:
    """Each entry holds the key's id, its hash is not the published SHA-256 one, and the log verifies."""
    conn = keyed.connect()
    entries = audit.entries(conn)
    conn.close()
    assert len({e["key_id"] for e in entries}) == 1 and entries[0]["key_id"] is not None
    assert SECRET[:8] not in json.dumps(entries)
    first = entries[0]
    plain = _published_hash(
        first["prev_hash"], 1, first["at"], first["actor"], first["action"], first["case_ref"],
        json.dumps(first["detail"], sort_keys=True, separators=(",", ":"), ensure_ascii=False),
    )  # fmt: skip
    assert first["hash"] != plain
    text = json.dumps(
        [first["prev_hash"], 1, first["at"], first["actor"], first["action"], first["case_ref"],
         json.dumps(first["detail"], sort_keys=True, separators=(",", ":"), ensure_ascii=False),
         first["key_id"]],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )  # fmt: skip
    assert first["hash"] == hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).hexdigest()
    result = run("-w", str(keyed.root), "audit", "verify")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip()
        == "The audit log verifies: 3 entries, 2 judgements. Entries from 1 on are keyed."
    )


def test_forgery_without_the_key_is_found(run, keyed: Workspace) -> None:
    """Judgement 1 changed, chain recomputed without the key: a keyed entry left is found, else the anchor."""

    def inadequate(seq: int, detail: dict) -> dict:  # type: ignore[type-arg]
        return detail | {"value": "inadequate"} if detail.get("id") == 1 else detail

    raw = sqlite3.connect(keyed.db_path)
    ids = [r[0] for r in raw.execute("SELECT key_id FROM audit_log ORDER BY seq")]
    raw.close()
    anchor = run("-w", str(keyed.root), "audit", "anchor").stdout.strip()
    _forge(keyed, ["UPDATE judgements SET value = 'inadequate' WHERE id = 1"], edit=inadequate)
    # every key stripped: it reads as a log never keyed, which verify says, and the anchor proves
    stripped = run("-w", str(keyed.root), "audit", "verify")
    assert stripped.exit_code == 0
    assert "No entry is keyed, though inspection.yaml names an audit key" in " ".join(stripped.stdout.split())
    assert run("-w", str(keyed.root), "audit", "verify", "--anchor", anchor).exit_code == ExitCode.TAMPERED
    # a keyed entry left behind: the unkeyed ones after it and its own changed hash are found
    raw = sqlite3.connect(keyed.db_path, isolation_level=None)
    for name in store_scoring.GUARD_TRIGGERS:
        raw.execute(f"DROP TRIGGER {name}")
    raw.execute("UPDATE audit_log SET key_id = ? WHERE seq = 1", (ids[0],))
    raw.executescript(store_scoring.DDL)
    raw.close()
    lines = run("-w", str(keyed.root), "audit", "verify").stdout.splitlines()
    assert lines == [
        "- entry 1 was changed after it was written (its hash does not match).",
        "- entry 2 is not keyed, though the log is keyed from entry 1: it was written or re-chained without "
        "the audit key.",
        "- entry 3 is not keyed, though the log is keyed from entry 1: it was written or re-chained without "
        "the audit key.",
    ]


def test_keyed_hash_changes_with_the_key(run, keyed: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another secret under the same setting: verify names both key ids and exits 9."""
    monkeypatch.setenv("JTAI_TEST_AUDIT_KEY", "another secret of enough length")
    result = run("-w", str(keyed.root), "audit", "verify")
    assert result.exit_code == ExitCode.TAMPERED
    assert "- entry 1 is keyed with audit key " in result.stdout
    assert ": name the key it was written with (audit_key) to verify it." in result.stdout


def test_a_missing_key_stops_writing_and_verifying(
    run, keyed: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The variable unset: recording and verifying exit 6 naming the variable; nothing is written."""
    monkeypatch.delenv("JTAI_TEST_AUDIT_KEY")
    rater = ("--inspector", "Ann", "--inspectorate", "ofsted")
    args = ("-w", str(keyed.root), "score", CASE, *rater, "--criterion", "FD3", "--agency", "police")
    result = run(*args, "--grade", "good")
    assert result.exit_code == ExitCode.CONFIG, result.output
    assert "the environment variable JTAI_TEST_AUDIT_KEY, which is not set" in result.stderr
    assert run("-w", str(keyed.root), "audit", "verify").exit_code == ExitCode.CONFIG
    monkeypatch.setenv("JTAI_TEST_AUDIT_KEY", SECRET)
    assert "3 entries, 2 judgements" in run("-w", str(keyed.root), "audit", "verify").stdout


def test_a_key_file_outside_the_workspace(run, ws: Workspace, tmp_path: Path) -> None:
    """A key file outside works; one inside the workspace, or a short secret, is a configuration error."""
    outside = tmp_path / "seaborough.auditkey"
    outside.write_text(SECRET + "\n", encoding="utf-8")
    _name_key(ws, str(outside))
    conn = ws.connect()
    hand_case(conn, CASE, root=ws.root)
    assert audit.entries(conn)[0]["key_id"] is not None
    assert audit.verify(conn, ws.root).ok
    outside.write_text("short\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is 5 characters long; it needs 16 or more"):
        audit.verify(conn, ws.root)
    conn.close()
    text = (ws.root / "inspection.yaml").read_text(encoding="utf-8")
    (ws.root / "inspection.yaml").write_text(text.replace(str(outside), "audit.secret"), encoding="utf-8")
    result = run("-w", str(ws.root), "score", "list")
    assert result.exit_code == ExitCode.CONFIG
    assert "inside the workspace: whoever can rewrite the workspace could read the key there" in result.stderr


def test_an_unkeyed_start_then_keyed_entries_verify(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keying switched on part-way: earlier entries stay unkeyed and the log still verifies."""
    conn = ws.connect()
    hand_case(conn, CASE, root=ws.root)
    monkeypatch.setenv("JTAI_TEST_AUDIT_KEY", SECRET)
    _name_key(ws, "env:JTAI_TEST_AUDIT_KEY")
    judge(conn, CASE, "FD1", "police", "good", root=ws.root)
    result = audit.verify(conn, ws.root)
    assert (result.ok, result.keyed_from) == (True, 2)
    conn.close()


def test_a_bad_variable_name_is_a_configuration_error(run, ws: Workspace) -> None:
    """`audit_key: env:1-BAD` is exit 6 naming the file and the setting."""
    _name_key(ws, "env:1-BAD")
    result = run("-w", str(ws.root), "audit", "verify")
    assert result.exit_code == ExitCode.CONFIG
    assert f"{ws.root / 'inspection.yaml'}" in result.stderr
    assert "audit_key names the environment variable '1-BAD', which is not a variable name." in result.stderr

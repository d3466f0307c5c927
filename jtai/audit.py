"""The audit log: append-only, each entry chained to the one before by a SHA-256 hash.

An entry's hash covers the previous entry's hash and the entry's own fields (its sequence
number included), so a changed, deleted or reordered entry breaks the chain. Every
judgement and case row written is also described in full by an entry, so a judgement
changed or deleted behind the tool's back no longer matches its entry. The last entry's
sequence number and hash are also kept outside the database, in ``audit.head`` in the
workspace, so cutting entries off the end of the log is found too.

Whoever can write the workspace can recompute the whole chain, so the chain alone proves
nothing against a deliberate rewrite: :mod:`jtai.audit_anchors` keeps the head outside the
workspace, and :mod:`jtai.audit_keys` keys entries with a secret kept outside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jtai import audit_keys
from jtai.audit_keys import AuditKey
from jtai.canonical import AUDIT_HEAD_NAME
from jtai.store import scoring as sql

GENESIS = "0" * 64
CHILD_KEY_DIGEST = "child_key_sha256"
HEAD_NAME = AUDIT_HEAD_NAME


def now() -> str:
    """The time now, UTC, ISO 8601 to the microsecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def canonical(data: Any) -> str:
    """JSON with sorted keys and no spaces: the text that is hashed."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(
    prev_hash: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    case_ref: str | None,
    detail: str,
    key: AuditKey | None = None,
) -> str:
    """The hash of one entry: SHA-256, or with ``key`` HMAC-SHA256 over the same text and the key's id."""
    if key is not None:
        return key.mac(canonical([prev_hash, seq, at, actor, action, case_ref, detail, key.id]))
    text = canonical([prev_hash, seq, at, actor, action, case_ref, detail])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(
    conn: sqlite3.Connection, *, actor: str, action: str, case_ref: str | None, detail: dict[str, Any]
) -> dict[str, Any]:
    """Append an entry. Call inside :func:`jtai.store.transaction` (the chain needs the write lock).

    Other areas may record their own actions here too (``action`` such as ``"sample.draw"``).

    In a workspace whose settings name an ``audit_key``, the entry is keyed with it (see
    :mod:`jtai.audit_keys`).

    Returns:
        The entry as written (seq, at, actor, action, case_ref, detail, prev_hash, hash, key_id).

    Raises:
        ConfigError: the settings name an audit key that cannot be read.
    """
    key = audit_keys.for_connection(conn)
    tail = sql.audit_tail(conn)
    seq = int(tail["seq"]) + 1 if tail is not None else 1
    prev = str(tail["hash"]) if tail is not None else GENESIS
    at = now()
    text = canonical(detail)
    entry = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "case_ref": case_ref,
        "detail": text,
        "prev_hash": prev,
        "hash": entry_hash(prev, seq, at, actor, action, case_ref, text, key),
        "key_id": key.id if key is not None else None,
    }
    sql.insert_audit(conn, entry)
    return entry


def save_head(root: Path, entry: dict[str, Any] | None) -> None:
    """Record the newest entry outside the database, after its transaction committed.

    Several processes may write at once; the file only ever moves forward.
    """
    if entry is None:
        return
    import fcntl

    path = root / HEAD_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask, and a file loosened since
        fcntl.flock(fd, fcntl.LOCK_EX)
        current = _parse_head(os.read(fd, 200).decode("ascii", "replace"))
        if current is None or current[0] < int(entry["seq"]):
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, f"{entry['seq']} {entry['hash']}\n".encode("ascii"))
    finally:
        os.close(fd)


def _parse_head(text: str) -> tuple[int, str] | None:
    parts = text.split()
    if len(parts) != 2 or not parts[0].isdigit():
        return None
    return int(parts[0]), parts[1]


@dataclass(frozen=True)
class Verification:
    """The result of checking the audit log.

    Attributes:
        entries: how many entries were checked.
        judgements: how many judgement rows were checked against their entries.
        problems: what does not verify, one sentence each, in log order.
        keyed_from: the first entry keyed with the audit key (None: none is keyed).
    """

    entries: int
    judgements: int
    problems: list[str]
    keyed_from: int | None = None

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return not self.problems


def verify(conn: sqlite3.Connection, root: Path | None = None) -> Verification:
    """Check the chain, the rows it describes, the guard triggers and the head file."""
    problems = _guard_problems(conn)
    key = audit_keys.for_connection(conn)
    keyed_from: int | None = None
    prev_hash, prev_seq, count = GENESIS, 0, 0
    described: dict[int, dict[str, Any]] = {}
    cases: dict[str, tuple[dict[str, Any], str]] = {}
    last: tuple[int, str] | None = None
    for row in sql.audit_entries(conn):
        count += 1
        seq = int(row["seq"])
        if seq != prev_seq + 1:
            problems.append(f"entry {seq} follows entry {prev_seq}: entries are missing or out of order.")
        if row["prev_hash"] != prev_hash:
            problems.append(f"entry {seq} does not chain to the entry before it (deleted or reordered).")
        key_id = row["key_id"] if "key_id" in row.keys() else None  # noqa: SIM118 - a sqlite3.Row
        keyed_from, keying = _keying(seq, key_id, key, keyed_from, problems)
        recomputed = entry_hash(
            row["prev_hash"],
            seq,
            row["at"],
            row["actor"],
            row["action"],
            row["case_ref"],
            row["detail"],
            keying,
        )
        if (key_id is None or keying is not None) and recomputed != row["hash"]:
            problems.append(f"entry {seq} was changed after it was written (its hash does not match).")
        try:
            detail = json.loads(row["detail"])
        except (TypeError, ValueError):
            detail = {}
        if row["action"] == "judgement" and isinstance(detail.get("id"), int):
            described[detail["id"]] = detail
        elif row["action"] == "case.add" and isinstance(detail.get("ref"), str):
            cases[detail["ref"]] = (detail, str(row["actor"]))
        prev_hash, prev_seq = str(row["hash"]), seq
        last = (seq, str(row["hash"]))
    rows = sql.judgement_by_id(conn)
    for jid, row in rows.items():
        detail = described.pop(jid, None)
        if detail is None:
            problems.append(f"judgement {jid} has no audit entry (it was added behind the tool's back).")
        elif {k: row[k] for k in sql.JUDGEMENT_COLUMNS} != detail:
            problems.append(f"judgement {jid} differs from its audit entry (it was changed directly).")
    for jid in sorted(described):
        problems.append(f"judgement {jid} is in the audit log but not in the database (it was deleted).")
    for row in sql.case_rows(conn):
        recorded = cases.pop(row["ref"], None)
        if recorded is None:
            problems.append(f"case {row['ref']} has no audit entry (it was added behind the tool's back).")
        elif not _case_matches({k: row[k] for k in sql.CASE_COLUMNS}, *recorded):
            problems.append(f"case {row['ref']} differs from its audit entry (it was changed directly).")
    for ref in sorted(cases):
        problems.append(f"case {ref} is in the audit log but not in the database (it was deleted).")
    if root is not None:
        problems += _check_head(root, last, conn)
    return Verification(entries=count, judgements=len(rows), problems=problems, keyed_from=keyed_from)


def _keying(
    seq: int, key_id: str | None, key: AuditKey | None, keyed_from: int | None, problems: list[str]
) -> tuple[int | None, AuditKey | None]:
    """The first keyed entry so far, and the key to check entry ``seq`` with (None: the plain recipe).

    An unkeyed entry after a keyed one, and a keyed entry with no matching key to check it,
    are problems; the latter's hash is then not checked.
    """
    if key_id is None:
        if keyed_from is not None:
            problems.append(
                f"entry {seq} is not keyed, though the log is keyed from entry {keyed_from}: it was "
                "written or re-chained without the audit key."
            )
        return keyed_from, None
    if key is None or key.id != key_id:
        named = "inspection.yaml names no audit key" if key is None else f"the key named is {key.id}"
        problems.append(
            f"entry {seq} is keyed with audit key {key_id}, and {named}: name the key it was written "
            "with (audit_key) to verify it."
        )
        return keyed_from or seq, None
    return keyed_from or seq, key


def case_detail(row: Mapping[str, Any]) -> dict[str, Any]:
    """What a ``case.add`` entry records of a case row: every column, the child key as a digest.

    The child key can be an identifier (sampling's ``la:ID`` for an unlinked child), and the
    log is shown by ``jtai audit log`` and can never be changed, so it holds the key's
    SHA-256 instead; that is enough to tell a changed key.
    """
    detail = {k: row[k] for k in sql.CASE_COLUMNS if k != "child_key"}
    key = row["child_key"]
    detail[CHILD_KEY_DIGEST] = None if key is None else hashlib.sha256(str(key).encode("utf-8")).hexdigest()
    return detail


def _case_matches(row: Mapping[str, Any], recorded: dict[str, Any], actor: str) -> bool:
    """True when every column the entry records equals the row's.

    Entries written by earlier versions record only ``ref`` and ``origin``; their actor is
    the ``added_by`` of the row, so that column is checked for them too.
    """
    expected = case_detail(row)
    if any(recorded[k] != expected[k] for k in expected if k in recorded):
        return False
    return "added_by" in recorded or row["added_by"] == actor


def _guard_problems(conn: sqlite3.Connection) -> list[str]:
    """Guard triggers removed or changed, and triggers added to the guarded tables."""
    found = sql.triggers(conn)
    expected = sql.expected_triggers()
    missing = [name for name in expected if name not in found]
    changed = [
        name for name in expected if name in found and _statement(found[name]) != _statement(expected[name])
    ]
    added = sorted(name for name in found if name not in expected)
    problems = []
    if missing:
        problems.append(f"the append-only guards were removed from the database ({', '.join(missing)}).")
    if changed:
        problems.append(
            f"the append-only guards were changed in the database ({', '.join(changed)}): "
            "their SQL is not what jtai wrote."
        )
    if added:
        problems.append(
            "triggers jtai did not write were added to the judgements, cases or audit log "
            f"({', '.join(added)})."
        )
    return problems


def _statement(text: str) -> str:
    """A statement with its spacing normalised and no trailing semicolon, for comparison."""
    return " ".join(text.split()).rstrip(";").rstrip()


def _check_head(root: Path, last: tuple[int, str] | None, conn: sqlite3.Connection) -> list[str]:
    path = root / HEAD_NAME
    if not path.exists():
        return ["the log has entries but audit.head is missing."] if last is not None else []
    head = _parse_head(path.read_text(encoding="ascii", errors="replace"))
    if head is None:
        return ["audit.head is damaged."]
    if last is None or last[0] < head[0]:
        return [f"the log ends before entry {head[0]}: entries were cut off the end."]
    for row in sql.audit_entries(conn):
        if int(row["seq"]) == head[0]:
            return [] if row["hash"] == head[1] else [f"entry {head[0]} does not match audit.head."]
    return [f"entry {head[0]} named in audit.head is missing."]


def entries(conn: sqlite3.Connection, *, case_ref: str | None = None) -> list[dict[str, Any]]:
    """Audit entries as plain dicts (detail parsed), optionally for one case."""
    out = []
    for row in sql.audit_entries(conn, case_ref=case_ref):
        item = {k: row[k] for k in row.keys()}  # noqa: SIM118 - sqlite3.Row has no items()
        try:
            item["detail"] = json.loads(row["detail"])
        except (TypeError, ValueError):
            item["detail"] = row["detail"]
        out.append(item)
    return out

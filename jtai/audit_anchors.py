"""Audit anchors: the log's head written down outside the workspace, and checked later.

Whoever can write the workspace can recompute the whole hash chain, so the chain alone
proves nothing against a deliberate rewrite. An *anchor* is the newest entry's number, the
first 16 hex digits of its hash and its time (``412:3f9a2c7e1b04d5e6@2026-12-03T09:14Z``),
pasted into an email or the minutes or printed in a report. :func:`check_anchors` then
proves the log still extends it: an anchored entry changed, removed or re-chained since
has another hash, or is gone.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jtai.errors import UsageError
from jtai.store import scoring as sql

ANCHOR_HEX = 16  # hex digits of the hash an anchor keeps: 64 bits, too many to forge by trial

_ANCHOR = re.compile(r"(?:jtai-audit\s*)?(\d+)\s*[:\s]\s*([0-9a-fA-F]{8,64})(?:\s*@\s*(\S+))?")


@dataclass(frozen=True)
class Anchor:
    """An entry of the log as written down outside the workspace: number, hash prefix, time.

    ``text`` is the short form (``412:3f9a2c7e1b04d5e6@2026-12-03T09:14Z``) that
    ``jtai audit anchor`` prints, reports carry and ``jtai audit verify --anchor`` reads.
    """

    seq: int
    hash_prefix: str
    at: str = ""

    @property
    def text(self) -> str:
        """The short form, to paste into an email or the minutes."""
        return f"{self.seq}:{self.hash_prefix}" + (f"@{self.at}" if self.at else "")


def anchor_of(entry: Mapping[str, Any] | sqlite3.Row) -> Anchor:
    """The anchor of one entry (its time to the minute, UTC)."""
    return Anchor(int(entry["seq"]), str(entry["hash"])[:ANCHOR_HEX], _minute(str(entry["at"])))


def anchor(conn: sqlite3.Connection) -> Anchor | None:
    """The anchor of the log's newest entry, or None for an empty log."""
    tail = sql.audit_tail(conn)
    return None if tail is None else anchor_of(tail)


def parse_anchor(text: str) -> Anchor:
    """Read an anchor as ``jtai audit anchor`` prints it (``412:3f9a2c7e1b04d5e6@2026-12-03T09:14Z``).

    The time may be left out; ``412 3f9a2c7e1b04d5e6`` is read too.

    Raises:
        UsageError: ``text`` is not an anchor.
    """
    found = _ANCHOR.fullmatch(text.strip())
    if found is None or int(found[1]) < 1:
        raise UsageError(
            f"--anchor {text!r} is not an audit anchor.",
            hint="Give it as `jtai audit anchor` printed it: entry number, colon, the hash's first "
            "digits (at least 8), then optionally @ and the time: 412:3f9a2c7e1b04d5e6@2026-12-03T09:14Z.",
        )
    return Anchor(int(found[1]), found[2].lower(), found[3] or "")


def check_anchors(conn: sqlite3.Connection, anchors: list[Anchor]) -> list[str]:
    """What does not match: one sentence per anchor whose entry was removed or is not the one anchored.

    The chain itself is checked by :func:`verify`; together they prove that the log still
    extends each anchor (an entry recomputed after anchoring has another hash).
    """
    if not anchors:
        return []
    wanted = {a.seq for a in anchors}
    stored = {int(row["seq"]): row for row in sql.audit_entries(conn) if int(row["seq"]) in wanted}
    problems = []
    for a in anchors:
        row = stored.get(a.seq)
        if row is None:
            problems.append(
                f"entry {a.seq} (anchored {a.at or 'earlier'}) is missing: the log was cut back "
                "after it was anchored."
            )
        elif not str(row["hash"]).startswith(a.hash_prefix):
            problems.append(
                f"entry {a.seq} is not the entry anchored as {a.text}: it, or an entry before it, was "
                "changed, removed or the log re-chained after anchoring."
            )
    return problems


def _minute(at: str) -> str:
    """An entry's ISO time as ``2026-12-03T09:14Z`` (UTC to the minute)."""
    return at[:16] + "Z" if len(at) >= 16 else at

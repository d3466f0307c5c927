"""Clerical review in the terminal: two records side by side, blind, one decision at a time.

No score is shown, so the reviewer's judgement is their own. Answers are same, different or
unsure; a pair can be skipped, the last decision undone, and the review left and resumed
later. Each decision is stored at once, with the reviewer and the time, and the next
``jtai link`` applies it (a "different" is a must-not-link rule from then on).

An "unsure" pair leaves the queue of waiting pairs and stays apart (the records are not
linked); it is kept with its reviewer's name on a list of its own, which anyone can see
with ``jtai link review --list`` and decide again with ``jtai link review --unsure`` (the
latest decision counts).

Nothing here prints: the pair is handed to ``show`` as a :class:`PairView`, which the
command draws (``jtai.cli.link_tables``), and messages go to ``say``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jtai.canonical import AGENCIES, EVENT_TYPES
from jtai.store import linkage as store

ANSWERS = {"s": "same", "d": "different", "u": "unsure"}
PROMPT = "[s]ame  [d]ifferent  [u]nsure  [k] skip  [b] undo  [q] quit > "
_SHOWN = (
    ("Agency", "agency"),
    ("Source file", "file_name"),
    ("First name", "first_name"),
    ("Last name", "last_name"),
    ("Date of birth", "dob"),
    ("Sex", "sex"),
    ("Postcode", "postcode"),
    ("Previous postcode", "previous_postcode"),
    ("Address", "address_line_1"),
    ("Address (2)", "address_line_2"),
    ("Town", "town"),
    ("Former surname", "former_last_name"),
    ("Email", "email"),
    ("Phone", "phone"),
    ("NHS number", "nhs_number"),
    ("Council child id", "la_child_id"),
    ("UPN", "upn"),
    ("PNC id", "pnc_id"),
    ("Agency person id", "agency_person_id"),
    ("Event", "event_type"),
    ("Event date", "event_date"),
)
_COMPARED = frozenset(
    {"first_name", "last_name", "dob", "sex", "postcode", "nhs_number", "la_child_id", "upn", "pnc_id"}
    | {"previous_postcode", "address_line_1", "address_line_2", "town", "former_last_name", "email", "phone"}
)
# shown only when either record holds a value (most extracts hold none of them)
_OPTIONAL = frozenset(
    {"previous_postcode", "address_line_1", "address_line_2", "town", "former_last_name", "email", "phone"}
)


@dataclass(frozen=True)
class PairView:
    """Two records side by side: (label, left value, right value, differ?) per field."""

    left: int
    right: int
    number: int
    total: int
    rows: list[tuple[str, str, str, bool]]


@dataclass
class ReviewResult:
    """What one review session did."""

    decided: int = 0
    skipped: int = 0
    undone: int = 0
    remaining: int = 0
    finished: bool = False


def review(
    conn: sqlite3.Connection,
    *,
    reviewer: str,
    show: Callable[[PairView], None],
    say: Callable[[str], None],
    ask: Callable[[str], str],
    unsure: bool = False,
) -> ReviewResult:
    """Run a review session over the pairs waiting for a decision.

    Args:
        conn: the workspace store.
        reviewer: the name stored with each decision.
        show: draws a pair; say: prints a message.
        ask: reads one answer (raises EOFError when input ends, which quits).
        unsure: review the pairs whose latest decision is "unsure" instead.
    """
    queue = (
        [(p["left_id"], p["right_id"]) for p in unsure_pairs(conn)] if unsure else store.review_queue(conn)
    )
    result = ReviewResult()
    if not queue:
        if unsure:
            say("No pair is marked unsure.")
        elif store.last_run(conn) is None:
            say("Nothing to review yet: run `jtai link` first.")
        else:
            say("No pairs are waiting for review.")
        result.finished = True
        return result
    total = len(queue)
    index = 0
    while index < len(queue):
        left, right = queue[index]
        show(pair_view(conn, left, right, index + 1, total))
        try:
            answer = ask(PROMPT).strip().lower()
        except EOFError:
            answer = "q"
        if answer in ANSWERS:
            store.add_decision(conn, left, right, ANSWERS[answer], reviewer)
            say(f"Recorded: {ANSWERS[answer]}.")
            result.decided += 1
            index += 1
        elif answer in ("k", "skip"):
            result.skipped += 1
            index += 1
        elif answer in ("b", "undo"):
            undone = store.undo_decision(conn, reviewer)
            if undone is None:
                say("Nothing to undo.")
                continue
            result.undone += 1
            result.decided = max(0, result.decided - 1)
            say(f"Undone: your decision on R{undone[0]} and R{undone[1]}.")
            if undone in queue[:index]:
                queue.remove(undone)
                index -= 1
            queue.insert(index, undone)
        elif answer in ("q", "quit"):
            break
        else:
            say("Please answer s, d, u, k, b or q.")
    result.remaining = len(store.review_queue(conn))
    result.finished = result.remaining == 0
    return result


def pair_view(conn: sqlite3.Connection, left: int, right: int, n: int, total: int) -> PairView:
    """Both records' fields side by side; a compared field whose values differ is marked."""
    rows = {r["id"]: r for r in store.records_by_id(conn, [left, right])}
    a, b = rows.get(left, {}), rows.get(right, {})
    shown = []
    for label, key in _SHOWN:
        va, vb = _text(key, a.get(key)), _text(key, b.get(key))
        if key in _OPTIONAL and va == "" and vb == "":
            continue
        differ = key in _COMPARED and va != "" and vb != "" and _norm(va) != _norm(vb)
        shown.append((label, va, vb, differ))
    return PairView(left, right, n, total, shown)


def unsure_pairs(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Pairs whose latest decision is "unsure": left_id, right_id, reviewer, decided_at."""
    return [d for d in store.decisions(conn) if d["decision"] == "unsure"]


def _text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "agency":
        return AGENCIES.get(str(value), str(value))
    if key == "event_type":
        kind = EVENT_TYPES.get(str(value))
        return kind.label if kind else str(value)
    return str(value)


def _norm(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())

"""Interactive capture: ask each applicable criterion per agency, save each answer at once.

The questions go through two functions the caller provides (``ask`` returns a line typed,
``say`` shows text), so the terminal, a test or another front end can drive it. An
inspector sees only their own earlier answers (blind double rating); answered questions
are skipped, so running the same command again resumes where it stopped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jtai.canonical import AGENCIES, EVENT_TYPES
from jtai.errors import JtaiError, UsageError
from jtai.frameworks import CASE_QUESTION_ID, Framework
from jtai.scoring import judgements
from jtai.scoring.cases import Case
from jtai.scoring.judgement_files.workspace_io import applicable
from jtai.scoring.judgements import Rater
from jtai.store import scoring as sql

SKIP = "s"
QUIT = "q"


@dataclass(frozen=True)
class Event:
    """One line of a case's short chronology."""

    date: str
    agency: str
    event: str
    flags: str


@dataclass(frozen=True)
class Overview:
    """What capture shows before the questions."""

    case: Case
    agencies: list[str]
    events: list[Event]
    total_events: int


def overview(conn: sqlite3.Connection, case: Case, limit: int = 12) -> Overview:
    """The agencies involved with the child and the newest events (none for a hand-named case)."""
    rows = sql.chronology(conn, case.child_key) if case.child_key else []
    agencies = sorted({str(r["agency"]) for r in rows})
    rows = [r for r in rows if r["event_type"] != "person"]  # a bare person record is no event
    events = [
        Event(
            date=str(r["event_date"] or "undated"),
            agency=str(r["agency"]),
            event=EVENT_TYPES[r["event_type"]].label
            if r["event_type"] in EVENT_TYPES
            else str(r["event_type"]),
            flags=str(r["flags"] or "").replace(";", ", "),
        )
        for r in rows[:limit]
    ]
    return Overview(case, agencies, events, len(rows))


@dataclass(frozen=True)
class CaptureResult:
    """How a capture session ended."""

    saved: int
    skipped: int
    remaining: int
    stopped: bool  # the inspector typed q, or input ended
    input_ended: bool = False
    nothing_read: bool = False  # input ended before a single line was read (no one to ask)


def pending(
    conn: sqlite3.Connection,
    fw: Framework,
    case_ref: str,
    rater: Rater,
    agencies: list[str] | None,
    sections: list[str] | None = None,
) -> list[tuple[str, str, str]]:
    """The questions this inspector has not answered yet for the case, in framework order."""
    done = {
        (j.criterion, j.agency)
        for j in judgements.current(conn, case_ref=case_ref, inspector=rater.name, role="rater")
    }
    return [q for q in applicable(fw, agencies, sections) if (q[0], q[1]) not in done]


def choices(fw: Framework, criterion: str) -> list[tuple[str, str]]:
    """Numbered choices for a question: (id, label) in the order shown (1, 2, ...)."""
    if criterion == CASE_QUESTION_ID:
        return [(a.id, a.label) for a in fw.case_question.answers]
    return [(g.id, g.label) for g in fw.scale.grades] + [(o.id, o.label) for o in fw.scale.other]


def parse_choice(text: str, options: list[tuple[str, str]]) -> str | None:
    """The id chosen by number, id or label; None when the text matches none."""
    value = text.strip().lower()
    if value.isdigit() and 1 <= int(value) <= len(options):
        return options[int(value) - 1][0]
    for option_id, label in options:
        if value in (option_id.lower(), label.lower()):
            return option_id
    return None


def capture(
    conn: sqlite3.Connection,
    fw: Framework,
    case: Case,
    rater: Rater,
    *,
    ask: Callable[[str], str],
    say: Callable[[str], None],
    agencies: list[str] | None = None,
    sections: list[str] | None = None,
    root: Path | None = None,
) -> CaptureResult:
    """Ask every pending question; each answer is saved before the next is asked.

    ``ask`` may raise EOFError (input ended): capture then stops, keeping what was saved;
    ``nothing_read`` in the result tells when input ended before the first line.
    """
    questions = pending(conn, fw, case.ref, rater, agencies, sections)
    total = len(applicable(fw, agencies, sections))
    if not questions:
        say(f"All {total} judgements for {case.ref} are made by {rater.name}.")
        return CaptureResult(0, 0, 0, False)
    if len(questions) < total:
        say(f"Resuming: {total - len(questions)} of {total} judgements already made.")
    say(
        f"Type a number or a name; ? shows the choices, {SKIP} skips a question, "
        f"{QUIT} stops (answers are saved)."
    )
    saved = skipped = lines = 0

    def counted(prompt: str) -> str:
        nonlocal lines
        line = ask(prompt)
        lines += 1
        return line

    shown = ""
    for index, (criterion, agency, text) in enumerate(questions):
        if criterion != shown:
            say(_heading(fw, criterion, text))
            shown = criterion
        try:
            outcome = _ask_one(conn, fw, case, rater, criterion, agency, ask=counted, say=say, root=root)
        except EOFError:
            left = len(questions) - index
            return CaptureResult(saved, skipped, left, True, input_ended=True, nothing_read=not lines)
        if outcome == QUIT:
            return CaptureResult(saved, skipped, len(questions) - index, True)
        if outcome == SKIP:
            skipped += 1
        else:
            saved += 1
    return CaptureResult(saved, skipped, skipped, False)


def require_someone_to_ask(result: CaptureResult, ref: str, *, terminal: bool) -> None:
    """Refuse a capture whose input ended before its first line, when that input is no terminal.

    Run with input from ``/dev/null``, a finished pipe or a closed stream, capture cannot
    ask anyone: that is a usage error (exit 2), not an interruption. At a terminal, Ctrl-D
    at the first question is the inspector stopping, and is left as it is.

    Raises:
        UsageError: input ended before the first answer and was not a terminal.
    """
    if not result.nothing_read or terminal:
        return
    raise UsageError(
        f"`jtai score {ref}` asks its questions at a terminal, and its input is not one: it ended "
        "before the first answer, so no judgement was saved.",
        hint=f"To judge offline, write the questions to a file with `jtai score template {ref} -o "
        f"{ref.lower()}.yaml`, fill it in, and load it with `jtai score import {ref.lower()}.yaml`; "
        "or record one judgement with --criterion, --agency and --grade.",
    )


def _menu(fw: Framework, criterion: str) -> str:
    return "  " + ", ".join(f"{i} {label}" for i, (_, label) in enumerate(choices(fw, criterion), start=1))


def _heading(fw: Framework, criterion: str, text: str) -> str:
    """The criterion (or the case question), its evidence hints and the numbered choices."""
    if criterion == CASE_QUESTION_ID:
        return f"\n{text}\n{_menu(fw, criterion)}"
    found = fw.criterion(criterion)
    hints = f"\n  Evidence: {'; '.join(found.evidence)}" if found and found.evidence else ""
    return f"\n{criterion}  {text}{hints}\n{_menu(fw, criterion)}"


def _ask_one(
    conn: sqlite3.Connection,
    fw: Framework,
    case: Case,
    rater: Rater,
    criterion: str,
    agency: str,
    *,
    ask: Callable[[str], str],
    say: Callable[[str], None],
    root: Path | None,
) -> str:
    """Ask one question until it is answered, skipped or capture is stopped."""
    options = choices(fw, criterion)
    is_case = criterion == CASE_QUESTION_ID
    prompt = "Answer" if is_case else f"{criterion} {AGENCIES.get(agency, agency)}"
    while True:
        typed = ask(f"{prompt}: ").strip()
        if typed.lower() in (SKIP, QUIT):
            return typed.lower()
        if typed == "?":
            say(_menu(fw, criterion))
            continue
        value = parse_choice(typed, options)
        if value is None:
            say(f"  {typed!r} is not one of the choices; type a number from 1 to {len(options)}.")
            continue
        break
    required = is_case or value in fw.scale.note_required
    label = "Narrative" if is_case else "Evidence note"
    while True:
        note = ask(f"{label}{' (required)' if required else ' (optional)'}: ").strip()
        command = _note_command(note, ask, say)
        if command == "again":
            continue
        if command is not None:
            return command  # skip or quit: nothing of this question is saved
        if note or not required:
            break
        say(f"  A {'narrative' if is_case else 'note'} is required for {fw.label(value)}.")
    try:
        judgements.record(
            conn,
            fw,
            case_ref=case.ref,
            criterion=criterion,
            agency=agency,
            value=value,
            note=note,
            rater=rater,
            root=root,
        )
    except JtaiError as exc:
        say(f"  Not saved: {exc}")
        return SKIP
    say(f"  Saved: {fw.label(value)}.")
    return value


_NOTE_COMMANDS = {SKIP: "skip this question", QUIT: "stop here"}


def _note_command(note: str, ask: Callable[[str], str], say: Callable[[str], None]) -> str | None:
    """What a note that is exactly a command key means: ``s``/``q`` once confirmed, or ask again.

    The keys work at every prompt, so a note is never stored as ``q``: typing one asks
    whether to skip or quit (without saving this judgement); answering no asks for the note
    again. ``?`` shows what can be typed. Any other text is the note (None).
    """
    key = note.lower()
    if key == "?":
        say(f"  Type the note and press Enter. {SKIP} skips this question, {QUIT} stops (nothing is saved).")
        return "again"
    if key not in _NOTE_COMMANDS:
        return None
    answer = (
        ask(f"  {_NOTE_COMMANDS[key].capitalize()} without saving this judgement? [y/n]: ").strip().lower()
    )
    if answer in ("y", "yes"):
        return key
    say("  Then type the note (a note cannot be a single command key).")
    return "again"

"""Prompts keep their promises: command keys are commands, never stored as notes; unsure pairs listed."""

from __future__ import annotations

import json

import _link_helpers as h
from _score_helpers import add_child

from jtai.scoring import judgements
from jtai.store import linkage as store


def _capture(run, ws, text: str):  # type: ignore[no-untyped-def]
    conn = ws.connect()
    ref = add_child(conn, ws.key, "child-1", [("police", "missing_episode", "2018-02-01")])
    args = ("-w", str(ws.root), "score", ref, "--inspector", "Ann", "--inspectorate", "ofsted")
    return ref, run(*args, "--section", "front_door", input=text)


def test_q_at_the_note_prompt_quits_once_confirmed(run, ws) -> None:
    """`q` typed as a note asks first; `y` stops without saving that judgement, so no note is `q`."""
    ref, result = _capture(run, ws, "2\nq\ny\n")
    assert "Stop here without saving this judgement? [y/n]" in result.stdout
    assert judgements.current(ws.connect(), case_ref=ref) == []
    assert "0 saved" in result.stdout


def test_a_note_that_is_a_key_is_asked_again_when_not_confirmed(run, ws) -> None:
    """`s` then `n` asks for the note again; the note typed then is saved, never the key."""
    ref, result = _capture(run, ws, "2\ns\nn\nseen at home\nq\n")
    assert "Skip this question without saving this judgement? [y/n]" in result.stdout
    assert "Then type the note (a note cannot be a single command key)." in result.stdout
    (saved,) = judgements.current(ws.connect(), case_ref=ref)
    assert (saved.value, saved.note) == ("good", "seen at home")


def test_s_at_the_note_prompt_skips_once_confirmed(run, ws) -> None:
    """`s` confirmed skips the question: nothing saved for it, the next question is asked."""
    ref, result = _capture(run, ws, "2\nS\nyes\nq\n")
    assert judgements.current(ws.connect(), case_ref=ref) == []
    assert "0 saved, 1 skipped." in result.stdout


def test_question_mark_at_the_note_prompt_shows_the_keys(run, ws) -> None:
    """`?` at the note prompt says what can be typed and asks again; it is no note either."""
    ref, result = _capture(run, ws, "2\n?\nfine\nq\n")
    assert "Type the note and press Enter. s skips this question, q stops" in result.stdout
    (saved,) = judgements.current(ws.connect(), case_ref=ref)
    assert saved.note == "fine"


def _unsure_pair(ws) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    conn = ws.connect()
    ids = sorted(h.load(conn, h.records(h.population(3))))
    store.add_decision(conn, ids[0], ids[1], "unsure", "Ann")
    return ids[0], ids[1]


def test_unsure_pairs_are_listed_and_reviewed_by_someone_else(run, ws) -> None:
    """`link review --list` shows unsure pairs with who said so; `--unsure` lets another reviewer decide."""
    left, right = _unsure_pair(ws)
    listed = run("-w", str(ws.root), "link", "review", "--list")
    assert listed.exit_code == 0, listed.output
    assert f"R{left} R{right}\tAnn\t" in listed.stdout
    assert "Review them with: jtai link review --unsure" in listed.stdout
    as_json = json.loads(run("-w", str(ws.root), "link", "review", "--json").stdout)
    assert as_json["unsure"][0]["left"] == f"R{left}" and as_json["unsure"][0]["reviewer"] == "Ann"
    again = run("-w", str(ws.root), "link", "review", "--unsure", "--reviewer", "Bob", input="s\n")
    assert again.exit_code == 0, again.output
    assert "Pair 1 of 1: are these the same child?" in again.stdout
    latest = store.decisions(ws.connect())[-1]
    assert (latest["decision"], latest["reviewer"]) == ("same", "Bob")
    empty = run("-w", str(ws.root), "link", "review", "--unsure")
    assert "No pair is marked unsure." in empty.stdout


def test_review_help_says_enter_and_where_unsure_goes(run) -> None:
    """The help of `link review` says keys need Enter and where unsure pairs go."""
    text = " ".join(run("link", "review", "--help").stdout.split())
    assert "Type a key and press Enter" in text
    assert "--list shows those pairs and --unsure reviews them again" in text.replace("`", "")

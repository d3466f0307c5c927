"""Judgements: recording, editing with a reason, history, cases, and interactive capture."""

from __future__ import annotations

import csv
import json

import pytest
import yaml
from _score_helpers import ANN, BOB, FW, add_child, hand_case, judge

from jtai.errors import ConflictError, ExitCode, NotFoundError, UsageError
from jtai.scoring import cases, judgements
from jtai.scoring.judgement_files import workspace_io


def test_record_keeps_who_when_and_version(ws) -> None:
    """A judgement records inspector, inspectorate, time, version and framework."""
    conn = ws.connect()
    case = hand_case(conn, "C-AAAA-BBBB")
    saved = judge(conn, case, "fd2", "POLICE", "Good", note=" checks done ")
    assert saved is not None
    assert (saved.criterion, saved.agency, saved.value, saved.note) == (
        "FD2",
        "police",
        "good",
        "checks done",
    )
    assert (saved.inspector, saved.inspectorate, saved.version, saved.framework) == (
        "Ann",
        "ofsted",
        1,
        FW.id,
    )
    assert saved.recorded_at.startswith("20")


def test_edit_needs_reason_and_keeps_history(ws) -> None:
    """Changing a judgement without a reason is refused; with one, both versions are kept."""
    conn = ws.connect()
    case = hand_case(conn, "C-AAAA-BBBB")
    judge(conn, case, "FD2", "police", "good")
    assert judge(conn, case, "FD2", "police", "good") is None  # same again: nothing new
    with pytest.raises(
        ConflictError, match=r"C-AAAA-BBBB FD2 police already has Ann's judgement \(version 1, Good\)"
    ):
        judge(conn, case, "FD2", "police", "inadequate", note="no checks")
    changed = judgements.record(
        conn, FW, case_ref=case, criterion="FD2", agency="police", value="inadequate", note="no checks",
        rater=ANN, reason="second look at the log",
    )  # fmt: skip
    assert changed is not None and changed.version == 2 and changed.reason == "second look at the log"
    versions = [(j.version, j.value, j.reason) for j in judgements.history(conn, case_ref=case)]
    assert versions == [(1, "good", ""), (2, "inadequate", "second look at the log")]
    assert [j.value for j in judgements.current(conn, case_ref=case)] == ["inadequate"]


def test_judgement_rules(ws) -> None:
    """Unknown criterion, agency out of scope, bad grade and a missing note are refused as wrong arguments."""
    conn = ws.connect()
    case = hand_case(conn, "C-AAAA-BBBB")
    with pytest.raises(UsageError, match="Unknown criterion 'XX9'"):
        judge(conn, case, "XX9", "police", "good")
    with pytest.raises(
        UsageError, match=r"Agency 'probation' is not judged under FD2 \(it covers csc, police, health\)"
    ):
        judge(conn, case, "FD2", "probation", "good")
    with pytest.raises(UsageError, match="Grade 'great' is not on the scale"):
        judge(conn, case, "FD2", "police", "great")
    with pytest.raises(UsageError, match="A grade of Inadequate needs an evidence note"):
        judge(conn, case, "FD2", "police", "inadequate", note="")
    with pytest.raises(UsageError, match="The case question needs a short narrative"):
        judge(conn, case, "case_question", "all", "no", note="")
    assert judgements.current(conn) == []


def test_rater_from_team_and_options() -> None:
    """The inspectorate comes from --inspectorate or the team list; a stranger is refused."""
    team = [{"name": "Ann", "inspectorate": "Care Quality Commission"}]
    assert judgements.rater_for(FW, "ann", None, team) == judgements.Rater("ann", "cqc")
    assert judgements.rater_for(FW, "Zed", "HMICFRS", team).inspectorate == "hmicfrs"
    with pytest.raises(UsageError, match="No inspectorate for Zed"):
        judgements.rater_for(FW, "Zed", None, team)
    with pytest.raises(UsageError, match="'fire' is not an inspectorate of exploitation-2018"):
        judgements.rater_for(FW, "Zed", "fire", team)
    assert judgements.rater_for(FW, "Area auditor", "Local", team) == judgements.Rater(
        "Area auditor", "local"
    )


def test_cases_from_records_and_by_hand(ws) -> None:
    """A linked child is a case by pseudonym; an unknown one needs --new; a name-like ref is refused."""
    conn = ws.connect()
    ref = add_child(conn, ws.key, "child-1", [("police", "missing_episode", "2018-02-01")])
    assert cases.resolve(conn, ws.key, ref.lower(), by="Ann").origin == "records"
    with pytest.raises(NotFoundError, match="No case C-ZZZZ-ZZZZ"):
        cases.resolve(conn, ws.key, "C-ZZZZ-ZZZZ", by="Ann")
    with pytest.raises(UsageError, match="is not a case reference"):
        cases.normalise_ref("Jane Smith")
    assert cases.resolve(conn, ws.key, "C-ZZZZ-ZZZZ", by="Ann", add=True).origin == "hand"


INPUT_FIRST = "2\n\n3\nlate referral\nq\n"


def test_capture_saves_each_answer_and_resumes(run, ws) -> None:
    """Interactive capture asks the agencies involved, saves answers as given, stops on q, and resumes."""
    conn = ws.connect()
    ref = add_child(
        conn,
        ws.key,
        "child-1",
        [("police", "missing_episode", "2018-02-01"), ("csc", "contact", "2018-02-03")],
    )
    args = ("-w", str(ws.root), "score", ref, "--inspector", "Ann", "--inspectorate", "ofsted")
    first = run(*args, input=INPUT_FIRST)
    assert first.exit_code == 0, first.output
    assert f"Case {ref} (linked records)" in first.stdout
    assert "Agencies involved: csc, police" in first.stdout
    assert (
        "Asking about the agencies involved with the child: csc, police "
        "(--all-agencies asks the others too)." in first.stdout
    )
    assert "FD1 Police: " in first.stdout and "FD2 Children's social care: " in first.stdout
    assert "FD1 Health" not in first.stdout  # health holds none of the child's records
    assert "2018-02-03" in first.stdout and "Contact to children's social care" in first.stdout
    assert "2 saved, 0 skipped." in first.stdout
    assert "Stopped with 31 question(s) left" in first.stderr
    rows = {(j.criterion, j.agency): (j.value, j.note) for j in judgements.current(conn, case_ref=ref)}
    assert rows == {
        ("FD1", "police"): ("good", ""),
        ("FD2", "csc"): ("requires_improvement", "late referral"),
    }
    second = run(*args, input="x\n4\n\n4\nnone shared\n")
    assert "Resuming: 2 of 33 judgements already made." in second.stdout
    assert "'x' is not one of the choices; type a number from 1 to 6." in second.stdout
    assert "A note is required for Inadequate." in second.stdout
    assert second.exit_code == ExitCode.INTERRUPTED  # input ended: work kept
    saved = {(j.criterion, j.agency): j.value for j in judgements.current(conn, case_ref=ref)}
    assert saved[("FD2", "police")] == "inadequate"


def test_capture_asks_only_involved_agencies(run, ws) -> None:
    """An agency holding none of the child's records is never asked; --all-agencies asks it too."""
    conn = ws.connect()
    ref = add_child(conn, ws.key, "child-1", [("health", "missing_episode", "2018-02-01")])
    add_child(conn, ws.key, "child-2", [("police", "missing_episode", "2018-02-01")])
    args = ("-w", str(ws.root), "score", ref, "--inspector", "Ann", "--inspectorate", "ofsted")
    asked = [c for c, a, _ in workspace_io.applicable(FW) if a == "health"]
    done = run(*args, input="5\n\n" * len(asked) + "1\nsafer now\n")
    assert done.exit_code == 0, done.output
    assert f"{len(asked) + 1} saved, 0 skipped." in done.stdout
    assert "Police:" not in done.stdout and "FD1 Health: " in done.stdout
    saved = {(j.criterion, j.agency) for j in judgements.current(conn, case_ref=ref)}
    assert saved == {(c, "health") for c in asked} | {("case_question", "all")}
    assert f"All {len(asked) + 1} judgements for {ref} are made by Ann." in run(*args).stdout
    listed = json.loads(run("-w", str(ws.root), "score", "list", "--json").stdout)
    assert [(r["case"], r["judged"], r["needed"]) for r in listed] == [(ref, len(asked) + 1, len(asked) + 1)]
    wider = run(*args, "--all-agencies", input="q\n")
    assert wider.exit_code == 0, wider.output
    assert f"Resuming: {len(asked) + 1} of 70 judgements already made." in wider.stdout
    assert "Asking about" not in wider.stdout and "FD1 Police: " in wider.stdout


def test_capture_falls_back_to_every_agency(run, ws) -> None:
    """A case without linked records is asked about every agency, and the screen says why, once."""
    conn = ws.connect()
    case = hand_case(conn, "C-AAAA-BBBB")
    args = ("-w", str(ws.root), "score", case, "--inspector", "Ann", "--inspectorate", "ofsted")
    result = run(*args, input="5\n\n5\n\nq\n")
    assert result.exit_code == 0, result.output
    message = "Asking every agency each criterion names, because C-AAAA-BBBB has no records (named by hand)."
    assert result.stdout.count(message) == 1
    assert "FD1 Police: " in result.stdout and "FD1 Health: " in result.stdout
    assert "Stopped with 68 question(s) left" in result.stderr
    sampled = cases.Case("C-CCCC-DDDD", "police:P1", "sample")
    assert cases.question_scope(conn, FW, sampled, None).fallback == "linkage has not run (`jtai link`)"
    add_child(conn, ws.key, "child-1", [("police", "missing_episode", "2018-02-01")])
    assert cases.question_scope(conn, FW, sampled, None).fallback == "no records are linked to C-CCCC-DDDD"
    linked = cases.Case("C-EEEE-FFFF", "child-1", "records")
    assert cases.question_scope(conn, FW, linked, ["csc", "police"]) == cases.Scope(["police"], ["police"])
    assert cases.question_scope(conn, FW, linked, ["csc"]).agencies == ["csc"]  # police is out of scope
    assert cases.question_scope(conn, FW, linked, ["csc"], all_agencies=True) == cases.Scope(["csc"], [])


def test_capture_is_blind(run, ws) -> None:
    """A second inspector is asked everything afresh and never shown the first one's answers."""
    conn = ws.connect()
    case = hand_case(conn, "C-AAAA-BBBB")
    judge(conn, case, "FD1", "police", "inadequate", note="SECRET-NOTE")
    result = run(
        "-w", str(ws.root), "score", case, "--inspector", "Bob", "--inspectorate", "cqc", input="q\n"
    )
    assert result.exit_code == 0, result.output
    assert "Resuming" not in result.stdout
    assert "SECRET-NOTE" not in result.output and "Inadequate," in result.stdout  # only in the menu
    assert "FD1 Police: " in result.stdout
    assert [j.inspector for j in judgements.current(conn, case_ref=case)] == ["Ann"]


NO_TERMINAL = (
    "Error: `jtai score C-AAAA-BBBB` asks its questions at a terminal, and its input is not one: it "
    "ended before the first answer, so no judgement was saved. To judge offline, write the questions "
    "to a file with `jtai score template C-AAAA-BBBB -o c-aaaa-bbbb.yaml`, fill it in, and load it with "
    "`jtai score import c-aaaa-bbbb.yaml`; or record one judgement with --criterion, --agency and --grade."
)


def test_capture_without_input_needs_a_terminal(run, ws) -> None:
    """Input that ends before the first answer, and is no terminal: exit 2 pointing to template and import."""
    case = hand_case(ws.connect(), "C-AAAA-BBBB")
    result = run(
        "-w", str(ws.root), "score", case, "--inspector", "Ann", "--inspectorate", "ofsted", input=""
    )
    assert result.exit_code == ExitCode.USAGE == 2, result.output
    assert " ".join(result.stderr.split()) == NO_TERMINAL
    assert "Interrupted" not in result.output and "saved," not in result.stdout


def test_capture_with_standard_input_closed(run, ws, monkeypatch: pytest.MonkeyPatch) -> None:
    """A closed standard input (`<&-`) is input that has ended: exit 2, not an unexpected error."""
    import sys

    case = hand_case(ws.connect(), "C-AAAA-BBBB")
    monkeypatch.setattr(sys, "stdin", None)
    result = run("-w", str(ws.root), "score", case, "--inspector", "Ann", "--inspectorate", "ofsted")
    assert result.exit_code == 2, result.output
    assert " ".join(result.stderr.split()) == NO_TERMINAL


def test_capture_from_dev_null_in_a_real_process(ws) -> None:
    """`jtai score CASE --new ... </dev/null` in its own process: exit 2, no judgement saved."""
    import subprocess
    import sys

    command = [
        sys.executable,
        "-c",
        "from jtai.cli import main; raise SystemExit(main())",
        "-w",
        str(ws.root),
    ]
    command += ["score", "C-AAAA-BBBB", "--new", "--inspector", "Ann", "--inspectorate", "ofsted"]
    done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "asks its questions at a terminal" in done.stderr and "jtai score import" in done.stderr
    assert judgements.current(ws.connect()) == []


def test_ctrl_d_at_a_terminal_is_still_a_stop() -> None:
    """At a terminal, input ending at the first question is the inspector stopping (exit 130)."""
    from jtai.scoring.capture import CaptureResult, require_someone_to_ask

    ended = CaptureResult(0, 0, 33, True, input_ended=True, nothing_read=True)
    require_someone_to_ask(ended, "C-AAAA-BBBB", terminal=True)
    require_someone_to_ask(CaptureResult(1, 0, 32, True, input_ended=True), "C-AAAA-BBBB", terminal=False)
    with pytest.raises(UsageError, match="asks its questions at a terminal"):
        require_someone_to_ask(ended, "C-AAAA-BBBB", terminal=False)


def test_cli_single_judgement_and_history(run, ws) -> None:
    """`jtai score CASE --criterion --grade` records; a change needs --reason; history shows both."""
    base = ("-w", str(ws.root), "score", "C-AAAA-BBBB", "--inspector", "Bob", "--inspectorate", "cqc")
    first = run(*base, "--new", "--criterion", "DD6", "--agency", "health", "--grade", "good")
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == "Saved version 1."
    refused = run(*base, "--criterion", "DD6", "--agency", "health", "--grade", "inadequate", "--note", "no")
    assert refused.exit_code == ExitCode.CONFLICT
    assert "Give a --reason to change it" in refused.stderr
    edited = run(*base, "--criterion", "DD6", "--agency", "health", "--grade", "inadequate", "--note", "no",
                 "--reason", "new evidence")  # fmt: skip
    assert edited.stdout.strip() == "Saved version 2."
    history = json.loads(run("-w", str(ws.root), "score", "history", "C-AAAA-BBBB", "--json").stdout)
    assert [(h["version"], h["value"], h["reason"], h["source"]) for h in history] == [
        (1, "good", "", "capture"),
        (2, "inadequate", "new evidence", "edit"),
    ]


def test_score_list_shows_progress(run, ws) -> None:
    """`jtai score list` shows each judged case with its progress and inspectors."""
    conn = ws.connect()
    case = hand_case(conn, "C-AAAA-BBBB")
    judge(conn, case, "FD1", "police", "good")
    judge(conn, case, "FD1", "police", "good", rater=BOB)
    judge(conn, case, "case_question", "all", "yes", note="safer now")
    rows = json.loads(run("-w", str(ws.root), "score", "list", "--json").stdout)
    assert rows == [
        {
            "case": "C-AAAA-BBBB",
            "origin": "hand",
            "judged": 2,
            "needed": 70,
            "inspectors": ["Ann", "Bob"],
            "answer": "yes",
            "answer_label": "Yes",
            "case_question_answered": True,
        }
    ]


def test_capture_one_section(run, ws) -> None:
    """--section limits the questions to one section (and the case question); a wrong one is refused."""
    conn = ws.connect()
    case = hand_case(conn, "C-AAAA-BBBB")
    args = ("-w", str(ws.root), "score", case, "--inspector", "Ann", "--inspectorate", "ofsted")
    bad = run(*args, "--section", "middle")
    assert bad.exit_code == ExitCode.USAGE
    assert (
        "exploitation-2018 has no section 'middle'. Sections: front_door, deep_dive, leadership."
        in bad.stderr
    )
    answers = "5\n\n" * 16 + "1\nsafer now\n"
    done = run(*args, "--section", "front_door", input=answers)
    assert done.exit_code == 0, done.output
    assert "17 saved, 0 skipped." in done.stdout
    assert "All 17 judgements" in run(*args, "--section", "front_door").stdout
    saved = judgements.current(conn, case_ref=case)
    assert {j.criterion for j in saved} == {"FD1", "FD2", "FD3", "FD4", "FD5", "case_question"}


def _draw(ws) -> dict[str, str]:
    """Store a tracked and a front-door sample (child-9 in both); return the pseudonym of each key."""
    from jtai.pseudonym import pseudonym
    from jtai.store import sampling

    conn = ws.connect()
    for kind, keys in (("tracked", ["la:77", "child-9"]), ("front_door", ["child-9", "police:P1"])):
        members = [
            {"position": i, "role": "pick" if i < 2 else "reserve", "child_key": key, "group": "g",
             "stratum": "s", "reason": "r"}
            for i, key in enumerate(keys)
        ]  # fmt: skip
        sampling.insert_sample(
            conn, kind=kind, framework="exploitation-2018", seed=1, parameters={}, frame_size=2,
            frame_hash="h", linked=False, summary={}, created_by="t", created_at="t", members=members,
        )  # fmt: skip
    return {key: pseudonym(ws.key, key) for key in ("la:77", "child-9", "police:P1")}


def test_sampled_children_are_cases(run, ws) -> None:
    """Children in the newest samples are listed (tracked picks first) and scored without --new."""
    refs = _draw(ws)
    rows = json.loads(run("-w", str(ws.root), "score", "list", "--json").stdout)
    listed = [(r["case"], r["origin"], r["needed"]) for r in rows]
    expected = [
        (refs["la:77"], "tracked pick", 70),
        (refs["child-9"], "tracked pick, front-door pick", 70),
        (refs["police:P1"], "front-door pick", 17),
    ]
    assert sorted(listed[:2]) == sorted(expected[:2]) and listed[2] == expected[2]
    args = ("--inspector", "Ann", "--inspectorate", "ofsted", "--section", "front_door")
    result = run("-w", str(ws.root), "score", refs["police:P1"], *args, input="q\n")
    assert result.exit_code == 0, result.output
    assert f"Case {refs['police:P1']} (sample; in front-door pick)" in result.stdout


def test_front_door_pick_is_asked_its_section(run, ws) -> None:
    """A front-door pick: list, template and capture all count the front_door section only."""
    refs = _draw(ws)
    ref = refs["police:P1"]
    base = ("-w", str(ws.root), "score")
    needed = {r["case"]: r["needed"] for r in json.loads(run(*base, "list", "--json").stdout)}[ref]
    template = run(*base, "template", ref, "--format", "csv")
    assert template.exit_code == 0, template.output
    rows = list(csv.DictReader(template.stdout.splitlines()))
    assert len(rows) == needed == 17
    assert {r["criterion"] for r in rows} == {"FD1", "FD2", "FD3", "FD4", "FD5", "case_question"}
    message = (
        "Asking the front_door section only, because the child was sampled at the front door "
        "(--section chooses the sections)."
    )
    assert message in template.stderr
    args = (*base, ref, "--inspector", "Ann", "--inspectorate", "ofsted")
    captured = run(*args, input="5\n\nq\n")
    assert captured.exit_code == 0, captured.output
    assert message in captured.stdout
    assert f"Stopped with {needed - 1} question(s) left" in captured.stderr
    wider = run(*args, "--section", "front_door", "--section", "deep_dive", input="q\n")
    total = len(workspace_io.applicable(FW, None, ["front_door", "deep_dive"]))
    assert f"Resuming: 1 of {total} judgements already made." in wider.stdout
    assert message not in wider.stdout
    both = run(*base, "template", refs["child-9"])  # also a tracked pick: asked everything
    assert len(yaml.safe_load(both.stdout)["judgements"]) == 70 and message not in both.stderr

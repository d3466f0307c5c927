"""Help and output as command-line users expect: metavars, pipes, 80 columns, NO_COLOR, JSON errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from jtai.errors import ExitCode

ESC = "\x1b["


def _bad_rows(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from jtai.ingest import load_files

    source = tmp_path / "p.csv"
    source.write_text(
        "agency_person_id,event_type,event_date\n"
        "P1,arrest,31/02/2018\n"
        "P2,arrest,2018-01-02\n"
        "P3,nonsense_event,2018-01-03\n",
        encoding="utf-8",
    )
    load_files(ws, [source], agency="police", today=dt.date(2026, 1, 1))


def test_help_metavars_are_uppercase_and_switches_plain(run) -> None:
    """Arguments as DIRECTORY and [FILES]..., options say TEXT/INTEGER, switches show no <bool>."""
    init = run("init", "--help").stdout
    assert "Usage: jtai init [OPTIONS] DIRECTORY" in init and "{directory}" not in init
    assert "--area" in init and "TEXT" in init
    load = run("load", "--help").stdout
    assert "Usage: jtai load [OPTIONS] [FILES]..." in load
    every = init + load + run("--help").stdout + run("sample", "front-door", "--help").stdout
    for typer_style in ("<bool>", "<str>", "<path>", "<int", "<list"):
        assert typer_style not in every
    front = run("sample", "front-door", "--help").stdout
    assert "9223372036854775807" not in front and "INTEGER [x>=0]" in front
    assert "default: the framework's" in " ".join(front.split())
    assert "yaml on stdout" not in run("score", "import", "--help").stdout


def test_tables_are_tab_separated_when_piped(run, ws, tmp_path: Path) -> None:
    """Piped, `quarantine` and `profile` print each table as its title, header and rows with tabs."""
    _bad_rows(ws, tmp_path)
    out = run("-w", str(ws.root), "quarantine").stdout.splitlines()
    assert out[0] == "Quarantined rows"
    assert out[1] == "File\tSheet\tRow\tColumn\tValue\tRule\tMessage"
    assert out[2].split("\t")[:6] == ["p.csv", "-", "2", "event_date", "31/02/2018", "unparseable_date"]
    assert not any(ch in "".join(out) for ch in "┃│━")
    profile = run("-w", str(ws.root), "profile").stdout.splitlines()
    assert profile[:3] == ["Completeness of key fields", "Field\tpolice", "Records\t1"]


@pytest.mark.parametrize("width", [80])
def test_tables_fold_cleanly_at_80_columns(run, ws, tmp_path: Path, monkeypatch, width: int) -> None:
    """At an 80-column terminal no line is wider, the message keeps whole words, headings are whole."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", str(width))
    _bad_rows(ws, tmp_path)
    out = run("-w", str(ws.root), "quarantine").stdout
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines)
    assert [h.strip() for h in lines[2].split("┃")[1:4]] == ["Where", "Rule", "Message"]
    message = [line.split("│")[3].strip() for line in lines[4:] if line.startswith("│")]
    # the message column is wide enough for phrases, not one word per line
    assert sum(len(m.split()) <= 1 for m in message if m) <= 1, out
    profile = run("-w", str(ws.root), "profile").stdout
    assert "…" not in profile and all(len(line) <= width for line in profile.splitlines())
    assert "Postcode" in profile and "NHS number" in profile


def test_no_color_and_dumb_terminal_print_no_bold(run, ws, tmp_path: Path, monkeypatch) -> None:
    """NO_COLOR or TERM=dumb: no escape codes at all, not even bold, in output or help."""
    _bad_rows(ws, tmp_path)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR")
    coloured = run("-w", str(ws.root), "quarantine")
    assert ESC in coloured.stdout  # the check below can fail: a terminal gets bold headers
    assert ESC in run("--help").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    for args in (("-w", str(ws.root), "quarantine"), ("--help",), ("-w", str(ws.root), "nonsense")):
        result = run(*args)
        assert ESC not in result.stdout and ESC not in result.stderr, args
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    dumb = run("-w", str(ws.root), "quarantine")
    assert ESC not in dumb.stdout and ESC not in run("--help").stdout


def _json_error(result) -> dict:  # type: ignore[no-untyped-def]
    """The one JSON object a --json run printed on stderr, with nothing on stdout."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    body = json.loads(lines[0])
    assert set(body) == {"error", "code", "kind", "hint"}
    assert body["code"] == result.exit_code
    return body


def test_json_errors_have_one_shape_for_every_exit_code(run, ws, tmp_path: Path, monkeypatch) -> None:
    """With --json every failure is {"error", "code", "kind", "hint"} on stderr, code = exit code."""
    root = str(ws.root)
    usage = run("-w", root, "quarantine", "--json", "--limit", "0")
    assert _json_error(usage)["code"] == ExitCode.USAGE
    unknown_option = run("-w", root, "profile", "--json", "--colour")
    assert _json_error(unknown_option)["kind"] == "UsageError"
    no_ws = run("-w", str(tmp_path / "none"), "profile", "--json")
    assert _json_error(no_ws)["code"] == ExitCode.NO_WORKSPACE
    bad = tmp_path / "bad.csv"
    bad.write_text("case,criterion,agency,grade,colour\n")
    assert _json_error(run("-w", root, "score", "import", str(bad), "--json"))["code"] == ExitCode.BAD_INPUT
    missing = run("-w", root, "child", "C-ZZZZ-ZZZZ", "--json")
    assert _json_error(missing)["code"] == ExitCode.NOT_FOUND
    (ws.root / "inspection.yaml").write_text((ws.root / "inspection.yaml").read_text() + "linkage: [1\n")
    assert _json_error(run("-w", root, "score", "list", "--json"))["code"] == ExitCode.CONFIG


def test_json_errors_for_conflicts_bugs_and_interrupts(run, ws, tmp_path: Path, monkeypatch) -> None:
    """Exit 8 (a file exists), 1 (a bug: the type named, no data) and 130 (Ctrl-C) in JSON too."""
    from jtai.ingest import profile as lib

    existing = tmp_path / "q.csv"
    existing.write_text("mine")
    conflict = _json_error(run("-w", str(ws.root), "quarantine", "--json", "-o", str(existing)))
    assert conflict["code"] == ExitCode.CONFLICT and "already exists" in conflict["error"]

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("Jane Smith 2009-01-02")

    monkeypatch.setattr(lib, "profile", broken)
    bug = _json_error(run("-w", str(ws.root), "profile", "--json"))
    assert bug["code"] == ExitCode.ERROR and "ValueError" in bug["error"] and "Jane" not in bug["error"]

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(lib, "profile", interrupted)
    assert _json_error(run("-w", str(ws.root), "profile", "--json"))["code"] == ExitCode.INTERRUPTED


def test_errors_without_json_stay_one_line_of_text(run, tmp_path: Path) -> None:
    """Without --json an error is the usual one line on stderr, nothing on stdout."""
    result = run("-w", str(tmp_path / "none"), "profile")
    assert result.exit_code == ExitCode.NO_WORKSPACE and result.stdout == ""
    assert result.stderr.startswith("Error: ") and not result.stderr.startswith("{")


def test_framework_show_prints_section_ids(run) -> None:
    """`framework show` names each section's id (findings.yaml needs it) and numbers the grades."""
    out = run("framework", "show", "exploitation-2018").stdout
    assert "(section front_door)" in out
    assert "1 Outstanding (outstanding)" in out


def test_score_list_json_gives_ids_and_labels(run, ws) -> None:
    """JSON values are ids, with the label beside under its own key."""
    from _score_helpers import hand_case, judge

    conn = ws.connect()
    case = hand_case(conn, "C-AAAA-BBBB")
    judge(conn, case, "case_question", "all", "yes", note="safer now")
    (row,) = json.loads(run("-w", str(ws.root), "score", "list", "--json").stdout)
    assert (row["answer"], row["answer_label"]) == ("yes", "Yes")


def test_only_the_command_layer_prints() -> None:
    """Library modules never print or import rich; tables are drawn in jtai/cli (*_tables.py)."""
    import ast

    root = Path(__file__).resolve().parents[1] / "jtai"
    offenders = []
    for path in root.rglob("*.py"):
        if path.relative_to(root).parts[0] == "cli":  # the command layer, its subpackages too
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rich"):
                offenders.append(f"{path.name}: imports {node.module}")
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                offenders.append(f"{path.name}: print()")
    assert offenders == []
    tables = sorted(p.name for p in (root / "cli").glob("*_tables.py"))
    assert {"ingest_tables.py", "link_tables.py", "score_tables.py", "sample_tables.py"} <= set(tables)

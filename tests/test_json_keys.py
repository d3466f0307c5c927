"""Every command's ``--json`` follows one convention of keys (docs/cli.md), checked key by key.

The demo workspace is built once for the module by ``jtai demo DIR --json`` (whose own JSON
is checked too); every other command with ``--json`` runs on it (a command that changes the
workspace, on a copy). The list of commands is checked against the typer app, so a command
given ``--json`` later cannot be left out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import DemoBuild, Result

from jtai.canonical import AGENCIES, EVENT_TYPES
from jtai.demo import sample_data_dir, second_area_root
from jtai.frameworks import CASE_QUESTION_ID, load_framework

# Keys the convention has another name for (docs/cli.md).
BANNED = frozenset(
    {
        "pseudonym", "case_ref", "child", "child_ref", "ref", "record_ref", "agency_name", "agency_id",
        "criterion_id", "framework_id", "event", "n", "count", "total", "number", "date_of_birth",
        "timestamp", "time", "when",
    }
)  # fmt: skip
DATE_KEYS = frozenset({"date", "start", "end", "as_of", "dob", "by"})
DATE_SUFFIXES = ("_date", "_start", "_end")
# Objects kept as they came, with their source's own keys (docs/cli.md): not walked.
VERBATIM = frozenset({"raw", "detail", "parameters", "identifiers"})
# Objects keyed by ids (counts by grade, completeness by field, rows by file): their keys are
# data, not names; only the objects they hold are walked.
KEYED_BY_ID = frozenset(
    {"agencies", "case_question", "completeness", "counts", "coverage", "event_types", "field_issue_rules",
     "field_issues", "grades", "quarantined", "reasons", "risk_types", "rows"}
)  # fmt: skip
# Values compared or quoted as they were found: may look like dates or numbers.
AS_FOUND = frozenset({"value", "left", "right"})
# Commands that print a file format users write, whose keys are that format's.
FILE_FORMATS = frozenset({"framework show"})
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")
ID_KEYS = frozenset({"agency", "criterion", "event_type", "kind", "field", "framework", "answer", "position"})
CASE = re.compile(r"C-[0-9A-Z]{4}-[0-9A-Z]{4}")
RECORD = re.compile(r"R[0-9]+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})")
OTHER_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2},? \d{4}")
NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?%?")
FRAMEWORK = load_framework("exploitation-2018")
CRITERIA = {c.id for _, c in FRAMEWORK.criteria()} | {CASE_QUESTION_ID, "all"}


@dataclass(frozen=True)
class Demo:
    """The demo workspace, its second area, a case and two records in it, and demo's own output."""

    root: Path
    second: Path
    case: str
    records: tuple[str, str]
    output: Result


def _main(*args: str) -> Result:
    """Run ``jtai`` in-process on captured streams (as the ``run`` fixture does, for a module fixture)."""
    from jtai.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def demo(demo_build: DemoBuild, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``jtai demo --json``, run once for the session: a copy of its area is what the commands read."""
    built = demo_build.result.root
    root = Path(shutil.copytree(built, tmp_path_factory.mktemp("json-keys") / built.name))
    shutil.copytree(second_area_root(built), second_area_root(root))
    output = demo_build.output
    assert output.exit_code == 0, output.output
    shown = json.loads(_main("-w", str(root), "sample", "show", "--json").stdout)
    case = shown["members"][0]["case"]
    child = json.loads(_main("-w", str(root), "child", case, "--json").stdout)
    records = [e["record"] for e in child["events"]]
    return Demo(root, second_area_root(root), case, (records[0], records[-1]), output)


def _copy(demo: Demo, tmp_path: Path) -> Path:
    """A copy of the demo workspace, for a command that changes it."""
    return Path(shutil.copytree(demo.root, tmp_path / "copy"))


def _police_csv(tmp_path: Path) -> str:
    path = tmp_path / "police-extra.csv"
    path.write_text(
        "agency_person_id,first_name,last_name,dob,event_type,event_date\n"
        "PX1,Ada,Quell,2004-05-06,arrest,2018-01-02\n"
        "PX2,Bo,Quell,31/02/2004,arrest,2018-01-03\n"
        "PX3,Cy,Quell,2004-05-06,arrest,31/02/2018\n",
        encoding="utf-8",
    )
    return str(path)


def _template(demo: Demo, tmp_path: Path, ws: Path) -> str:
    path = tmp_path / "case.yaml"
    made = _main("-w", str(ws), "score", "template", demo.case, "-o", str(path))
    assert made.exit_code == 0, made.output
    return str(path)


def _audit_request(tmp_path: Path, ws: Path) -> str:
    made = _main("-w", str(ws), "audits", "request", "--agency", "police", "--out", str(tmp_path / "req"))
    assert made.exit_code == 0, made.output
    return str(tmp_path / "req" / "audit-police.xlsx")


# How each command with --json is run: (arguments, whether it changes the workspace).
Args = Callable[[Demo, Path, Path], list[str]]
RUNS: dict[str, tuple[Args, bool]] = {
    "calendar": (lambda d, t, w: ["calendar"], False),
    "load": (lambda d, t, w: ["load", _police_csv(t), "--agency", "police"], True),
    "quarantine": (lambda d, t, w: ["quarantine"], False),
    "profile": (lambda d, t, w: ["profile"], False),
    "unload": (lambda d, t, w: ["unload", str(sample_data_dir() / "extracts" / "yos.csv"), "--force"], True),
    "child": (lambda d, t, w: ["child", d.case], False),
    "indicators": (lambda d, t, w: ["indicators"], False),
    "overview": (lambda d, t, w: ["overview", str(d.root), str(d.second)], False),
    "synth": (lambda d, t, w: ["synth", str(t / "synth"), "--children", "30", "--seed", "3"], False),
    "demo": (lambda d, t, w: [], False),  # run once by the fixture
    "link": (lambda d, t, w: ["link"], True),
    "link review": (lambda d, t, w: ["link", "review", "--list"], False),
    "link explain": (lambda d, t, w: ["link", "explain", *d.records], False),
    "sample tracked": (lambda d, t, w: ["sample", "tracked", "--seed", "5"], True),
    "sample front-door": (lambda d, t, w: ["sample", "front-door", "--seed", "5"], True),
    "sample size": (
        lambda d, t, w: ["sample", "size", "--confidence", "0.95", "--tolerable-rate", "0.05"],
        False,
    ),
    "sample replace": (lambda d, t, w: ["sample", "replace", d.case, "--reason", "family declined"], True),
    "sample show": (lambda d, t, w: ["sample", "show"], False),
    "sample verify": (lambda d, t, w: ["sample", "verify"], False),
    "framework list": (lambda d, t, w: ["framework", "list"], False),
    "framework show": (lambda d, t, w: ["framework", "show", "exploitation-2018"], False),
    "score list": (lambda d, t, w: ["score", "list"], False),
    "score history": (lambda d, t, w: ["score", "history", d.case], False),
    "score import": (
        lambda d, t, w: ["score", "import", _template(d, t, w), "--inspector", "A. Inspector"],
        True,
    ),
    "moderate": (lambda d, t, w: ["moderate"], False),
    "findings": (lambda d, t, w: ["findings"], False),
    "findings check": (lambda d, t, w: ["findings", "check"], False),
    "audits request": (lambda d, t, w: ["audits", "request", "--out", str(t / "requests")], False),
    "audits import": (lambda d, t, w: ["audits", "import", _audit_request(t, w)], True),
    "audits compare": (lambda d, t, w: ["audits", "compare"], False),
    "audit log": (lambda d, t, w: ["audit", "log", "--case", d.case], False),
    "audit verify": (lambda d, t, w: ["audit", "verify"], False),
    "audit anchor": (lambda d, t, w: ["audit", "anchor"], False),
    "report letter": (lambda d, t, w: ["report", "letter", "--html", str(t / "l.html")], False),
    "report evidence": (lambda d, t, w: ["report", "evidence", "--html", str(t / "e.html")], False),
    "report self-assessment": (
        lambda d, t, w: ["report", "self-assessment", "--html", str(t / "s.html")],
        False,
    ),
}  # fmt: skip


def _json_commands() -> list[str]:
    """Every command and group of the typer app that takes ``--json``."""
    from typer.main import get_command

    from jtai.cli import app

    def walk(command: Any, path: list[str]) -> Iterator[str]:
        if "--json" in [opt for param in command.params for opt in getattr(param, "opts", [])]:
            yield " ".join(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, [*path, name])

    return list(walk(get_command(app), []))


def test_every_json_command_is_run() -> None:
    """The run list names exactly the commands that take --json: a new one cannot be forgotten."""
    found = _json_commands()
    assert len(found) >= 30
    assert sorted(found) == sorted(RUNS)


def _is_date_key(key: str) -> bool:
    return key in DATE_KEYS or key.endswith(DATE_SUFFIXES)


def _is_moment_key(key: str) -> bool:
    return key == "at" or key.endswith("_at")


def _value_problems(key: str, value: Any, where: str) -> list[str]:
    """What is wrong with one value, given the key it is under."""
    if value is None:
        return []
    if _is_date_key(key):
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            dt.date.fromisoformat(value)  # a real day, not only its shape
            return []
        return [f"{where}: a date, not YYYY-MM-DD: {value!r}"]
    if _is_moment_key(key):
        if isinstance(value, str) and ISO_MOMENT.fullmatch(value):
            return []
        return [f"{where}: a moment, not ISO 8601 with its offset: {value!r}"]
    if key in ("share", "rate") or key.startswith("share_"):
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
            return []
        return [f"{where}: a share, not a number from 0 to 1: {value!r}"]
    if not isinstance(value, str) or key in AS_FOUND:
        return []
    problems = []
    if ISO_DATE.fullmatch(value) or ISO_MOMENT.fullmatch(value):
        problems.append(f"{where}: a date under a key not named as a date: {value!r}")
    if OTHER_DATE.fullmatch(value):
        problems.append(f"{where}: a date written other than as ISO 8601: {value!r}")
    if NUMBER_TEXT.fullmatch(value):
        problems.append(f"{where}: a number written as text: {value!r}")
    if key in ID_KEYS and not ID_PATTERN.fullmatch(value):
        problems.append(f"{where}: a label where an id belongs: {value!r}")
    if key == "agency" and value not in AGENCIES and value != "all":
        problems.append(f"{where}: not an agency id: {value!r}")
    if key == "criterion" and value not in CRITERIA:
        problems.append(f"{where}: not a criterion id: {value!r}")
    if key == "event_type" and value not in EVENT_TYPES:
        problems.append(f"{where}: not an event type: {value!r}")
    if key == "case" and not CASE.fullmatch(value):
        problems.append(f"{where}: not a case's pseudonym: {value!r}")
    if key == "record" and not RECORD.fullmatch(value):
        problems.append(f"{where}: not a record reference: {value!r}")
    return problems


def convention_problems(data: Any, where: str = "", *, banned: frozenset[str] = BANNED) -> list[str]:
    """Every place where ``data`` breaks the convention of docs/cli.md, walking it key by key."""
    problems = []
    if isinstance(data, list):
        for i, item in enumerate(data):
            problems += convention_problems(item, f"{where}[{i}]", banned=banned)
        return problems
    if not isinstance(data, dict):
        return problems
    for key, value in data.items():
        here = f"{where}.{key}"
        if key in banned or key.startswith("num_") or key.endswith("_count"):
            problems.append(f"{here}: a key the convention names otherwise")
        if key.endswith("_label") and key.removesuffix("_label") not in data:
            problems.append(f"{here}: a label with no id beside it")
        if key == "title" and "id" not in data:
            problems.append(f"{here}: a title with no id beside it")
        problems += _value_problems(key, value, here)
        if key in ("cases", "records") and isinstance(value, list):
            singular = key.removesuffix("s")
            for i, item in enumerate(value):
                problems += _value_problems(singular, item, f"{here}[{i}]")
        if isinstance(value, dict) and key in VERBATIM:
            continue
        if isinstance(value, dict) and key in KEYED_BY_ID:
            for name, item in value.items():
                if isinstance(item, dict | list):
                    problems += convention_problems(item, f"{here}.{name}", banned=banned)
            continue
        problems += convention_problems(value, here, banned=banned)
    return problems


def _top_level_problems(data: Any) -> list[str]:
    if isinstance(data, dict):
        return []
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        return []
    return [f"the top level is neither an object nor a list of objects: {type(data).__name__}"]


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(RUNS))
def test_json_follows_the_convention(command: str, demo: Demo, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The command prints one JSON document on stdout whose keys follow docs/cli.md."""
    build, changes = RUNS[command]
    ws = _copy(demo, tmp_path) if changes else demo.root
    # `jtai demo --json` ran once, building the workspace
    result = demo.output if command == "demo" else run("-w", str(ws), *build(demo, tmp_path, ws), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data or data == [], "no output"
    # a framework is printed as its file is written (docs/scoring.md), with the file's key names
    banned = frozenset() if command in FILE_FORMATS else BANNED
    assert _top_level_problems(data) + convention_problems(data, banned=banned) == []


# Commands that need no workspace, so succeed where the others fail for the lack of one.
NO_WORKSPACE = frozenset({"demo", "framework list", "framework show", "sample size", "synth"})


@pytest.mark.parametrize("command", sorted(set(RUNS) - NO_WORKSPACE))
def test_errors_are_json_on_stderr(command: str, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Run where there is no workspace, each command prints one JSON error on stderr, nothing on stdout."""
    nowhere = tmp_path / "empty"
    nowhere.mkdir()
    stand_in = Demo(nowhere, nowhere, "C-0000-0000", ("R1", "R2"), Result(0, "", ""))
    if command in ("score import", "audits import"):  # their files come from the workspace
        args = [*command.split(), str(tmp_path / "returned.xlsx")]
    else:
        args = RUNS[command][0](stand_in, tmp_path, nowhere)
    result = run("-w", str(nowhere), *args, "--json")
    assert result.exit_code != 0 and result.stdout == ""
    error = json.loads(result.stderr)
    assert set(error) == {"error", "code", "kind", "hint"} and error["code"] == result.exit_code


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"pseudonym": "C-7KQ3-XM9D"}, "a key the convention names otherwise"),
        ({"n": 6}, "a key the convention names otherwise"),
        ({"grade_label": "Good"}, "a label with no id beside it"),
        ({"created_at": "03/12/2026 10:00"}, "a moment, not ISO 8601"),
        ({"window_start": "19 September 2017"}, "a date, not YYYY-MM-DD"),
        ({"loaded": "2018-03-19"}, "a date under a key not named as a date"),
        ({"records": "12"}, "a number written as text"),
        ({"agency": "Police"}, "not an agency id"),
        ({"field": "Date of birth"}, "a label where an id belongs"),
        ({"cases": ["Jo Smith"]}, "not a case's pseudonym"),
        ({"share_lowest": "25%"}, "a share, not a number from 0 to 1"),
        ({"rate": 51.2}, "a share, not a number from 0 to 1"),
        ([{"x": [1, {"title": "T"}]}], "a title with no id beside it"),
    ],
)
def test_the_walk_finds_each_breach(data: Any, problem: str) -> None:
    """Each rule, broken once in a small document, is reported at its place."""
    found = convention_problems(data)
    assert len(found) == 1 and problem in found[0], found

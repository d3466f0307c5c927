"""Offline capture: templates, all-or-nothing import with every error listed, export round trips."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from _score_helpers import ANN, BOB, FW, add_child, hand_case, judge
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jtai import workspace
from jtai.errors import ExitCode, InputError
from jtai.scoring import judgements
from jtai.scoring.judgement_files import formats, workspace_io

CASE = "C-AAAA-BBBB"


def _slot(j: judgements.Judgement) -> tuple[str, ...]:
    return (j.case_ref, j.criterion, j.agency, j.role, j.inspector, j.inspectorate, j.value, j.note)


def test_template_lists_every_question(run, ws) -> None:
    """The YAML template has one blank row per criterion x agency, then the case question."""
    hand_case(ws.connect(), CASE)
    result = run(
        "-w", str(ws.root), "score", "template", CASE, "--inspector", "Ann", "--inspectorate", "ofsted"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Judgements for Joint targeted area inspection")
    rows = yaml.safe_load(result.stdout)["judgements"]
    assert len(rows) == 70
    assert rows[0] == {
        "case": CASE, "criterion": "FD1", "agency": "police", "grade": "", "note": "", "inspector": "Ann",
        "inspectorate": "ofsted", "role": "rater", "reason": "",
        "criterion_text": rows[0]["criterion_text"],
    }  # fmt: skip
    assert rows[-1]["criterion"] == "case_question" and rows[-1]["agency"] == "all"
    assert result.stderr == (
        f"Asking every agency each criterion names, because {CASE} has no records (named by hand).\n"
    )
    unknown = run("-w", str(ws.root), "score", "template", "C-ZZZZ-ZZZZ")
    assert unknown.exit_code == ExitCode.NOT_FOUND


def test_unreadable_yaml_is_refused(tmp_path: Path) -> None:
    """A judgement file that is not YAML, holds a control character or is not UTF-8 is one clear error."""
    path = tmp_path / "bad.yaml"
    for content, message in (
        (b"judgements:\n  - case: [C-AAAA-BBBB\n", f"{path}: is not valid YAML (line 3)."),
        (b"judgements:\n  - note: a\x07b\n", f"{path}: is not valid YAML."),
        (b"judgements: \xff\n", f"{path}: cannot be read as UTF-8 text."),
    ):
        path.write_bytes(content)
        with pytest.raises(InputError) as info:
            formats.read(path)
        assert info.value.message == message


def test_template_lists_agencies_involved(run, ws) -> None:
    """A linked child's template has rows for the agencies holding its records; --all-agencies adds all."""
    ref = add_child(ws.connect(), ws.key, "child-1", [("yos", "missing_episode", "2018-02-01")])
    result = run("-w", str(ws.root), "score", "template", ref, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [(r["criterion"], r["agency"]) for r in rows] == [
        ("FD1", "yos"), ("DD1", "yos"), ("DD4", "yos"), ("DD7", "yos"), ("DD8", "yos"), ("LG1", "yos"),
        ("LG2", "yos"), ("LG4", "yos"), ("case_question", "all"),
    ]  # fmt: skip
    assert "Asking about the agencies involved with the child: yos" in result.stderr
    every = run("-w", str(ws.root), "score", "template", ref, "--format", "csv", "--all-agencies")
    assert len(list(csv.DictReader(every.stdout.splitlines()))) == 70


def test_import_filled_template(run, ws, tmp_path: Path) -> None:
    """A filled template imports; blank rows are counted and left for later; re-import changes nothing."""
    hand_case(ws.connect(), CASE)
    text = run("-w", str(ws.root), "score", "template", CASE, "--format", "csv").stdout
    rows = list(csv.DictReader(text.splitlines()))
    rows[0].update(grade="good")
    rows[1].update(grade="Requires improvement", note="late")
    rows[-1].update(grade="partly", note="safer at home, still missing school")
    path = tmp_path / "filled.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    args = (
        "-w",
        str(ws.root),
        "score",
        "import",
        str(path),
        "--inspector",
        "Ann",
        "--inspectorate",
        "ofsted",
    )
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip()
        == "Imported 3 judgements (0 unchanged, 67 blank rows left for later, 0 cases first scored)."
    )
    assert "Writing 3 judgements..." in result.stderr
    again = run(*args)
    assert (
        again.stdout.strip()
        == "Imported 0 judgements (3 unchanged, 67 blank rows left for later, 0 cases first scored)."
    )
    as_json = json.loads(run(*args, "--json").stdout)
    assert as_json == {"written": 0, "unchanged": 3, "blank": 67, "cases_added": 0}


def test_import_lists_every_error_and_writes_nothing(run, ws, tmp_path: Path) -> None:
    """Unknown criterion, bad grade, unknown case, missing note: all listed with rows; nothing saved."""
    conn = ws.connect()
    hand_case(conn, CASE)
    judge(conn, CASE, "FD2", "police", "good")
    path = tmp_path / "bad.csv"
    path.write_text(
        "case,criterion,agency,grade,note,inspector,inspectorate\n"
        f"{CASE},FD1,police,good,,Ann,ofsted\n"
        f"{CASE},ZZ1,police,good,,Ann,ofsted\n"
        f"{CASE},FD1,health,brilliant,,Ann,ofsted\n"
        "C-ZZZZ-ZZZZ,FD1,education,good,,Ann,ofsted\n"
        f"{CASE},FD1,yos,inadequate,,Ann,ofsted\n"
        f"{CASE},FD2,police,inadequate,no checks,Ann,ofsted\n"
    )
    result = run("-w", str(ws.root), "score", "import", str(path))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.splitlines() == [
        f"Error: {path}: 5 row(s) have problems, so nothing was imported:",
        "  row 3: unknown criterion 'ZZ1' in framework exploitation-2018.",
        "  row 4: grade 'brilliant' is not on the scale (outstanding, good, requires_improvement, "
        "inadequate, not_applicable, insufficient_evidence; or their numbers, 1 to 6).",
        "  row 5: unknown case C-ZZZZ-ZZZZ (use --new-cases to accept hand-named cases).",
        "  row 6: a grade of Inadequate needs an evidence note.",
        f"  row 7: changes {CASE} FD2 police (version 1) and gives no reason "
        "(add a reason column or --reason).",
        "Fix the rows and import the whole file again.",
    ]
    assert [j.criterion for j in judgements.current(conn)] == ["FD2"]


def test_import_unknown_column_and_duplicate_row(run, ws, tmp_path: Path) -> None:
    """An unknown column stops the import; the same judgement twice is an error."""
    hand_case(ws.connect(), CASE)
    path = tmp_path / "x.csv"
    path.write_text("case,criterion,agency,grade,colour\n")
    result = run("-w", str(ws.root), "score", "import", str(path))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "unknown column(s) 'colour'" in result.stderr
    path.write_text(f"case,criterion,agency,grade\n{CASE},FD1,police,good\n{CASE},FD1,police,good\n")
    result = run(
        "-w", str(ws.root), "score", "import", str(path), "--inspector", "Ann", "--inspectorate", "ofsted"
    )
    assert "row 3: the same judgement is also on row 2." in result.stderr


def test_yaml_import_names_lines(run, ws, tmp_path: Path) -> None:
    """A YAML file's errors name the line each judgement starts on."""
    hand_case(ws.connect(), CASE)
    path = tmp_path / "j.yaml"
    path.write_text(
        "inspector: Ann\ninspectorate: ofsted\njudgements:\n"
        f"  - {{case: {CASE}, criterion: FD1, agency: police, grade: good}}\n"
        f"  - case: {CASE}\n    criterion: FD1\n    agency: nowhere\n    grade: good\n"
    )
    result = run("-w", str(ws.root), "score", "import", str(path))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "  row 5: agency 'nowhere' is not judged under FD1" in result.stderr


def _fresh(root: Path) -> workspace.Workspace:
    return workspace.create(
        root, area="A", framework="exploitation-2018", fieldwork_start=dt.date(2018, 3, 19)
    )


NOTES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30
).map(str.strip)
JUDGEMENTS = st.lists(
    st.tuples(
        st.sampled_from(["C-AAAA-BBBB", "C-CCCC-DDDD", "hand.ref-1"]),
        st.sampled_from(
            [("FD2", "police"), ("DD6", "health"), ("LG1", "education"), ("case_question", "all")]
        ),
        st.sampled_from([ANN, BOB]),
        st.integers(0, 5),
        NOTES,
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=JUDGEMENTS, fmt=st.sampled_from(["yaml", "csv", "xlsx"]))
def test_export_import_round_trip(tmp_path_factory, items, fmt) -> None:
    """Exporting and importing into a new workspace gives the same current judgements (any format)."""
    from _score_helpers import FW

    root = tmp_path_factory.mktemp("rt")
    source = _fresh(root / "a")
    conn = source.connect()
    for case, (criterion, agency), rater, pick, note, agreed in items:
        hand_case(conn, case)
        values = [a.id for a in FW.case_question.answers] if criterion == "case_question" else FW.scale_ids
        value = values[pick % len(values)]
        judgements.record(
            conn, FW, case_ref=case, criterion=criterion, agency=agency, value=value, note=note or "n",
            rater=rater, role="agreed" if agreed else "rater", reason="again",
        )  # fmt: skip
    path = root / f"out.{fmt}"
    workspace_io.export_file(conn, path)
    target = _fresh(root / "b")
    tconn = target.connect()
    result = workspace_io.import_file(tconn, FW, path, key=target.key, team=[], new_cases=True)
    assert result.written == len(judgements.current(conn))
    assert sorted(map(_slot, judgements.current(tconn))) == sorted(map(_slot, judgements.current(conn)))
    back = root / f"back.{fmt}"
    workspace_io.export_file(tconn, back)
    strip = {"version", "recorded_at", "source", "reason"}
    first = [{k: v for k, v in r.items() if k not in strip} for r in workspace_io.export_rows(conn)]
    second = [{k: v for k, v in r.items() if k not in strip} for r in workspace_io.export_rows(tconn)]
    assert sorted(map(str, first)) == sorted(map(str, second))


def test_export_is_private_and_xlsx_keeps_formula_text(run, ws, tmp_path: Path) -> None:
    """The export file is 0600; a note starting with '=' is text in XLSX, never a formula."""
    conn = ws.connect()
    hand_case(conn, CASE)
    judge(conn, CASE, "FD2", "police", "inadequate", note="=SUM(A1:A2)")
    path = tmp_path / "out.xlsx"
    result = run("-w", str(ws.root), "score", "export", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Wrote 1 judgement to {path}."
    assert path.stat().st_mode & 0o777 == 0o600
    sheet = openpyxl_rows(path)
    assert sheet[0][4].value == "'=SUM(A1:A2)" and sheet[0][4].data_type == "s"


FORMULA_NOTES = ["=cmd|x", "+1", "-5 days late", "@home", "'=already quoted", "''+x", "'plain", "'", "a=b"]
EXPORTED_NOTES = [
    "'=cmd|x",
    "'+1",
    "'-5 days late",
    "'@home",
    "''=already quoted",
    "'''+x",
    "'plain",
    "'",
    "a=b",
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_cells_are_neutralised_and_round_trip(run, ws, tmp_path: Path, fmt: str) -> None:
    """CSV and XLSX exports put an apostrophe before formula-like text; import gives back each note."""
    conn = ws.connect()
    criteria = [c for c, a, _ in workspace_io.applicable(FW) if a == "police"]
    hand_case(conn, CASE)
    for criterion, note in zip(criteria, FORMULA_NOTES, strict=False):
        judge(conn, CASE, criterion, "police", "good", note=note)
    path = tmp_path / f"j.{fmt}"
    assert run("-w", str(ws.root), "score", "export", str(path)).exit_code == 0
    if fmt == "csv":
        notes = [r["note"] for r in csv.DictReader(path.read_text().splitlines())]
    else:
        notes = [str(r[4].value or "") for r in openpyxl_rows(path)]
    assert notes == EXPORTED_NOTES
    rows, _ = formats.read(path)
    assert [r.values["note"] for r in rows] == FORMULA_NOTES
    target = _fresh(tmp_path / "b")
    tconn = target.connect()
    workspace_io.import_file(tconn, FW, path, key=target.key, team=[], new_cases=True)
    assert [j.note for j in judgements.current(tconn)] == FORMULA_NOTES


def openpyxl_rows(path: Path) -> list[tuple[Any, ...]]:
    """The data rows of the judgements sheet (or of a template's one case sheet), as cells."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    name = "judgements" if "judgements" in book.sheetnames else CASE
    return list(book[name].iter_rows(min_row=2))


def test_export_refuses_to_overwrite_without_force(run, ws, tmp_path: Path) -> None:
    """An export onto an existing file is a conflict (8) and leaves it alone; --force overwrites it, 0600."""
    hand_case(ws.connect(), CASE)
    judge(ws.connect(), CASE, "FD2", "police", "good")
    path = tmp_path / "out.csv"
    path.write_text("keep me")
    path.chmod(0o644)
    refused = run("-w", str(ws.root), "score", "export", str(path))
    assert refused.exit_code == ExitCode.CONFLICT
    assert refused.stderr == (
        f"Error: {path} already exists. Give --force to overwrite it, or choose another name.\n"
    )
    assert path.read_text() == "keep me"
    forced = run("-w", str(ws.root), "score", "export", str(path), "--force")
    assert forced.exit_code == 0, forced.output
    assert path.read_text().startswith("case,criterion,agency,grade")
    assert path.stat().st_mode & 0o777 == 0o600
    template = tmp_path / "t.yaml"
    template.write_text("keep me")
    again = run("-w", str(ws.root), "score", "template", CASE, "-o", str(template))
    assert again.exit_code == ExitCode.CONFLICT and template.read_text() == "keep me"
    assert run("-w", str(ws.root), "score", "template", CASE, "-o", str(template), "--force").exit_code == 0


def test_formats_by_option_and_advice(run, ws, tmp_path: Path) -> None:
    """--format names the format for export, import and template; an unknown one lists the formats."""
    hand_case(ws.connect(), CASE)
    judge(ws.connect(), CASE, "FD2", "police", "good")
    root = ("-w", str(ws.root), "score")
    unknown_extension = run(*root, "export", str(tmp_path / "e.txt"))
    assert unknown_extension.exit_code == ExitCode.USAGE
    assert unknown_extension.stderr == (
        "Error: e.txt: cannot tell the file format from its extension. Name it .yaml, .csv or .xlsx, "
        "or give --format (yaml, csv, xlsx).\n"
    )
    exported = run(*root, "export", str(tmp_path / "e.txt"), "--format", "csv")
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "e.txt").read_text().startswith("case,criterion,agency,grade")
    imported = run(*root, "import", str(tmp_path / "e.txt"), "--format", "csv")
    assert imported.exit_code == 0, imported.output
    assert "(1 unchanged," in imported.stdout
    for args in (
        ("template", CASE, "--format", "xml"),
        ("export", str(tmp_path / "x.csv"), "--format", "xml"),
    ):
        result = run(*root, *args)
        assert result.exit_code == ExitCode.USAGE
        assert result.stderr == "Error: Unknown format 'xml'. Formats: yaml, csv, xlsx.\n"
    printed = run(*root, "template", CASE, "--format", "xlsx")
    assert printed.exit_code == ExitCode.USAGE and printed.stdout == ""
    assert printed.stderr == (
        "Error: An XLSX file cannot be printed. Give -o FILE.xlsx, or --format yaml or csv.\n"
    )
    written = run(*root, "template", CASE, "-o", str(tmp_path / "t.xlsx"))
    assert written.exit_code == 0, written.output
    assert len(openpyxl_rows(tmp_path / "t.xlsx")) == 70


def test_export_to_a_missing_folder(run, ws, tmp_path: Path) -> None:
    """Writing where no folder exists is a plain error naming the file, not a traceback."""
    result = run("-w", str(ws.root), "score", "export", str(tmp_path / "no" / "out.csv"))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "out.csv: cannot be written (No such file or directory)." in result.stderr

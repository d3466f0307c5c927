"""Judgement templates for people (dropdowns, instructions, a sheet per case) and many-file import."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from _sample_helpers import add_children
from _score_helpers import hand_case

from jtai.errors import ExitCode
from jtai.scoring import judgements

CASE = "C-AAAA-AAAA"
OTHER = "C-BBBB-BBBB"


def test_sample_template_has_a_sheet_per_case_with_dropdowns(run, ws, tmp_path: Path) -> None:
    """`score template --sample tracked -o t.xlsx`: instructions first, a sheet per pick, grade lists."""
    add_children(ws)
    assert run("-w", str(ws.root), "sample", "tracked", "--seed", "7", "--n", "3").exit_code == 0
    target = tmp_path / "t.xlsx"
    result = run("-w", str(ws.root), "score", "template", "--sample", "tracked", "-o", str(target))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    cases = [n for n in book.sheetnames if n.startswith("C-")]
    assert book.sheetnames[0] == "Instructions" and len(cases) == 3
    assert "for 3 cases" in result.stderr
    text = " ".join(str(r[0].value) for r in book["Instructions"].iter_rows())
    assert "1 Outstanding; 2 Good; 3 Requires improvement; 4 Inadequate" in text
    assert "jtai score import FILE.xlsx" in text
    assert "A grade of Requires improvement or Inadequate needs an evidence note." in text
    sheet = book[cases[0]]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Case", "Criterion", "Agency", "Grade"] and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2" and sheet.protection.sheet
    checks = sheet.data_validations.dataValidation
    grades = next(v for v in checks if "Good" in v.formula1)
    answers = next(v for v in checks if "Good" not in v.formula1)
    last = sheet.max_row
    assert grades.formula1.startswith('"Outstanding,Good,Requires improvement,Inadequate')
    assert str(grades.sqref) == f"D2:D{last - 1}" and str(answers.sqref) == f"D{last}"
    assert sheet.cell(row=last, column=2).value == "case_question"
    assert not sheet["D2"].protection.locked and sheet["B2"].protection.locked


def test_grades_by_number_or_name_import_from_every_sheet(run, ws, tmp_path: Path) -> None:
    """Grades typed as a number, a label or an id in a template workbook import as at the prompt."""
    conn = ws.connect()
    hand_case(conn, CASE)
    hand_case(conn, OTHER)
    target = tmp_path / "t.xlsx"
    made = run(
        "-w", str(ws.root), "score", "template", CASE, OTHER, "-o", str(target), "--section", "front_door"
    )
    assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(target)
    first, second = book[CASE], book[OTHER]
    first["D2"] = 2  # a number, as Excel stores it
    first["E2"] = "seen"
    second["D2"] = "Requires improvement"
    second["E2"] = "thin"
    second["D3"] = "inadequate"
    second["E3"] = "none"
    book.save(target)
    result = run(
        "-w", str(ws.root), "score", "import", str(target), "--inspector", "Ann", "--inspectorate", "ofsted"
    )
    assert result.exit_code == 0, result.output
    got = {(j.case_ref, j.criterion, j.value) for j in judgements.current(conn)}
    criteria = [book[CASE]["B2"].value, book[OTHER]["B2"].value, book[OTHER]["B3"].value]
    assert got == {
        (CASE, criteria[0], "good"),
        (OTHER, criteria[1], "requires_improvement"),
        (OTHER, criteria[2], "inadequate"),
    }


def test_import_many_files_each_all_or_nothing(run, ws, tmp_path: Path) -> None:
    """Several files: a good one is imported, a bad one adds nothing, every problem is listed, exit 4."""
    conn = ws.connect()
    hand_case(conn, CASE)
    good = tmp_path / "good.csv"
    good.write_text(
        f"case,criterion,agency,grade,note,inspector,inspectorate\n{CASE},FD1,police,2,seen,Ann,ofsted\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "inspector: Ann\ninspectorate: ofsted\n"
        "judgements:\n"
        f"  - {{case: {CASE}, criterion: FD1, agency: health, grade: 9}}\n"
        f"  - {{case: {CASE}, criterion: ZZ9, agency: police, grade: good}}\n"
    )
    result = run("-w", str(ws.root), "score", "import", str(good), str(bad))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"{good}: imported 1 judgement " in result.stdout
    assert (
        "row 4: grade '9' is not on the scale" in result.stderr
        and "or their numbers, 1 to 6" in result.stderr
    )
    assert "row 5: unknown criterion 'ZZ9'" in result.stderr
    assert f"1 file of 2 not imported ({bad}); the others were." in result.stderr
    assert [(j.agency, j.value) for j in judgements.current(conn)] == [("police", "good")]


def test_template_needs_cases_or_a_sample(run, ws) -> None:
    """No case and no --sample (or both) is a usage error, before the workspace is read."""
    neither = run("-w", str(ws.root), "score", "template")
    assert neither.exit_code == ExitCode.USAGE and "name the cases, or give --sample" in neither.stderr
    unknown = run("-w", str(ws.root), "score", "template", "--sample", "tracked")
    assert unknown.exit_code == ExitCode.NOT_FOUND and "No tracked sample" in unknown.stderr

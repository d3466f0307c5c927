"""The area's audits of the tracked children: request, fill in, import, refuse, compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from _sample_helpers import add_children, sample_json

from jtai.frameworks import load_framework
from jtai.scoring import judgements
from jtai.scoring.judgements import AREA_AUDIT, Rater
from jtai.scoring.local_audits.compare import compare, comparison_json, generosity_candidates

FW = load_framework("exploitation-2018")
ANN = Rater("Ann", "ofsted")


@pytest.fixture
def tracked(run, ws) -> list[str]:
    """A workspace with 40 children and a tracked sample; the picks' pseudonyms in order."""
    add_children(ws, 40)
    data = sample_json(run, ws, "tracked", "--seed", "2018")
    return [m["case"] for m in data["members"] if m["role"] == "pick"]


def request(run, ws, tmp_path: Path, *agencies: str) -> Path:
    """Run `jtai audits request` into tmp_path/req and return the folder."""
    out = tmp_path / "req"
    args = [a for agency in agencies for a in ("--agency", agency)]
    result = run("-w", str(ws.root), "audits", "request", *args, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def fill(path: Path, grades: dict[str, dict[str, tuple[str, str]]], auditor: str = "Pat Auditor") -> None:
    """Fill a requested workbook: case -> criterion -> (grade label, note), as an agency would."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    for sheet in book.worksheets:
        if sheet.title not in grades:
            continue
        for row in sheet.iter_rows(min_row=1, max_col=5):
            label = row[0].value
            if label == "Auditor":
                row[1].value = auditor
            elif label in grades[sheet.title]:
                row[3].value, row[4].value = grades[sheet.title][label]
    book.save(path)


def test_request_workbook_layout(run, ws, tracked, tmp_path: Path) -> None:
    """One private workbook per agency: a sheet per pick with identifiers, dropdowns, protected headers."""
    from openpyxl import load_workbook

    out = request(run, ws, tmp_path, "police")
    book_path = out / "audit-police.xlsx"
    assert sorted(p.name for p in out.iterdir()) == ["audit-police.xlsx", "audit-police.yaml"]
    assert out.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in out.iterdir())
    book = load_workbook(book_path)
    assert book.sheetnames == ["Instructions", "Grades", *tracked]
    assert book["Grades"].sheet_state == "hidden"
    sheet = book[tracked[0]]
    top = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, 8)}
    assert top["Case"] == tracked[0] and top["Agency"] == "police"
    assert str(top["Your reference"]).startswith("P") and str(top["Name"]).endswith("Smith")
    assert "PNC ID" in top and "Date of birth" in top
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Criterion")
    criteria = [sheet.cell(r, 1).value for r in range(header + 1, sheet.max_row + 1)]
    assert criteria == ["FD1", "FD2", "FD3", "FD4", "FD5", "DD1", "DD2", "DD4", "DD5", "DD7", "DD9",
                        "LG1", "LG2", "LG3", "LG4", "LG5"]  # fmt: skip
    (dropdown,) = sheet.data_validations.dataValidation
    assert dropdown.type == "list" and dropdown.formula1 == "Grades!$A$1:$A$6"
    assert f"D{header + 1}" in dropdown.sqref and f"D{sheet.max_row}" in dropdown.sqref
    assert [book["Grades"].cell(r, 1).value for r in range(1, 7)] == [
        "Outstanding", "Good", "Requires improvement", "Inadequate", "Not applicable",
        "Insufficient evidence",
    ]  # fmt: skip
    assert sheet.protection.sheet and book["Instructions"].protection.sheet
    assert sheet.cell(header, 4).protection.locked and sheet.cell(1, 2).protection.locked
    assert not sheet.cell(header + 1, 4).protection.locked and not sheet.cell(header + 1, 5).protection.locked
    text = yaml.safe_load((out / "audit-police.yaml").read_text())
    assert [c["case"] for c in text["children"]] == tracked and text["agency"] == "police"
    refused = run("-w", str(ws.root), "audits", "request", "--agency", "police", "--out", str(out))
    assert refused.exit_code == 8  # the files exist: --force


def test_fill_import_and_compare_one_grade_more_generous(run, ws, tracked, tmp_path: Path) -> None:
    """Filled in with openpyxl, imported; the area one grade above inspectors: kappa 1/9, AC1 -11/37."""
    out = request(run, ws, tmp_path, "police")
    a, b, c, d = tracked[:4]
    inspectors = {"FD1": [3, 2, 1, 2], "FD2": [2, 1, 2, 3]}  # ranks for children a, b, c, d
    label = {4: "Outstanding", 3: "Good", 2: "Requires improvement", 1: "Inadequate"}
    fw_id = {4: "outstanding", 3: "good", 2: "requires_improvement", 1: "inadequate"}
    grades: dict[str, dict[str, tuple[str, str]]] = {ref: {} for ref in tracked}
    conn = ws.connect()
    for criterion, ranks in inspectors.items():
        for ref, rank in zip((a, b, c, d), ranks, strict=True):
            grades[ref][criterion] = (label[rank + 1], "audit note")  # the area: one grade higher
            judgements.record(
                conn, FW, case_ref=ref, criterion=criterion, agency="police", value=fw_id[rank],
                note="inspectors' note", rater=ANN, role="agreed",
            )  # fmt: skip
    fill(out / "audit-police.xlsx", grades)
    result = run("-w", str(ws.root), "audits", "import", str(out / "audit-police.xlsx"))
    assert result.exit_code == 0, result.output
    assert "8 grades recorded, 0 unchanged" in result.stdout
    stored = judgements.current(conn, area_audits=True)
    assert len(stored) == 8
    assert {(j.inspector, j.inspectorate, j.agency, j.source) for j in stored} == {
        ("Pat Auditor", "local", "police", AREA_AUDIT)
    }
    log = run("-w", str(ws.root), "audit", "verify")
    assert log.exit_code == 0, log.output
    assert json.loads(run("-w", str(ws.root), "audit", "log", "--json").stdout)[-1]["actor"] == "Pat Auditor"
    # the area's grades are not inspectors' ratings: moderation and findings leave them out
    from jtai.scoring import findings, moderation

    assert moderation.moderate(conn, FW, n_boot=0).inspectors == []
    fd1_finals = {f.value for f in findings.finals(conn, FW) if f.criterion == "FD1"}
    assert fd1_finals == {"good", "requires_improvement", "inadequate"}
    result_cmp = compare(conn, FW)
    fd1 = next(r for r in result_cmp.rows if r.criterion == "FD1")
    assert (
        fd1.items == 4 and fd1.mean_steps == 1.0 and (fd1.more_generous, fd1.harsher, fd1.same) == (4, 0, 0)
    )
    # linear weights: every pair one step apart, po = 2/3; pe = 0.625 from the margins; (2/3 - 5/8) / (3/8)
    assert fd1.kappa.value == pytest.approx(1 / 9)
    assert fd1.kappa.ci_low is not None and fd1.kappa.ci_low < fd1.kappa.value < fd1.kappa.ci_high
    # AC1: no exact agreement; pe = sum pi(1 - pi) / 3 = 11/48 with pi = (1/8, 3/8, 3/8, 1/8)
    assert fd1.ac1.value == pytest.approx(-11 / 37)
    (police,) = result_cmp.agencies
    assert police.items == 8 and police.mean_steps == 1.0
    assert police.kappa.value == pytest.approx(1 / 9) and police.ac1.value == pytest.approx(-11 / 37)
    assert police.area_good_inspectors_worst == [] and police.area_worst_inspectors_good == []
    (candidate,) = generosity_candidates(FW, result_cmp)
    assert (candidate.kind, candidate.criterion, candidate.agency) == ("improvement", "LG1", "police")
    assert candidate.cases == sorted({a, b, c, d}) and "+1.0 grade steps" in candidate.why
    shown = run("-w", str(ws.root), "audits", "compare", "--json")
    data = json.loads(shown.stdout)
    assert data["agencies"][0]["mean_steps"] == 1.0 and data["candidates"][0]["criterion"] == "LG1"
    table = run("-w", str(ws.root), "audits", "compare")
    line = next(text for text in table.stdout.splitlines() if text.startswith("police: all"))
    assert line.split() == [
        "police:",
        "all",
        "8",
        "0.11",
        "[-0.03,",
        "0.25]",
        "-0.30",
        "[-0.36,",
        "-0.23]",
        "+1.0",
        "8/0",
    ]
    found = run("-w", str(ws.root), "findings", "--json")
    assert any(
        k["criterion"] == "LG1" and k["agency"] == "police" for k in json.loads(found.stdout)["candidates"]
    )
    again = run("-w", str(ws.root), "audits", "import", str(out / "audit-police.xlsx"))
    assert "0 grades recorded, 8 unchanged" in again.stdout


def test_good_against_inadequate_and_the_reverse(ws) -> None:
    """The cases where the area said good and inspectors inadequate, and the reverse, are named; mean 0."""
    conn = ws.connect()
    area, insp = (
        ["good", "inadequate", "requires_improvement"],
        ["inadequate", "good", "requires_improvement"],
    )
    for n, (mine, theirs) in enumerate(zip(area, insp, strict=True)):
        ref = f"CASE-{n}"
        judgements.record(
            conn, FW, case_ref=ref, criterion="FD2", agency="csc", value=mine, note="n",
            rater=Rater("Area", "local"), source=AREA_AUDIT,
        )  # fmt: skip
        judgements.record(
            conn, FW, case_ref=ref, criterion="FD2", agency="csc", value=theirs, note="n", rater=ANN
        )
    result = compare(conn, FW)
    (row,) = result.rows
    assert row.area_good_inspectors_worst == ["CASE-0"] and row.area_worst_inspectors_good == ["CASE-1"]
    assert row.mean_steps == 0 and (row.more_generous, row.harsher, row.same) == (1, 1, 1)
    assert generosity_candidates(FW, result) == []  # not more generous, and too few items
    assert comparison_json(FW, result)["criteria"][0]["area_good_inspectors_worst"] == ["CASE-0"]


def test_broken_workbook_refused_whole_with_every_problem(run, ws, tracked, tmp_path: Path) -> None:
    """A wrong grade, a missing sheet and an extra child: the file is refused whole, each problem located."""
    from openpyxl import load_workbook

    out = request(run, ws, tmp_path, "police", "csc")
    grades = {ref: {"FD1": ("Good", ""), "FD2": ("Great", "")} for ref in tracked}
    grades[tracked[1]]["FD3"] = ("Inadequate", "")  # needs a note
    grades[tracked[1]]["FD4"] = ("", "a note but no grade")
    book_path = out / "audit-police.xlsx"
    fill(book_path, grades)
    book = load_workbook(book_path)
    extra = book.copy_worksheet(book[tracked[0]])
    extra.title = "C-ZZZZ-ZZZZ"
    del book[tracked[2]]
    nameless = book[tracked[3]]
    nameless["B1"] = tracked[4]  # the case cell no longer matches the sheet
    auditor_row = next(r for r in range(1, 20) if nameless.cell(r, 1).value == "Auditor")
    nameless.cell(auditor_row, 2).value = None
    book.save(book_path)
    csc = out / "audit-csc.yaml"
    data = yaml.safe_load(csc.read_text())
    for child in data["children"]:
        child["auditor"] = "Sam Social"
        child["grades"][0]["grade"] = "Requires improvement"
        child["grades"][0]["note"] = "plan drift"
    csc.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run("-w", str(ws.root), "audits", "import", str(book_path), str(csc))
    assert result.exit_code == 4
    err = result.stderr
    assert "audit-police.xlsx: refused, nothing imported" in err
    header = next(r for r in range(1, 20) if book[tracked[0]].cell(r, 1).value == "Criterion")
    fd2_row = header + 2
    assert f"sheet {tracked[0]}, row {fd2_row}, column D (Grade): grade 'Great' is not on the scale" in err
    assert (
        f"sheet {tracked[1]}, row {header + 3}, column E (Evidence note): a grade of Inadequate needs" in err
    )
    assert "sheet C-ZZZZ-ZZZZ: C-ZZZZ-ZZZZ is not one of the tracked children" in err
    assert f"sheet {tracked[2]}: no sheet for the tracked child {tracked[2]}" in err
    assert err.count("'Great' is not on the scale") == len(tracked) - 1  # every sheet but the missing one
    assert f"sheet {tracked[1]}, row {header + 4}, column D (Grade): a note without a grade" in err
    assert (
        f"sheet {tracked[3]}, row 1, column B: the case is {tracked[4]}, but the sheet is {tracked[3]}" in err
    )
    assert f"sheet {tracked[3]}, row {auditor_row}, column B (Auditor): no auditor named" in err
    assert "audit-csc.yaml: csc, 6 children: 6 grades recorded" in result.stdout
    # a later tracked sample: the old request no longer answers it
    assert run("-w", str(ws.root), "sample", "tracked", "--seed", "7").exit_code == 0
    late = run("-w", str(ws.root), "audits", "import", str(csc))
    assert late.exit_code == 4 and "answers tracked sample 1, but the newest is 2" in late.stderr
    stored = judgements.current(ws.connect(), area_audits=True)
    assert {j.agency for j in stored} == {"csc"} and len(stored) == 6


def test_yaml_problems_name_child_line_and_field(run, ws, tracked, tmp_path: Path) -> None:
    """A YAML return's problems name the child, the line and the field; a stray file type is refused."""
    out = request(run, ws, tmp_path, "csc")
    path = out / "audit-csc.yaml"
    data = yaml.safe_load(path.read_text())
    data["children"][0]["grades"][1]["grade"] = "brilliant"
    data["children"][0]["auditor"] = "Sam"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    stray = tmp_path / "audit.csv"
    stray.write_text("x")
    result = run("-w", str(ws.root), "audits", "import", str(path), str(stray))
    assert result.exit_code == 4
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "brilliant" in text)
    assert f"audit-csc.yaml, sheet {tracked[0]}, row {line}, column grade: grade 'brilliant'" in result.stderr
    assert "audit.csv: give an .xlsx or .yaml file" in result.stderr


def test_evidence_pack_part(ws) -> None:
    """The pack's "Quality of local audits": missing until audits are imported, then the figures and cases."""
    from jtai.report.local_audits import local_audits_part

    conn = ws.connect()
    assert local_audits_part(FW, conn).missing.startswith("No audit by the area has been imported yet")
    area = ["good", "good", "outstanding", "good"]
    insp = ["inadequate", "requires_improvement", "good", "good"]
    for n, (mine, theirs) in enumerate(zip(area, insp, strict=True)):
        for value, rater, source in ((mine, Rater("Area", "local"), AREA_AUDIT), (theirs, ANN, "capture")):
            judgements.record(
                conn, FW, case_ref=f"CASE-{n}", criterion="DD6", agency="health", value=value, note="n",
                rater=rater, source=source,
            )  # fmt: skip
    part = local_audits_part(FW, conn)
    assert part.title == "Quality of local audits" and not part.missing
    figures, apart = part.tables
    assert figures.rows[0][:3] == ("Health", "All criteria", "4") and figures.rows[0][5:] == (
        "+1.0",
        "3",
        "0",
    )
    assert apart.rows == (("Health", "DD6", "CASE-0", "good or better", "inadequate"),)
    assert len(part.items) == 1 and "grade health +1.0 grade steps above" in part.items[0]


def test_weeks_ahead_in_the_self_assessment(ws) -> None:
    """The self-assessment's timetable shows what is still to come, in weeks from today."""
    import datetime as dt

    from jtai.report.weeks_ahead import weeks_ahead_part, when

    # the workspace's fieldwork starts Mon 19 March 2018: notified Mon 5 March
    part = weeks_ahead_part(ws, FW, today=dt.date(2018, 3, 7))
    rows = {row[0]: (row[1], row[3]) for row in part.tables[0].rows}
    assert "The area is notified of the inspection" not in rows  # past
    assert rows["Inspectors name the children to track; the area starts its audits"] == (
        "7 March 2018",
        "today",
    )
    assert rows["The area's audits of the tracked children due"] == ("14 March 2018", "next week")
    assert rows["Fieldwork on site"] == ("19 March 2018 to 23 March 2018", "in 2 weeks")
    assert when(dt.date(2018, 3, 19), dt.date(2018, 3, 23), dt.date(2018, 3, 20)) == "under way"
    whole = weeks_ahead_part(ws, FW)
    assert len(whole.tables[0].rows) == 9 and whole.tables[0].header == ("Step", "Date", "Day")
    done = weeks_ahead_part(ws, FW, today=dt.date(2019, 1, 1))
    assert done.missing.startswith("Every step of the inspection's timetable is past")

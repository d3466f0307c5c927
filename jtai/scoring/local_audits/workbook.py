"""The audit workbook (XLSX): written for one agency, read back when the area returns it.

Layout: an ``Instructions`` sheet (what the workbook is for, how to fill it in, and the
framework, agency and sample it answers), a hidden ``Grades`` sheet the dropdowns read, and
one sheet per tracked child named by its pseudonym: the case, the agency and the
identifiers the agency needs to find the case, an ``Auditor`` cell, then one row per
criterion with a grade dropdown and a note. Every sheet is protected; only the auditor,
grade and note cells can be edited.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from jtai.scoring.local_audits.forms import AuditForm
from jtai.scoring.local_audits.returned import Problem, Returned, ReturnedChild, ReturnedGrade
from jtai.spreadsheet import neutralise

INSTRUCTIONS = "Instructions"
GRADES = "Grades"
HEADER = ("Criterion", "Section", "What is judged", "Grade", "Evidence note")
GRADE_COLUMN = "D"
NOTE_COLUMN = "E"
AUDITOR = "Auditor"
ABOUT_ROWS = {"Framework": 3, "Agency": 4, "Tracked sample": 5, "Area": 6}


def instructions(form: AuditForm) -> list[str]:
    """The instructions, one paragraph a line."""
    needs_note = ", ".join(label for gid, label in form.grades if gid in form.note_required)
    return [
        f"Please audit each tracked child's case as your agency's practice shows it, one sheet a child "
        f"(the sheet's name is the child's reference in the inspection: {len(form.children)} children).",
        "On each sheet: write the auditor's name beside Auditor, then choose a grade for every "
        "criterion from the list and write the evidence for it in the note.",
        f"A grade of {needs_note} needs a note. Choose Not applicable when the criterion does not "
        "apply to the child; leave a grade empty only when the criterion was not audited.",
        "Do not add, remove or rename sheets or rows, and keep the workbook in this format (.xlsx).",
        "This workbook names children: keep it on a secure system and send it back only by the "
        "secure route agreed with the inspection team.",
    ]


def workbook_bytes(form: AuditForm) -> bytes:
    """The audit workbook for ``form``, as the bytes of an .xlsx file."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    editable = PatternFill("solid", fgColor="FFF2CC")
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")
    book = Workbook()
    guide = book.active
    guide.title = INSTRUCTIONS
    guide["A1"] = f"Audit of the tracked children: {form.agency}"
    guide["A1"].font = Font(bold=True, size=14)
    about = {"Framework": form.framework, "Agency": form.agency, "Tracked sample": form.sample_id}
    about["Area"] = form.area
    for label, row in ABOUT_ROWS.items():
        guide.cell(row, 1, label).font = bold
        guide.cell(row, 2, neutralise(about[label]))
    for offset, text in enumerate(instructions(form)):
        guide.cell(8 + offset, 1, text)
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 40
    guide.protection.sheet = True
    lists = book.create_sheet(GRADES)
    for n, label in enumerate(form.labels(), start=1):
        lists.cell(n, 1, label)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    choices = f"{GRADES}!$A$1:$A${len(form.grades)}"
    for child in form.children:
        sheet = book.create_sheet(child.case)
        top = [("Case", child.case), ("Agency", form.agency), *child.identifiers]
        for row, (label, value) in enumerate(top, start=1):
            sheet.cell(row, 1, label).font = bold
            sheet.cell(row, 2, neutralise(value))
        auditor_row = len(top) + 1
        sheet.cell(auditor_row, 1, AUDITOR).font = bold
        cell = sheet.cell(auditor_row, 2)
        cell.protection, cell.fill = unlocked, editable
        header_row = auditor_row + 2
        for column, text in enumerate(HEADER, start=1):
            sheet.cell(header_row, column, text).font = bold
        dropdown = DataValidation(
            type="list",
            formula1=choices,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Grade",
            error="Choose a grade from the list.",
        )
        sheet.add_data_validation(dropdown)
        for row, criterion in enumerate(form.criteria, start=header_row + 1):
            sheet.cell(row, 1, criterion.id)
            sheet.cell(row, 2, criterion.section).alignment = wrap
            sheet.cell(row, 3, criterion.text).alignment = wrap
            for column in (4, 5):
                target = sheet.cell(row, column)
                target.protection, target.fill, target.alignment = unlocked, editable, wrap
            dropdown.add(f"{GRADE_COLUMN}{row}")
        for letter, width in zip("ABCDE", (12, 24, 60, 22, 60), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.protection.sheet = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_workbook(path: Path) -> Returned:
    """Read a returned workbook; problems of layout are listed, never raised.

    A file that is not a workbook at all gives a :class:`Returned` with that one problem.
    """
    from openpyxl import load_workbook

    name = path.name
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        reason = type(exc).__name__
        return Returned(
            name, "", "", None, problems=[Problem(name, f"cannot be read as an .xlsx workbook ({reason}).")]
        )
    returned = Returned(name, "", "", None)
    if INSTRUCTIONS not in book.sheetnames:
        returned.problems.append(
            Problem(name, f"has no {INSTRUCTIONS} sheet: return the workbook `jtai audits request` wrote.")
        )
    else:
        guide = book[INSTRUCTIONS]
        values = {label: _text(guide.cell(row, 2).value) for label, row in ABOUT_ROWS.items()}
        returned.framework = values["Framework"]
        returned.agency = values["Agency"]
        returned.where_agency = (INSTRUCTIONS, ABOUT_ROWS["Agency"], "B")
        sample = values["Tracked sample"]
        returned.sample_id = int(sample) if sample.isdigit() else None
    for sheet in book.worksheets:
        if sheet.title in (INSTRUCTIONS, GRADES):
            continue
        returned.children.append(_read_child(sheet))
    return returned


def _read_child(sheet: Any) -> ReturnedChild:
    child = ReturnedChild(sheet.title, "", None, "", None, "B (Auditor)")
    header_row = None
    for row in range(1, min(sheet.max_row, 40) + 1):
        label = _text(sheet.cell(row, 1).value)
        if label == "Case":
            child.case, child.case_row = _text(sheet.cell(row, 2).value), row
        elif label == AUDITOR:
            child.auditor, child.auditor_row = _text(sheet.cell(row, 2).value), row
        elif label == HEADER[0] and _text(sheet.cell(row, 4).value) == HEADER[3]:
            header_row = row
            break
    if header_row is None:
        child.header_found = False
        return child
    for row in range(header_row + 1, sheet.max_row + 1):
        criterion = _text(sheet.cell(row, 1).value)
        grade = _text(sheet.cell(row, 4).value)
        note = _text(sheet.cell(row, 5).value)
        if not (criterion or grade or note):
            continue
        child.grades.append(
            ReturnedGrade(
                criterion, grade, note, row, f"{GRADE_COLUMN} (Grade)", f"{NOTE_COLUMN} (Evidence note)"
            )
        )
    return child

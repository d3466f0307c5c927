"""The audit workbook (XLSX): written for one agency, read back when the area returns it.

Layout: an ``Instructions`` sheet (what the workbook is for, how to fill it in, and the
framework, agency and sample it answers), a hidden ``Grades`` sheet the dropdowns read, and
one sheet per tracked child named by its pseudonym: the case, the agency and the
identifiers the agency needs to find the case, an ``Auditor`` cell, then one row per
criterion with a grade dropdown and a note. Every sheet is protected; only the auditor,
grade and note cells can be edited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jtai.scoring.local_audits.forms import AuditForm
from jtai.scoring.local_audits.returned import Problem, Returned, ReturnedChild, ReturnedGrade

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
    """The audit workbook for ``form``, as the bytes of an .xlsx file (made by :mod:`jtai.workbook`)."""
    from jtai.workbook import Column, Workbook, header_row

    book = Workbook(lists_title=GRADES)
    about = {"Framework": form.framework, "Agency": form.agency, "Tracked sample": form.sample_id}
    about["Area"] = form.area
    guide = book.instructions(
        INSTRUCTIONS,
        [f"Audit of the tracked children: {form.agency}", *instructions(form)],
        facts=[(label, about[label]) for label in ABOUT_ROWS],
    )
    book.protect(guide)
    labels = form.labels()
    book.pick_list(labels)  # the sheet of grades comes second, before the children's
    columns = [
        Column("criterion", HEADER[0], "id", 12),
        Column("section", HEADER[1], width=24, wrap=True),
        Column("text", HEADER[2], width=60, wrap=True),
        Column("grade", HEADER[3], width=22, wrap=True),
        Column("note", HEADER[4], width=60, wrap=True),
    ]
    rows = [{"criterion": c.id, "section": c.section, "text": c.text} for c in form.criteria]
    for child in form.children:
        before = [("Case", child.case), ("Agency", form.agency), *child.identifiers, (AUDITOR, None)]
        sheet = book.table(child.case, columns, rows, before=before)
        first, last = header_row(before) + 1, header_row(before) + len(rows)
        book.dropdown(sheet, 4, labels, first_row=first, rows=len(rows), listed=True)
        book.protect(sheet, editable=[f"B{len(before)}", f"{GRADE_COLUMN}{first}:{NOTE_COLUMN}{last}"])
    return book.to_bytes()


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

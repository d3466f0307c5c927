"""Import the area's returned audits: every problem listed, each file all or nothing.

A returned file is checked whole against the workspace's framework and the newest tracked
sample before anything is written: the framework and agency it answers, one sheet for each
tracked child and none for another child, one row for each of the agency's criteria, grades
on the scale, notes where the scale needs them, and an auditor for every child graded. A
file with any problem writes nothing; a clean file is written in one transaction, each
grade a judgement from the ``local`` inspectorate (source ``area_audit``), the auditor as
its author, in the audit log like every judgement.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jtai import audit
from jtai.canonical import LOCAL
from jtai.frameworks import Framework
from jtai.scoring import cases, judgements
from jtai.scoring.judgements import AREA_AUDIT, Rater
from jtai.scoring.local_audits.forms import agencies_with_criteria, criteria_for, tracked_children
from jtai.scoring.local_audits.returned import Problem, Returned, ReturnedChild
from jtai.store import transaction

SUFFIXES = {".xlsx": "xlsx", ".yaml": "yaml", ".yml": "yaml"}


@dataclass(frozen=True)
class Planned:
    """One grade to store."""

    case: str
    child_key: str
    criterion: str
    agency: str
    value: str
    note: str
    auditor: str


@dataclass
class FileResult:
    """What one file's import did: judgements written and unchanged, blanks, or its problems."""

    file: str
    agency: str
    written: int = 0
    unchanged: int = 0
    blank: int = 0
    children: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was imported."""
        return not self.problems


def read_return(path: Path) -> Returned:
    """A returned file read by its format (.xlsx, .yaml or .yml)."""
    kind = SUFFIXES.get(path.suffix.lower())
    if not path.is_file():
        return Returned(path.name, "", "", None, problems=[Problem(path.name, "no such file.")])
    if kind == "xlsx":
        from jtai.scoring.local_audits.workbook import read_workbook

        return read_workbook(path)
    if kind == "yaml":
        from jtai.scoring.local_audits.yaml_form import read_yaml

        return read_yaml(path)
    return Returned(
        path.name,
        "",
        "",
        None,
        problems=[Problem(path.name, "give an .xlsx or .yaml file from `jtai audits request`.")],
    )


def check_return(
    returned: Returned, fw: Framework, sample_id: int, picks: dict[str, str]
) -> tuple[list[Planned], int, list[Problem]]:
    """The grades a returned file holds, how many were left blank, and every problem in it.

    Args:
        picks: pseudonym -> child key of the tracked sample's picks.
    """
    name = returned.file
    problems = list(returned.problems)
    if problems and not returned.children:
        return [], 0, problems
    sheet, row, column = returned.where_agency
    if returned.framework != fw.id:
        problems.append(
            Problem(name, f"answers framework {returned.framework!r}, but the workspace uses {fw.id}.", sheet)
        )
    if returned.agency not in agencies_with_criteria(fw):
        problems.append(
            Problem(
                name,
                f"agency {returned.agency!r} is not one the framework judges "
                f"({', '.join(agencies_with_criteria(fw))}).",
                sheet,
                row,
                column,
            )
        )
        return [], 0, problems
    if returned.sample_id is not None and returned.sample_id != sample_id:
        problems.append(
            Problem(
                name,
                f"answers tracked sample {returned.sample_id}, but the newest is {sample_id}: "
                "request the audits again with `jtai audits request`.",
                sheet,
            )
        )
    planned: list[Planned] = []
    blank = 0
    seen: set[str] = set()
    for child in returned.children:
        ref = child.sheet.strip().upper()
        if ref in seen:
            problems.append(Problem(name, "the child appears twice.", child.sheet))
            continue
        seen.add(ref)
        if ref not in picks:
            problems.append(
                Problem(
                    name,
                    f"{child.sheet} is not one of the tracked children of sample {sample_id}: remove it "
                    f"(tracked: {', '.join(picks)}).",
                    child.sheet,
                )
            )
            continue
        if child.case and child.case.upper() != ref:
            problems.append(
                Problem(
                    name,
                    f"the case is {child.case}, but the sheet is {child.sheet}.",
                    child.sheet,
                    child.case_row,
                    "B",
                )
            )
        rows, left, found = _check_child(fw, returned.agency, name, child, ref, picks[ref])
        planned += rows
        blank += left
        problems += found
    for ref in picks:
        if ref not in seen:
            problems.append(
                Problem(name, f"no sheet for the tracked child {ref}: it must be audited too.", ref)
            )
    return planned, blank, problems


def _check_child(
    fw: Framework, agency: str, name: str, child: ReturnedChild, ref: str, child_key: str
) -> tuple[list[Planned], int, list[Problem]]:
    problems: list[Problem] = []
    if not child.header_found:
        return (
            [],
            0,
            [Problem(name, "has no table of criteria (Criterion, ..., Grade, Evidence note).", child.sheet)],
        )
    wanted = [c.id for c in criteria_for(fw, agency)]
    planned: list[Planned] = []
    blank = 0
    seen: set[str] = set()
    for g in child.grades:
        found = fw.criterion(g.criterion)
        criterion = found.id if found is not None else g.criterion
        if criterion not in wanted:
            what = "is not a criterion of the framework" if found is None else f"is not judged for {agency}"
            problems.append(Problem(name, f"{g.criterion!r} {what}.", child.sheet, g.row, "A (Criterion)"))
            continue
        if criterion in seen:
            problems.append(Problem(name, f"{criterion} appears twice.", child.sheet, g.row, "A (Criterion)"))
            continue
        seen.add(criterion)
        if not g.grade:
            if g.note:
                problems.append(
                    Problem(
                        name, "a note without a grade: choose the grade.", child.sheet, g.row, g.grade_column
                    )
                )
            blank += 1
            continue
        _, _, value, found_problems = judgements.check(fw, criterion, agency, g.grade, g.note)
        for text in found_problems:
            on_note = "note" in text
            row = (g.note_row or g.row) if on_note else g.row
            problems.append(
                Problem(name, text, child.sheet, row, g.note_column if on_note else g.grade_column)
            )
        if not found_problems:
            planned.append(Planned(ref, child_key, criterion, agency, value, g.note, child.auditor))
    for criterion in wanted:
        if criterion not in seen:
            problems.append(Problem(name, f"criterion {criterion} has no row: it was removed.", child.sheet))
    if planned and not child.auditor:
        problems.append(
            Problem(
                name,
                "no auditor named: write who audited the case.",
                child.sheet,
                child.auditor_row,
                child.auditor_column,
            )
        )
    return planned, blank, problems


def import_files(
    conn: sqlite3.Connection, fw: Framework, key: bytes, paths: list[Path], *, root: Path | None = None
) -> list[FileResult]:
    """Check and import each file in turn; a file with problems writes nothing.

    Raises:
        NotFoundError: no tracked sample has been drawn.
    """
    sample_id, pick_list = tracked_children(conn, key)
    picks = dict(pick_list)
    results = []
    for path in paths:
        returned = read_return(path)
        planned, blank, problems = check_return(returned, fw, sample_id, picks)
        result = FileResult(returned.file, returned.agency, blank=blank, problems=problems)
        if not problems:
            _store(conn, fw, path.name, planned, result, root)
        results.append(result)
    return results


def _store(
    conn: sqlite3.Connection,
    fw: Framework,
    name: str,
    planned: list[Planned],
    result: FileResult,
    root: Path | None,
) -> None:
    last: dict[str, Any] | None = None
    with transaction(conn):
        for item in planned:
            entry = cases.add(conn, cases.Case(item.case, item.child_key, "sample"), by=item.auditor)
            last = entry or last
            judgement, entry = judgements.write(
                conn,
                fw,
                case_ref=item.case,
                criterion=item.criterion,
                agency=item.agency,
                value=item.value,
                note=item.note,
                rater=Rater(item.auditor, LOCAL),
                reason=f"returned again in {name}",
                source=AREA_AUDIT,
            )
            last = entry or last
            result.written += judgement is not None
            result.unchanged += judgement is None
    result.children = len({p.case for p in planned})
    if root is not None and last is not None:
        audit.save_head(root, last)

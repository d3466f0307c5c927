"""Judgement templates for people: one case or a whole sample, with the grades to pick from.

A workbook template opens on an instructions sheet (the grades with their numbers, which
need a note, how to import), then holds one sheet per case; each grade cell has a list of
the grades (or, on the case-question row, the answers) to pick from, and the header and
the columns that name the judgement (case, criterion, agency) are locked against slips.
YAML and CSV templates hold the same rows, every case in one list.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from jtai.errors import InputError, NotFoundError, UsageError
from jtai.frameworks import CASE_QUESTION_ID, Framework
from jtai.scoring import cases
from jtai.scoring.judgement_files import formats
from jtai.scoring.judgement_files.workspace_io import case_template
from jtai.scoring.judgements import Rater

SAMPLES = {"tracked": "tracked pick", "front-door": "front-door pick"}
# The columns an inspector fills in; the others name the judgement and are locked.
EDITABLE = ("grade", "note", "inspector", "inspectorate", "reason")

Groups = list[tuple[str, list[dict[str, str]], cases.Scope]]


def sample_refs(conn: sqlite3.Connection, key: bytes, sample: str) -> list[str]:
    """The picks of the newest ``tracked`` or ``front-door`` sample, in reference order.

    Raises:
        UsageError: another sample name.
        NotFoundError: no such sample has been drawn.
    """
    if sample not in SAMPLES:
        raise UsageError(f"Unknown sample {sample!r}.", hint=f"Samples: {', '.join(SAMPLES)}.")
    role = SAMPLES[sample]
    refs = sorted(ref for ref, case in cases.known_cases(conn, key).items() if role in case.sampled_as)
    if not refs:
        raise NotFoundError(
            f"No {sample} sample has been drawn in this workspace.",
            hint=f"Draw one with `jtai sample {sample}`, or name a case.",
        )
    return refs


def templates(
    conn: sqlite3.Connection,
    fw: Framework,
    key: bytes,
    refs: list[str],
    *,
    agencies: list[str] | None,
    rater: Rater | None = None,
    sections: list[str] | None = None,
    all_agencies: bool = False,
    new: bool = False,
) -> Groups:
    """Each case's blank rows and scope (see :func:`case_template`); nothing is written."""
    groups: Groups = []
    for ref in refs:
        rows, scope = case_template(
            conn, fw, key, ref, agencies=agencies, rater=rater, sections=sections,
            all_agencies=all_agencies, new=new,
        )  # fmt: skip
        groups.append((ref, rows, scope))
    return groups


def scale_lines(fw: Framework) -> list[str]:
    """The grades with the numbers capture gives them, and the case question's answers."""
    grades = [(g.id, g.label) for g in fw.scale.grades] + [(o.id, o.label) for o in fw.scale.other]
    answers = [(a.id, a.label) for a in fw.case_question.answers]
    return [
        "Grades (type the number, the name or pick from the list): "
        + "; ".join(f"{n} {label}" for n, (_, label) in enumerate(grades, start=1))
        + ".",
        f"A grade of {_either([fw.label(g) for g in fw.scale.note_required])} needs an evidence note.",
        f"The {CASE_QUESTION_ID} row: the grade is the answer ("
        + "; ".join(f"{n} {label}" for n, (_, label) in enumerate(answers, start=1))
        + ") and the note is a short narrative.",
    ]


def _either(names: list[str]) -> str:
    """``A``, ``A or B``, ``A, B or C``."""
    return " or ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def instructions(fw: Framework, groups: Groups) -> list[str]:
    """The paragraphs of a workbook template's instructions sheet."""
    names = ", ".join(ref for ref, _, _ in groups)
    return [
        f"Judgements for {fw.title}",
        f"One sheet per case: {names}. Each row is one judgement: a criterion for one agency.",
        fw.note,
        *scale_lines(fw),
        "Leave a grade empty for a judgement not made yet: the row is skipped on import and can "
        "be filled in later.",
        "Give your name in the Inspector column (or with --inspector when you import), and a "
        "reason when you change a judgement recorded before.",
        "Import the file with: jtai score import FILE.xlsx. An import is all or nothing: every "
        "problem is listed with its sheet and row, and nothing of the file is saved until all are fixed.",
    ]


def write_workbook(
    path: Path, fw: Framework, groups: Groups, columns: tuple[str, ...], *, force: bool = False
) -> int:
    """Write a workbook template: instructions, then one sheet per case; return the rows written."""
    from jtai.workbook import Workbook

    book = Workbook()
    grades = [g.label for g in fw.scale.grades] + [o.label for o in fw.scale.other]
    answers = [a.label for a in fw.case_question.answers]
    prompt = "Pick a grade, or type its number or name."
    total = 0
    for ref, rows, _ in groups:
        sheet = book.table(ref, formats.xlsx_columns(columns), rows)
        for first, count, question in _runs(rows):
            choices = answers if question else grades
            book.dropdown(sheet, "grade", choices, first_row=first, rows=count, prompt=prompt, strict=False)
        book.protect_header(sheet, editable=EDITABLE)
        total += len(rows)
    book.instructions("Instructions", instructions(fw, groups))
    book.save(path, force=force, error=InputError, exists_hint=formats.EXISTS_HINT)
    return total


def _runs(rows: list[dict[str, str]]) -> list[tuple[int, int, bool]]:
    """(first sheet row, rows, case question?) for each run of rows that take the same list."""
    runs: list[tuple[int, int, bool]] = []
    for n, row in enumerate(rows, start=2):
        question = row["criterion"] == CASE_QUESTION_ID
        if runs and runs[-1][2] == question and runs[-1][0] + runs[-1][1] == n:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1, question)
        else:
            runs.append((n, 1, question))
    return runs

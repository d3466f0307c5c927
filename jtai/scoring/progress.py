"""How far judging has got: per case, the judgements made and by whom."""

from __future__ import annotations

import sqlite3
from typing import Any

from jtai.frameworks import CASE_QUESTION_ID, Framework
from jtai.scoring import cases, findings, judgements
from jtai.scoring.judgement_files.workspace_io import applicable
from jtai.store import scoring as sql

_ORDER = ("tracked pick", "tracked reserve", "front-door pick", "front-door reserve")


def case_progress(
    conn: sqlite3.Connection, fw: Framework, key: bytes, agencies: list[str] | None
) -> list[dict[str, Any]]:
    """One row per sampled or registered case: origin, questions answered, inspectors, final answer.

    ``judged`` counts the questions (criterion x agency, and the case question) that at
    least one inspector answered, out of ``needed``: the questions capture asks and the
    template lists (:func:`jtai.scoring.cases.question_scope`), so the criteria of the
    agencies involved with the child (every agency when no record is linked to it), and for
    a child sampled at the front door only the framework's ``front_door`` section (when it
    has one). Tracked picks come first, then reserves, front-door picks, and cases named by
    hand.
    """
    answered: dict[str, set[tuple[str, str]]] = {}
    who: dict[str, set[str]] = {}
    for j in judgements.current(conn, role="rater", area_audits=False):
        answered.setdefault(j.case_ref, set()).add((j.criterion, j.agency))
        who.setdefault(j.case_ref, set()).add(j.inspector)
    answers = findings.case_answers(conn, fw)
    known = cases.known_cases(conn, key)
    listed = {ref for ref, c in known.items() if c.sampled_as or c.origin in ("hand", "sample")}
    listed |= set(answered) | {row["ref"] for row in sql.case_rows(conn)}
    rows = []
    for ref in sorted(listed, key=lambda r: (_order(known.get(r)), r)):
        case = known.get(ref, cases.Case(ref, None, "hand"))
        scope = cases.question_scope(conn, fw, case, agencies)
        needed = len(applicable(fw, scope.agencies, scope.sections))
        rows.append(
            {
                "case": ref,
                "origin": ", ".join(case.sampled_as) if case.sampled_as else case.origin,
                "judged": len(answered.get(ref, set())),
                "needed": needed,
                "inspectors": sorted(who.get(ref, set())),
                "answer": answers.get(ref),  # the id, as every other value in JSON
                "answer_label": fw.label(answers[ref]) if ref in answers else None,
                "case_question_answered": (CASE_QUESTION_ID, "all") in answered.get(ref, set()),
            }
        )
    return rows


def _order(case: cases.Case | None) -> int:
    """Tracked picks first, then reserves, front-door picks, and the rest."""
    if case is None or not case.sampled_as:
        return len(_ORDER)
    return min(_ORDER.index(s) if s in _ORDER else len(_ORDER) for s in case.sampled_as)

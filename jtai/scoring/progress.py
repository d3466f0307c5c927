"""How far judging has got: per case, the judgements made and by whom."""

from __future__ import annotations

import sqlite3
from typing import Any

from jtai.frameworks import CASE_QUESTION_ID, Framework
from jtai.scoring import cases, findings, judgements
from jtai.scoring.transfer import applicable


def case_progress(
    conn: sqlite3.Connection, fw: Framework, key: bytes, agencies: list[str] | None
) -> list[dict[str, Any]]:
    """One row per sampled or judged case: origin, questions answered, inspectors, final answer.

    ``judged`` counts the questions (criterion x agency, and the case question) that at
    least one inspector answered, out of ``needed``.
    """
    needed = len(applicable(fw, agencies))
    current = judgements.current(conn, role="rater")
    answered: dict[str, set[tuple[str, str]]] = {}
    who: dict[str, set[str]] = {}
    for j in current:
        answered.setdefault(j.case_ref, set()).add((j.criterion, j.agency))
        who.setdefault(j.case_ref, set()).add(j.inspector)
    answers = findings.case_answers(conn, fw)
    known = cases.known_cases(conn, key)
    registered = {c.ref for c in known.values() if c.sampled_as} | set(answered)
    registered |= {ref for ref, c in known.items() if c.origin in ("hand", "sample")}
    from jtai.store import scoring as sql

    registered |= {row["ref"] for row in sql.case_rows(conn)}
    rows = []
    for ref in sorted(
        registered, key=lambda r: (not known.get(r, cases.Case(r, None, "hand")).sampled_as, r)
    ):
        case = known.get(ref, cases.Case(ref, None, "hand"))
        origin = ", ".join(case.sampled_as) if case.sampled_as else case.origin
        rows.append(
            {
                "case": ref,
                "origin": origin,
                "judged": len(answered.get(ref, set())),
                "needed": needed,
                "inspectors": sorted(who.get(ref, set())),
                "answer": fw.label(answers[ref]) if ref in answers else None,
                "case_question_answered": (CASE_QUESTION_ID, "all") in answered.get(ref, set()),
            }
        )
    return rows

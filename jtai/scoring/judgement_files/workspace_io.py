"""Templates, import and export of judgements.

An import is all or nothing: every row is checked first and every problem is listed with
its file and row; only a file with no problem is written, in one transaction, so a process
killed half-way leaves nothing of it behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai import audit, audit_anchors
from jtai.errors import ConflictError, InputError, JtaiError, UsageError
from jtai.frameworks import ALL_AGENCIES, CASE_QUESTION_ID, Framework
from jtai.scoring import cases, judgements, references
from jtai.scoring.judgement_files import formats
from jtai.scoring.judgements import Rater
from jtai.store import scoring as sql
from jtai.store import transaction

if TYPE_CHECKING:
    from jtai.anonymity.guard import IdentifyingIndex

MAX_LISTED = 50


def applicable(
    fw: Framework, agencies: list[str] | None = None, sections: list[str] | None = None
) -> list[tuple[str, str, str]]:
    """(criterion id, agency, criterion text) for every judgement a case needs, in framework order.

    Args:
        agencies: the workspace's agencies; criteria are judged for those only (default all).
        sections: only these sections' criteria (default all); the case question is always asked.

    Raises:
        UsageError: a section id the framework does not have.
    """
    if sections:
        unknown = [s for s in sections if s not in [x.id for x in fw.sections]]
        if unknown:
            raise UsageError(
                f"{fw.id} has no section {unknown[0]!r}.",
                hint=f"Sections: {', '.join(s.id for s in fw.sections)}.",
            )
    out = []
    for section, criterion in fw.criteria():
        if sections and section.id not in sections:
            continue
        for agency in criterion.agencies:
            if agencies is None or agency in agencies:
                out.append((criterion.id, agency, criterion.text))
    out.append((CASE_QUESTION_ID, ALL_AGENCIES, fw.case_question.text))
    return out


def template_rows(
    fw: Framework,
    case_ref: str,
    agencies: list[str] | None,
    rater: Rater | None = None,
    sections: list[str] | None = None,
) -> list[dict[str, str]]:
    """Blank rows for one case, to fill in offline."""
    return [
        {
            "case": case_ref,
            "criterion": criterion,
            "agency": agency,
            "grade": "",
            "note": "",
            "inspector": rater.name if rater else "",
            "inspectorate": rater.inspectorate if rater else "",
            "role": "rater",
            "reason": "",
            "criterion_text": text,
        }
        for criterion, agency, text in applicable(fw, agencies, sections)
    ]


def case_template(
    conn: sqlite3.Connection,
    fw: Framework,
    key: bytes,
    case: str,
    *,
    agencies: list[str] | None,
    rater: Rater | None = None,
    sections: list[str] | None = None,
    all_agencies: bool = False,
    new: bool = False,
) -> tuple[list[dict[str, str]], cases.Scope]:
    """One case's blank rows, the questions capture would ask, and what they cover; nothing is written.

    Args:
        agencies: the workspace's agencies (None: all).
        sections, all_agencies: as ``--section`` and ``--all-agencies`` of capture.
        new: allow a case no record or sample holds (named by hand).

    Raises:
        NotFoundError: the case is unknown and ``new`` is false.
        UsageError: a new reference that is, or looks like, a name or an identifier; an
            unknown section.
    """
    ref = cases.normalise_ref(case)
    found = cases.known_cases(conn, key).get(ref)
    if found is None:
        if not new:
            cases.resolve(conn, key, ref, by="template")  # raises NotFoundError
        references.require_fit(conn, ref)
        found = cases.Case(ref, None, "hand")
    scope = cases.question_scope(conn, fw, found, agencies, all_agencies=all_agencies, sections=sections)
    return template_rows(fw, ref, scope.agencies, rater, scope.sections), scope


def template_header(fw: Framework) -> str:
    """The comment at the top of a YAML template."""
    grades = ", ".join(fw.scale_ids)
    answers = ", ".join(a.id for a in fw.case_question.answers)
    return (
        f"Judgements for {fw.title}.\n{fw.note}\n"
        f"grade: one of {grades}; a note is required for {', '.join(fw.scale.note_required)}.\n"
        f"The {CASE_QUESTION_ID} row: grade is the answer ({answers}); note is the narrative.\n"
        "Leave grade empty for judgements not made yet. Import with: jtai score import FILE"
    )


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    written: int
    unchanged: int
    blank: int
    cases_added: int


@dataclass(frozen=True)
class _Planned:
    where: str
    case_ref: str
    criterion: str
    agency: str
    value: str
    note: str
    rater: Rater
    role: str
    reason: str


def import_file(
    conn: sqlite3.Connection,
    fw: Framework,
    path: Path,
    *,
    key: bytes,
    team: list[Any],
    inspector: str | None = None,
    inspectorate: str | None = None,
    reason: str | None = None,
    new_cases: bool = False,
    root: Path | None = None,
    on_write: Callable[[int], None] | None = None,
    fmt: str | None = None,
) -> ImportResult:
    """Import a judgement file, all or nothing.

    Args:
        fmt: the file's format (default: from its extension).
        inspector, inspectorate: defaults for rows that do not name them.
        reason: the reason for every changed judgement whose row gives none.
        new_cases: accept cases no record or sample holds (registered as hand-named).
        on_write: called with the number of judgements just before they are written.

    Raises:
        InputError: the file cannot be read, or rows have problems (all listed, with rows).
    """
    rows, defaults = formats.read(path, fmt)
    known = cases.known_cases(conn, key)
    planned: list[_Planned] = []
    problems: list[str] = []
    slots: dict[tuple[str, ...], str] = {}
    blank = 0
    index: IdentifyingIndex | None = None  # built once, when the file names a new case
    for item in rows:
        v = item.values
        if not v.get("grade", "").strip():
            blank += 1
            continue
        where = item.where
        found: list[str] = []
        try:
            ref = cases.normalise_ref(v.get("case", ""))
        except JtaiError:
            found.append(f"{v.get('case', '')!r} is not a case reference")
            ref = v.get("case", "")
        else:
            if ref not in known and not new_cases:
                found.append(f"unknown case {ref} (use --new-cases to accept hand-named cases)")
            elif ref not in known:
                index = index if index is not None else references.index_for(conn)
                unfit = references.problem(ref, index)
                if unfit:
                    found.append(
                        f"the case reference {unfit}; a reference must never be a name or an identifier"
                    )
        role = (v.get("role") or "rater").strip().lower()
        if role not in judgements.ROLES:
            found.append(f"role {role!r} is not rater or agreed")
        try:
            rater = judgements.rater_for(
                fw,
                v.get("inspector") or defaults.get("inspector") or inspector,
                v.get("inspectorate") or defaults.get("inspectorate") or inspectorate,
                team,
            )
        except JtaiError as exc:
            found.append(exc.message.rstrip("."))
            rater = Rater("", "")
        criterion, agency, value, issues = judgements.check(
            fw, v.get("criterion", ""), v.get("agency", ""), v.get("grade", ""), v.get("note", "")
        )
        found += [i.rstrip(".") for i in issues]
        slot = (ref, criterion, agency, role, rater.name if role == "rater" else "")
        if slot in slots and not found:
            found.append(f"the same judgement is also on {slots[slot]}")
        slots.setdefault(slot, item.where)
        if found:
            problems.append(f"{where}: " + "; ".join(found) + ".")
            continue
        planned.append(
            _Planned(
                item.where,
                ref,
                criterion,
                agency,
                value,
                v.get("note", "").strip(),
                rater,
                role,
                (v.get("reason") or reason or "").strip(),
            )
        )
    problems += _conflicts(conn, planned)
    if problems:
        listed = problems[:MAX_LISTED]
        more = f"\n  ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        raise InputError(
            f"{len(problems)} row(s) have problems, so nothing was imported:\n  "
            + "\n  ".join(listed)
            + more
            + "\nFix the rows and import the whole file again.",
            file=str(path),
        )
    return _write(conn, fw, planned, known, blank, root, on_write)


def _conflicts(conn: sqlite3.Connection, planned: list[_Planned]) -> list[str]:
    """Rows that change an earlier judgement without a reason."""
    current: dict[tuple[str, ...], sqlite3.Row] = {}
    for r in sql.current_judgements(conn):
        current[
            (
                r["case_ref"],
                r["criterion"],
                r["agency"],
                r["role"],
                r["inspector"] if r["role"] == "rater" else "",
            )
        ] = r
    problems = []
    for p in planned:
        old = current.get(
            (p.case_ref, p.criterion, p.agency, p.role, p.rater.name if p.role == "rater" else "")
        )
        if old is not None and (old["value"], old["note"]) != (p.value, p.note) and not p.reason:
            problems.append(
                f"{p.where}: changes {p.case_ref} {p.criterion} {p.agency} (version {old['version']}) "
                "and gives no reason (add a reason column or --reason)."
            )
    return problems


def _write(
    conn: sqlite3.Connection,
    fw: Framework,
    planned: list[_Planned],
    known: dict[str, cases.Case],
    blank: int,
    root: Path | None,
    on_write: Callable[[int], None] | None,
) -> ImportResult:
    if on_write is not None:
        on_write(len(planned))
    written = unchanged = added = 0
    entry: dict[str, Any] | None = None
    with transaction(conn):
        for ref in dict.fromkeys(p.case_ref for p in planned):
            case_entry = cases.add(
                conn, known.get(ref) or cases.Case(ref, None, "hand"), by=planned[0].rater.name
            )
            if case_entry is not None:
                added += 1
                entry = case_entry
        for p in planned:
            try:
                new, new_entry = judgements.write(
                    conn,
                    fw,
                    case_ref=p.case_ref,
                    criterion=p.criterion,
                    agency=p.agency,
                    value=p.value,
                    note=p.note,
                    rater=p.rater,
                    role=p.role,
                    reason=p.reason or None,
                    source="import",
                )
            except ConflictError as exc:  # another process changed it since the check
                raise ConflictError(f"{p.where}: {exc.message}", hint="Nothing was imported.") from None
            if new is None:
                unchanged += 1
            else:
                written += 1
                entry = new_entry
    if root is not None:
        audit.save_head(root, entry)
    return ImportResult(written=written, unchanged=unchanged, blank=blank, cases_added=added)


def export_rows(
    conn: sqlite3.Connection, *, history: bool = False, case_ref: str | None = None
) -> list[dict[str, Any]]:
    """Judgements as rows of the exchange format (current versions, or every version)."""
    rows = (
        judgements.history(conn, case_ref=case_ref)
        if history
        else judgements.current(conn, case_ref=case_ref)
    )
    return [
        {
            "case": j.case_ref,
            "criterion": j.criterion,
            "agency": j.agency,
            "grade": j.value,
            "note": j.note,
            "inspector": j.inspector,
            "inspectorate": j.inspectorate,
            "role": j.role,
            "reason": j.reason,
            "version": j.version,
            "recorded_at": j.recorded_at,
            "source": j.source,
        }
        for j in rows
    ]


def export_file(
    conn: sqlite3.Connection,
    path: Path,
    *,
    history: bool = False,
    fmt: str | None = None,
    force: bool = False,
) -> int:
    """Write judgements to ``path`` (0600; format ``fmt``, else from its extension); returns the rows.

    Raises:
        ConflictError: ``path`` exists and ``force`` is false.
        UsageError, InputError: as :func:`jtai.scoring.judgement_files.formats.write`.
    """
    head = audit_anchors.anchor(conn)  # every row names the log's head the export was made from
    rows = [r | {"audit_head": head.text if head else ""} for r in export_rows(conn, history=history)]
    formats.write(path, rows, formats.COLUMNS + formats.EXPORT_EXTRA, fmt=fmt, force=force)
    return len(rows)

"""Judgements: one per case x criterion x agency x inspector, versioned, never overwritten.

The case question ("is the child safer?") is stored as a judgement too, under the
criterion id ``case_question`` and agency ``all``; its value is an answer id and its note
the narrative. A moderator's agreed judgement has role ``agreed``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jtai import audit
from jtai.canonical import LOCAL
from jtai.errors import ConflictError, UsageError
from jtai.frameworks import ALL_AGENCIES, CASE_QUESTION_ID, Framework
from jtai.store import scoring as sql
from jtai.store import transaction

ROLES = ("rater", "agreed")
# The source of the area's own audits of the tracked children (`jtai audits import`): kept
# apart from the inspectors' judgements in moderation and findings, compared with them.
AREA_AUDIT = "area_audit"


@dataclass(frozen=True)
class Rater:
    """Who judges: an inspector and their inspectorate (id from the framework)."""

    name: str
    inspectorate: str


@dataclass(frozen=True)
class Judgement:
    """One version of one judgement, as stored."""

    id: int
    case_ref: str
    criterion: str
    agency: str
    role: str
    inspector: str
    inspectorate: str
    value: str
    note: str
    version: int
    reason: str
    source: str
    framework: str
    recorded_at: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Judgement:
        """From a row of the ``judgements`` table."""
        return cls(**{k: row[k] for k in sql.JUDGEMENT_COLUMNS})

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the fields (in table column order)."""
        return {name: getattr(self, name) for name in sql.JUDGEMENT_COLUMNS}

    def as_json(self, fw: Framework) -> dict[str, Any]:
        """The judgement for ``--json``: the case as ``case``, the grade as ``value`` and ``value_label``."""
        data = self.as_dict()
        data = {"case": data.pop("case_ref"), **data}
        return {**data, "value_label": fw.label(self.value)}


def rater_for(fw: Framework, name: str | None, inspectorate: str | None, team: list[Any]) -> Rater:
    """The rater named by options, filling the inspectorate from the workspace's team list.

    Raises:
        UsageError: no name, or no inspectorate of the framework can be found for it.
    """
    if not name or not name.strip():
        raise UsageError("Say who is judging with --inspector NAME (or set JTAI_INSPECTOR).")
    name = name.strip()
    if inspectorate is None:
        for member in team or []:
            if isinstance(member, dict) and str(member.get("name", "")).strip().lower() == name.lower():
                inspectorate = str(member.get("inspectorate") or "")
    if not inspectorate:
        raise UsageError(
            f"No inspectorate for {name}.",
            hint="Give --inspectorate (e.g. ofsted) or add the inspector to `team` in inspection.yaml.",
        )
    if inspectorate.strip().lower() == LOCAL:
        return Rater(name, LOCAL)
    found = fw.inspectorate(inspectorate)
    if found is None:
        raise UsageError(
            f"{inspectorate!r} is not an inspectorate of {fw.id}.",
            hint=f"Use one of: {', '.join(i.id for i in fw.inspectorates)}, "
            f"or {LOCAL} for the area's own auditors.",
        )
    return Rater(name, found.id)


def _value_id(value: str, choices: list[tuple[str, str]]) -> str:
    """The id of a value given as its number in ``choices`` (1, 2, ...), its id or its label, in any case.

    The numbers are those interactive capture shows, so a grade typed as ``2`` means the same
    in a file as at the prompt.
    """
    text = value.strip().lower()
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1][0]
    for item_id, label in choices:
        if text in (item_id.lower(), label.lower()):
            return item_id
    return value.strip()


def check(
    fw: Framework, criterion: str, agency: str, value: str, note: str
) -> tuple[str, str, str, list[str]]:
    """Validate one judgement's fields against the framework.

    Values may be given by number (``3``, as capture numbers them), id (``requires_improvement``)
    or label (``Requires improvement``).

    Returns:
        The criterion id, agency and value as the framework spells them, and the problems
        found (empty when the judgement is valid), each one sentence naming the field.
    """
    problems: list[str] = []
    if criterion.strip().lower() == CASE_QUESTION_ID:
        value = _value_id(value, [(a.id, a.label) for a in fw.case_question.answers])
        answers = [a.id for a in fw.case_question.answers]
        if agency.strip().lower() not in (ALL_AGENCIES, ""):
            problems.append(f"agency must be {ALL_AGENCIES!r} for the case question, not {agency!r}.")
        if value not in answers:
            problems.append(f"answer {value!r} is not one of {', '.join(answers)}.")
        if not note.strip():
            problems.append("the case question needs a short narrative (note).")
        return CASE_QUESTION_ID, ALL_AGENCIES, value, problems
    found = fw.criterion(criterion.strip())
    if found is None:
        problems.append(f"unknown criterion {criterion!r} in framework {fw.id}.")
        return criterion, agency, value, problems
    scale = [(g.id, g.label) for g in fw.scale.grades] + [(o.id, o.label) for o in fw.scale.other]
    value = _value_id(value, scale)
    agency_id = agency.strip().lower()
    if agency_id not in found.agencies:
        problems.append(
            f"agency {agency!r} is not judged under {found.id} (it covers {', '.join(found.agencies)})."
        )
    if value not in fw.scale_ids:
        problems.append(
            f"grade {value!r} is not on the scale ({', '.join(fw.scale_ids)}; "
            f"or their numbers, 1 to {len(scale)})."
        )
    elif value in fw.scale.note_required and not note.strip():
        problems.append(f"a grade of {fw.label(value)} needs an evidence note.")
    return found.id, agency_id, value, problems


def require_valid(fw: Framework, criterion: str, agency: str, value: str, note: str) -> tuple[str, str, str]:
    """The criterion, agency and value as the framework spells them; refused when they do not fit.

    The values come from the caller (options of a command, arguments of a function); a file's
    rows are checked with :func:`check` and reported with their row instead.

    Raises:
        UsageError: every problem :func:`check` finds, in one message.
    """
    criterion, agency, value, problems = check(fw, criterion, agency, value, note)
    if problems:
        raise UsageError(
            " ".join(p[:1].upper() + p[1:] for p in problems),
            hint=f"`jtai framework show {fw.id}` lists the criteria, their agencies and the grades.",
        )
    return criterion, agency, value


def current(
    conn: sqlite3.Connection,
    *,
    case_ref: str | None = None,
    inspector: str | None = None,
    role: str | None = None,
    criterion: str | None = None,
    area_audits: bool | None = None,
) -> list[Judgement]:
    """The newest version of each judgement (see :func:`jtai.store.scoring.current_judgements`).

    ``area_audits`` False leaves out the area's own audits (source :data:`AREA_AUDIT`), True
    keeps only them, None (the default) keeps every judgement.
    """
    rows = sql.current_judgements(
        conn, case_ref=case_ref, inspector=inspector, role=role, criterion=criterion
    )
    found = [Judgement.from_row(r) for r in rows]
    if area_audits is None:
        return found
    return [j for j in found if (j.source == AREA_AUDIT) == area_audits]


def history(conn: sqlite3.Connection, *, case_ref: str | None = None) -> list[Judgement]:
    """Every version of every judgement, oldest first."""
    return [Judgement.from_row(r) for r in sql.judgement_history(conn, case_ref=case_ref)]


def write(
    conn: sqlite3.Connection,
    fw: Framework,
    *,
    case_ref: str,
    criterion: str,
    agency: str,
    value: str,
    note: str,
    rater: Rater,
    role: str = "rater",
    reason: str | None = None,
    source: str = "capture",
) -> tuple[Judgement | None, dict[str, Any] | None]:
    """Write one judgement inside the caller's transaction.

    Returns:
        The new version and its audit entry, or (None, None) when the slot already holds
        the same value and note (nothing to record).

    Raises:
        UsageError: the judgement does not fit the framework (:func:`require_valid`).
        ConflictError: it changes an earlier judgement and no reason was given.
    """
    if role not in ROLES:
        raise UsageError(f"role {role!r} is not one of {', '.join(ROLES)}.")
    criterion, agency, value = require_valid(fw, criterion, agency, value, note)
    inspector = rater.name if role == "rater" else None
    rows = sql.current_judgements(
        conn, case_ref=case_ref, criterion=criterion, role=role, inspector=inspector
    )
    existing = next((r for r in rows if r["agency"] == agency), None)
    if existing is not None:
        if existing["value"] == value and existing["note"] == note.strip():
            return None, None
        if not (reason and reason.strip()):
            whose = "the agreed judgement" if role == "agreed" else f"{existing['inspector']}'s judgement"
            raise ConflictError(
                f"{case_ref} {criterion} {agency} already has {whose} "
                f"(version {existing['version']}, {fw.label(existing['value'])}).",
                hint="Give a --reason to change it; the earlier version is kept.",
            )
    row: dict[str, Any] = {
        "case_ref": case_ref,
        "criterion": criterion,
        "agency": agency,
        "role": role,
        "inspector": rater.name,
        "inspectorate": rater.inspectorate,
        "value": value,
        "note": note.strip(),
        "version": sql.next_version(conn, case_ref, criterion, agency, role, rater.name),
        "reason": (reason or "").strip() if existing is not None else "",
        "source": source,
        "framework": fw.id,
        "recorded_at": audit.now(),
    }
    row["id"] = sql.insert_judgement(conn, row)
    judgement = Judgement(**row)
    entry = audit.append(
        conn, actor=rater.name, action="judgement", case_ref=case_ref, detail=judgement.as_dict()
    )
    return judgement, entry


def record(
    conn: sqlite3.Connection,
    fw: Framework,
    *,
    case_ref: str,
    criterion: str,
    agency: str,
    value: str,
    note: str = "",
    rater: Rater,
    role: str = "rater",
    reason: str | None = None,
    source: str = "capture",
    root: Path | None = None,
) -> Judgement | None:
    """Record one judgement in its own transaction (saved at once), and move the audit head.

    Returns:
        The new version, or None when nothing changed. Raises as :func:`write`.
    """
    with transaction(conn):
        judgement, entry = write(
            conn,
            fw,
            case_ref=case_ref,
            criterion=criterion,
            agency=agency,
            value=value,
            note=note,
            rater=rater,
            role=role,
            reason=reason,
            source=source,
        )
    if root is not None:
        audit.save_head(root, entry)
    return judgement

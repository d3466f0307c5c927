"""Cases: the children inspectors judge, named by pseudonym.

A case is known when linkage gave its child records, when sampling drew it, or when an
inspector named it by hand (a child may be judged before, or without, any record loaded).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jtai import audit
from jtai.errors import NotFoundError, UsageError
from jtai.frameworks import Framework
from jtai.pseudonym import pseudonym
from jtai.scoring import references
from jtai.store import sampling as sampling_sql
from jtai.store import scoring as sql
from jtai.store import transaction

_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_PSEUDONYM = re.compile(r"^C-[0-9A-Z]{4}-[0-9A-Z]{4}$")
# The section a child sampled at the front door is asked about (when the framework has it).
FRONT_DOOR_SECTION = "front_door"


@dataclass(frozen=True)
class Case:
    """A case as scoring sees it.

    Attributes:
        ref: the pseudonym (or the reference an inspector gave by hand).
        child_key: the child id (or sampling's key for an unlinked child), None if unknown.
        origin: ``records``, ``sample`` or ``hand``.
        sampled_as: e.g. ``tracked pick`` when a sample holds the child.
    """

    ref: str
    child_key: str | None
    origin: str
    sampled_as: list[str] = field(default_factory=list)


def normalise_ref(ref: str) -> str:
    """A reference as stored: pseudonyms in capitals, surrounding space removed.

    Raises:
        UsageError: the reference has characters a case reference cannot have.
    """
    text = ref.strip()
    if _PSEUDONYM.match(text.upper()):
        return text.upper()
    if not _REF.match(text):
        raise UsageError(
            f"{ref!r} is not a case reference.",
            hint="Name the child by pseudonym (e.g. C-7KQ3-XM9D) or a short reference of letters, "
            "digits, '-', '_' or '.' (never a name or an identifier).",
        )
    return text


def known_cases(conn: sqlite3.Connection, key: bytes) -> dict[str, Case]:
    """Every case scoring knows of, by reference: linked children, sampled children, hand-named."""
    cases: dict[str, Case] = {}
    for child in sql.child_ids(conn):
        ref = pseudonym(key, child)
        cases[ref] = Case(ref, child, "records")
    for child, role in _sampled(conn):
        ref = pseudonym(key, child)
        case = cases.setdefault(ref, Case(ref, child, "sample"))
        case.sampled_as.append(role)
    for row in sql.case_rows(conn):
        if row["ref"] not in cases:
            cases[row["ref"]] = Case(row["ref"], row["child_key"], row["origin"])
    return cases


def sampled_cases(conn: sqlite3.Connection, key: bytes) -> list[Case]:
    """Children in the newest samples (picks first, then reserves), when sampling has run."""
    known = known_cases(conn, key)
    return [c for c in known.values() if c.sampled_as]


def _sampled(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(child key, "tracked pick") for members of the newest samples; empty before sampling."""
    try:
        found: list[tuple[str, str]] = []
        for kind in ("tracked", "front_door"):
            sample_id = sampling_sql.latest_sample_id(conn, kind)
            if sample_id is None:
                continue
            for member in sampling_sql.member_rows(conn, sample_id):
                if member["role"] != "withdrawn":
                    found.append((str(member["child_key"]), f"{kind.replace('_', '-')} {member['role']}"))
        return found
    except (ImportError, AttributeError, sqlite3.Error, IndexError, KeyError):
        # sampling's tables are not there (yet): scoring works without them
        return []


def resolve(
    conn: sqlite3.Connection,
    key: bytes,
    ref: str,
    *,
    by: str,
    add: bool = False,
    root: Path | None = None,
) -> Case:
    """The case named ``ref``; with ``add``, a case no record or sample holds is registered by hand.

    Every case judged is registered (with an audit entry) the first time it is used.

    Raises:
        NotFoundError: the case is unknown and ``add`` is false.
        UsageError: a new reference is, or looks like, a name or an identifier
            (:mod:`jtai.scoring.references`); nothing is written.
    """
    ref = normalise_ref(ref)
    case = known_cases(conn, key).get(ref)
    if case is None and not add:
        raise NotFoundError(
            f"No case {ref}: no linked record, sample or earlier judgement has that pseudonym.",
            hint="Check the pseudonym (`jtai sample show`), or score it as a hand-named case with --new.",
        )
    if case is None:
        references.require_fit(conn, ref)
        case = Case(ref, None, "hand")
    register(conn, case, by=by, root=root)
    return case


def register(conn: sqlite3.Connection, case: Case, *, by: str, root: Path | None) -> None:
    """Record the case in the scoring tables (once), with an audit entry."""
    if sql.case_row(conn, case.ref) is not None:
        return
    with transaction(conn):
        entry = add(conn, case, by=by)
    if root is not None:
        audit.save_head(root, entry)


def add(conn: sqlite3.Connection, case: Case, *, by: str) -> dict[str, Any] | None:
    """Insert the case row and its audit entry inside the caller's transaction.

    The entry records every column of the row (the child key as its SHA-256 digest, so the
    log shows no identifier), which ``jtai audit verify`` compares with the row.

    Returns:
        The audit entry, or None when the case was already registered.
    """
    at = audit.now()
    if not sql.insert_case(conn, case.ref, case.child_key, case.origin, by, at):
        return None
    row = {
        "ref": case.ref,
        "child_key": case.child_key,
        "origin": case.origin,
        "added_by": by,
        "added_at": at,
    }
    return audit.append(conn, actor=by, action="case.add", case_ref=case.ref, detail=audit.case_detail(row))


@dataclass(frozen=True)
class Scope:
    """The questions a case is asked: which agencies, and which sections of the framework.

    Attributes:
        agencies: passed to :func:`jtai.scoring.judgement_files.workspace_io.applicable` (None: every agency).
        involved: the agencies involved with the child that are asked about (empty when
            every agency is asked).
        fallback: why every agency is asked although only the involved ones were wanted
            ("" otherwise).
        sections: passed to :func:`jtai.scoring.judgement_files.workspace_io.applicable`
            (None: every section).
        front_door: True when only the front-door section is asked because the child was
            sampled at the front door (and no section was chosen).
    """

    agencies: list[str] | None
    involved: list[str]
    fallback: str = ""
    sections: list[str] | None = None
    front_door: bool = False

    def message(self) -> str:
        """A line saying which agencies are asked about ("" when ``--all-agencies`` chose all),
        and one saying when only the front-door section is asked."""
        lines = []
        if self.involved:
            lines.append(
                f"Asking about the agencies involved with the child: {', '.join(self.involved)} "
                "(--all-agencies asks the others too)."
            )
        elif self.fallback:
            lines.append(f"Asking every agency each criterion names, because {self.fallback}.")
        if self.front_door:
            lines.append(
                f"Asking the {FRONT_DOOR_SECTION} section only, because the child was sampled at the "
                "front door (--section chooses the sections)."
            )
        return "\n".join(lines)


def question_scope(
    conn: sqlite3.Connection,
    fw: Framework,
    case: Case,
    agencies: list[str] | None,
    *,
    all_agencies: bool = False,
    sections: list[str] | None = None,
) -> Scope:
    """What to ask about a case: capture, its template and ``jtai score list`` all use this.

    Agencies: those involved with the child, within the workspace's ``agencies``. An agency
    is involved when it holds any record linkage gave to the child. When the case has no
    records (named by hand), linkage has not run, or no record is linked to it, every agency
    is asked (within ``agencies``), and :attr:`Scope.fallback` says why.

    Sections: those given; else, for a child sampled only at the front door (a front-door
    pick or reserve and in no tracked sample), the framework's ``front_door`` section when
    it has one; else every section.

    Args:
        fw: the workspace's framework.
        agencies: the workspace's agencies (None: all).
        all_agencies: ask every agency regardless of involvement.
        sections: the sections chosen (``--section``), None for the default.
    """
    scope = _agency_scope(conn, case, agencies, all_agencies=all_agencies)
    if sections:
        return replace(scope, sections=list(sections))
    front_only = bool(case.sampled_as) and all(s.startswith("front-door") for s in case.sampled_as)
    if front_only and FRONT_DOOR_SECTION in [s.id for s in fw.sections]:
        return replace(scope, sections=[FRONT_DOOR_SECTION], front_door=True)
    return scope


def _agency_scope(
    conn: sqlite3.Connection, case: Case, agencies: list[str] | None, *, all_agencies: bool
) -> Scope:
    if all_agencies:
        return Scope(agencies, [])
    if case.child_key is None:
        return Scope(agencies, [], f"{case.ref} has no records (named by hand)")
    if not sql.linkage_ran(conn):
        return Scope(agencies, [], "linkage has not run (`jtai link`)")
    linked = sql.linked_agencies(conn, case.child_key)
    if not linked:
        return Scope(agencies, [], f"no records are linked to {case.ref}")
    involved = [a for a in linked if agencies is None or a in agencies]
    if not involved:
        return Scope(agencies, [], "none of the agencies holding its records is in the workspace's agencies")
    return Scope(involved, involved)

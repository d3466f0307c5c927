"""``findings.yaml``: the findings report writers author, and the check of their evidence.

The file sits in the workspace folder. Shape (see docs/scoring.md)::

    findings:
      - id: S1
        kind: strength          # headline | strength | case_study | improvement
                                # | priority_action | main_finding
        section: front_door     # main_finding: a section id of the framework
        text: "Police officers recognise risk quickly ..."
        agencies: [police]      # framework agencies, or "partnership"
        criteria: [FD1]
        cases: [C-7KQ3-XM9D]    # the cases it rests on (never printed in the letter)
        case_studies: [CS1]     # ids of case_study findings that illustrate it
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jtai.errors import ConfigError, InputError, NotFoundError
from jtai.frameworks import Framework

FILE_NAME = "findings.yaml"
KINDS = ("headline", "strength", "case_study", "improvement", "priority_action", "main_finding")
PARTNERSHIP = "partnership"
_NEEDS_EVIDENCE = ("strength", "case_study", "improvement", "priority_action")
_CASE_LIKE = re.compile(r"\bC-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


class Finding(BaseModel):
    """One finding as authored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    kind: Literal["headline", "strength", "case_study", "improvement", "priority_action", "main_finding"]
    text: str = Field(min_length=1)
    section: str | None = None
    agencies: list[str] = []
    criteria: list[str] = []
    cases: list[str] = []
    case_studies: list[str] = []


class FindingsDoc(BaseModel):
    """The whole file, with the line each finding starts on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    findings: list[Finding] = []
    lines: dict[str, int] = {}

    def by_kind(self, kind: str) -> list[Finding]:
        """Findings of one kind, in file order."""
        return [f for f in self.findings if f.kind == kind]


def findings_path(root: Path) -> Path:
    """Where a workspace keeps its findings file."""
    return root / FILE_NAME


def load_findings(path: Path) -> FindingsDoc:
    """Parse ``findings.yaml``.

    Raises:
        NotFoundError: no such file.
        ConfigError: bad YAML or a finding that does not fit the shape (file and line).
    """
    import yaml
    from pydantic import ValidationError

    if not path.is_file():
        raise NotFoundError(
            f"{path}: no findings file yet.",
            hint="Write one (see docs/scoring.md) or start from `jtai findings`.",
        )
    loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            "is not valid YAML.", file=str(path), line=mark.line + 1 if mark else None
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(data.get("findings", []), list):
        raise ConfigError("needs a `findings:` list.", file=str(path))
    item_nodes: list[Any] = []
    if node is not None:
        item_nodes = next((v.value for k, v in node.value if k.value == "findings"), [])
    lines = [n.start_mark.line + 1 for n in item_nodes]
    try:
        doc = FindingsDoc.model_validate({"findings": data.get("findings") or []})
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc = error["loc"]
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        field = ".".join(str(p) for p in loc[2:]) or "finding"
        raise ConfigError(
            f"{field}: {error['msg'].lower()}.",
            file=str(path),
            line=lines[index] if index is not None and index < len(lines) else None,
            hint=f"Kinds are: {', '.join(KINDS)}.",
        ) from None
    extra = [k for k in data if k != "findings"]
    if extra:
        raise ConfigError(f"unknown setting(s) {', '.join(map(str, extra))}.", file=str(path))
    return doc.model_copy(
        update={"lines": {f.id: line for f, line in zip(doc.findings, lines, strict=False)}}
    )


@dataclass(frozen=True)
class Problem:
    """Something wrong with one finding."""

    finding: str
    line: int | None
    message: str


def check(conn: sqlite3.Connection, fw: Framework, doc: FindingsDoc, *, key: bytes) -> list[Problem]:
    """Findings with no evidence, evidence that contradicts them, or names that do not exist."""
    from jtai.scoring import cases as case_mod
    from jtai.scoring import findings

    finals = findings.finals(conn, fw)
    answers = {f.case_ref: f.value for f in finals if f.criterion == "case_question"}
    by_case: dict[str, list[findings.Final]] = {}
    for f in finals:
        if f.criterion != "case_question":
            by_case.setdefault(f.case_ref, []).append(f)
    known = set(case_mod.known_cases(conn, key)) | set(by_case) | set(answers)
    ids = [f.id for f in doc.findings]
    studies = {f.id for f in doc.findings if f.kind == "case_study"}
    criteria = {c.id for _, c in fw.criteria()}
    problems: list[Problem] = []
    for finding in doc.findings:
        line = doc.lines.get(finding.id)

        def flag(message: str, finding: Finding = finding, line: int | None = line) -> None:
            problems.append(Problem(finding.id, line, message))

        if ids.count(finding.id) > 1:
            flag("the id is used by more than one finding.")
        if _CASE_LIKE.search(finding.text):
            flag("the text names a case by pseudonym; the letter is public, describe the child instead.")
        for agency in finding.agencies:
            if agency not in fw.agencies and agency != PARTNERSHIP:
                flag(f"unknown agency {agency!r} (use {', '.join(fw.agencies)} or {PARTNERSHIP}).")
        for criterion in finding.criteria:
            if criterion not in criteria:
                flag(f"unknown criterion {criterion!r} in {fw.id}.")
        if finding.section is not None and finding.section not in [s.id for s in fw.sections]:
            flag(f"unknown section {finding.section!r}.")
        if finding.kind == "main_finding" and finding.section is None:
            flag("a main finding needs the section it belongs to.")
        for study in finding.case_studies:
            if study not in studies:
                flag(f"{study!r} is not a case_study finding in this file.")
        for ref in finding.cases:
            if ref not in known:
                flag(f"unknown case {ref}.")
        if finding.kind not in _NEEDS_EVIDENCE:
            continue
        items = [
            f
            for ref in finding.cases
            for f in by_case.get(ref, [])
            if (not finding.criteria or f.criterion in finding.criteria)
            and (not finding.agencies or f.agency in finding.agencies or PARTNERSHIP in finding.agencies)
        ]
        graded = [f for f in items if fw.rank(f.value) is not None]
        if not finding.cases:
            flag("no evidence: it names no case it rests on.")
            continue
        if not graded:
            flag("no evidence: its cases have no grade under its criteria and agencies.")
            continue
        if finding.kind in ("strength", "case_study"):
            bad = sorted({f.case_ref for f in graded if f.value == fw.worst})
            if bad:
                flag(f"contradicted: it rests on {', '.join(bad)}, graded {fw.label(fw.worst).lower()}.")
            unsafe = sorted(r for r in finding.cases if answers.get(r) in fw.case_question.not_safer)
            if unsafe:
                flag(f"contradicted: in {', '.join(unsafe)} the child is not safer.")
        elif all(f.value in fw.good_or_better for f in graded):
            flag(
                f"contradicted: every case it rests on is graded "
                f"{fw.label(fw.good_or_better[-1]).lower()} or better there."
            )
    return problems


def require_clean(problems: list[Problem], path: Path) -> None:
    """Raise when the check found problems.

    Raises:
        InputError: naming how many findings need attention.
    """
    if problems:
        raise InputError(
            f"{len(problems)} problem(s) in the findings; fix them before the letter is written.",
            file=str(path),
        )

"""``findings.yaml``: the findings report writers author, and the check of their evidence.

The file sits in the workspace folder; the letter is rendered from it. Shape (see
docs/scoring.md)::

    headline:                       # optional: the opening paragraph(s) of the letter
      - "Staff are tenacious in their efforts to engage with children."
    findings:
      - id: S1                      # optional; names the finding in `jtai findings check`
        kind: strength              # strength | improvement | priority_action | main
        text: "Police and children's social care share information promptly."
        agencies: [police, csc]     # empty: the partnership as a whole
        criteria: [FD2]
        cases: [C-7KQ3-XM9D]        # the cases it rests on (pseudonyms; never printed)
        evidence: [problem profile] # or other evidence, when it rests on no case
        section: front_door         # main findings: a framework section (else from criteria)
    case_studies:
      - title: highly effective practice
        kind: effective             # effective | not_safer
        text: "A 14-year-old who had repeatedly gone missing ..."
        cases: [C-7KQ3-XM9D]
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from jtai import yamlfile
from jtai.errors import ConfigError, InputError, NotFoundError
from jtai.frameworks import CASE_QUESTION_ID, Framework
from jtai.scoring.findings_evidence import evidence_problems

FILE_NAME = "findings.yaml"
KINDS = ("strength", "improvement", "priority_action", "main")
STUDY_KINDS = ("effective", "not_safer")
PARTNERSHIP = "partnership"
# other spellings report writers use, as the letter renderer accepts them
_KIND_ALIASES = {
    "strengths": "strength",
    "key_strength": "strength",
    "area_for_improvement": "improvement",
    "areas_for_improvement": "improvement",
    "priority": "priority_action",
    "area_for_priority_action": "priority_action",
    "main_finding": "main",
    "finding": "main",
}
# settings the loader fills in, never read from the file
_LOCATED = ("lines", "finding_lines", "study_lines")
_CASE_LIKE = re.compile(r"\bC-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def _names(value: Any) -> Any:
    """A list of names from a list, or from one string split on commas or semicolons."""
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
    if isinstance(value, list):
        return [str(p).strip() for p in value if str(p).strip()]
    return value


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = None
    text: str = Field(min_length=1)
    cases: list[str] = []

    @field_validator("text", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        return " ".join(str(value).split()) if value is not None else value

    @field_validator("cases", mode="before")
    @classmethod
    def _case_list(cls, value: Any) -> Any:
        return _names(value)

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if value is not None else None


class Finding(_Item):
    """One authored finding."""

    kind: Literal["strength", "improvement", "priority_action", "main"]
    agencies: list[str] = []
    criteria: list[str] = []
    section: str | None = None
    # other evidence it rests on (documents, meetings, interviews), when not on cases
    evidence: list[str] = []

    @model_validator(mode="before")
    @classmethod
    def _spellings(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for single, plural in (("agency", "agencies"), ("criterion", "criteria")):
            if single in data and plural not in data:
                data[plural] = data.pop(single)
        kind = str(data.get("kind", "")).strip().lower().replace(" ", "_").replace("-", "_")
        data["kind"] = _KIND_ALIASES.get(kind, kind)
        for key in ("agencies", "criteria"):
            data[key] = _names(data.get(key))
        if isinstance(data.get("evidence"), str):
            data["evidence"] = [data["evidence"]]
        return data


class CaseStudy(_Item):
    """An anonymous account of one child's case."""

    kind: Literal["effective", "not_safer"] = "effective"
    title: str | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        text = str(value or "effective").strip().lower().replace(" ", "_")
        return "not_safer" if text in ("not_safer", "poor") else text


class FindingsDoc(BaseModel):
    """The whole file, with the line each finding and case study starts on.

    ``finding_lines[i]`` and ``study_lines[i]`` are the lines of ``findings[i]`` and
    ``case_studies[i]`` (0 when not known); ``lines`` gives them by name (:func:`label`),
    the first one when an id is used twice.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    headline: list[str] = []
    findings: list[Finding] = []
    case_studies: list[CaseStudy] = []
    lines: dict[str, int] = {}
    finding_lines: list[int] = []
    study_lines: list[int] = []

    @field_validator("headline", mode="before")
    @classmethod
    def _paragraphs(cls, value: Any) -> Any:
        if value is None:
            return []
        items = [value] if isinstance(value, str) else value
        return [" ".join(str(p).split()) for p in items] if isinstance(items, list) else items

    def by_kind(self, kind: str) -> list[Finding]:
        """Findings of one kind, in file order."""
        return [f for f in self.findings if f.kind == kind]


def label(item: _Item, number: int) -> str:
    """How check names an item: its id, else ``finding 3`` or ``case study 1``."""
    if item.id:
        return item.id
    return f"{'case study' if isinstance(item, CaseStudy) else 'finding'} {number}"


def findings_path(root: Path) -> Path:
    """Where a workspace keeps its findings file."""
    return root / FILE_NAME


def load_findings(path: Path) -> FindingsDoc:
    """Parse ``findings.yaml``.

    Raises:
        NotFoundError: no such file.
        ConfigError: bad YAML or an entry that does not fit the shape (file and line).
    """
    from pydantic import ValidationError

    if not path.is_file():
        raise NotFoundError(f"{path}: no findings file yet.", hint="Write one: see docs/scoring.md.")
    data, root = yamlfile.parse(path.read_text(encoding="utf-8"), str(path), detail=False)
    if root is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping with headline, findings and case_studies.", file=str(path))
    try:
        doc = FindingsDoc.model_validate({k: v for k, v in data.items() if k not in _LOCATED})
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc = error["loc"]
        where = yamlfile.line_at(root, loc[:2]) if len(loc) > 1 and isinstance(loc[1], int) else None
        field = ".".join(str(p) for p in loc[2:]) or str(loc[0])
        message = "unknown setting." if error["type"] == "extra_forbidden" else f"{error['msg'].lower()}."
        raise ConfigError(
            f"{field}: {message}",
            file=str(path),
            line=where,
            hint=f"Finding kinds: {', '.join(KINDS)}; case study kinds: {', '.join(STUDY_KINDS)}.",
        ) from None
    finding_lines = [yamlfile.line_at(root, ("findings", i)) or 0 for i in range(len(doc.findings))]
    study_lines = [yamlfile.line_at(root, ("case_studies", i)) or 0 for i in range(len(doc.case_studies))]
    named: dict[str, int] = {}
    for name, line in zip(_names_in_order(doc), [*finding_lines, *study_lines], strict=True):
        named.setdefault(name, line)
    return doc.model_copy(update={"lines": named, "finding_lines": finding_lines, "study_lines": study_lines})


def _names_in_order(doc: FindingsDoc) -> list[str]:
    """The name of every finding, then of every case study (:func:`label`)."""
    return [
        *(label(f, n) for n, f in enumerate(doc.findings, start=1)),
        *(label(c, n) for n, c in enumerate(doc.case_studies, start=1)),
    ]


@dataclass(frozen=True)
class Problem:
    """Something wrong with one finding or case study (or a headline paragraph)."""

    finding: str
    line: int | None
    message: str

    def describe(self) -> str:
        """One line for the user: ``line 4: S1: no evidence: ...`` (no line for a headline)."""
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.finding}: {self.message}"


def check(conn: sqlite3.Connection, fw: Framework, doc: FindingsDoc, *, key: bytes) -> list[Problem]:
    """Findings with no evidence, evidence that contradicts them, names that do not exist, pseudonyms."""
    from jtai.scoring import cases as case_mod
    from jtai.scoring import findings

    finals = findings.finals(conn, fw)
    answers = {f.case_ref: f.value for f in finals if f.criterion == CASE_QUESTION_ID}
    by_case: dict[str, list[findings.Final]] = {}
    for f in finals:
        if f.criterion != CASE_QUESTION_ID:
            by_case.setdefault(f.case_ref, []).append(f)
    known = set(case_mod.known_cases(conn, key)) | set(by_case) | set(answers)
    criteria = {c.id for _, c in fw.criteria()}
    sections = [s.id for s in fw.sections]
    # hand-named references (not pseudonym-shaped) of four characters or more, as whole words
    hand = [re.escape(r) for r in known if len(r) >= 4 and not _CASE_LIKE.fullmatch(r)]
    hand_like = re.compile(r"(?<![\w-])(?:" + "|".join(hand) + r")(?![\w-])") if hand else None

    def names_case(text: str) -> bool:
        return bool(_CASE_LIKE.search(text) or (hand_like and hand_like.search(text)))

    problems: list[Problem] = []
    for n, text in enumerate(doc.headline, start=1):
        if names_case(text):
            problems.append(
                Problem(f"headline {n}", None, "names a case by its reference; describe the child instead.")
            )
    items: list[Finding | CaseStudy] = [*doc.findings, *doc.case_studies]
    lines = [
        *(doc.finding_lines + [0] * len(doc.findings))[: len(doc.findings)],
        *(doc.study_lines + [0] * len(doc.case_studies))[: len(doc.case_studies)],
    ]
    first_line: dict[str, int] = {}
    for name, item, line in zip(_names_in_order(doc), items, lines, strict=True):
        found: list[str] = []
        if item.id and item.id in first_line:
            earlier = first_line[item.id]
            found.append(f"the id {item.id} is already used" + (f" on line {earlier}." if earlier else "."))
        elif item.id:
            first_line[item.id] = line
        if names_case(item.text) or (isinstance(item, CaseStudy) and names_case(item.title or "")):
            found.append(
                "the text names a case by its reference; the letter is public, describe the child instead."
            )
        found += [f"unknown case {ref}." for ref in item.cases if ref not in known]
        if isinstance(item, Finding):
            found += _names_problems(fw, item, criteria, sections)
            if item.kind != "main":
                found += _evidence(fw, item, by_case, answers)
        else:
            found += _study_evidence(fw, item, by_case, answers)
        problems += [Problem(name, line or None, message) for message in found]
    names = _names_in_order(doc)
    problems += [
        Problem(names[n], lines[n] or None, message) for n, message in evidence_problems(fw, doc, finals)
    ]
    return sorted(problems, key=lambda p: p.line or 0)


def _names_problems(fw: Framework, finding: Finding, criteria: set[str], sections: list[str]) -> list[str]:
    found = []
    for agency in finding.agencies:
        if agency not in fw.agencies and agency != PARTNERSHIP:
            found.append(
                f"unknown agency {agency!r} (use {', '.join(fw.agencies)}, or none for the partnership)."
            )
    found += [f"unknown criterion {c!r} in {fw.id}." for c in finding.criteria if c not in criteria]
    if finding.section is not None and finding.section not in sections:
        found.append(f"unknown section {finding.section!r} (use {', '.join(sections)}).")
    return found


def _graded(fw: Framework, finding: Finding | CaseStudy, by_case: dict[str, list[Any]]) -> list[Any]:
    criteria = finding.criteria if isinstance(finding, Finding) else []
    agencies = [a for a in finding.agencies if a != PARTNERSHIP] if isinstance(finding, Finding) else []
    return [
        f
        for ref in finding.cases
        for f in by_case.get(ref, [])
        if (not criteria or f.criterion in criteria)
        and (not agencies or f.agency in agencies)
        and fw.rank(f.value) is not None
    ]


def _evidence(
    fw: Framework, finding: Finding, by_case: dict[str, list[Any]], answers: dict[str, str]
) -> list[str]:
    if not finding.cases:
        return [] if finding.evidence else ["no evidence: it names no case or other evidence it rests on."]
    graded = _graded(fw, finding, by_case)
    if not graded:
        return ["no evidence: its cases have no grade under its criteria and agencies."]
    if finding.kind == "strength":
        return _contradicts_good(fw, finding.cases, graded, answers)
    if all(f.value in fw.good_or_better for f in graded):
        better = fw.label(fw.good_or_better[-1]).lower()
        return [f"contradicted: every case it rests on is graded {better} or better there."]
    return []


def _study_evidence(
    fw: Framework, study: CaseStudy, by_case: dict[str, list[Any]], answers: dict[str, str]
) -> list[str]:
    if not study.cases:
        return ["no evidence: it names no case it rests on."]
    if study.kind == "effective":
        # a whole case: one weak item does not undo it, most items below good does
        graded = _graded(fw, study, by_case)
        found = []
        weak = sorted(
            ref for ref in set(study.cases) if _mostly_poor(fw, [f for f in graded if f.case_ref == ref])
        )
        if weak:
            better = fw.label(fw.good_or_better[-1]).lower()
            found.append(f"contradicted: most grades of {', '.join(weak)} are below {better}.")
        unsafe = sorted(r for r in study.cases if answers.get(r) in fw.case_question.not_safer)
        if unsafe:
            found.append(f"contradicted: in {', '.join(unsafe)} the child is not safer.")
        return found
    safer = sorted(r for r in study.cases if answers.get(r) == fw.case_question.answers[0].id)
    if safer:
        return [
            f"contradicted: in {', '.join(safer)} the child is safer ({fw.case_question.answers[0].label})."
        ]
    return []


def _mostly_poor(fw: Framework, graded: list[Any]) -> bool:
    """More than half of these graded items are below good."""
    return sum(f.value in fw.poor for f in graded) > len(graded) / 2


def _contradicts_good(
    fw: Framework, refs: list[str], graded: list[Any], answers: dict[str, str]
) -> list[str]:
    found = []
    bad = sorted({f.case_ref for f in graded if f.value == fw.worst})
    if bad:
        found.append(f"contradicted: it rests on {', '.join(bad)}, graded {fw.label(fw.worst).lower()}.")
    unsafe = sorted(r for r in refs if answers.get(r) in fw.case_question.not_safer)
    if unsafe:
        found.append(f"contradicted: in {', '.join(unsafe)} the child is not safer.")
    return found


def require_clean(problems: list[Problem], path: Path) -> None:
    """Raise when the check found problems.

    Raises:
        InputError: naming how many problems need attention.
    """
    if problems:
        raise InputError(
            f"{len(problems)} problem(s) in the findings; fix them before the letter is written.",
            file=str(path),
        )

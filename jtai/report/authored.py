"""The findings report writers author in ``findings.yaml``, as the report reads them.

The scoring area owns the file's format and its checks (``jtai findings check``); this module
reads the parts a report needs. It accepts the documented shape::

    headline:                       # optional: the opening paragraphs of the letter
      - "Staff are tenacious in their efforts to engage with children."
    findings:
      - kind: strength              # strength | improvement | priority_action | main
        text: "Police and children's social care share information promptly."
        agencies: [police, csc]     # empty: the partnership as a whole
        criteria: [FD2]             # places the finding under its framework section
        cases: [C-7KQ3-XM9D]        # the cases it rests on (pseudonyms; never printed)
        section: front_door         # optional; otherwise taken from the first criterion
    case_studies:
      - title: highly effective practice
        kind: effective             # effective | not_safer
        text: "A 14-year-old who had repeatedly gone missing ..."
        cases: [C-7KQ3-XM9D]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jtai.errors import ConfigError
from jtai.report.model import CaseStudy

FINDINGS_FILE = "findings.yaml"

_KINDS = {
    "strength": "strength",
    "strengths": "strength",
    "key_strength": "strength",
    "improvement": "improvement",
    "area_for_improvement": "improvement",
    "areas_for_improvement": "improvement",
    "priority_action": "priority_action",
    "priority": "priority_action",
    "area_for_priority_action": "priority_action",
    "main": "main",
    "main_finding": "main",
    "finding": "main",
}


@dataclass(frozen=True)
class Finding:
    """One authored finding."""

    kind: str
    text: str
    agencies: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    section: str | None = None


@dataclass(frozen=True)
class Authored:
    """Everything a report writer authored for the letter."""

    headline: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    case_studies: tuple[CaseStudy, ...] = ()

    def of_kind(self, kind: str) -> list[Finding]:
        """The findings of one kind, in file order."""
        return [finding for finding in self.findings if finding.kind == kind]


def read_authored(path: Path) -> Authored:
    """Read ``findings.yaml``; a missing file means nothing is authored yet.

    Raises:
        ConfigError: the file is not valid YAML or a finding lacks its kind or text.
    """
    import yaml

    if not path.is_file():
        return Authored()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            "is not valid YAML.", file=str(path), line=mark.line + 1 if mark is not None else None
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping with 'findings' and 'case_studies'.", file=str(path))
    findings = tuple(_finding(item, path, n) for n, item in enumerate(data.get("findings") or [], 1))
    studies = tuple(_case_study(item, path, n) for n, item in enumerate(data.get("case_studies") or [], 1))
    headline = data.get("headline") or ()
    if isinstance(headline, str):
        headline = (headline,)
    return Authored(tuple(str(p).strip() for p in headline), findings, studies)


def _finding(item: Any, path: Path, number: int) -> Finding:
    if not isinstance(item, dict):
        raise ConfigError(f"finding {number} must be a mapping with kind and text.", file=str(path))
    kind = _KINDS.get(str(item.get("kind", "")).strip().lower().replace(" ", "_").replace("-", "_"))
    text = str(item.get("text") or "").strip()
    if kind is None or not text:
        raise ConfigError(
            f"finding {number} needs a kind (strength, improvement, priority_action or main) and a text.",
            file=str(path),
        )
    return Finding(
        kind=kind,
        text=" ".join(text.split()),
        agencies=_strings(item.get("agencies") or item.get("agency")),
        criteria=_strings(item.get("criteria") or item.get("criterion")),
        cases=_strings(item.get("cases")),
        section=str(item["section"]) if item.get("section") else None,
    )


def _case_study(item: Any, path: Path, number: int) -> CaseStudy:
    if not isinstance(item, dict) or not str(item.get("text") or "").strip():
        raise ConfigError(f"case study {number} needs a text.", file=str(path))
    kind = str(item.get("kind") or "effective").strip().lower().replace(" ", "_")
    default_title = (
        "highly effective practice" if kind == "effective" else "where the child was not made safer"
    )
    return CaseStudy(
        title=str(item.get("title") or default_title).strip(),
        text=" ".join(str(item["text"]).split()),
        kind="not_safer" if kind in {"not_safer", "not safer", "poor"} else "effective",
    )


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())
    return tuple(str(part).strip() for part in value if str(part).strip())

"""The anonymity guard over ``findings.yaml``: a hit named by finding id and line.

The letter is written from this file, so a name, identifier, date of birth, postcode or
pseudonym typed into it is found here first, where it can be fixed, rather than in a line
of the rendered letter. Phrases the letter writes from the settings (the area, the people
of ``inspection.yaml``) are blanked out first, as the letter's guard does.
"""

from __future__ import annotations

from collections.abc import Iterable

from jtai.anonymity.guard import IdentifyingIndex, blank_public
from jtai.anonymity.visible_text import readable
from jtai.errors import IdentifyingDataError
from jtai.scoring.findings_file import FindingsDoc, Problem, label

_MAX_LISTED = 20


def identifying(index: IdentifyingIndex, doc: FindingsDoc, *, public: Iterable[str] = ()) -> list[Problem]:
    """Every identifying value in the headline, findings and case studies of ``doc``."""
    blank = blank_public(public)
    texts: list[tuple[str, int, str]] = [(f"headline {n}", 0, t) for n, t in enumerate(doc.headline, start=1)]
    lines = [*doc.finding_lines, *[0] * len(doc.findings)]
    texts += [(label(f, n), lines[n - 1], f.text) for n, f in enumerate(doc.findings, start=1)]
    study_lines = [*doc.study_lines, *[0] * len(doc.case_studies)]
    for n, study in enumerate(doc.case_studies, start=1):
        texts += [(label(study, n), study_lines[n - 1], t) for t in (study.title or "", study.text) if t]
    problems = []
    for name, line, text in texts:
        hits = index.scan_text(blank(readable(text)), where=name, line=line or 1)
        for hit in hits:
            article = "an" if hit.kind[0] in "aeiou" else "a"
            problems.append(
                Problem(
                    name,
                    line or None,
                    f"identifies a child: {article} {hit.kind} ({hit.masked}).",
                )
            )
    return problems


def refuse(problems: list[Problem], what: str, *, rendering: bool = False) -> None:
    """Raise when the guard found anything in the findings.

    Args:
        problems: from :func:`identifying`.
        what: ``The letter`` (``rendering``), else the findings file's name.
        rendering: the refusal stops a report being written.

    Raises:
        IdentifyingDataError: listing each finding, its line and what was found (masked).
    """
    if not problems:
        return
    listed = "; ".join(p.describe().rstrip(".") for p in problems[:_MAX_LISTED])
    more = f"; and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
    found = f"({len(problems)} found)"
    lead = (
        f"{what} would contain identifying data {found}, so nothing was written"
        if rendering
        else f"{what} holds identifying data {found}"
    )
    raise IdentifyingDataError(
        f"{lead}: {listed}{more}.",
        hint="The letter is public: reword these findings without the child's name, identifier, "
        "date of birth, postcode or case reference, then check again with `jtai findings check`.",
    )

"""Build a :class:`~jtai.report.letter_content.Letter` from a workspace: settings, framework, findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jtai import __version__
from jtai.report.area_results import UNRESOLVED
from jtai.report.authored import letter_case_studies, read_findings
from jtai.report.letter_content import Addressee, AgencyPoints, Letter, SectionFindings, Signatory
from jtai.report.text import AGENCY_HEADINGS, agency_heading, format_date, format_list, number_word
from jtai.workdays import add_working_days
from jtai.workspace import workspace_framework

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.scoring.findings_file import FindingsDoc
    from jtai.workspace import Workspace

# How the letter names each agency in the "next steps" list of who responds.
_RESPONDERS = {
    "csc": "children's social care",
    "police": "the police",
    "health": "health partners",
    "probation": "probation services",
    "yos": "the youth offending service",
    "education": "schools and education services",
}


def letter_from_workspace(
    ws: Workspace,
    *,
    today: dt.date | None = None,
    fw: Framework | None = None,
    authored: FindingsDoc | None = None,
) -> Letter:
    """The letter of a workspace: ``inspection.yaml``, its framework, ``findings.yaml`` and judgements.

    Args:
        ws: the workspace.
        today: the date used when ``publication_date`` is not set (default: today).
        fw: the workspace's framework, when already read.
        authored: its findings, when already read (default: ``findings.yaml``, or none).
    """
    from jtai.report import area_results

    fw = fw or workspace_framework(ws)
    config = ws.config
    authored = authored if authored is not None else read_findings(ws.root)
    start, end = area_results.fieldwork(config)
    # dated by the inspection, never by the day the letter happens to be rendered
    publication = config.get("publication_date") or today or end
    days = fw.letter.statement_of_action_working_days
    return Letter(
        area=str(config["area"]),
        title=f"Joint targeted area inspection of the multi-agency response to {_lower_first(fw.theme)} "
        f"in {config['area']}",
        theme=_lower_first(fw.theme),
        inspectorates=tuple(inspectorate_name(i.id, i.name) for i in fw.inspectorates),
        fieldwork_start=start,
        fieldwork_end=end,
        letter_date=config.get("letter_date") or publication,
        publication_date=publication,
        statement_of_action_date=add_working_days(publication, days),
        working_days=days,
        addressees=addressees(fw, config),
        signatories=signatories(fw, config),
        headline=tuple(authored.headline),
        children_safer=children_safer_sentence(area_results.case_outcomes(ws)),
        strengths=tuple(f.text for f in authored.by_kind("strength")),
        case_studies=letter_case_studies(authored),
        improvements=improvements_by_agency(authored),
        priority_actions=tuple(f.text for f in authored.by_kind("priority_action")),
        main_findings=main_findings(fw, authored),
        agency_findings=agency_findings(fw, authored, config.get("agencies") or fw.agencies),
        responding_agencies=tuple(_RESPONDERS.get(a, a) for a in config.get("agencies") or fw.agencies),
        lscb="the Local Safeguarding Children Board" if fw.year < 2019 else "the safeguarding partners",
        version=__version__,
        sections=tuple(fw.letter.sections),
    )


def inspectorate_name(ident: str, name: str) -> str:
    """``Care Quality Commission (CQC)``; a name that is its own id (``Ofsted``) stays as it is."""
    if ident.lower() == name.lower() or f"({ident.upper()})" in name:
        return name
    return f"{name} ({ident.upper()})"


def signatories(fw: Framework, config: dict[str, Any]) -> tuple[Signatory, ...]:
    """One signatory per inspectorate: from ``inspection.yaml``, or a visible placeholder."""
    given = [s for s in config.get("signatories") or [] if isinstance(s, dict)]
    result = []
    for inspectorate in fw.inspectorates:
        keys = {inspectorate.id.lower(), inspectorate.name.lower()}
        match = next((s for s in given if str(s.get("inspectorate", "")).strip().lower() in keys), None)
        if match:
            result.append(
                Signatory(inspectorate.name, str(match.get("name") or ""), str(match.get("title") or ""))
            )
        else:
            result.append(Signatory(inspectorate.name, "[signatory to be named in inspection.yaml]", ""))
    return tuple(result)


def addressees(fw: Framework, config: Mapping[str, Any]) -> tuple[Addressee, ...]:
    """The addressees of ``inspection.yaml``, then each role of the framework's era none covers.

    A framework role is covered when an addressee's role holds its ``match`` words (any case):
    a 2016-2021 letter is also sent to the Community Rehabilitation Company, whether or not
    ``inspection.yaml`` lists it.
    """
    given = [
        Addressee(str(a.get("role") or ""), str(a["name"]) if a.get("name") else None)
        for a in config.get("addressees") or []
        if isinstance(a, dict) and a.get("role")
    ]
    roles = " | ".join(a.role.casefold() for a in given)
    missing = [Addressee(r.role) for r in fw.letter.addressees if (r.match or r.role).casefold() not in roles]
    return (*given, *missing)


def agency_findings(fw: Framework, authored: FindingsDoc, in_scope: list[str]) -> tuple[AgencyPoints, ...]:
    """The main findings written for each agency (``kind: main`` with ``agencies``), in letter order.

    Every agency in scope gets its part; one with nothing written says so, and `jtai findings
    check` warns about it.
    """
    groups: dict[str, list[str]] = {a: [] for a in in_scope if a in fw.agencies}
    for finding in authored.by_kind("main"):
        for agency in finding.agencies:
            groups.setdefault(agency, []).append(finding.text)
    order = [a for a in AGENCY_HEADINGS if a in groups] + sorted(set(groups) - set(AGENCY_HEADINGS))
    return tuple(AgencyPoints(a, agency_heading(a), tuple(groups[a])) for a in order)


def improvements_by_agency(authored: FindingsDoc) -> tuple[AgencyPoints, ...]:
    """Areas for improvement grouped under the partnership, then each agency, in letter order."""
    groups: dict[str, list[str]] = {}
    for finding in authored.by_kind("improvement"):
        for agency in finding.agencies or ("partnership",):
            groups.setdefault(agency, []).append(finding.text)
    order = [*AGENCY_HEADINGS, *sorted(set(groups) - set(AGENCY_HEADINGS))]
    return tuple(AgencyPoints(a, agency_heading(a), tuple(groups[a])) for a in order if a in groups)


def main_findings(fw: Framework, authored: FindingsDoc) -> tuple[SectionFindings, ...]:
    """Per framework section: findings written for it (``main``), else the findings placed in it."""
    section_of = {criterion.id.lower(): section.id for section, criterion in fw.criteria()}
    placed: dict[str, list[str]] = {section.id: [] for section in fw.sections}
    main: dict[str, list[str]] = {section.id: [] for section in fw.sections}
    for finding in authored.findings:
        section = finding.section or next(
            (section_of[c.lower()] for c in finding.criteria if c.lower() in section_of), None
        )
        if section not in placed or (finding.kind == "main" and finding.agencies and not finding.section):
            continue
        (main if finding.kind == "main" else placed)[section].append(finding.text)
    return tuple(
        SectionFindings(section.id, section.title, tuple(main[section.id] or placed[section.id]))
        for section in fw.sections
    )


def children_safer_sentence(counts: Mapping[str, int] | None) -> str:
    """``Of the six cases where inspectors asked ..., four children were safer, ...``.

    Args:
        counts: how many cases got each answer id (yes, partly, no, too_early, and
            ``unresolved`` for answers the inspectors have not agreed).
    """
    total = sum((counts or {}).values())
    if not counts or not total:
        return ""
    question = "whether the child was safer because of what the agencies did"
    if total == 1:
        single = {
            "yes": "the child was safer",
            "partly": "the child was partly safer",
            "no": "the child was not",
            "too_early": "it was too early to say",
            UNRESOLVED: "the inspectors have not yet agreed",
        }
        answer = single[next(a for a, n in counts.items() if n)]
        return f"In the one case where inspectors asked {question}, {answer}."
    phrases = {
        "yes": "{n} {were} safer",
        "partly": "{n} {were} partly safer",
        "no": "{n} {were} not",
        "too_early": "for {n} it was too early to say",
        UNRESOLVED: "for {n} the inspectors have not yet agreed",
    }
    parts = []
    for answer, template in phrases.items():
        n = counts.get(answer, 0)
        if n:
            parts.append(template.format(n=number_word(n), were="was" if n == 1 else "were"))
    lead = f"Of the {number_word(total)} cases where inspectors asked {question}, "
    first = parts[0].replace(" were", " children were", 1).replace(" was", " child was", 1)
    return lead + format_list([first, *parts[1:]]) + "."


def people_phrases(config: Mapping[str, Any]) -> list[str]:
    """The people ``inspection.yaml`` names: the team, the signatories and the addressees.

    Every output blanks these out before the guard searches it (their names, titles and
    roles), so "Daniel Pascoe led the Ofsted team" is never refused for a child called Pascoe.
    """
    phrases = []
    for key in ("team", "signatories", "addressees"):
        for person in config.get(key) or []:
            if isinstance(person, dict):
                phrases += [str(person.get(field) or "") for field in ("name", "title", "role")]
    return [p for p in phrases if p]


def public_phrases(letter: Letter, config: Mapping[str, Any] | None = None) -> list[str]:
    """What the letter writes from the workspace settings: searched by no guard rule.

    Args:
        letter: the letter.
        config: the workspace settings, whose people (:func:`people_phrases`) are public too.
    """
    phrases = [letter.area, letter.title, *letter.inspectorates, *people_phrases(config or {})]
    for person in letter.addressees:
        phrases += [person.role, person.name or ""]
    for signatory in letter.signatories:
        phrases += [signatory.inspectorate, signatory.name, signatory.title]
    for day in (letter.letter_date, letter.publication_date, letter.statement_of_action_date):
        phrases += [format_date(day), day.isoformat()]
    for day in (letter.fieldwork_start, letter.fieldwork_end):
        phrases += [format_date(day), f"{day.day} {day:%B}", day.isoformat()]
    return [p for p in phrases if p]


def _lower_first(text: str) -> str:
    text = " ".join(text.split())
    # keep acronyms (CSE, MASH) as they are
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]

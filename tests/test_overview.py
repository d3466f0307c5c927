"""The thematic overview across workspaces: figures, refusals, read-only reading, the guard."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from _score_helpers import FW, hand_case, judge
from pypdf import PdfReader

from jtai import workspace
from jtai.frameworks import load_framework
from jtai.report.overview import read_areas, summarise
from jtai.scoring import judgements
from jtai.scoring.judgements import AREA_AUDIT, Rater

GOOD, RI, INADEQUATE, OUTSTANDING = "good", "requires_improvement", "inadequate", "outstanding"
AUDITOR = Rater("Area auditor", "local")


def _missing(child: str, *days: str) -> list[tuple[str, str, str, str]]:
    """Police records of ``child`` reported missing on each day."""
    return [("police", "missing_episode", day, child) for day in days]


def _area(
    root: Path,
    name: str,
    grades: list[tuple[str, str, str, str]],
    answers: list[tuple[str, str]],
    findings: str = "",
    framework: str = "exploitation-2018",
    records: Sequence[tuple[str, str, str, str]] = (),
    audits: Sequence[tuple[str, str, str, str]] = (),
) -> Path:
    """A workspace for ``name`` with the given (case, criterion, agency, grade) judgements, records
    (agency, event type, date, child id) and the area's own audits (case, criterion, agency, grade)."""
    ws = workspace.create(
        root / name.lower(), area=name, framework=framework, fieldwork_start=dt.date(2018, 3, 19)
    )
    conn = ws.connect()
    try:
        for case in sorted({c for c, *_ in grades} | {c for c, _ in answers} | {c for c, *_ in audits}):
            hand_case(conn, case, root=ws.root)
        for case, criterion, agency, value in grades:
            judge(conn, case, criterion, agency, value, root=ws.root)
        for case, answer in answers:
            judge(conn, case, "case_question", "all", answer, root=ws.root)
        for case, criterion, agency, value in audits:
            judgements.record(
                conn, FW, case_ref=case, criterion=criterion, agency=agency, value=value, note="audited",
                rater=AUDITOR, source=AREA_AUDIT, root=ws.root,
            )  # fmt: skip
    finally:
        conn.close()
    # raw SQL with the few columns a record must have: ingest is not what these tests are about
    raw = sqlite3.connect(ws.root / "jtai.db")
    raw.executemany(
        "INSERT INTO records (file_id, sheet, source_row, agency, event_type, event_date, child_id) "
        "VALUES (0, '', ?, ?, ?, ?, ?)",
        [(n + 2, *record) for n, record in enumerate(records)],
    )
    raw.commit()
    raw.close()
    if findings:
        (ws.root / "findings.yaml").write_text(findings, encoding="utf-8")
    return ws.root


def _findings(*items: tuple[str, str]) -> str:
    lines = ["headline: The partnership protects children.", "findings:"]
    for i, (kind, criterion) in enumerate(items):
        lines += [
            f"  - id: f{i}",
            f"    kind: {kind}",
            f"    criteria: [{criterion}]",
            "    agencies: [police]",
            "    text: Practice was as the criterion describes.",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    """Three small areas on one framework with grades, indicator records and the areas' own
    audits counted by hand in the tests (fieldwork starts 19 March 2018 in each)."""
    a = _area(
        tmp_path,
        "Avonmouth",
        [
            ("CASE-A1", "FD1", "police", GOOD),
            ("CASE-A2", "FD1", "police", RI),
            ("CASE-A1", "FD1", "health", INADEQUATE),
        ],
        [("CASE-A1", "yes"), ("CASE-A2", "no")],
        _findings(("strength", "FD1"), ("improvement", "FD2")),
        # missing on three days in the 12 months: a1 (a same-day second record counts once); a2 once
        records=[
            *_missing("a1", "2018-01-05", "2018-01-12", "2018-02-02"),
            ("csc", "missing_episode", "2018-01-05", "a1"),
            *_missing("a2", "2018-02-10"),
        ],
        # the area one step above the inspectors twice, level once; FD2 has no inspectors' grade
        audits=[
            ("CASE-A1", "FD1", "police", OUTSTANDING),
            ("CASE-A2", "FD1", "police", GOOD),
            ("CASE-A1", "FD1", "health", INADEQUATE),
            ("CASE-A2", "FD2", "police", GOOD),
        ],
    )
    b = _area(
        tmp_path,
        "Brigstock",
        [
            ("CASE-B1", "FD1", "police", GOOD),
            ("CASE-B2", "FD1", "police", GOOD),
            ("CASE-B3", "FD1", "police", OUTSTANDING),
        ],
        [("CASE-B1", "partly"), ("CASE-B2", "yes"), ("CASE-B3", "yes")],
        _findings(("strength", "FD1")),
        # b1 three times (one of them before the 12 months, so twice), b2 three times, b3 and b4 once
        records=[
            *_missing("b1", "2017-03-18", "2017-06-01", "2017-07-01"),
            *_missing("b2", "2017-04-01", "2017-05-01", "2018-03-18"),
            *_missing("b3", "2017-09-09"),
            *_missing("b4", "2018-03-19"),  # the first day of fieldwork: after the period
            *_missing("b4", "2017-12-24"),
        ],
        # one step below the inspectors once, level twice
        audits=[
            ("CASE-B1", "FD1", "police", RI),
            ("CASE-B2", "FD1", "police", GOOD),
            ("CASE-B3", "FD1", "police", OUTSTANDING),
        ],
    )
    c = _area(
        tmp_path,
        "Corfe",
        [("CASE-C1", "FD1", "police", INADEQUATE)],
        [("CASE-C1", "no")],
        _findings(("improvement", "FD2")),
        records=[
            *_missing("c1", "2017-10-01", "2017-11-01", "2017-12-01"),
            *_missing("c2", "2017-10-02", "2017-11-02", "2017-12-02", "2018-01-02"),
            *_missing("c3", "2017-10-03"),
            # Friday's contact decided on Monday (one working day), Wednesday's never
            ("csc", "contact", "2018-03-02", "c1"),
            ("csc", "mash_decision", "2018-03-05", "c1"),
            ("csc", "contact", "2018-03-07", "c2"),
        ],
    )
    return [a, b, c]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_grades_answers_and_recurring_findings_match_hand_counts(three: list[Path]) -> None:
    """Grade counts per area and overall, not-safer shares and recurring findings are as counted by hand."""
    ov = summarise(read_areas(three))
    police = {r.area: r for r in ov.grades if (r.criterion, r.agency) == ("FD1", "police")}
    assert dict(police["Avonmouth"].counts) == {"outstanding": 0, GOOD: 1, RI: 1, INADEQUATE: 0}
    assert (police["Avonmouth"].good, police["Avonmouth"].total) == (1, 2)
    assert (police["Brigstock"].good, police["Brigstock"].total) == (3, 3)
    assert (police["Corfe"].good, police["Corfe"].total) == (0, 1)
    assert dict(police["All areas"].counts) == {"outstanding": 1, GOOD: 3, RI: 1, INADEQUATE: 1}
    assert (police["All areas"].good, police["All areas"].total) == (4, 6)
    health = [r for r in ov.grades if (r.criterion, r.agency) == ("FD1", "health")]
    assert [(r.area, r.total) for r in health] == [
        ("Avonmouth", 1),
        ("Brigstock", 0),
        ("Corfe", 0),
        ("All areas", 1),
    ]
    answers = {a.area: a for a in ov.answers}
    assert (answers["Avonmouth"].not_safer, answers["Avonmouth"].total) == (1, 2)
    assert dict(answers["Brigstock"].counts)["yes"] == 2
    assert (answers["All areas"].not_safer, answers["All areas"].total) == (2, 6)
    recurring = {(r.kind, r.criterion): r.areas for r in ov.recurring}
    assert recurring == {
        ("strength", "FD1"): ("Avonmouth", "Brigstock"),
        ("improvement", "FD2"): ("Avonmouth", "Corfe"),
    }


def test_json_carries_counts_and_shares(run, three: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """`jtai overview --json` gives ids, counts and shares an analyst can recompute."""
    result = run("overview", *map(str, three), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["framework"], data["framework_label"]) == (
        "exploitation-2018",
        load_framework("exploitation-2018").title,
    )
    assert data["areas"] == ["Avonmouth", "Brigstock", "Corfe"]
    row = next(
        r
        for r in data["grades"]
        if (r["criterion"], r["agency"], r["area"]) == ("FD1", "police", "All areas")
    )
    assert (row["graded"], row["good_or_better"], row["share_good_or_better"]) == (6, 4, round(4 / 6, 4))
    recurring = [(f["kind"], f["criterion"]) for f in data["findings"] if f["recurring"]]
    assert recurring == [("strength", "FD1"), ("improvement", "FD2")]


def test_reading_changes_nothing_in_any_workspace(run, three: list[Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every file of every workspace is byte for byte the same after an overview, and no file is added."""
    # leave changes in one store's write-ahead log, as a workspace in use has
    conn = sqlite3.connect(three[0] / "jtai.db")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO meta (key, value) VALUES ('overview-test', 'pending')")
    conn.commit()
    before = [_digests(folder) for folder in three]
    result = run("overview", *map(str, three), "--html", str(tmp_path / "o.html"))
    conn.close()
    assert result.exit_code == 0, result.output
    # the pending change was read (the copy of the log) and nothing was changed or added
    assert [_digests(folder) for folder in three[1:]] == before[1:]


def test_report_renders_pdf_and_html(run, three: list[Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The PDF opens, holds the headings and the areas, and is dated by the inspections; files are 0600."""
    pdf, html = tmp_path / "overview.pdf", tmp_path / "overview.html"
    result = run("overview", *map(str, three), "--pdf", str(pdf), "--html", str(html))
    assert result.exit_code == 0, result.output
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for heading in (
        "Grades by criterion and agency",
        "Were children safer?",
        "Findings across areas",
        "Indicators side by side",
        "Quality of local audits",
    ):
        assert heading in text
    assert "Avonmouth" in text and "Corfe" in text
    page = html.read_text(encoding="utf-8")
    assert '<th scope="col"' in page and "Brigstock" in page
    assert PdfReader(pdf).metadata["/CreationDate"].startswith("D:20180323")
    assert pdf.stat().st_mode & 0o777 == 0o600


def test_different_frameworks_are_refused(run, three: list[Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A workspace on another framework is exit 8, naming each area's framework."""
    other = _area(tmp_path, "Dunmore", [], [], framework="neglect-2017")
    result = run("overview", str(three[0]), str(other))
    assert result.exit_code == 8
    assert "Avonmouth" in result.stderr and "neglect-2017" in result.stderr


def test_a_folder_that_is_not_a_workspace_is_named(run, three: list[Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A folder that is not a workspace is exit 3, named in the message."""
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    result = run("overview", str(three[0]), str(empty))
    assert result.exit_code == 3
    assert "nothing-here" in result.stderr and "Traceback" not in result.output


def test_one_workspace_or_the_same_twice_is_refused(run, three: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """An overview needs two different workspaces (exit 2 otherwise)."""
    assert run("overview", str(three[0])).exit_code == 2
    twice = run("overview", str(three[0]), str(three[0]) + "/")
    assert twice.exit_code == 2 and "same workspace" in twice.stderr


def test_guard_refuses_an_overview_naming_a_child_of_any_area(  # type: ignore[no-untyped-def]
    run, three: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child loaded in the last area named anywhere in the overview is exit 10, and nothing is written."""
    from jtai.report.overview import document
    from jtai.report.pack_blocks import Part

    raw = sqlite3.connect(three[2] / "jtai.db")
    raw.execute(
        "INSERT INTO records (file_id, sheet, source_row, agency, event_type, first_name, last_name) "
        "VALUES (0, '', 2, 'police', 'contact', 'Jayden', 'Okafor')"
    )
    raw.commit()
    raw.close()
    parts = document.overview_parts
    monkeypatch.setattr(
        document,
        "overview_parts",
        lambda ov, areas: [*parts(ov, areas), Part("x", "Leak", ("Jayden Okafor was seen twice.",))],
    )
    out = tmp_path / "o.html"
    result = run("overview", *map(str, three), "--html", str(out))
    assert result.exit_code == 10, result.output
    assert not out.exists()


def _wilson_text(low: float, high: float) -> str:
    return f"{low:.0%} to {high:.0%}"


def test_indicators_side_by_side_match_hand_counts(three: list[Path]) -> None:
    """Each area's rate and the median of the other areas' are as counted by hand; no data is no rate."""
    ov = summarise(read_areas(three))
    rows = {(r.indicator.id, r.area): r for r in ov.indicators}
    # children missing on three or more days in the 12 months before 19 March 2018
    a, b, c = (rows[("missing_3plus", name)] for name in ("Avonmouth", "Brigstock", "Corfe"))
    assert [(r.rate.numerator, r.rate.denominator) for r in (a, b, c) if r.rate] == [(1, 2), (1, 4), (2, 3)]
    # each median is of the two other areas: (1/4 + 2/3) / 2, (1/2 + 2/3) / 2, (1/2 + 1/4) / 2
    assert a.median_of_others == pytest.approx(11 / 24)
    assert b.median_of_others == pytest.approx(7 / 12)
    assert c.median_of_others == pytest.approx(3 / 8)
    assert a.difference == pytest.approx(1 / 2 - 11 / 24) and c.difference == pytest.approx(2 / 3 - 3 / 8)
    assert (a.others, b.others, c.others) == (2, 2, 2)
    # contacts are loaded in Corfe only: the others have no rate (not 0) and Corfe has no one to compare with
    contacts = [rows[("contact_decision_1wd", name)] for name in ("Avonmouth", "Brigstock", "Corfe")]
    assert [(r.rate.available, r.rate.value) for r in contacts if r.rate] == [
        (False, None),
        (False, None),
        (True, 1 / 2),
    ]
    assert contacts[0].rate is not None and contacts[0].rate.reason == "No contacts are loaded."
    assert contacts[0].median_of_others == pytest.approx(1 / 2) and contacts[0].difference is None
    assert contacts[2].median_of_others is None and contacts[2].others == 0


def test_indicators_part_shows_rates_intervals_and_reasons(three: list[Path]) -> None:
    """The tables give each area's rate with its Wilson interval, the median of the others, and why not."""
    from jtai.report.overview.document import overview_parts

    areas = read_areas(three)
    part = next(p for p in overview_parts(summarise(areas), areas) if p.id == "indicators")
    tables = {sub.id: sub.tables[0] for sub in part.subparts}
    # Wilson 95% intervals of 1 of 2, 1 of 4 and 2 of 3, worked out by hand: 9%-91%, 5%-70%, 21%-94%
    assert tables["indicator-missing_3plus"].rows == (
        ("Avonmouth", "50%", "1 of 2", "9% to 91%", "46% (2 areas)", "+4 points"),
        ("Brigstock", "25%", "1 of 4", "5% to 70%", "58% (2 areas)", "-33 points"),
        ("Corfe", "67%", "2 of 3", "21% to 94%", "38% (2 areas)", "+29 points"),
    )
    assert tables["indicator-contact_decision_1wd"].rows[0] == (
        "Avonmouth",
        "Not available",
        "",
        "No contacts are loaded.",
        "50% (1 area)",
        "",
    )
    assert tables["indicator-contact_decision_1wd"].rows[2][4:] == ("No other area", "")
    # return home interviews are loaded nowhere: the indicator is left out, and said to be
    assert "indicator-rhi_72h" not in tables
    assert any("could be counted in no area" in text for text in part.paragraphs)


def test_an_area_with_its_own_definition_is_shown_but_not_compared(three: list[Path]) -> None:
    """An area redefining an indicator in indicators.yaml is shown but neither compared nor compared with."""
    (three[1] / "indicators.yaml").write_text(
        "indicators:\n"
        "  - id: missing_3plus\n"
        "    title: Children missing at all\n"
        "    kind: repeat\n"
        "    definition: Children reported missing once or more.\n"
        "    start: {event_types: [missing_episode], label: missing episodes}\n"
        "    at_least: 1\n"
        "    period_months: 12\n",
        encoding="utf-8",
    )
    rows = {(r.indicator.id, r.area): r for r in summarise(read_areas(three)).indicators}
    mine = rows[("missing_3plus", "Brigstock")]
    assert (
        mine.own_definition
        and mine.rate is not None
        and (mine.rate.numerator, mine.rate.denominator) == (4, 4)
    )
    assert mine.median_of_others is None and mine.indicator.title.startswith("Children missing three")
    assert rows[("missing_3plus", "Avonmouth")].median_of_others == pytest.approx(2 / 3)  # Corfe's alone
    assert rows[("missing_3plus", "Corfe")].median_of_others == pytest.approx(1 / 2)  # Avonmouth's alone


def test_local_audits_agreement_matches_hand_counts(three: list[Path]) -> None:
    """Pairs, mean steps and the more generous and harsher counts per area and all areas together."""
    ov = summarise(read_areas(three))
    found = {e.area: e for e in ov.audits}
    assert list(found) == ["Avonmouth", "Brigstock", "Corfe", "All areas"]
    avon, brig, corfe, together = found.values()
    assert (avon.audit_grades, avon.paired, avon.unpaired) == (4, 3, 1)
    assert avon.overall is not None and avon.overall.mean_steps == pytest.approx((1 + 1 + 0) / 3)
    assert (avon.overall.more_generous, avon.overall.harsher, avon.overall.same) == (2, 0, 1)
    assert [(r.agency, r.items) for r in avon.agencies] == [("police", 2), ("health", 1)]
    assert brig.overall is not None and brig.overall.mean_steps == pytest.approx(-1 / 3)
    assert (corfe.audit_grades, corfe.paired, corfe.overall) == (0, 0, None)
    # all areas: six pairs, steps +1 +1 0 -1 0 0
    assert together.overall is not None and (together.paired, together.unpaired) == (6, 1)
    assert together.overall.mean_steps == pytest.approx(1 / 6)
    assert (together.overall.more_generous, together.overall.harsher) == (2, 1)
    police = next(r for r in together.agencies if r.agency == "police")
    assert (police.items, police.mean_steps) == (5, pytest.approx(1 / 5))
    assert together.overall.kappa.n_pairs == 6 and together.overall.ac1.value is not None


def test_local_audits_part_names_the_area_without_audits(three: list[Path]) -> None:
    """The table gives each area's pairs and steps, all areas together, and says which area has none."""
    from jtai.report.overview.document import overview_parts

    areas = read_areas(three)
    part = next(p for p in overview_parts(summarise(areas), areas) if p.id == "local-audits")
    assert "No audit of the area's own has been imported for Corfe." in part.paragraphs
    rows = [(r[0], r[1], r[2], r[3], r[6], r[7]) for r in part.tables[0].rows]
    assert rows == [
        ("Avonmouth", "All agencies", "3", "1", "+0.67", "More generous"),
        ("", "Police", "2", "", "+1.00", "More generous"),
        ("", "Health", "1", "", "+0.00", "Neither"),
        ("Brigstock", "All agencies", "3", "0", "-0.33", "Harsher"),
        ("", "Police", "3", "", "-0.33", "Harsher"),
        ("All areas", "All agencies", "6", "1", "+0.17", "More generous"),
        ("", "Police", "5", "", "+0.20", "More generous"),
        ("", "Health", "1", "", "+0.00", "Neither"),
    ]


def test_json_carries_indicators_and_local_audits(run, three: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """`--json` gives each indicator by id and title per area, and each area's audit agreement, named."""
    result = run("overview", *map(str, three), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    row = next(r for r in data["indicators"] if (r["indicator"], r["area"]) == ("missing_3plus", "Brigstock"))
    assert row["indicator_label"] == "Children missing three or more times in 12 months"
    assert (row["numerator"], row["denominator"], row["rate"]) == (1, 4, 0.25)
    assert (row["median_of_others"], row["others"], row["difference"]) == (
        round(7 / 12, 6),
        2,
        round(0.25 - 7 / 12, 6),
    )
    assert row["ci95"] == [round(0.0455872603, 6), round(0.6993581599, 6)]
    none = next(
        r for r in data["indicators"] if (r["indicator"], r["area"]) == ("contact_decision_1wd", "Brigstock")
    )
    assert (none["available"], none["rate"], none["reason"]) == (False, None, "No contacts are loaded.")
    audits = {(r["area"], r["agency"]): r for r in data["local_audits"]}
    corfe = audits[("Corfe", "all")]
    assert (corfe["imported"], corfe["paired"], corfe["mean_steps"]) == (False, 0, None)
    together = audits[("All areas", "all")]
    assert (together["agency_label"], together["paired"], together["direction"]) == (
        "All agencies",
        6,
        "more_generous",
    )
    assert together["mean_steps"] == round(1 / 6, 6) and together["weighted_kappa"]["value"] is not None
    assert audits[("Avonmouth", "health")]["agency_label"] == "Health"


def test_summary_counts_indicators_compared_and_areas_audited(run, three: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """Without --pdf or --html, the summary says how many indicators compare and how many areas audited."""
    result = run("overview", *map(str, three))
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    # only missing_3plus has a rate in two or more areas; Corfe imported no audits
    assert "1 indicator(s) can be set against other areas; 2 of 3 areas have their own audits" in text

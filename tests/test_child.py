"""A child's chronology: events in date order, identifiers by agency, gaps, pseudonyms, exports."""

from __future__ import annotations

import csv
import stat

import pytest

from jtai import audit
from jtai.audit_anchors import anchor
from jtai.errors import NotFoundError, UsageError
from jtai.linkage import link
from jtai.linkage.chronology import Event, chronology, gaps
from jtai.linkage.refs import child_pseudonym, resolve_child
from jtai.store import records
from jtai.store.core import transaction


def _event(record: str, kind: str, date: str, end: str | None = None, flags: str | None = None,
           agency: str = "csc") -> Event:  # fmt: skip
    return Event(record, date, end, agency, kind, kind, None, None, None, None, flags, None)


def test_missing_episode_without_return_interview() -> None:
    """A missing episode needs a return home interview within 72 hours of the return."""
    found = gaps(
        [
            _event("R1", "missing_episode", "2018-01-01", "2018-01-02", agency="police"),
            _event("R2", "missing_episode", "2018-02-01", "2018-02-01", agency="police"),
            _event("R3", "return_home_interview", "2018-02-09"),
            _event("R4", "missing_episode", "2018-03-01", "2018-03-02", agency="police"),
            _event("R5", "return_home_interview", "2018-03-05"),
        ]
    )
    assert [(g.date, g.message, g.records) for g in found] == [
        ("2018-01-02", "Missing episode with no return home interview recorded between the return on "
         "2018-01-02 and the next episode.", ("R1",)),
        ("2018-02-01", "Return home interview 8 days after the return on 2018-02-01 (due within 72 hours).",
         ("R2", "R3")),
    ]  # fmt: skip


def test_late_assessment_icpc_and_missing_screening() -> None:
    """Late assessments and conferences, and exploitation risk with no screening, are gaps."""
    found = gaps(
        [
            _event("R1", "referral", "2018-01-01"),
            _event("R2", "assessment", "2018-01-02", "2018-03-30"),
            _event("R3", "strategy_discussion", "2018-02-01"),
            _event("R4", "icpc", "2018-03-01"),
            _event("R5", "police_incident", "2018-02-10", flags="cse;missing", agency="police"),
        ]
    )
    assert [g.kind for g in found] == ["assessment", "icpc", "exploitation_screening"]
    assert found[0].message == (
        "Assessment completed 63 working days after the referral on 2018-01-01 (within 45 expected)."
    )
    assert found[1].message == (
        "Initial child protection conference 20 working days after the strategy discussion on "
        "2018-02-01 (within 15 expected)."
    )
    assert found[2].message == (
        "Police recorded child sexual exploitation risk on 2018-02-10 with no exploitation "
        "screening within 28 days."
    )


def test_timely_work_leaves_no_gap() -> None:
    """Work done in time gives no gaps."""
    assert (
        gaps(
            [
                _event("R1", "missing_episode", "2018-01-01", "2018-01-02", agency="police"),
                _event("R2", "return_home_interview", "2018-01-04"),
                _event("R3", "referral", "2018-01-01"),
                _event("R4", "assessment", "2018-01-03", "2018-01-20"),
                _event("R5", "exploitation_screening", "2018-01-25"),
                _event("R6", "police_incident", "2018-02-10", flags="cse", agency="police"),
            ]
        )
        == []
    )


@pytest.fixture
def child(ws):
    """One child known to police and children's social care, linked."""
    conn = ws.connect()
    person = {"first_name": "Maya", "last_name": "Oakby", "dob": "2004-05-06", "sex": "female",
              "postcode": "SB2 3CD", "nhs_number": "9434765919", "pnc_id": "18/123456A"}  # fmt: skip
    police = records.insert_records(
        conn,
        [
            {
                **person,
                "agency_person_id": "P77",
                "event_type": "missing_episode",
                "event_date": "2018-01-05",
                "end_date": "2018-01-06",
                "details": "Maya found at a friend's address",
            },
        ],
        file_name="police.csv",
        agency="police",
    )
    csc = records.insert_records(
        conn,
        [
            {
                **person,
                "agency_person_id": "C1",
                "la_child_id": "LA1",
                "event_type": "referral",
                "event_date": "2018-01-03",
            },
            {
                **person,
                "agency_person_id": "C1",
                "la_child_id": "LA1",
                "event_type": "return_home_interview",
                "event_date": "2018-01-08",
                "details": "Maya Oakby (dob 06/05/2004, NHS 943 476 5919) seen at home, SB2 3CD; "
                "her friend (NHS 999 356 2548) lives at sb99zz. Born 6th May 2004; PNC 18-123456a.",
            },
        ],
        file_name="csc.csv",
        agency="csc",
    )
    link(ws, conn)
    return ws, conn, police + csc


def test_chronology_orders_events_and_lists_identifiers(child) -> None:
    """Events come in date order with their agency; each agency's identifiers are listed."""
    ws, conn, (p, c1, c2) = child
    chron = chronology(ws, conn, resolve_child(ws, conn, f"R{p}"))
    assert [(e.date, e.agency, e.event_type, e.record) for e in chron.events] == [
        ("2018-01-03", "csc", "referral", f"R{c1}"),
        ("2018-01-05", "police", "missing_episode", f"R{p}"),
        ("2018-01-08", "csc", "return_home_interview", f"R{c2}"),
    ]
    assert chron.identifiers["police"]["agency_person_id"] == ["P77"]
    assert chron.identifiers["csc"]["la_child_id"] == ["LA1"]
    assert [g.kind for g in chron.gaps] == ["assessment"]


def test_pseudonymised_chronology_hides_names(child) -> None:
    """With pseudonymise, names become the pseudonym and identifiers are withheld, in free text too."""
    ws, conn, (p, _c1, _c2) = child
    child_id = resolve_child(ws, conn, f"R{p}")
    name = child_pseudonym(ws, child_id)
    chron = chronology(ws, conn, child_id, pseudonymise=True)
    assert chron.identifiers["police"] == {
        "agency_person_id": ["(withheld)"], "nhs_number": ["(withheld)"], "pnc_id": ["(withheld)"],
        "first_name": [name], "last_name": [name], "dob": ["(withheld)"], "postcode": ["(withheld)"],
    }  # fmt: skip
    assert chron.events[1].details == f"{name} found at a friend's address"
    assert chron.events[2].details == (
        f"{name} {name} (dob (date of birth withheld), NHS (identifier withheld)) seen at home, "
        "(postcode withheld); her friend (NHS (identifier withheld)) lives at (postcode withheld). "
        "Born (date of birth withheld); PNC (identifier withheld)."
    )
    assert chronology(ws, conn, child_id).events[2].details.startswith("Maya Oakby (dob 06/05/2004")
    assert resolve_child(ws, conn, name.lower()) == child_id


def test_free_text_the_redactor_cannot_clean_is_withheld_whole() -> None:
    """Text the anonymity guard still finds the child in after redaction is withheld whole."""
    from jtai.linkage.redact import WITHHELD_TEXT, Redactor

    redact = Redactor([{"first_name": "Maya", "last_name": "Oakby", "dob": "2004-05-06", "postcode": None,
                        "agency_person_id": "P77", "la_child_id": None, "nhs_number": None, "upn": None,
                        "pnc_id": None}], "C-AAAA-BBBB")  # fmt: skip
    assert redact("Seen with MAYA at 10:00 on 2018-01-05.") == "Seen with C-AAAA-BBBB at 10:00 on 2018-01-05."
    assert redact("Seen with \uff2d\uff41\uff59\uff41 today.") == WITHHELD_TEXT  # full-width letters


def test_child_command_exports_csv_and_html(child, run, tmp_path) -> None:
    """`jtai child` prints the chronology and writes CSV or HTML, readable by the owner only."""
    ws, _conn, (p, _c1, _c2) = child
    conn = ws.connect()
    with transaction(conn):  # a log with an entry, so the export has a head to carry
        audit.append(conn, actor="test", action="test.note", case_ref=None, detail={})
    out = tmp_path / "chron.csv"
    result = run("-w", str(ws.root), "child", f"R{p}", "--export", str(out), "--pseudonymise")
    assert result.exit_code == 0, result.output
    assert "Maya" not in result.stdout
    assert "Referral on 2018-01-03 with no assessment recorded after it." in result.stdout
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["event"] for r in rows] == [
        "Referral to children's social care", "Missing episode", "Return home interview", "assessment",
    ]  # fmt: skip
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    head = anchor(conn)
    assert head is not None and {r["audit_head"] for r in rows} == {head.text}  # the head it was made from
    html = tmp_path / "chron.html"
    result = run("-w", str(ws.root), "child", f"R{p}", "--export", str(html))
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert "<h1>Multi-agency chronology: C-" in text
    assert f'<meta name="jtai-audit-head" content="{head.text}">' in text
    assert "Maya found at a friend&#39;s address" in text


def test_child_command_pseudonymised_html_holds_no_identifier(child, run, tmp_path) -> None:
    """A pseudonymised HTML chronology has no name, identifier, date of birth or postcode of the child."""
    ws, _conn, (p, _c1, _c2) = child
    out = tmp_path / "ch.html"
    result = run("-w", str(ws.root), "child", f"R{p}", "--pseudonymise", "--export", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for value in (
        "Maya",
        "Oakby",
        "SB2 3CD",
        "sb99zz",
        "943 476 5919",
        "999 356 2548",
        "06/05/2004",
        "6th May",
    ):
        assert value.lower() not in text.lower(), value
    assert "(date of birth withheld)" in text and "(postcode withheld)" in text


def test_child_export_refuses_an_existing_file_without_force(child, run, tmp_path) -> None:
    """`jtai child --export` onto an existing file exits 8 and keeps it; --force overwrites it."""
    ws, _conn, (p, _c1, _c2) = child
    out = tmp_path / "ch.csv"
    out.write_text("mine", encoding="utf-8")
    result = run("-w", str(ws.root), "child", f"R{p}", "--export", str(out))
    assert result.exit_code == 8
    assert (
        result.stderr == f"Error: {out} already exists. Give --force to overwrite it, or name another file.\n"
    )
    assert out.read_text(encoding="utf-8") == "mine"
    assert run("-w", str(ws.root), "child", f"R{p}", "--export", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("date,end_date,agency")


def test_child_command_json(child, run) -> None:
    """`jtai child --json` gives the events, gaps and agencies as data."""
    ws, _conn, (p, _c1, _c2) = child
    result = run("-w", str(ws.root), "child", f"R{p}", "--json")
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    assert data["agencies"] == ["csc", "police"]
    assert [e["event_type"] for e in data["events"]] == [
        "referral",
        "missing_episode",
        "return_home_interview",
    ]


def test_child_refs_that_do_not_exist(child, run) -> None:
    """Unknown records and pseudonyms, and malformed references, fail with a clear sentence."""
    ws, conn, _ids = child
    with pytest.raises(NotFoundError, match="There is no record R999"):
        resolve_child(ws, conn, "R999")
    with pytest.raises(UsageError, match="neither a child's pseudonym"):
        resolve_child(ws, conn, "Maya")
    result = run("-w", str(ws.root), "child", "C-0000-0000")
    assert result.exit_code == 7
    assert result.stderr == "Error: No child in this workspace is called C-0000-0000. Check the pseudonym.\n"
    result = run("-w", str(ws.root), "child", "R1", "--export", str(ws.root / "x.pdf"))
    assert result.exit_code == 2


def test_csv_exports_write_formula_text_as_text(ws, run, tmp_path) -> None:
    """Free text that a spreadsheet would run as a formula is written with a leading apostrophe."""
    conn = ws.connect()
    ids = records.insert_records(
        conn,
        [
            {
                "agency_person_id": "=HYPERLINK(1)",
                "la_child_id": "LA9",
                "event_type": "referral",
                "event_date": "2018-01-03",
                "details": '=HYPERLINK("http://x","y")',
                "team": "+Duty",
            }
        ],
        file_name="csc.csv",
        agency="csc",
    )
    link(ws, conn)
    chron, links = tmp_path / "chron.csv", tmp_path / "links.csv"
    assert run("-w", str(ws.root), "child", f"R{ids[0]}", "--export", str(chron)).exit_code == 0
    row = next(csv.DictReader(chron.read_text(encoding="utf-8").splitlines()))
    assert (row["details"], row["team"]) == ('\'=HYPERLINK("http://x","y")', "'+Duty")
    assert run("-w", str(ws.root), "link", "export", str(links)).exit_code == 0
    row = next(csv.DictReader(links.read_text(encoding="utf-8").splitlines()))
    assert row["record"] == f"R{ids[0]}"
    assert "'=HYPERLINK(1)" in row.values()

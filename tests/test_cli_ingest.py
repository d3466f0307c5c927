"""`jtai load`, `jtai quarantine` and `jtai profile` on the command line."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

from jtai.errors import ExitCode

DATA = Path(__file__).resolve().parent / "data" / "ingest"
ANNEX_A = DATA / "liia-tools-Annex_A.xlsx"
CORPUS = DATA / "corpus"


def test_load_prints_the_reconciliation(run, ws) -> None:
    """The table lists each sheet; the closing line says read = accepted + quarantined."""
    result = run("--workspace", str(ws.root), "load", str(CORPUS / "bad-dates.csv"), "--agency", "police")
    assert result.exit_code == 0, result.output
    assert "│ bad-dates.csv │ -     │    3 │        1 │           2 │ unparseable_date (2) │" in result.stdout
    assert result.stdout.endswith(
        "Rows read 3 = 1 accepted + 2 quarantined.\nSee the quarantined rows with `jtai quarantine`.\n"
    )


def test_load_annex_a_json(run, ws) -> None:
    """--json gives the reconciliation per file and sheet."""
    result = run("-w", str(ws.root), "load", str(ANNEX_A), "--agency", "csc", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"] == {"rows_read": 59, "accepted": 54, "quarantined": 5}
    (file,) = data["files"]
    assert file["mapping"] == "annex-a"
    assert file["sheets"][6] == {
        "sheet": "List 7",
        "rows_read": 7,
        "accepted": 5,
        "quarantined": 2,
        "reasons": {"birth_after_event": 2},
        "skipped": None,
    }


def test_load_twice_says_nothing_was_added(run, ws) -> None:
    """The second load names the earlier one and adds no rows."""
    run("-w", str(ws.root), "load", str(CORPUS / "tab.tsv"), "--agency", "police")
    result = run("-w", str(ws.root), "load", str(CORPUS / "tab.tsv"), "--agency", "police")
    assert result.exit_code == 0
    assert "tab.tsv: the same content was loaded before (as tab.tsv on " in result.stdout
    assert "Rows read 0 = 0 accepted + 0 quarantined." in result.stdout


def test_unreadable_file_exits_bad_input_and_others_load(run, ws) -> None:
    """One clear error line per unreadable file, exit code 4, the good file loaded."""
    result = run(
        "-w",
        str(ws.root),
        "load",
        str(CORPUS / "empty.csv"),
        str(CORPUS / "semicolon.csv"),
        "--agency",
        "police",
    )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        "Error: empty.csv: the file is empty (0 bytes). Export it again from the source system.\n"
    )
    assert "Rows read 2 = 2 accepted + 0 quarantined." in result.stdout
    assert "Traceback" not in result.output


def test_strict_exits_quarantined(run, ws) -> None:
    """--strict with a quarantined row exits 5 and adds nothing from that file."""
    result = run("-w", str(ws.root), "load", str(CORPUS / "bad-sex.csv"), "--agency", "police", "--strict")
    assert result.exit_code == ExitCode.QUARANTINED
    assert (
        "Rejected: bad-sex.csv: 1 rows quarantined and --strict given; nothing of it was added."
        in result.stderr
    )


def test_load_needs_an_agency(run, ws) -> None:
    """Without --agency the command says how to give it."""
    result = run("-w", str(ws.root), "load", str(CORPUS / "tab.tsv"))
    assert result.exit_code == ExitCode.USAGE
    assert "say whose extracts these are with --agency." in result.stderr


def test_bad_mapping_exits_config(run, ws, tmp_path) -> None:
    """An invalid mapping file exits 6 with its file and line."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text("name: m\nfields: {agency_person_id: ID, event_kind: Type}\n", encoding="utf-8")
    result = run(
        "-w", str(ws.root), "load", str(CORPUS / "tab.tsv"), "--agency", "police", "--mapping", str(mapping)
    )
    assert result.exit_code == ExitCode.CONFIG
    assert f"Error: {mapping}, line 2: fields: unknown canonical field 'event_kind'" in result.stderr


def test_template_writes_the_canonical_header(run, tmp_path, monkeypatch) -> None:
    """--template AGENCY writes AGENCY-template.csv with the canonical columns."""
    monkeypatch.chdir(tmp_path)
    result = run("load", "--template", "health")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "health-template.csv").read_bytes() == (
        b"agency_person_id,la_child_id,nhs_number,upn,pnc_id,first_name,last_name,dob,sex,ethnicity,postcode,"
        b"event_type,event_date,end_date,source,outcome,team,worker,flags,details\r\n"
    )
    again = run("load", "--template", "health")
    assert again.exit_code == ExitCode.CONFLICT


def test_quarantine_shows_and_exports_rows(run, ws, tmp_path) -> None:
    """The quarantine lists file, row, column, value and rule; --export writes raw rows, 0600."""
    run("-w", str(ws.root), "load", str(CORPUS / "bad-postcode.csv"), "--agency", "police")
    shown = run("-w", str(ws.root), "quarantine")
    assert shown.exit_code == 0
    assert "bad-postcode.csv" in shown.stdout and "NOT A POSTCODE" in shown.stdout
    assert "invalid_postcode" in shown.stdout
    target = tmp_path / "q.csv"
    exported = run("-w", str(ws.root), "quarantine", "--export", str(target))
    assert exported.stdout == f"Wrote 1 quarantined rows to {target} (readable by you only).\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with target.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["file"], row["row"], row["column"], row["value"], row["rule"]) == (
        "bad-postcode.csv",
        "3",
        "postcode",
        "NOT A POSTCODE",
        "invalid_postcode",
    )
    assert json.loads(row["raw"])["agency_person_id"] == "P20"


def test_quarantine_json_and_empty(run, ws) -> None:
    """--json gives every row; an empty quarantine says so."""
    assert run("-w", str(ws.root), "quarantine").stdout == "The quarantine is empty.\n"
    run("-w", str(ws.root), "load", str(CORPUS / "bad-sex.csv"), "--agency", "police")
    rows = json.loads(run("-w", str(ws.root), "quarantine", "--json").stdout)
    assert [(r["row"], r["column"], r["value"], r["rule"]) for r in rows] == [(3, "sex", "Q", "unknown_code")]


def test_profile_json_and_table(run, ws) -> None:
    """Profile counts records by event type and the completeness of key fields per agency."""
    run("-w", str(ws.root), "load", str(CORPUS / "bad-nhs.csv"), "--agency", "police")
    data = json.loads(run("-w", str(ws.root), "profile", "--json").stdout)
    assert data == {
        "agencies": {
            "police": {
                "records": 1,
                "event_types": {"missing_episode": 1},
                "completeness": {
                    "nhs_number": 1.0,
                    "dob": 1.0,
                    "first_name": 1.0,
                    "last_name": 1.0,
                    "postcode": 1.0,
                    "la_child_id": 0.0,
                },
                "quarantined": {"invalid_nhs_number": 2},
            }
        }
    }
    table = run("-w", str(ws.root), "profile").stdout
    assert "│ police │       1 │       100% │          100% │" in table
    assert "│ (quarantined: invalid_nhs_number) │       2 │" in table


def test_profile_of_an_empty_workspace(run, ws) -> None:
    """With nothing loaded, profile says how to load."""
    result = run("-w", str(ws.root), "profile")
    assert result.stdout == "No records yet: load extracts with `jtai load FILE --agency AGENCY`.\n"


def test_quarantine_filters_by_rule_file_and_agency(run, ws) -> None:
    """--rule, --file and --agency narrow the rows shown."""
    run(
        "-w",
        str(ws.root),
        "load",
        str(CORPUS / "bad-sex.csv"),
        str(CORPUS / "bad-dates.csv"),
        "--agency",
        "police",
    )
    run("-w", str(ws.root), "load", str(CORPUS / "bad-postcode.csv"), "--agency", "health")

    def rows(*args: str) -> list[tuple[str, int, str]]:
        out = json.loads(run("-w", str(ws.root), "quarantine", "--json", *args).stdout)
        return [(r["file"], r["row"], r["rule"]) for r in out]

    assert rows("--rule", "unparseable_date") == [
        ("bad-dates.csv", 3, "unparseable_date"),
        ("bad-dates.csv", 4, "unparseable_date"),
    ]
    assert rows("--file", "bad-sex.csv") == [("bad-sex.csv", 3, "unknown_code")]
    assert rows("--agency", "health") == [("bad-postcode.csv", 3, "invalid_postcode")]
    assert rows("--agency", "health", "--rule", "unknown_code") == []

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
    """The table lists each sheet; the closing line says read = accepted + quarantined; N field issues."""
    result = run("--workspace", str(ws.root), "load", str(CORPUS / "bad-dates.csv"), "--agency", "police")
    assert result.exit_code == 0, result.output
    assert "\nbad-dates.csv\t-\t3\t2\t1\t1\tunparseable_date (1)\n" in result.stdout  # piped: tab-separated
    assert result.stdout.endswith(
        "Rows read 3 = 2 accepted + 1 quarantined; 1 field issue.\n"
        "See the quarantined rows with `jtai quarantine`.\n"
        "Field issues are bad values of accepted records, kept aside: see them with "
        "`jtai quarantine --issues`.\n"
    )


def test_load_annex_a_json(run, ws) -> None:
    """--json gives the reconciliation per file and sheet."""
    result = run("-w", str(ws.root), "load", str(ANNEX_A), "--agency", "csc", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"] == {
        "rows_read": 59,
        "accepted": 59,
        "quarantined": 0,
        "rejected": 0,
        "field_issues": 15,
    }
    (file,) = data["files"]
    assert (file["mapping"], file["field_issues"]) == ("annex-a", 15)
    assert file["sheets"][6] == {
        "sheet": "List 7",
        "rows_read": 7,
        "accepted": 7,
        "quarantined": 0,
        "rejected": 0,
        "reasons": {},
        "field_issues": 2,
        "field_issue_rules": {"birth_after_event": 2},
        "warnings": [],
        "skipped": None,
    }


def test_load_twice_says_nothing_was_added(run, ws) -> None:
    """The second load names the earlier one and adds no rows."""
    run("-w", str(ws.root), "load", str(CORPUS / "tab.tsv"), "--agency", "police")
    result = run("-w", str(ws.root), "load", str(CORPUS / "tab.tsv"), "--agency", "police")
    assert result.exit_code == 0
    assert "tab.tsv: the same content was loaded before (as tab.tsv on " in result.stdout
    assert result.stdout.endswith("Nothing was added: 1 file was loaded before.\n")


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
    assert result.stdout.endswith(
        "Rows read 2 = 2 accepted + 0 quarantined; 0 field issues, from the 1 file read; "
        "1 file was not loaded (the error printed says why).\n"
    )
    assert "Traceback" not in result.output


def test_strict_exits_quarantined(run, ws) -> None:
    """--strict with a quarantined row exits 5 and adds nothing from that file."""
    result = run(
        "-w", str(ws.root), "load", str(CORPUS / "unknown-event-type.csv"), "--agency", "police", "--strict"
    )
    assert result.exit_code == ExitCode.QUARANTINED
    assert (
        "Rejected: unknown-event-type.csv: 1 of its 2 rows would be quarantined and --strict was given; "
        "nothing of the file was added." in result.stderr
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
        b"address_line_1,address_line_2,town,previous_postcode,former_last_name,email,phone,"
        b"event_type,event_date,end_date,source,outcome,team,worker,flags,details\r\n"
    )
    again = run("load", "--template", "health")
    assert again.exit_code == ExitCode.CONFLICT


def test_quarantine_shows_and_exports_rows(run, ws, tmp_path) -> None:
    """The quarantine lists file, row, column, value and rule; --export writes raw rows, 0600."""
    run("-w", str(ws.root), "load", str(CORPUS / "unknown-event-type.csv"), "--agency", "police")
    shown = run("-w", str(ws.root), "quarantine")
    assert shown.exit_code == 0
    assert "unknown-event-type.csv" in shown.stdout and "burglary" in shown.stdout
    assert "unknown_code" in shown.stdout
    target = tmp_path / "q.csv"
    exported = run("-w", str(ws.root), "quarantine", "--export", str(target))
    assert exported.stdout == f"Wrote 1 quarantined rows to {target} (readable by you only).\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with target.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["file"], row["row"], row["column"], row["value"], row["rule"]) == (
        "unknown-event-type.csv",
        "3",
        "event_type",
        "burglary",
        "unknown_code",
    )
    assert json.loads(row["raw"])["agency_person_id"] == "P14"


def test_quarantine_issues_shows_and_exports_field_issues(run, ws, tmp_path) -> None:
    """A bad postcode is a field issue: the record is kept, --issues lists and exports the value."""
    run("-w", str(ws.root), "load", str(CORPUS / "bad-postcode.csv"), "--agency", "police")
    plain = run("-w", str(ws.root), "quarantine")
    assert plain.stdout == (
        "The quarantine is empty.\n"
        "The accepted records have 1 field issue (values kept aside): see them with "
        "`jtai quarantine --issues`.\n"
    )
    shown = run("-w", str(ws.root), "quarantine", "--issues")
    assert "NOT A POSTCODE" in shown.stdout and "invalid_postcode" in shown.stdout
    target = tmp_path / "i.csv"
    exported = run("-w", str(ws.root), "quarantine", "--issues", "--export", str(target))
    assert exported.stdout == f"Wrote 1 field issues to {target} (readable by you only).\n"
    with target.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["file"], row["row"], row["column"], row["field"], row["value"], row["rule"]) == (
        "bad-postcode.csv",
        "3",
        "postcode",
        "postcode",
        "NOT A POSTCODE",
        "invalid_postcode",
    )
    data = json.loads(
        run("-w", str(ws.root), "quarantine", "--issues", "--json", "--agency", "Police").stdout
    )
    assert [(r["row"], r["field"], r["value"]) for r in data] == [(3, "postcode", "NOT A POSTCODE")]
    none = run("-w", str(ws.root), "quarantine", "--issues", "--rule", "excel_error")
    assert none.stdout == "No field issues match --rule excel_error; there are 1 in all.\n"


def test_quarantine_json_and_empty(run, ws) -> None:
    """--json gives every row; an empty quarantine says so."""
    assert run("-w", str(ws.root), "quarantine").stdout == "The quarantine is empty.\n"
    run("-w", str(ws.root), "load", str(CORPUS / "missing-required.csv"), "--agency", "police")
    rows = json.loads(run("-w", str(ws.root), "quarantine", "--json").stdout)
    assert [(r["row"], r["column"], r["value"], r["rule"]) for r in rows] == [
        (3, "agency_person_id", "", "missing_required"),
        (4, "event_type", "", "missing_required"),
    ]


def test_profile_json_and_table(run, ws) -> None:
    """Profile counts records by event type and the completeness of key fields per agency."""
    run("-w", str(ws.root), "load", str(CORPUS / "bad-nhs.csv"), "--agency", "police")
    data = json.loads(run("-w", str(ws.root), "profile", "--json").stdout)
    assert data == {
        "agencies": {
            "police": {
                "records": 3,
                "event_types": {"arrest": 2, "missing_episode": 1},
                "completeness": {
                    "nhs_number": 0.3333,
                    "dob": 1.0,
                    "first_name": 1.0,
                    "last_name": 1.0,
                    "postcode": 0.3333,
                    "la_child_id": 0.0,
                },
                "quarantined": {},
                "field_issues": {"invalid_nhs_number": 2},
            }
        }
    }
    table = run("-w", str(ws.root), "profile").stdout
    assert "Field\tpolice\nRecords\t3\nNHS number\t33%\nDate of birth\t100%\n" in table
    assert "\n(field issue: invalid_nhs_number)\t2\n" in table


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
        str(CORPUS / "unknown-event-type.csv"),
        str(CORPUS / "bad-dates.csv"),
        "--agency",
        "police",
    )
    run("-w", str(ws.root), "load", str(CORPUS / "future-date.csv"), "--agency", "health")

    def rows(*args: str) -> list[tuple[str, int, str]]:
        out = json.loads(run("-w", str(ws.root), "quarantine", "--json", *args).stdout)
        return [(r["file"], r["row"], r["rule"]) for r in out]

    assert rows("--rule", "unparseable_date") == [("bad-dates.csv", 4, "unparseable_date")]
    assert rows("--file", "unknown-event-type.csv") == [("unknown-event-type.csv", 3, "unknown_code")]
    assert rows("--agency", "health") == [("future-date.csv", 3, "date_in_future")]
    assert rows("--agency", "HEALTH") == [("future-date.csv", 3, "date_in_future")]
    assert rows("--agency", "health", "--rule", "unknown_code") == []


def _unreadable(path: Path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """``path`` with mode 000; as root (who reads anything), reading it is refused the same way."""
    import os

    path.chmod(0)
    if os.geteuid() == 0:
        real_read, real_access = Path.read_bytes, os.access

        def read_bytes(self: Path) -> bytes:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_read(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
        monkeypatch.setattr(
            os, "access", lambda p, mode, **kw: Path(p) != path and real_access(p, mode, **kw)
        )
    return path


def test_an_unreadable_file_is_one_error_and_the_others_load(run, ws, tmp_path, monkeypatch) -> None:
    """A file without read permission is an error of its own, like a missing file; the rest load."""
    locked = tmp_path / "unreadable.csv"
    locked.write_bytes((CORPUS / "tab.tsv").read_bytes())
    _unreadable(locked, monkeypatch)
    result = run("-w", str(ws.root), "load", str(CORPUS / "semicolon.csv"), str(locked), "--agency", "police")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == f"Error: {locked}: cannot be read (Permission denied).\n"
    assert "Rows read 2 = 2 accepted + 0 quarantined; 0 field issues, from the 1 file read; 1 file" in (
        result.stdout
    )


def test_strict_table_footer_and_json_agree(run, ws, tmp_path) -> None:
    """Under --strict a refused file's rows show as rejected in the table, the footer and the JSON."""
    args = [
        "-w",
        str(ws.root),
        "load",
        "--strict",
        str(CORPUS / "duplicate-rows.csv"),
        str(CORPUS / "tab.tsv"),
    ]
    result = run(*args, "--agency", "police")
    assert result.exit_code == ExitCode.QUARANTINED
    assert "\nduplicate-rows.csv\t-\t4\t0\t0\t4\t0\tduplicate_row (2)\n" in (result.stdout)
    assert "\ntab.tsv\t-\t2\t2\t0\t0\t0\t\n" in (result.stdout)
    assert (
        "Rows read 6 = 2 accepted + 0 quarantined + 4 rejected; 0 field issues.\n"
        "Rejected rows are those of files refused under --strict: nothing of those files was added.\n"
    ) in result.stdout
    again = run(
        "-w", str(ws.root), "load", "--strict", str(CORPUS / "duplicate-rows.csv"), "-a", "police", "--json"
    )
    data = json.loads(again.stdout)
    assert data["totals"] == {
        "rows_read": 4,
        "accepted": 0,
        "quarantined": 0,
        "rejected": 4,
        "field_issues": 0,
    }
    (file,) = data["files"]
    assert (file["status"], file["rows_read"], file["accepted"], file["rejected"]) == ("rejected", 4, 0, 4)


def test_annex_a_workbook_as_police_is_a_usage_error(run, ws) -> None:
    """The Annex A workbook under --agency police exits 2 and nothing is stored as police records."""
    result = run("-w", str(ws.root), "load", str(ANNEX_A), "--agency", "police")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith(
        "Error: liia-tools-Annex_A.xlsx: is an Ofsted Annex A workbook (sheets 'List 1', 'List 2', 'List 3', "
        "...), the return of children's social care, so it cannot be loaded as police records. "
        "Load it with --agency csc.\n"
    )
    # the file has rows: the closing line does not suggest otherwise
    assert result.stdout == "Nothing was added: 1 file was not loaded (the error printed says why).\n"


def test_template_force_and_output(run, tmp_path, monkeypatch) -> None:
    """--template refuses to overwrite unless --force; --output names another file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "police-template.csv").write_text("mine\n", encoding="utf-8")
    refused = run("load", "--template", "police")
    assert refused.exit_code == ExitCode.CONFLICT
    assert refused.stderr == (
        "Error: police-template.csv already exists. Name another file with --output, or add --force to "
        "replace it.\n"
    )
    assert run("load", "--template", "police", "--output", "ours.csv").exit_code == 0
    assert (tmp_path / "ours.csv").read_text(encoding="utf-8").startswith("agency_person_id,la_child_id,")
    forced = run("load", "--template", "police", "--force")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "police-template.csv").read_text(encoding="utf-8").startswith("agency_person_id,")
    alone = run("load", "x.csv", "--agency", "police", "--output", "y.csv")
    assert (alone.exit_code, alone.stderr) == (
        ExitCode.USAGE,
        "Error: --output goes with --template only. "
        "Example: jtai load --template police --output police.csv --force\n",
    )


def test_quarantine_limit_must_be_positive(run, ws) -> None:
    """--limit 0 or below is a usage error, not an empty quarantine."""
    run("-w", str(ws.root), "load", str(CORPUS / "missing-required.csv"), "--agency", "police")
    for value in ("0", "-1"):
        result = run("-w", str(ws.root), "quarantine", "--limit", value)
        assert result.exit_code == ExitCode.USAGE
        assert result.stderr == (
            f"Error: --limit must be 1 or more, not {value}. "
            "To see every row, export them: jtai quarantine -o FILE.xlsx.\n"
        )
    one = run("-w", str(ws.root), "quarantine", "--limit", "1")
    assert one.stdout.endswith(
        "Showing the first 1 of 2; export them all with `jtai quarantine -o FILE.xlsx`.\n"
    )
    assert "Showing" not in run("-w", str(ws.root), "quarantine", "--limit", "2").stdout


def test_quarantine_unknown_rule_or_agency_is_a_usage_error(run, ws) -> None:
    """An unknown --rule or --agency lists the valid values."""
    rule = run("-w", str(ws.root), "quarantine", "--rule", "bad_date")
    assert rule.exit_code == ExitCode.USAGE
    assert rule.stderr.startswith("Error: there is no quarantine rule 'bad_date'. Use one of: ragged_row, ")
    agency = run("-w", str(ws.root), "quarantine", "--agency", "fire", "--export", "q.csv")
    assert agency.exit_code == ExitCode.USAGE
    assert agency.stderr == (
        "Error: unknown agency 'fire'. Use one of: csc, police, health, probation, yos, education.\n"
    )


def test_quarantine_filter_matching_nothing_says_so(run, ws) -> None:
    """A filter that matches no row says so, and how many rows the quarantine holds."""
    run("-w", str(ws.root), "load", str(CORPUS / "missing-required.csv"), "--agency", "police")
    result = run("-w", str(ws.root), "quarantine", "--rule", "date_in_future", "--agency", "police")
    assert result.exit_code == 0
    assert result.stdout == (
        "No quarantined rows match --rule date_in_future --agency police; "
        "the quarantine holds 2 rows in all.\n"
    )


def test_mapping_date_format_is_checked_when_read(run, ws, tmp_path) -> None:
    """A date format Python cannot read is a mapping error (exit 6) with its file and line."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "name: m\nfields: {agency_person_id: ID, event_type: Type}\n"
        "date_formats:\n  - '%d.%m.%Y'\n  - '%Q'\n",
        encoding="utf-8",
    )
    result = run(
        "-w", str(ws.root), "load", str(CORPUS / "tab.tsv"), "--agency", "police", "--mapping", str(mapping)
    )
    assert result.exit_code == ExitCode.CONFIG
    assert result.stderr.startswith(
        f"Error: {mapping}, line 5: date_formats.1: the date format '%Q' cannot be read "
        "('Q' is a bad directive in format '%Q'); use strftime codes such as '%d.%m.%Y'."
    )


def test_mapping_date_format_with_a_code_twice_is_a_mapping_error(run, ws, tmp_path) -> None:
    """A date format repeating a code (which Python cannot even compile) exits 6 with file and line."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        'name: m\nfields: {agency_person_id: ID, event_type: Type}\ndate_formats: ["%Y-%m-%d %d"]\n',
        encoding="utf-8",
    )
    result = run(
        "-w", str(ws.root), "load", str(CORPUS / "tab.tsv"), "--agency", "police", "--mapping", str(mapping)
    )
    assert result.exit_code == ExitCode.CONFIG, result.output
    assert result.stderr.startswith(
        f"Error: {mapping}, line 3: date_formats.0: the date format '%Y-%m-%d %d' cannot be read "
        "(the code '%d' is given twice); use strftime codes such as '%d.%m.%Y'."
    )


def test_template_never_replaces_a_workspace_file(run, ws) -> None:
    """`load --template -o jtai.db --force` is refused (exit 8) and the database is kept."""
    before = ws.db_path.read_bytes()
    result = run("-w", str(ws.root), "load", "--template", "police", "-o", str(ws.db_path), "--force")
    assert result.exit_code == 8, result.output
    assert "workspace" in result.stderr
    assert ws.db_path.read_bytes() == before

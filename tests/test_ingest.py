"""Loading extracts: the Annex A fixture, canonical CSVs, de-duplication, --strict, mappings."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import stat
from pathlib import Path

import pytest

from jtai.canonical import CONTACT_FIELDS
from jtai.errors import ConfigError, ExitCode, UsageError
from jtai.ingest import load_files, load_mapping

DATA = Path(__file__).resolve().parent / "data" / "ingest"
ANNEX_A = DATA / "liia-tools-Annex_A.xlsx"
TODAY = dt.date(2026, 1, 1)

# The fixture's rows per list: (read, accepted, quarantined). Every row is accepted; five
# children are born after the event of their row (e.g. a plan starting before the birth
# date): their date of birth is a field issue, the record is kept without it.
ANNEX_A_COUNTS = {
    "List 1": (5, 5, 0),
    "List 2": (5, 5, 0),
    "List 3": (6, 6, 0),
    "List 4": (5, 5, 0),
    "List 5": (5, 5, 0),
    "List 6": (5, 5, 0),
    "List 7": (7, 7, 0),
    "List 8": (5, 5, 0),
    "List 9": (6, 6, 0),
    "List 10": (5, 5, 0),
    "List 11": (5, 5, 0),
}
EVENT_BY_LIST = {
    "List 1": "contact",
    "List 2": "early_help",
    "List 3": "referral",
    "List 4": "assessment",
    "List 5": "section_47",
    "List 6": "child_in_need",
    "List 7": "child_protection_plan",
    "List 8": "looked_after",
    "List 9": "care_leaver",
    "List 10": "adoption",
    "List 11": "adopter",
}


def _db(ws) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(ws.db_path)
    conn.row_factory = sqlite3.Row
    return conn


def _csv(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEADER = "agency_person_id,nhs_number,first_name,last_name,dob,sex,postcode,event_type,event_date,flags"


def test_annex_a_fixture_every_list_accounted_for(ws) -> None:
    """The real Annex A workbook loads all 11 lists with exact counts per list."""
    result = load_files(ws, [ANNEX_A], agency="csc", today=TODAY)
    (file,) = result.files
    assert file.status == "loaded"
    assert file.mapping == "annex-a"
    counts = {s.sheet: (s.rows_read, s.accepted, s.quarantined) for s in file.sheets}
    assert counts == ANNEX_A_COUNTS
    assert (result.rows_read, result.accepted, result.quarantined, result.field_issues) == (59, 59, 0, 15)
    assert dict(file.reasons) == {}
    # List 6's team and worker are #N/A error cells in all 5 rows
    assert {s.sheet: dict(s.issues) for s in file.sheets if s.issues} == {
        "List 4": {"birth_after_event": 1},
        "List 6": {"excel_error": 10},
        "List 7": {"birth_after_event": 2},
        "List 8": {"birth_after_event": 1},
        "List 10": {"birth_after_event": 1},
    }
    with _db(ws) as conn:
        stored = dict(conn.execute("SELECT sheet, count(*) FROM records GROUP BY sheet").fetchall())
        sheets = {
            r["sheet"]: (r["rows_read"], r["rows_accepted"], r["rows_quarantined"])
            for r in conn.execute("SELECT * FROM sheets")
        }
        events = dict(conn.execute("SELECT sheet, event_type FROM records GROUP BY sheet").fetchall())
    assert stored == {k: v[1] for k, v in ANNEX_A_COUNTS.items()}
    assert sheets == ANNEX_A_COUNTS
    assert events == EVENT_BY_LIST


def test_annex_a_values_are_normalised(ws) -> None:
    """IDs lose their .0, codes lose their letter, dates are ISO, the source is canonical."""
    load_files(ws, [ANNEX_A], agency="csc", today=TODAY)
    with _db(ws) as conn:
        first = conn.execute("SELECT * FROM records WHERE sheet = 'List 1' ORDER BY source_row").fetchone()
        no_dob = conn.execute("SELECT dob FROM records WHERE la_child_id = '11973218'").fetchone()
    assert (first["source_row"], first["la_child_id"], first["agency_person_id"]) == (2, "9212044", "9212044")
    assert (first["sex"], first["ethnicity"], first["dob"]) == ("female", "WBRI", "2015-01-25")
    assert (first["event_date"], first["source"], first["subject"]) == ("2020-09-16", "6: Police", "child")
    assert json.loads(first["extra"]) == {"age": pytest.approx(6.138261464750171)}
    assert no_dob["dob"] is None


def test_annex_a_section_47_uses_the_strategy_discussion_date(ws) -> None:
    """List 5's event date is the strategy discussion; ICPC details stay in extra."""
    load_files(ws, [ANNEX_A], agency="csc", today=TODAY)
    with _db(ws) as conn:
        row = conn.execute("SELECT * FROM records WHERE sheet = 'List 5' ORDER BY source_row").fetchone()
    assert (row["event_type"], row["event_date"], row["team"], row["worker"]) == (
        "section_47",
        "2020-09-16",
        "Children with Disabilities Team",
        "Delta Arthur",
    )
    assert json.loads(row["extra"]) == {
        "age": pytest.approx(10.499657768651609),
        "disability": "yes",
        "icpc_date": "2020-10-05",
        "icpc_resulted_in_plan": "yes",
        "icpc_unnecessary": "no",
        "icpcs_last_12_months": 1,
        "s47_last_12_months": 1,
    }


def test_annex_a_looked_after_keeps_missing_and_return_interviews(ws) -> None:
    """List 8 keeps missing/absent counts and return-interview answers in extra."""
    load_files(ws, [ANNEX_A], agency="csc", today=TODAY)
    with _db(ws) as conn:
        row = conn.execute("SELECT * FROM records WHERE la_child_id = '3623204'").fetchone()
    extra = json.loads(row["extra"])
    assert (row["event_date"], row["end_date"]) == ("2008-10-22", "2020-09-22")
    assert row["outcome"] == "E47: Special Guardianship Orders - relative/friend"
    assert (extra["missing_episodes_12m"], extra["absent_episodes_12m"]) == (0, 0)
    assert extra["placement_postcode"] == "P13 2TR"
    assert row["flags"] is None


def test_annex_a_messy_workbook(ws) -> None:
    """List_N names, title rows, renamed columns, bare codes, serial dates, padded ids all load."""
    result = load_files(ws, [DATA / "corpus" / "annex-a-messy.xlsx"], agency="csc", today=TODAY)
    (file,) = result.files
    by_sheet = {s.sheet: s for s in file.sheets}
    assert by_sheet["Notes"].skipped == "the mapping has no sheet of this name"
    assert (by_sheet["List_1"].rows_read, by_sheet["List_1"].accepted) == (8, 6)
    assert dict(by_sheet["List_1"].reasons) == {"duplicate_row": 1, "missing_required": 1}
    assert dict(by_sheet["List_1"].issues) == {"unknown_code": 2, "unparseable_date": 1}
    assert (dict(by_sheet["List 8"].reasons), dict(by_sheet["List 8"].issues)) == ({}, {"not_a_number": 1})
    with _db(ws) as conn:
        rows = conn.execute(
            "SELECT la_child_id, sex, ethnicity, dob, event_date, source, flags, extra "
            "FROM records ORDER BY id"
        ).fetchall()
        issues = conn.execute(
            "SELECT sheet, source_row, field, value, rule FROM field_issues ORDER BY id"
        ).fetchall()
    assert [tuple(r)[:7] for r in rows] == [
        ("1001", "male", "WBRI", "2010-05-01", "2018-01-10", "6: Police", None),
        ("1002", "female", "WBRI", "2011-03-02", "2018-01-11", "6: Police", None),
        ("1003", "female", "WIRI", "2009-07-06", "2018-01-11", "6: Police", None),
        ("1004", "female", "WBRI", None, "2018-01-12", "6: Police", None),  # its dob: 31/02/2011
        ("1005", "unknown", "WBRI", "2011-01-01", "2018-01-12", "6: Police", None),  # sex: Martian
        ("1006", "male", "WBRI", "2011-01-01", "2018-01-12", None, None),  # source: 99: Pigeon
        ("2001", "female", "WBRI", "2003-01-01", "2017-06-01", None, "missing"),
        ("2002", "male", "APKN", "2004-01-01", "2017-07-01", None, None),
        ("2003", "male", "APKN", "2004-01-01", "2017-07-01", None, None),  # missing episodes: lots
    ]
    assert [tuple(i) for i in issues] == [
        ("List_1", 7, "dob", "31/02/2011", "unparseable_date"),
        ("List_1", 8, "sex", "Martian", "unknown_code"),
        ("List_1", 9, "source", "zz) 99: Pigeon", "unknown_code"),
        ("List 8", 4, "extra.missing_episodes_12m", "lots", "not_a_number"),
    ]
    assert json.loads(rows[6]["extra"])["missing_episodes_12m"] == 3
    assert "missing_episodes_12m" not in json.loads(rows[8]["extra"])
    assert json.loads(rows[6]["extra"])["return_interview_offered"] == "yes"


def test_adopters_are_adults(ws) -> None:
    """List 11 rows are adopters: subject 'adult', no child id, their own id."""
    load_files(ws, [ANNEX_A], agency="csc", today=TODAY)
    with _db(ws) as conn:
        rows = conn.execute(
            "SELECT subject, la_child_id, agency_person_id FROM records WHERE sheet = 'List 11'"
        )
        assert {tuple(r)[:2] for r in rows} == {("adult", None)}


def test_canonical_csv_normalises_identity_fields(ws, tmp_path) -> None:
    """NHS numbers, postcodes, names, sexes and flags are written in one documented form."""
    path = _csv(
        tmp_path / "police.csv",
        HEADER,
        "0042.0,943 476 5919,  Jane\u00a0 Ann ,Smith,03/04/2005,F,sw1a1aa,"
        "Missing episode,2018-01-02,Missing; cse",
    )
    result = load_files(ws, [path], agency="police", today=TODAY)
    assert (result.rows_read, result.accepted, result.quarantined) == (1, 1, 0)
    with _db(ws) as conn:
        row = conn.execute("SELECT * FROM records").fetchone()
    assert dict(row) | {"id": 0, "file_id": 0, "row_hash": 0} == {
        "id": 0,
        "file_id": 0,
        "sheet": "",
        "source_row": 2,
        "agency": "police",
        "subject": "child",
        "agency_person_id": "42",
        "la_child_id": None,
        "nhs_number": "9434765919",
        "upn": None,
        "pnc_id": None,
        "first_name": "Jane Ann",
        "last_name": "Smith",
        "dob": "2005-04-03",
        "sex": "female",
        "ethnicity": None,
        "postcode": "SW1A 1AA",
        "event_type": "missing_episode",
        "event_date": "2018-01-02",
        "end_date": None,
        "source": None,
        "outcome": None,
        "team": None,
        "worker": None,
        "flags": "cse;missing",
        "details": None,
        "extra": None,
        "child_id": None,
        "row_hash": 0,
        **dict.fromkeys(CONTACT_FIELDS),  # none in this layout
    }


def test_unmapped_columns_are_kept_in_extra(ws, tmp_path) -> None:
    """A column the layout does not know is kept, by its header, in extra."""
    path = _csv(tmp_path / "h.csv", "agency_person_id,event_type,Ward,Triage", "H1,ae_attendance,Ward 3,")
    load_files(ws, [path], agency="health", today=TODAY)
    with _db(ws) as conn:
        assert json.loads(conn.execute("SELECT extra FROM records").fetchone()[0]) == {"Ward": "Ward 3"}


def test_loading_the_same_file_twice_adds_nothing(ws, tmp_path) -> None:
    """The second load of the same content is recognised by its hash and adds no rows."""
    path = _csv(tmp_path / "p.csv", HEADER, "P1,,A,B,2005-01-01,F,,arrest,2018-01-01,")
    copy = _csv(tmp_path / "renamed.csv", HEADER, "P1,,A,B,2005-01-01,F,,arrest,2018-01-01,")
    first = load_files(ws, [path], agency="police", today=TODAY)
    again = load_files(ws, [copy, path], agency="police", today=TODAY)
    assert first.files[0].status == "loaded"
    assert [f.status for f in again.files] == ["already_loaded", "already_loaded"]
    assert "the same content was loaded before (as p.csv on " in again.files[0].message
    assert again.rows_read == 0
    with _db(ws) as conn:
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM files").fetchone()[0] == 1


def test_extract_copy_is_named_by_hash_and_private(ws, tmp_path) -> None:
    """The loaded file is copied to extracts/<sha256>.<ext>, mode 0600."""
    path = _csv(tmp_path / "p.csv", HEADER, "P1,,A,B,2005-01-01,F,,arrest,2018-01-01,")
    result = load_files(ws, [path], agency="police", today=TODAY)
    copy = ws.extracts_dir / f"{result.files[0].sha256}.csv"
    assert copy.read_bytes() == path.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_strict_rejects_a_file_with_quarantined_rows(ws, tmp_path) -> None:
    """With strict, a file with any bad row adds nothing; a clean file still loads."""
    bad = _csv(tmp_path / "bad.csv", HEADER, "P1,,A,B,2005-01-01,F,,burglary,2018-01-01,")
    good = _csv(tmp_path / "good.csv", HEADER, "P2,,A,B,2005-01-01,F,,arrest,2018-01-01,")
    result = load_files(ws, [bad, good], agency="police", strict=True, today=TODAY)
    assert [f.status for f in result.files] == ["rejected", "loaded"]
    assert result.files[0].message == (
        "bad.csv: 1 of its 1 row would be quarantined and --strict was given; nothing of the file was added."
    )
    with _db(ws) as conn:
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0


def test_unknown_agency_is_a_usage_error(ws, tmp_path) -> None:
    """An agency outside the six is refused before anything is read."""
    with pytest.raises(UsageError, match="unknown agency 'fire'"):
        load_files(ws, [tmp_path / "x.csv"], agency="fire")


def test_missing_file_is_an_error_and_others_load(ws, tmp_path) -> None:
    """A path that does not exist is one error; the other files still load."""
    good = _csv(tmp_path / "good.csv", HEADER, "P2,,A,B,2005-01-01,F,,arrest,2018-01-01,")
    result = load_files(ws, [tmp_path / "nope.csv", good], agency="police", today=TODAY)
    assert [f.status for f in result.files] == ["error", "loaded"]
    assert result.files[0].message.endswith("nope.csv: cannot be read (No such file or directory).")


def test_user_mapping_renames_recodes_and_reads_date_formats(ws, tmp_path) -> None:
    """A user mapping maps their columns, their codes and their date format."""
    mapping = tmp_path / "ours.yaml"
    mapping.write_text(
        "name: our-police\n"
        "date_formats: ['%d.%m.%Y']\n"
        "recode:\n"
        "  event_type: {MISPER: missing_episode, 'Stop and search': police_incident}\n"
        "  sex: {Bloke: male}\n"
        "fields:\n"
        "  agency_person_id: [Nominal ID]\n"
        "  event_type: [Occurrence type]\n"
        "  event_date: [Occurred]\n"
        "  sex: Gender\n"
        "required: [agency_person_id, event_type]\n",
        encoding="utf-8",
    )
    path = _csv(
        tmp_path / "ours.csv",
        "Nominal ID;Occurrence type;Occurred;Gender;Beat",
        "N1;MISPER;02.01.2018;Bloke;B7",
        "N2;Stop and search;03.01.2018;F;",
    )
    result = load_files(ws, [path], agency="police", mapping=str(mapping), today=TODAY)
    assert (result.accepted, result.quarantined) == (2, 0)
    with _db(ws) as conn:
        rows = [
            tuple(r)
            for r in conn.execute(
                "SELECT agency_person_id, event_type, event_date, sex, extra FROM records ORDER BY id"
            )
        ]
    assert rows == [
        ("N1", "missing_episode", "2018-01-02", "male", '{"Beat": "B7"}'),
        ("N2", "police_incident", "2018-01-03", "female", None),
    ]


def test_mapping_with_unknown_field_names_file_and_line(tmp_path) -> None:
    """An unknown canonical field is reported with the mapping file and its line."""
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("name: x\nfields:\n  agency_person_id: [ID]\n  nhs_no: [NHS]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_mapping(str(mapping))
    assert str(caught.value).startswith(f"{mapping}, line 4: fields: unknown canonical field 'nhs_no'")


def test_mapping_with_bad_yaml_names_file_and_line(tmp_path) -> None:
    """Broken YAML is reported with the file and line."""
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("name: x\nfields:\n  agency_person_id: [ID\n  event_type: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml, line 4: is not valid YAML"):
        load_mapping(str(mapping))


def test_unknown_builtin_mapping_lists_the_builtins() -> None:
    """Naming a mapping that does not exist says which ones do."""
    with pytest.raises(
        ConfigError, match="Use one of: annex-a, csc, education, health, police, probation, yos"
    ):
        load_mapping("nope")


def test_annex_a_list_saved_as_csv(ws, tmp_path) -> None:
    """A list saved alone as 'List 1.csv' is read with the Annex A mapping."""
    path = _csv(
        tmp_path / "List 1.csv",
        "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source",
        "0123,a) Male,a) WBRI,01/02/2010,8,03/01/2018,q) 6: Police",
    )
    result = load_files(ws, [path], agency="csc", today=TODAY)
    assert (result.files[0].mapping, result.accepted) == ("annex-a", 1)
    with _db(ws) as conn:
        row = conn.execute(
            "SELECT la_child_id, sex, dob, event_type, event_date, source FROM records"
        ).fetchone()
    assert tuple(row) == ("123", "male", "2010-02-01", "contact", "2018-01-03", "6: Police")


def test_progress_reports_rows_written(ws, tmp_path) -> None:
    """The progress callback ends at the total of rows accounted for."""
    lines = [f"P{i},,A,B,2005-01-01,F,,arrest,2018-01-01," for i in range(6000)]
    path = _csv(tmp_path / "big.csv", HEADER, *lines, "P1,,A,B,2005-01-01,F,,arrest,2018-01-01,")
    seen: list[tuple[str, int, int]] = []
    result = load_files(ws, [path], agency="police", today=TODAY, progress=lambda *a: seen.append(a))
    assert (result.accepted, result.quarantined) == (6000, 1)
    assert seen[0] == ("Checking big.csv", 0, 6001)
    assert seen[1] == ("Checking big.csv", 6001, 6001)
    assert seen[-1] == ("Writing big.csv", 6001, 6001)
    assert all(done <= total for _, done, total in seen)


def test_canonical_workbook_for_another_agency(ws) -> None:
    """A one-sheet .xlsx in the canonical layout loads like a CSV."""
    result = load_files(ws, [DATA / "corpus" / "xls-renamed.xlsx"], agency="education", today=TODAY)
    assert (result.files[0].mapping, result.files[0].sheets[0].sheet, result.accepted) == (
        "education",
        "Extract",
        2,
    )


def test_rows_loaded_before_from_another_file_are_duplicates(ws, tmp_path) -> None:
    """A re-saved extract (new bytes, same rows) adds nothing: its rows are duplicates of records."""
    first = _csv(
        tmp_path / "march.csv",
        HEADER,
        "P1,,A,B,2005-01-01,F,,arrest,2018-01-01,",
        "P2,,C,D,2006-01-01,M,,arrest,2018-01-02,",
    )
    again = _csv(
        tmp_path / "march-resaved.csv",
        HEADER.replace(",", ";"),
        "P1;;A;B;01/01/2005;F;;arrest;2018-01-01;",
        "P3;;E;F;2007-01-01;M;;arrest;2018-01-03;",
    )
    load_files(ws, [first], agency="police", today=TODAY)
    result = load_files(ws, [again], agency="police", today=TODAY)
    (sheet,) = result.files[0].sheets
    assert (sheet.rows_read, sheet.accepted, sheet.quarantined, dict(sheet.reasons)) == (
        2,
        1,
        1,
        {"duplicate_row": 1},
    )
    with _db(ws) as conn:
        held = conn.execute("SELECT source_row, rule, message, raw FROM quarantine").fetchone()
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 3
    assert tuple(held)[:3] == (
        2,
        "duplicate_row",
        "The same values as record R1 (march.csv, row 2), loaded before; not added again.",
    )
    assert json.loads(held["raw"])["dob"] == "01/01/2005"
    other_agency = load_files(ws, [first.rename(tmp_path / "copy.csv")], agency="health", today=TODAY)
    assert (other_agency.files[0].status, other_agency.files[0].exit_code) == ("error", ExitCode.CONFLICT)


def test_blank_and_delimiter_only_lines_are_not_rows(ws, tmp_path) -> None:
    """Empty lines and lines of commas are skipped; the rows around them keep their numbers."""
    path = tmp_path / "gaps.csv"
    path.write_bytes(
        b"agency_person_id,event_type,event_date\nP1,arrest,2018-01-01\n\n,,\n,\nP2,arrest\nP3,arrest,2018-01-02\n"
    )
    result = load_files(ws, [path], agency="police", today=TODAY)
    assert (result.rows_read, result.accepted, result.quarantined) == (3, 2, 1)
    with _db(ws) as conn:
        assert [r[0] for r in conn.execute("SELECT source_row FROM records ORDER BY id")] == [2, 7]
        assert [tuple(r) for r in conn.execute("SELECT source_row, rule FROM quarantine")] == [
            (6, "ragged_row")
        ]


def _police_file(conn: sqlite3.Connection, digit: str, name: str) -> int:
    """A loaded police file's row, for writing records straight to the store."""
    from jtai.store import records

    return records.add_file(
        conn,
        sha256=digit * 64,
        name=name,
        agency="police",
        mapping="police",
        stored_as=f"extracts/{name}",
        size=1,
        loaded_at="2026-01-01T00:00:00+00:00",
        loaded_by="tester",
    )


def test_record_constants_written_as_given(ws) -> None:
    """Constants of a bulk insert keep quotes and NUL characters exactly as given."""
    from jtai.store import records, transaction

    conn = ws.connect()
    with transaction(conn):
        file_id = _police_file(conn, "0", "x.csv")
        for sheet in ("O'Brien's list", "a\x00b"):
            records.add_records(
                conn,
                ["source_row", "event_type"],
                [(2, "arrest"), (3, "police_incident")],
                constants={"file_id": file_id, "sheet": sheet, "agency": "police", "subject": "child"},
            )
    rows = conn.execute("SELECT file_id, sheet, source_row, agency, event_type FROM records ORDER BY id")
    assert [tuple(r) for r in rows] == [
        (file_id, "O'Brien's list", 2, "police", "arrest"),
        (file_id, "O'Brien's list", 3, "police", "police_incident"),
        (file_id, "a\x00b", 2, "police", "arrest"),
        (file_id, "a\x00b", 3, "police", "police_incident"),
    ]
    conn.close()


def test_record_empty_optional_fields_are_null(ws) -> None:
    """An empty string in an optional field is written as NULL, as None is; other text is kept."""
    from jtai.store import records, transaction

    conn = ws.connect()
    with transaction(conn):
        file_id = _police_file(conn, "1", "y.csv")
        records.add_records(
            conn,
            ["source_row", "event_type", "first_name", "last_name", "details", "extra"],
            [(2, "arrest", "", None, " ", ""), (3, "arrest", "Sam", "", "", '{"a": "b"}')],
            constants={"file_id": file_id, "sheet": "", "agency": "police", "subject": "child"},
        )
    rows = conn.execute("SELECT sheet, first_name, last_name, details, extra FROM records ORDER BY id")
    assert [tuple(r) for r in rows] == [("", None, None, " ", None), ("", "Sam", None, None, '{"a": "b"}')]
    conn.close()


def test_mapping_with_a_misspelt_key_names_it(tmp_path) -> None:
    """A misspelt top-level key is named with its line, not reported as a missing 'sheets'."""
    mapping = tmp_path / "typo.yaml"
    mapping.write_text("name: x\nfeilds:\n  agency_person_id: [ID]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_mapping(str(mapping))
    assert str(caught.value) == (
        f"{mapping}, line 2: feilds: unknown key (check its spelling and indentation). "
        "See docs/ingest.md, 'Mapping files'."
    )
    mapping.write_text("name: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="give 'fields' \\(for a one-table file\\) or 'sheets'"):
        load_mapping(str(mapping))


def test_mapping_flag_recodes_are_checked_and_applied(ws, tmp_path) -> None:
    """A flag recode must name a risk flag; a valid one turns the source's spelling into the flag."""
    mapping = tmp_path / "flags.yaml"
    body = "name: x\nfields: {agency_person_id: ID, event_type: Type, flags: Markers}\n"
    mapping.write_text(body + "recode:\n  flags: {X: not_a_flag}\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"line 3: recode: flags cannot be recoded to 'not_a_flag'; use one of"
    ):
        load_mapping(str(mapping))
    mapping.write_text(body + "recode:\n  flags: {CSE1: cse}\n", encoding="utf-8")
    path = _csv(tmp_path / "p.csv", "ID,Type,Markers", "P1,arrest,CSE1; missing")
    result = load_files(ws, [path], agency="police", mapping=str(mapping), today=TODAY)
    assert (result.accepted, result.quarantined) == (1, 0)
    with _db(ws) as conn:
        assert conn.execute("SELECT flags FROM records").fetchone()[0] == "cse;missing"


def test_mapping_with_a_duplicate_key_is_refused(tmp_path) -> None:
    """A key given twice in a mapping is an error with its line (YAML would keep the last quietly)."""
    mapping = tmp_path / "dup.yaml"
    mapping.write_text(
        "name: x\nfields:\n  agency_person_id: [ID]\n  event_type: [Type]\n  agency_person_id: [Ref]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_mapping(str(mapping))
    assert str(caught.value) == (
        f"{mapping}, line 5: the key 'agency_person_id' is given twice (on lines 3 and 5). "
        "Remove one, or merge them: only one would be read."
    )


def test_date_quarantine_messages_say_what_to_do(ws) -> None:
    """Dates after today, births after the event and ends before the start each come with advice."""
    corpus = DATA / "corpus"
    files = [corpus / n for n in ("future-date.csv", "birth-after-event.csv", "end-before-start.csv")]
    load_files(ws, files, agency="police", today=TODAY)
    with _db(ws) as conn:
        rows = conn.execute("SELECT rule, message FROM quarantine WHERE rule != 'duplicate_row'")
        messages = dict(rows.fetchall())
        rows = conn.execute("SELECT rule, message FROM field_issues")
        messages |= dict(rows.fetchall())
    assert set(messages) == {"date_in_future", "birth_after_event", "end_before_start"}
    assert messages["date_in_future"].endswith(
        "is after today (2026-01-01); correct the date in the source system and load the row again."
    )
    assert messages["birth_after_event"].endswith(
        "is after the event date; check both dates in the source system, correct the wrong one and "
        "load the row again (a plan made before birth: see docs/ingest.md, Annex A). "
        "The record is kept with this field empty."
    )
    assert messages["end_before_start"].endswith(
        "is before the event date; check both dates in the source system, correct the wrong one and "
        "load the row again. The record is kept with this field empty."
    )

"""Hand-named case references are never names or identifiers; wrong option values are usage errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from _score_helpers import FW, hand_case

from jtai.errors import ExitCode, UsageError
from jtai.scoring import cases, references
from jtai.store import scoring as store_scoring

RATER = ("--inspector", "Ann", "--inspectorate", "ofsted")


def _add_person(conn: sqlite3.Connection, **values: str) -> None:
    """Insert one child's record with identifying columns (raw SQL: ingest is not under test)."""
    raw = sqlite3.connect(conn.execute("PRAGMA database_list").fetchone()[2], isolation_level=None)
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    raw.execute(
        f"INSERT INTO records (file_id, sheet, source_row, agency, event_type, {names}) "
        f"VALUES (0, '', 2, 'csc', 'contact', {marks})",
        list(values.values()),
    )
    raw.close()


def _nothing_written(conn: sqlite3.Connection) -> bool:
    return not store_scoring.case_rows(conn) and store_scoring.audit_tail(conn) is None


@pytest.mark.parametrize(
    ("ref", "looks_like"),
    [
        ("9993562548", "an NHS number, a UPN or another identifier (ten or more digits)"),
        ("999-356-2548", "an NHS number, a UPN or another identifier (ten or more digits)"),
        ("nhs.9993562548", "an NHS number, a UPN or another identifier (ten or more digits)"),
        ("A123456789012", "an NHS number, a UPN or another identifier (ten or more digits)"),
        ("18-123456A", "a PNC id"),
        ("TR1-2AB", "a postcode"),
        ("sw1a1aa", "a postcode"),
        ("2005-04-03", "a date"),
        ("3.4.2005", "a date"),
        ("visit-03042005", "a date"),
    ],
)
def test_identifier_shapes_are_refused(ref: str, looks_like: str) -> None:
    """References shaped like an NHS number, UPN, PNC id, postcode or date are refused with no data."""
    assert references.shape_problem(ref) == looks_like


@pytest.mark.parametrize("ref", ["audit-07", "FD.3", "hand.ref-1", "C-7KQ3-XM9D", "visit-12", "2018-13-45"])
def test_neutral_references_pass(ref: str) -> None:
    """Short neutral references and pseudonyms have no identifying shape."""
    assert references.shape_problem(ref) == ""


def test_cli_refuses_identifier_before_anything_is_written(run, ws) -> None:
    """`jtai score 9993562548 --new` exits 2 with advice, and no case or audit entry is written."""
    result = run("-w", str(ws.root), "score", "9993562548", "--new", *RATER)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines() == [
        "Error: A case reference must never be a name or an identifier, and this one looks like an NHS "
        "number, a UPN or another identifier (ten or more digits). Nothing was saved. Name the child by "
        "pseudonym (e.g. C-7KQ3-XM9D; `jtai sample show` lists them) or by a neutral reference of your "
        "own, such as audit-07 or FD.3."
    ]
    assert "9993562548" not in result.output
    assert _nothing_written(ws.connect())


def test_names_and_identifiers_of_loaded_children_are_refused(run, ws) -> None:
    """A loaded child's surname, full name, identifier or DOB cannot name a case, in any case or spelling."""
    conn = ws.connect()
    _add_person(
        conn, first_name="Jayden", last_name="Brinemore", agency_person_id="P778812", dob="2009-06-01",
        postcode="SB4 1PG", nhs_number="9993562548",
    )  # fmt: skip
    index = references.index_for(conn)
    for ref, kind in (
        ("Brinemore", "name"),
        ("brinemore", "name"),
        ("jayden_brinemore", "name"),
        ("Jayden.Brinemore-2", "name"),
        ("p778812", "identifier"),
        ("P-778812", "identifier"),
    ):
        assert references.records_problem(ref, index) == kind, ref
    assert references.records_problem("audit-07", index) == ""
    result = run("-w", str(ws.root), "score", "Brinemore", "--new", *RATER)
    assert result.exit_code == ExitCode.USAGE
    assert "this one matches a name in the loaded records. Nothing was saved." in result.stderr
    assert "Brinemore" not in result.output
    for ref in ("p778812", "SB41PG", "01.06.2009"):
        assert run("-w", str(ws.root), "score", ref, "--new", *RATER).exit_code == ExitCode.USAGE
    template = run("-w", str(ws.root), "score", "template", "brinemore", "--new")
    assert template.exit_code == ExitCode.USAGE and template.stdout == ""
    with pytest.raises(UsageError, match="matches an identifier"):
        cases.resolve(conn, ws.key, "P778812", by="Ann", add=True)
    assert _nothing_written(conn)
    assert hand_case(conn, "audit-07") == "audit-07"  # a neutral reference is still accepted


def test_import_refuses_identifying_new_case(run, ws, tmp_path: Path) -> None:
    """An import naming a new case by an NHS number lists the row (exit 4) and writes nothing."""
    path = tmp_path / "j.csv"
    path.write_text(
        "case,criterion,agency,grade,note\n9993562548,FD1,police,good,\naudit-07,FD1,police,good,\n"
    )
    result = run(
        "-w", str(ws.root), "score", "import", str(path), "--new-cases", "--inspector", "Ann",
        "--inspectorate", "ofsted",
    )  # fmt: skip
    assert result.exit_code == ExitCode.BAD_INPUT
    assert (
        "  row 2: the case reference looks like an NHS number, a UPN or another identifier (ten or more "
        "digits); a reference must never be a name or an identifier." in result.stderr.splitlines()
    )
    assert _nothing_written(ws.connect())


def test_import_refuses_loaded_name_or_id_with_letters_or_digits_added(run, ws, tmp_path: Path) -> None:
    """`LA1000284` holds a loaded child id and `ASHBY2` a loaded surname: both refused on import (exit 4)."""
    _add_person(ws.connect(), first_name="Mia", last_name="Ashby", la_child_id="1000284")
    index = references.index_for(ws.connect())
    for ref, kind in (
        ("LA1000284", "identifier"),
        ("la-10.00284", "identifier"),
        ("1000x284", "identifier"),
        ("ASHBY2", "name"),
        ("x.ashby7b", "name"),
    ):
        assert references.records_problem(ref, index) == kind, ref
    assert references.records_problem("LA1000285", index) == ""
    assert references.records_problem("audit-07", index) == ""
    path = tmp_path / "j.csv"
    path.write_text(
        "case,criterion,agency,grade,note\nLA1000284,FD1,police,good,\nASHBY2,FD1,police,good,\n"
        "audit-07,FD1,police,good,\n"
    )
    result = run(
        "-w", str(ws.root), "score", "import", str(path), "--new-cases", "--inspector", "Ann",
        "--inspectorate", "ofsted",
    )  # fmt: skip
    assert result.exit_code == ExitCode.BAD_INPUT
    lines = result.stderr.splitlines()
    for row, kind in ((2, "an identifier"), (3, "a name")):
        assert (
            f"  row {row}: the case reference matches {kind} in the loaded records; a reference must never "
            "be a name or an identifier." in lines
        )
    assert "LA1000284" not in result.output and "ASHBY2" not in result.output
    assert _nothing_written(ws.connect())


def test_wrong_option_values_exit_2_and_write_nothing(run, ws) -> None:
    """A bad --grade, criterion or agency on the command line is a usage error (2), checked before writing."""
    base = ("-w", str(ws.root), "score", "audit-07", "--new", *RATER)
    bad_grade = run(*base, "--criterion", "DD6", "--agency", "health", "--grade", "bogus")
    assert bad_grade.exit_code == ExitCode.USAGE
    assert bad_grade.stderr.startswith("Error: Grade 'bogus' is not on the scale (outstanding, good, ")
    assert f"`jtai framework show {FW.id}` lists the criteria" in bad_grade.stderr
    bad_criterion = run(*base, "--criterion", "ZZ1", "--agency", "health", "--grade", "good")
    assert bad_criterion.exit_code == ExitCode.USAGE
    assert "Error: Unknown criterion 'ZZ1' in framework exploitation-2018." in bad_criterion.stderr
    no_note = run(*base, "--criterion", "DD6", "--agency", "health", "--grade", "inadequate")
    assert no_note.exit_code == ExitCode.USAGE
    assert _nothing_written(ws.connect())
    hand_case(ws.connect(), "audit-07")
    resolve = run(
        "-w", str(ws.root), "moderate", "resolve", "audit-07", "DD6", "police", "--grade", "good",
        "--inspector", "Lead", "--inspectorate", "ofsted",
    )  # fmt: skip
    assert resolve.exit_code == ExitCode.USAGE
    assert "Agency 'police' is not judged under DD6" in resolve.stderr

"""`jtai unload`: a file loaded the wrong way is removed whole and can be loaded again."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from jtai import audit
from jtai.errors import ConflictError, ExitCode, NotFoundError, UsageError
from jtai.ingest import load_files
from jtai.ingest.unload import unload_files
from jtai.store import records

TODAY = dt.date(2026, 1, 1)
ANNEX_A = Path(__file__).resolve().parent / "data" / "ingest" / "liia-tools-Annex_A.xlsx"
# an education extract: only the rows with a local authority child id pass as csc records
EDUCATION = (
    "agency_person_id,la_child_id,event_type,event_date\n"
    "E1,,exclusion,2018-01-05\n"
    "E2,,attendance_concern,2018-01-06\n"
    "E3,L3,exclusion,2018-01-07\n"
)
POLICE = "agency_person_id,event_type,event_date\nP1,arrest,2018-01-01\nP2,arrest,2018-01-02\n"


def _file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _counts(ws) -> dict[str, int]:  # type: ignore[no-untyped-def]
    tables = ("files", "sheets", "records", "quarantine", "link_pairs", "link_decisions")
    with sqlite3.connect(ws.db_path) as conn:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}


def _sql(ws, statement: str, *args: object) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    with sqlite3.connect(ws.db_path) as conn:
        return list(conn.execute(statement, args))


def _linked(ws, name: str) -> list[int]:  # type: ignore[no-untyped-def]
    """Give the records of a file child ids, and one link pair and decision with a police record."""
    ids = [
        r[0]
        for r in _sql(
            ws, "SELECT r.id FROM records r JOIN files f ON f.id = r.file_id WHERE f.name = ?", name
        )
    ]
    other = _sql(ws, "SELECT min(id) FROM records WHERE agency = 'police'")[0][0]
    with sqlite3.connect(ws.db_path) as conn:
        conn.execute("UPDATE records SET child_id = 'C' || id")
        left, right = sorted((ids[0], other))
        conn.execute("INSERT INTO link_pairs VALUES (?, ?, 0.9, 5.0, 'review', NULL)", (left, right))
        conn.execute(
            "INSERT INTO link_decisions (left_id, right_id, decision, reviewer, decided_at) "
            "VALUES (?, ?, 'same', 'amy', '2026-01-01T00:00:00+00:00')",
            (left, right),
        )
    return ids


def test_unload_then_load_under_the_right_agency(run, ws, tmp_path) -> None:
    """Loaded as csc by mistake: unload removes all of it, then it loads as education."""
    path = _file(tmp_path / "education.csv", EDUCATION)
    police = _file(tmp_path / "police.csv", POLICE)
    run("-w", str(ws.root), "load", str(police), "--agency", "police")
    before = _counts(ws)
    wrong = run("-w", str(ws.root), "load", str(path), "--agency", "csc")
    assert wrong.exit_code == 0, wrong.output
    assert _counts(ws)["records"] == before["records"] + 1
    again = run("-w", str(ws.root), "load", str(path), "--agency", "education")
    assert again.exit_code == ExitCode.CONFLICT
    assert again.stderr.startswith(
        "Error: education.csv: the same content was loaded before as csc records (as education.csv on "
    )
    assert again.stderr.endswith(
        ", mapping csc), not as education; nothing added. If --agency csc was a mistake, remove that "
        f"load with `jtai unload {path}`, then load the file again with --agency education.\n"
    )
    sha = _sql(ws, "SELECT sha256 FROM files WHERE name = 'education.csv'")[0][0]
    removed = run("-w", str(ws.root), "unload", str(path))
    assert removed.exit_code == 0, removed.output
    assert removed.stdout.startswith(
        f"Removed education.csv (csc records, mapping csc, loaded {dt.date.today():%Y-%m-%d}, "
        f"SHA-256 {str(sha)[:12]}): 1 record, 2 quarantined rows, 1 sheet and its copy in extracts/.\n"
    )
    assert _counts(ws) == before
    assert [p.name for p in ws.extracts_dir.iterdir()] == [
        f"{_sql(ws, 'SELECT sha256 FROM files')[0][0]}.csv"
    ]
    right = run("-w", str(ws.root), "load", str(path), "--agency", "education", "--json")
    assert right.exit_code == 0, right.output
    assert json.loads(right.stdout)["totals"] == {
        "rows_read": 3,
        "accepted": 3,
        "quarantined": 0,
        "rejected": 0,
        "field_issues": 0,
    }
    assert _sql(ws, "SELECT agency, count(*) FROM records GROUP BY agency ORDER BY agency") == [
        ("education", 3),
        ("police", 2),
    ]


def test_agency_checks_run_before_the_loaded_before_check(run, ws) -> None:
    """An Annex A workbook loaded as csc, given again as police, is still refused (exit 2)."""
    assert run("-w", str(ws.root), "load", str(ANNEX_A), "--agency", "csc").exit_code == 0
    result = run("-w", str(ws.root), "load", str(ANNEX_A), "--agency", "police")
    assert result.exit_code == ExitCode.USAGE
    assert "is an Ofsted Annex A workbook" in result.stderr
    assert result.stdout == "Nothing was added: 1 file was not loaded (the error printed says why).\n"


def test_loaded_before_under_the_same_agency_says_how_and_what_to_do(ws, tmp_path) -> None:
    """The same file again names the agency and mapping it was loaded with, and how to reload it."""
    path = _file(tmp_path / "police.csv", POLICE)
    load_files(ws, [path], agency="police", today=TODAY)
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert (file.status, file.exit_code) == ("already_loaded", 0)
    assert file.message.startswith("police.csv: the same content was loaded before (as police.csv on ")
    assert file.message.endswith(
        ", police records, mapping police); nothing added. To load it again differently, "
        f"first remove that load with `jtai unload {path}` "
        "(with --force if it has been linked or used since)."
    )


def test_a_linked_file_is_refused_and_nothing_is_removed(run, ws, tmp_path) -> None:
    """Records with child ids and link rows: exit 8, the reason, how to force it; nothing removed."""
    load_files(ws, [_file(tmp_path / "police.csv", POLICE)], agency="police", today=TODAY)
    load_files(ws, [_file(tmp_path / "education.csv", EDUCATION)], agency="education", today=TODAY)
    _linked(ws, "education.csv")
    before = _counts(ws)
    result = run("-w", str(ws.root), "unload", "education.csv")
    assert result.exit_code == ExitCode.CONFLICT
    assert result.stderr == (
        "Error: later work uses what this file brought in (education.csv: 3 of its records linked to "
        "children by `jtai link`, 1 link pair naming its records, 1 review decision naming its records); "
        "nothing was removed. To remove it anyway, add --force: the link pairs and review decisions naming "
        "its records go too; then run `jtai link` again and check samples with `jtai sample verify`.\n"
    )
    assert _counts(ws) == before
    assert len(list(ws.extracts_dir.iterdir())) == 2


def test_force_removes_the_file_and_the_link_rows_naming_its_records(run, ws, tmp_path) -> None:
    """--force: records, link pairs and decisions naming them go; foreign keys hold; what to re-run."""
    load_files(ws, [_file(tmp_path / "police.csv", POLICE)], agency="police", today=TODAY)
    load_files(ws, [_file(tmp_path / "education.csv", EDUCATION)], agency="education", today=TODAY)
    ids = _linked(ws, "education.csv")
    result = run("-w", str(ws.root), "unload", "education.csv", "--force")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "It was in use: 3 of its records linked to children by `jtai link`; 1 link pair naming its records; "
        "1 review decision naming its records.",
        "Also removed, as they named its records: 1 link pair and 1 review decision.",
        "Run `jtai link` again: children were linked with the records removed.",
        "Load the file again with the right --agency (and --mapping): jtai load FILE --agency AGENCY",
    ]
    assert _counts(ws) == {
        "files": 1,
        "sheets": 1,
        "records": 2,
        "quarantine": 0,
        "link_pairs": 0,
        "link_decisions": 0,
    }
    assert _sql(ws, f"SELECT count(*) FROM records WHERE id IN ({', '.join(map(str, ids))})") == [(0,)]
    with sqlite3.connect(ws.db_path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert audit.verify(ws.connect(), ws.root).ok
    (entry,) = audit.entries(ws.connect())
    assert (entry["action"], entry["detail"]["file"], entry["detail"]["records"]) == (
        "extract.unload",
        "education.csv",
        3,
    )
    assert entry["detail"]["forced"].startswith("3 of its records linked to children")


@pytest.mark.parametrize(
    ("work", "phrase"),
    [
        (
            "INSERT INTO samples (kind, framework, seed, parameters, frame_size, frame_hash, linked, "
            "summary, created_by, created_at) "
            "VALUES ('tracked', 'f', 1, '{}', 1, 'h', 0, '{}', 'amy', '2999-01-01T00:00:00+00:00')",
            "1 sample drawn since it was loaded",
        ),
        (
            "INSERT INTO score_cases VALUES ('C-1', NULL, 'sample', 'amy', '2999-01-01T00:00:00.1+00:00')",
            "1 case added since it was loaded",
        ),
    ],
)
def test_samples_and_cases_since_the_load_refuse_it(ws, tmp_path, work, phrase) -> None:
    """A sample drawn or a case added after the load may rest on its records: refused without force."""
    load_files(ws, [_file(tmp_path / "police.csv", POLICE)], agency="police", today=TODAY)
    _sql(ws, work)
    with pytest.raises(ConflictError) as caught:
        unload_files(ws, ["police.csv"])
    assert f"(police.csv: {phrase}); nothing was removed." in str(caught.value)
    assert _counts(ws)["records"] == 2
    (done,) = unload_files(ws, ["police.csv"], force=True)
    assert (done.removed["records"], done.in_use) == (2, True)


def test_ids_of_removed_records_are_never_given_again(ws, tmp_path) -> None:
    """After the newest file is removed, the next load's records take new ids, not the removed ones."""
    load_files(ws, [_file(tmp_path / "police.csv", POLICE)], agency="police", today=TODAY)
    load_files(ws, [_file(tmp_path / "education.csv", EDUCATION)], agency="education", today=TODAY)
    assert _sql(ws, "SELECT max(id) FROM records") == [(5,)]
    unload_files(ws, ["education.csv"])
    load_files(ws, [_file(tmp_path / "more.csv", POLICE.replace("P", "Q"))], agency="police", today=TODAY)
    assert [r[0] for r in _sql(ws, "SELECT id FROM records ORDER BY id")] == [1, 2, 6, 7]
    with ws.connect() as conn:
        assert records.insert_records(conn, [{"first_name": "Ada"}], agency="health") == [8]


def test_files_are_named_by_path_name_or_sha(ws, tmp_path) -> None:
    """A path is found by its content; a name or a SHA-256 prefix too; unknown and ambiguous ones say so."""
    first = _file(tmp_path / "police.csv", POLICE)
    load_files(ws, [first], agency="police", today=TODAY)
    sha = str(_sql(ws, "SELECT sha256 FROM files")[0][0])
    (by_sha,) = unload_files(ws, [sha[:8].upper()])
    assert (by_sha.name, by_sha.removed["records"]) == ("police.csv", 2)
    load_files(ws, [first], agency="police", today=TODAY)
    other = tmp_path / "b"
    other.mkdir()
    load_files(ws, [_file(other / "police.csv", POLICE.replace("P", "Q"))], agency="police", today=TODAY)
    with pytest.raises(UsageError) as ambiguous:
        unload_files(ws, ["police.csv"])
    assert str(ambiguous.value).startswith("police.csv names 2 loaded files: police.csv (police, ")
    changed = _file(tmp_path / "police.csv", POLICE + "P3,arrest,2018-01-03\n")
    with pytest.raises(NotFoundError) as never:
        unload_files(ws, [str(changed)])
    assert str(never.value).startswith(f"{changed}: this content was never loaded (or was removed already). ")
    assert "Loaded as police.csv (police, " in str(never.value)
    with pytest.raises(NotFoundError) as unknown:
        unload_files(ws, ["ghost.csv", str(other / "police.csv")])
    assert str(unknown.value).startswith("ghost.csv: no loaded file has this name or SHA-256. Loaded files: ")
    assert _counts(ws)["files"] == 2  # nothing removed when one of the files is unknown
    (by_path,) = unload_files(ws, [str(other / "police.csv")])
    assert by_path.copy == "removed"


def test_work_done_before_the_load_does_not_hold_it(run, ws, tmp_path) -> None:
    """A sample drawn before the file was loaded could not use it: the file is removed without --force."""
    _sql(
        ws,
        "INSERT INTO samples (kind, framework, seed, parameters, frame_size, frame_hash, linked, summary, "
        "created_by, created_at) VALUES ('tracked', 'f', 1, '{}', 1, 'h', 0, '{}', 'amy', ?)",
        "2000-01-01T00:00:00+00:00",
    )
    path = _file(tmp_path / "police.csv", POLICE)
    load_files(ws, [path], agency="police", today=TODAY)
    result = run("-w", str(ws.root), "unload", str(path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (done,) = data["unloaded"]
    assert (done["file"], done["agency"], done["mapping"], done["copy"]) == (
        "police.csv",
        "police",
        "police",
        "removed",
    )
    assert done["removed"] == {
        "link_pairs": 0,
        "link_decisions": 0,
        "records": 2,
        "quarantined": 0,
        "field_issues": 0,
        "sheets": 1,
    }
    assert set(done["used_by"].values()) == {0}
    assert data["next_steps"] == []


def test_loaded_before_with_another_mapping_says_to_unload_first(ws, tmp_path) -> None:
    """Given again with another --mapping, the message names the mapping it was loaded with, and the new."""
    path = _file(tmp_path / "police.csv", POLICE)
    load_files(ws, [path], agency="police", today=TODAY)
    mapping = _file(
        tmp_path / "ours.yaml",
        "name: ours\nfields: {agency_person_id: agency_person_id, event_type: event_type}\n",
    )
    (file,) = load_files(ws, [path], agency="police", mapping=str(mapping), today=TODAY).files
    assert file.status == "already_loaded"
    assert file.message.endswith(
        f", police records, mapping police); nothing added. To load it again with the mapping {mapping}, "
        f"first remove that load with `jtai unload {path}` "
        "(with --force if it has been linked or used since)."
    )


def test_a_file_whose_records_others_quarantined_rows_repeat_is_refused_even_with_force(
    run, ws, tmp_path
) -> None:
    """Rows set aside as duplicates of its records would be lost: refused (exit 8) unless unloaded with it."""
    first = _file(tmp_path / "police.csv", POLICE)
    second = _file(tmp_path / "police-2.csv", POLICE + "P9,arrest,2018-01-09\n")
    third = _file(tmp_path / "police-3.csv", "agency_person_id,event_type,event_date\nP9,arrest,2018-01-09\n")
    for path in (first, second, third):
        load_files(ws, [path], agency="police", today=TODAY)
    shas = [str(r[0])[:12] for r in _sql(ws, "SELECT sha256 FROM files ORDER BY id")]
    before = _counts(ws)
    assert before["quarantine"] == 3  # two rows of police-2.csv repeat police.csv's; police-3.csv's one
    refused = run("-w", str(ws.root), "unload", str(first), "--force")
    assert refused.exit_code == ExitCode.CONFLICT, refused.output
    message = " ".join(refused.stderr.split())
    assert message.startswith(
        f"Error: police.csv: 2 quarantined rows of police-2.csv (police, {shas[1]}, loaded "
    )
    assert "repeat its records (set aside as duplicates of them) and would be lost with them" in message
    assert f"in the same command: jtai unload {' '.join(shas)}; then load them again." in message
    assert _counts(ws) == before
    with pytest.raises(ConflictError, match=r"1 quarantined row of police-3\.csv"):
        unload_files(ws, [str(first), str(second)])
    assert _counts(ws) == before
    done = run("-w", str(ws.root), "unload", str(first), "police-2.csv", shas[2])
    assert done.exit_code == 0, done.output
    assert {k: v for k, v in _counts(ws).items() if v} == {}


def test_a_too_short_sha_prefix_says_it_needs_8_characters(run, ws, tmp_path) -> None:
    """`jtai unload 47ede`: a loaded file's SHA-256 starts so, but a prefix needs 8 characters (exit 2)."""
    load_files(ws, [_file(tmp_path / "police.csv", POLICE)], agency="police", today=TODAY)
    sha = str(_sql(ws, "SELECT sha256 FROM files")[0][0])
    result = run("-w", str(ws.root), "unload", sha[:5])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert " ".join(result.stderr.split()).startswith(
        f"Error: {sha[:5]}: a SHA-256 prefix needs at least 8 characters; {sha[:5]} starts the SHA-256 of "
        f"police.csv (police, {sha[:12]}, loaded "
    )
    other = "0" if sha[0] != "0" else "1"
    with pytest.raises(NotFoundError, match="no loaded file has this name or SHA-256"):
        unload_files(ws, [other + sha[1:5]])
    assert _counts(ws)["files"] == 1

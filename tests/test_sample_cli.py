"""`jtai sample` end to end on a workspace: draw, show, replace, export, and clear errors."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import pytest
from _sample_helpers import add_children, sample_json

from jtai.errors import ExitCode
from jtai.store import records
from jtai.workspace import Workspace


def test_tracked_sample_is_reproducible_and_explained(run, ws: Workspace) -> None:
    """Same seed and records give the same children; each has a reason; strata are all covered."""
    add_children(ws)
    first = sample_json(run, ws, "tracked", "--seed", "2018")
    again = sample_json(run, ws, "tracked", "--seed", "2018")
    other = sample_json(run, ws, "tracked", "--seed", "2019")
    picks = [m["case"] for m in first["members"] if m["role"] == "pick"]
    assert picks == [m["case"] for m in again["members"] if m["role"] == "pick"]
    assert picks != [m["case"] for m in other["members"] if m["role"] == "pick"]
    assert first["frame_hash"] == again["frame_hash"] and (first["id"], again["id"]) == (1, 2)
    assert (first["seed"], first["frame_size"], first["linked"]) == (2018, 30, True)
    assert len(picks) == 6 and len(first["members"]) == 12
    assert {a["stratum"]: a["picked"] for a in first["summary"]["allocation"]} == {
        "cse": 2,
        "criminal_exploitation": 2,
        "missing": 2,
    }
    assert first["summary"]["explanation"] == (
        "30 of 40 children are eligible; 30 had a theme event or risk flag from 2017-09-19 to 2018-03-18."
    )
    assert first["members"][0]["reason"].endswith("; CSC, police involved")
    assert first["created_by"] and first["created_at"].startswith("20")


def test_tracked_table_output(run, ws: Workspace) -> None:
    """The human output shows the heading, allocation and members with pseudonyms only."""
    add_children(ws)
    result = run(
        "--workspace", str(ws.root), "sample", "tracked", "--seed", "7", "--n", "3", "--reserves", "1"
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(
        "Tracked sample 1 (exploitation-2018): 3 picks and 3 reserves from 30 eligible children."
    )
    assert "Seed 7; frame hash " in out
    assert "criminal exploitation" in out and "Allocation" in out
    assert "Smith" not in out and "L00" not in out


def test_empty_cohort_says_why(run, ws: Workspace) -> None:
    """No eligible child: the error counts the children and says what left them out."""
    conn = ws.connect()
    records.insert_records(
        conn,
        [
            {
                "child_id": "c1",
                "dob": "1990-01-01",
                "event_type": "missing_episode",
                "event_date": "2018-01-01",
            }
        ],
        agency="police",
    )
    conn.close()
    result = run("--workspace", str(ws.root), "sample", "tracked")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr.startswith(
        "Error: No child is eligible for tracking: 0 of 1 children are eligible; 1 had a theme event or risk "
        "flag from 2017-09-19 to 2018-03-18; 1 are outside ages 0-17 on 2018-03-19."
    )


def test_no_records_says_load_first(run, ws: Workspace) -> None:
    """An empty workspace says to load extracts first."""
    result = run("--workspace", str(ws.root), "sample", "front-door")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "No records are loaded in this workspace" in result.stderr
    assert "jtai load" in result.stderr


def test_unlinked_records_are_flagged(run, ws: Workspace) -> None:
    """Without linkage the sample says so, and each record's own id stands for the child."""
    add_children(ws, 8, linked=False)
    data = sample_json(run, ws, "tracked", "--seed", "1")
    assert data["linked"] is False
    assert any(n.startswith("Linkage has not run on 16 records") for n in data["summary"]["notes"])
    assert data["members"][0]["child_id"] is None


def test_replace_swaps_for_a_reserve_of_the_same_stratum(run, ws: Workspace) -> None:
    """Replacing a pick promotes a same-stratum reserve, keeps the rest, and records the reason."""
    add_children(ws)
    before = sample_json(run, ws, "tracked", "--seed", "3")
    target = before["members"][0]
    result = run(
        "--workspace",
        str(ws.root),
        "sample",
        "replace",
        target["case"].lower(),
        "--reason",
        "family declined",
        "--json",
    )
    assert result.exit_code == 0, result.output
    swap = json.loads(result.stdout)
    assert swap["promoted"]["group"] == target["group"]
    after = sample_json(run, ws, "show")
    roles = {m["case"]: m["role"] for m in after["members"]}
    assert roles[target["case"]] == "withdrawn"
    assert roles[swap["promoted"]["case"]] == "pick"
    unchanged = [m["case"] for m in before["members"][1:6]]
    assert all(roles[p] == "pick" for p in unchanged)
    assert after["replacements"][0]["reason"] == "family declined"
    again = run("--workspace", str(ws.root), "sample", "replace", target["case"], "--reason", "x")
    assert again.exit_code == ExitCode.CONFLICT and "already replaced" in again.stderr
    missing = run("--workspace", str(ws.root), "sample", "replace", "C-0000-0000", "--reason", "x")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert missing.stderr.startswith("Error: C-0000-0000 is not in sample 1.")


def test_replace_without_reserves_is_a_conflict(run, ws: Workspace) -> None:
    """With no reserve left in the stratum the replacement is refused with advice."""
    add_children(ws)
    data = sample_json(run, ws, "tracked", "--seed", "3", "--reserves", "0")
    result = run(
        "--workspace", str(ws.root), "sample", "replace", data["members"][0]["case"], "--reason", "x"
    )
    assert result.exit_code == ExitCode.CONFLICT
    assert "No reserve is left in stratum" in result.stderr and "--reserves" in result.stderr


def test_front_door_sample(run, ws: Workspace) -> None:
    """Contacts are stratified by source and outcome, each non-empty stratum gets one, refs are R<id>."""
    add_children(ws)
    data = sample_json(run, ws, "front-door", "--n", "20", "--seed", "5", "--reserves", "1")
    allocation = data["summary"]["allocation"]
    assert len(allocation) == 16 and all(a["picked"] >= 1 for a in allocation)
    assert sum(a["picked"] for a in allocation) == 20
    assert allocation[0]["stratum"] == "police | no further action"
    pick = data["members"][0]
    assert pick["record"].startswith("R") and pick["reason"].startswith("contact from ")
    swap = run("--workspace", str(ws.root), "sample", "replace", pick["record"], "--reason", "duplicate")
    assert swap.exit_code == 0, swap.output
    assert swap.stdout.startswith(f"Replaced {pick['record']} (")


def test_export_csv_pseudonymous_and_with_identifiers(run, ws: Workspace, tmp_path: Path) -> None:
    """CSV export holds pseudonyms only unless asked; identifiers are neutralised; the file is 0600."""
    add_children(ws, 4)
    sample_json(run, ws, "tracked", "--seed", "1", "--n", "4", "--reserves", "0")
    plain = tmp_path / "plain.csv"
    assert run("--workspace", str(ws.root), "sample", "export", str(plain)).exit_code == 0
    rows = list(csv.DictReader(plain.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == [
        "position",
        "role",
        "drawn_as",
        "case",
        "stratum",
        "reason",
        "replaced_because",
        "audit_head",
    ]
    assert "Smith" not in plain.read_text(encoding="utf-8")
    full = tmp_path / "full.csv"
    result = run("--workspace", str(ws.root), "sample", "export", str(full), "--with-identifiers")
    assert result.exit_code == 0, result.output
    assert "never publish it" in result.stderr
    rows = list(csv.DictReader(full.read_text(encoding="utf-8").splitlines()))
    by_la = {r["la_child_id"]: r for r in rows}
    assert by_la["L000"]["first_name"] == "'=HYPERLINK(1)"
    assert by_la["L001"]["agency_person_ids"] == "police:P1; csc:S1"
    assert by_la["L001"]["dob"] == "2002-05-02"
    assert stat.S_IMODE(full.stat().st_mode) == 0o600


def test_export_xlsx_neutralises_formulas(run, ws: Workspace, tmp_path: Path) -> None:
    """XLSX export writes text, never a formula, and records seed and hash on an About sheet."""
    from openpyxl import load_workbook

    add_children(ws, 4)
    data = sample_json(run, ws, "tracked", "--seed", "1", "--n", "4", "--reserves", "0")
    out = tmp_path / "sample.xlsx"
    assert run("--workspace", str(ws.root), "sample", "export", str(out), "--with-identifiers").exit_code == 0
    book = load_workbook(out)
    sheet = book["Sample 1"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)
    about = {r[0].value: r[1].value for r in book["About"].iter_rows()}
    assert about["Seed"] == 1 and about["Frame hash"] == data["frame_hash"]


@pytest.mark.parametrize("name", ["sample.csv", "sample.xlsx"])
def test_export_refuses_an_existing_file_without_force(run, ws: Workspace, tmp_path: Path, name: str) -> None:
    """An existing file is kept and the export refused (exit 8) unless --force is given."""
    add_children(ws, 4)
    sample_json(run, ws, "tracked", "--seed", "1")
    out = tmp_path / name
    out.write_text("mine", encoding="utf-8")
    result = run("--workspace", str(ws.root), "sample", "export", str(out))
    assert result.exit_code == ExitCode.CONFLICT
    assert (
        result.stderr == f"Error: {out} already exists. Give --force to overwrite it, or name another file.\n"
    )
    assert out.read_text(encoding="utf-8") == "mine"
    forced = run("--workspace", str(ws.root), "sample", "export", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert out.read_bytes() != b"mine" and stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_rejects_other_formats(run, ws: Workspace, tmp_path: Path) -> None:
    """A file name that is not .csv or .xlsx is a usage error."""
    add_children(ws, 4)
    sample_json(run, ws, "tracked", "--seed", "1")
    result = run("--workspace", str(ws.root), "sample", "export", str(tmp_path / "x.pdf"))
    assert result.exit_code == ExitCode.USAGE
    assert "a sample export is written as .csv or .xlsx; the name says .pdf" in result.stderr


def test_exclude_file(run, ws: Workspace, tmp_path: Path) -> None:
    """Children named in --exclude are left out; lines that match nobody are reported, not ignored."""
    add_children(ws)
    first = sample_json(run, ws, "tracked", "--seed", "9")
    names = [m["case"] for m in first["members"][:2]]
    listing = tmp_path / "exclude.csv"
    listing.write_text("pseudonym\n" + "\n".join(names) + "\nC-NOPE-NOPE\n", encoding="utf-8")
    data = sample_json(run, ws, "tracked", "--seed", "9", "--exclude", str(listing))
    assert not set(names) & {m["case"] for m in data["members"]}
    assert data["summary"]["cohort"]["excluded"] == 2
    assert f"1 entry of {listing} match no child: lines 4." in data["summary"]["notes"]


def test_show_without_sample_and_missing_fieldwork_start(run, ws: Workspace) -> None:
    """`show` before any draw says how to draw; a blank fieldwork_start is a config error."""
    result = run("--workspace", str(ws.root), "sample", "show", "--kind", "front-door")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "No front-door sample has been drawn" in result.stderr
    text = ws.config_path.read_text(encoding="utf-8").replace(
        "fieldwork_start: 2018-03-19", "fieldwork_start:"
    )
    ws.config_path.write_text(text, encoding="utf-8")
    result = run("--workspace", str(ws.root), "sample", "tracked")
    assert result.exit_code == ExitCode.CONFIG
    assert "fieldwork_start is not set" in result.stderr


@pytest.mark.parametrize("command", ["tracked", "front-door", "size", "replace", "show", "export", "verify"])
def test_help_has_example(run, command: str) -> None:
    """Every sample command documents itself with an example."""
    result = run("sample", command, "--help")
    assert result.exit_code == 0 and "Example: jtai sample" in result.stdout


def test_show_list_and_unknown_sample(run, ws: Workspace) -> None:
    """`show --list` lists every sample with seed and frame; an unknown number is not found."""
    add_children(ws, 10)
    sample_json(run, ws, "tracked", "--seed", "11")
    sample_json(run, ws, "front-door", "--seed", "12", "--n", "5")
    listed = json.loads(run("--workspace", str(ws.root), "sample", "show", "--list", "--json").stdout)
    assert [(s["id"], s["kind"], s["seed"]) for s in listed] == [(1, "tracked", 11), (2, "front_door", 12)]
    table = run("--workspace", str(ws.root), "sample", "show", "--list")
    assert table.exit_code == 0 and "front-door" in table.stdout
    missing = run("--workspace", str(ws.root), "sample", "show", "--sample", "9")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert (
        missing.stderr.strip() == "Error: There is no sample 9. List samples with `jtai sample show --list`."
    )


def test_draws_from_loaded_extracts(run, ws: Workspace) -> None:
    """From the Seaborough extracts loaded by ingest (not linked), both samples draw and explain."""
    from jtai.ingest import load_files

    extracts = Path(__file__).resolve().parents[1] / "sample_data" / "extracts"
    load_files(ws, [extracts / "annex_a.xlsx", extracts / "csc.csv"], agency="csc")
    load_files(ws, [extracts / "police.csv"], agency="police")
    load_files(ws, [extracts / "education.csv"], agency="education")
    tracked = sample_json(run, ws, "tracked", "--seed", "2018")
    assert len([m for m in tracked["members"] if m["role"] == "pick"]) == 6
    assert {a["stratum"]: (a["eligible"], a["picked"]) for a in tracked["summary"]["allocation"]} == {
        "cse": (4, 1),
        "criminal_exploitation": (4, 1),
        "missing": (16, 3),
        "missing_education": (5, 1),
    }
    assert tracked["summary"]["explanation"].startswith("29 of 497 children are eligible; 29 had a theme")
    assert all(m["reason"].count(";") == 1 for m in tracked["members"])
    front = sample_json(run, ws, "front-door", "--seed", "2018", "--n", "20")
    assert sum(a["picked"] for a in front["summary"]["allocation"]) == 20
    sources = {a["stratum"].split(" | ")[0] for a in front["summary"]["allocation"]}
    assert sources == {"police", "schools", "health", "other"}
    assert front["summary"]["explanation"] == (
        # the List 1 contact whose gender is not an Annex A code is kept (a field issue)
        "127 contact and referral records from 2017-09-19 to 2018-03-18; "
        "123 outcomes are taken from what happened next."
    )


def test_seed_out_of_range_is_refused(ws: Workspace) -> None:
    """A seed the store cannot keep is a usage error, not a crash."""
    from jtai.errors import UsageError
    from jtai.sampling import draw_tracked

    add_children(ws, 4)
    with pytest.raises(
        UsageError, match=r"--seed is -1; give a whole number from 0 to 9223372036854775807\."
    ):
        draw_tracked(ws, seed=-1)


def test_verify_reproduces_then_detects_changed_records(run, ws: Workspace, tmp_path: Path) -> None:
    """`verify` redraws a sample (exclusions and replacements included); new records make it fail."""
    add_children(ws)
    listing = tmp_path / "exclude.txt"
    first = sample_json(run, ws, "tracked", "--seed", "4")
    listing.write_text(first["members"][0]["case"] + "\n", encoding="utf-8")
    data = sample_json(run, ws, "tracked", "--seed", "4", "--exclude", str(listing))
    run("--workspace", str(ws.root), "sample", "replace", data["members"][1]["case"], "--reason", "moved")
    ok = run("--workspace", str(ws.root), "sample", "verify")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.replace("\n", " ").startswith(
        "Sample 2 reproduces: the same frame of 29 children (hash "
    )
    add_children(ws, 4, start=100)
    changed = run("--workspace", str(ws.root), "sample", "verify", "--json")
    assert changed.exit_code == ExitCode.CONFLICT
    result = json.loads(changed.stdout)
    assert result["reproduced"] is False and (result["stored_size"], result["current_size"]) == (29, 32)
    assert "does not reproduce from the records now loaded: the frame has changed" in changed.stderr


def test_json_output_holds_no_identifier(run, ws: Workspace) -> None:
    """Before linkage, --json shows pseudonyms and never the LA child ids or person ids behind them."""
    add_children(ws, 8, linked=False)
    result = run("--workspace", str(ws.root), "sample", "tracked", "--seed", "1", "--json")
    assert result.exit_code == 0, result.output
    assert "L00" not in result.stdout and "police:" not in result.stdout and "Smith" not in result.stdout
    assert "child_key" not in json.loads(result.stdout)["members"][0]


def test_export_to_a_missing_folder_and_missing_exclude_file(run, ws: Workspace, tmp_path: Path) -> None:
    """Unwritable export paths and missing --exclude files give one clear line, no traceback."""
    add_children(ws, 4)
    sample_json(run, ws, "tracked", "--seed", "1")
    out = tmp_path / "no" / "such" / "x.csv"
    result = run("--workspace", str(ws.root), "sample", "export", str(out))
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.strip() == (
        f"Error: {out}: cannot be written (No such file or directory). Check the folder exists and is yours."
    )
    missing = run("--workspace", str(ws.root), "sample", "tracked", "--exclude", str(tmp_path / "nope.txt"))
    assert missing.exit_code == ExitCode.USAGE
    assert "does not exist" in missing.stderr and "Traceback" not in missing.output

"""The synthetic area: determinism, layout, truth and the rate of each kind of noise."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from jtai.canonical import CONTACT_FIELDS, EVENT_TYPES, FIELDS, RISK_FLAGS
from jtai.synth import AGENCY_FILES, RATES, TRUTH_COLUMNS, generate, options_for
from jtai.synth.names import NICKNAMES

FIXTURE = Path(__file__).resolve().parent / "data" / "ingest" / "liia-tools-Annex_A.xlsx"


def _digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            sha.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def area(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20,000-child area with the default rates, generated once for this module."""
    out = tmp_path_factory.mktemp("synth") / "area"
    generate(out, options_for(children=20_000, seed=5))
    return out


def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    """Two runs with the same arguments write byte-identical files, and the bytes are pinned."""
    generate(tmp_path / "a", options_for(children=300, seed=1))
    generate(tmp_path / "b", options_for(children=300, seed=1))
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") == "95da5ac64bb39392d8279ffb114bc17f6fef22251e7543adeff0dbb7bb02cd57"


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    """A different seed gives different extracts."""
    generate(tmp_path / "a", options_for(children=300, seed=1))
    generate(tmp_path / "b", options_for(children=300, seed=2))
    assert (tmp_path / "a/extracts/police.csv").read_bytes() != (
        tmp_path / "b/extracts/police.csv"
    ).read_bytes()


def test_csv_extracts_use_the_canonical_layout(area: Path) -> None:
    """Columns are FIELDS less the contact fields (none generated); codes and dates follow the vocabulary."""
    faulty = {(r["file"], r["row"]) for r in _rows(area / "truth/truth.csv") if r["fault"]}
    for name in AGENCY_FILES.values():
        with (area / "extracts" / name).open(encoding="utf-8") as handle:
            assert handle.readline().rstrip("\n") == ",".join(f for f in FIELDS if f not in CONTACT_FIELDS)
        for number, row in enumerate(_rows(area / "extracts" / name), start=2):
            if (name, str(number)) in faulty:
                continue
            assert row["event_type"] in EVENT_TYPES, (name, number)
            flags = [f for f in row["flags"].split(";") if f]
            assert flags == sorted(set(flags)) and set(flags) <= set(RISK_FLAGS), (name, number)
            for field in ("dob", "event_date", "end_date"):
                if row[field]:
                    dt.date.fromisoformat(row[field])
            assert row["sex"] in ("male", "female", "unknown")


def test_workbook_has_the_annex_a_layout(tmp_path: Path) -> None:
    """Lists 1-9 carry the headers of a real Annex A workbook, lettered codes and real dates."""
    from openpyxl import load_workbook

    generate(tmp_path, options_for(children=2000, seed=3))
    ours = load_workbook(tmp_path / "extracts/annex_a.xlsx", read_only=True)
    real = load_workbook(FIXTURE, read_only=True)
    assert ours.sheetnames == [f"List {i}" for i in range(1, 10)]
    for title in ours.sheetnames:
        header = [c.value for c in next(ours[title].iter_rows(max_row=1))]
        expected = [c.value for c in next(real[title].iter_rows(max_row=1))]
        assert header == expected, title
    first = [c for c in next(ours["List 1"].iter_rows(min_row=2, max_row=2))]
    assert first[1].value in ("a) Male", "b) Female", "c) Not stated/recorded")
    assert isinstance(first[3].value, dt.datetime) and first[3].number_format == "DD/MM/YYYY"


def test_truth_names_every_row_and_its_child(area: Path) -> None:
    """truth.csv has a row per extract row, with the same person id; unaltered identities match."""
    truth = _rows(area / "truth/truth.csv")
    children = {r["child_id"]: r for r in _rows(area / "truth/children.csv")}
    assert list(truth[0]) == list(TRUTH_COLUMNS)
    by_file = defaultdict(list)
    for row in truth:
        by_file[row["file"]].append(row)
    for name in AGENCY_FILES.values():
        rows = _rows(area / "extracts" / name)
        assert len(rows) == len(by_file[name])
        for number, (row, true) in enumerate(zip(rows, by_file[name], strict=True), start=2):
            assert true["row"] == str(number)
            assert true["agency_person_id"] == row["agency_person_id"] or true["fault"]
            child = children[true["child_id"]]
            if not true["noise"] and not true["fault"]:
                assert (row["first_name"], row["last_name"], row["dob"], row["postcode"]) == (
                    child["first_name"],
                    child["last_name"],
                    child["dob"],
                    child["postcode"],
                )


def _persons(area: Path) -> dict[tuple[str, str], dict[str, str]]:
    """One truth row (plus the extract's identity) per agency person record."""
    truth = _rows(area / "truth/truth.csv")
    out: dict[tuple[str, str], dict[str, str]] = {}
    for name in AGENCY_FILES.values():
        rows = _rows(area / "extracts" / name)
        for true, row in zip((t for t in truth if t["file"] == name), rows, strict=True):
            if not true["fault"]:
                out[(true["agency"], row["agency_person_id"])] = true | {"nhs": row["nhs_number"]}
    return out


def test_each_noise_kind_occurs_at_its_rate(area: Path) -> None:
    """Every identity noise rate is met within tolerance, over agency person records."""
    persons = _persons(area)
    children = {r["child_id"]: r for r in _rows(area / "truth/children.csv")}
    counts = Counter(kind for p in persons.values() for kind in p["noise"].split(";") if kind)
    total = len(persons)
    for kind in ("typo_first_name", "typo_last_name", "surname_change", "postcode_move"):
        assert counts[kind] / total == pytest.approx(RATES[kind][0], abs=0.006), kind
    nick = [p for p in persons.values() if children[p["child_id"]]["first_name"] in NICKNAMES]
    assert sum("nickname" in p["noise"] for p in nick) / len(nick) == pytest.approx(0.15, abs=0.02)
    swappable = [p for p in persons.values() if _swappable(children[p["child_id"]]["dob"])]
    assert sum("dob_swap" in p["noise"] for p in swappable) / len(swappable) == pytest.approx(0.02, abs=0.006)
    for agency in ("police", "health", "csc", "education"):
        own = [p for p in persons.values() if p["agency"] == agency]
        missing = sum(p["nhs"] == "" for p in own) / len(own)
        assert missing == pytest.approx(RATES[f"nhs_missing.{agency}"][0], abs=0.03), agency
    police = Counter(p["child_id"] for p in persons.values() if p["agency"] == "police")
    assert sum(c == 2 for c in police.values()) / len(police) == pytest.approx(0.05, abs=0.015)


def _swappable(dob: str) -> bool:
    day, month = int(dob[8:]), int(dob[5:7])
    return day <= 12 and day != month


def test_hard_negatives_and_cohort(area: Path) -> None:
    """Twins share surname, birth date and postcode; namesakes share a name; the cohort is ~3%."""
    children = {r["child_id"]: r for r in _rows(area / "truth/children.csv")}
    young = [c for c in children.values() if c["care_leaver"] == "no"]
    twins = [c for c in young if c["twin_of"]]
    assert len(twins) / len(young) == pytest.approx(0.03, abs=0.002)
    for c in twins:
        other = children[c["twin_of"]]
        assert (c["last_name"], c["dob"], c["postcode"]) == (
            other["last_name"],
            other["dob"],
            other["postcode"],
        )
        assert c["first_name"] != other["first_name"]
    namesakes = [c for c in young if c["namesake_of"]]
    assert len(namesakes) / len(young) == pytest.approx(0.02, abs=0.002)
    for c in namesakes:
        other = children[c["namesake_of"]]
        assert (c["first_name"], c["last_name"]) == (other["first_name"], other["last_name"])
        assert c["household"] != other["household"] and c["dob"] != other["dob"]
    cohort = [c for c in young if c["risk_type"]]
    assert len(cohort) == 600
    assert Counter(c["risk_type"] for c in cohort).keys() == {
        "cse",
        "criminal_exploitation",
        "missing",
        "missing_education",
    }


def test_faults_are_injected_and_marked(area: Path) -> None:
    """Each of the 8 documented faults is in its file and marked in truth.csv."""
    import json

    manifest = json.loads((area / "manifest.json").read_text(encoding="utf-8"))
    marked = {
        (r["file"], r["sheet"], int(r["row"]), r["fault"])
        for r in _rows(area / "truth/truth.csv")
        if r["fault"]
    }
    listed = {(f["file"], f["sheet"], f["row"], f["kind"]) for f in manifest["faults"]}
    assert marked == listed and len(listed) == 8
    police = _rows(area / "extracts/police.csv")
    row = next(f["row"] for f in manifest["faults"] if f["file"] == "police.csv")
    assert police[row - 2]["event_date"] == "2018-02-30"


def test_rates_are_checked(tmp_path: Path) -> None:
    """An unknown rate name or a value outside 0-1 is a usage error naming the option."""
    from jtai.errors import UsageError

    with pytest.raises(UsageError, match=r"^--rate 'typo=0\.1' is not NAME=VALUE with a known NAME\."):
        options_for(children=10, seed=1, rates=["typo=0.1"])
    with pytest.raises(UsageError, match=r"^--rate nickname=2: the rate must be a number from 0 to 1\.$"):
        options_for(children=10, seed=1, rates=["nickname=2"])


def test_no_noise_means_identities_are_exact(tmp_path: Path) -> None:
    """With --no-noise every record's identity is the child's true identity."""
    generate(tmp_path, options_for(children=500, seed=4, noise=False, faults=False))
    assert all(not r["noise"] and not r["fault"] for r in _rows(tmp_path / "truth/truth.csv"))


def test_theme_events_belong_to_the_cohort(area: Path) -> None:
    """Only cohort children carry theme flags or missing episodes; each is known to several agencies."""
    children = {r["child_id"]: r for r in _rows(area / "truth/children.csv")}
    theme = {"cse", "criminal_exploitation", "gang", "missing", "child_missing_education"}
    agencies = defaultdict(set)
    for name in AGENCY_FILES.values():
        rows = _rows(area / "extracts" / name)
        for true, row in zip(
            (t for t in _rows(area / "truth/truth.csv") if t["file"] == name), rows, strict=True
        ):
            themed = set(row["flags"].split(";")) & theme or row["event_type"] in (
                "missing_episode",
                "child_missing_education",
            )
            if themed and not true["fault"]:
                assert children[true["child_id"]]["risk_type"], (name, true["row"])
            agencies[true["child_id"]].add(true["agency"])
    cohort = [c for c in children if children[c]["risk_type"]]
    assert all(len(agencies[c]) >= 3 and "csc" in agencies[c] for c in cohort)


def test_cli_writes_the_area_and_reports_json(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`jtai synth --json` writes the files and prints their row counts and faults."""
    import json

    result = run("synth", str(tmp_path / "area"), "--children", "200", "--seed", "9", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["children"] == 200 and len(data["faults"]) == 8
    assert data["records"] == sum(data["rows"].values())
    assert sorted(p.name for p in (tmp_path / "area/extracts").iterdir()) == sorted(
        [*AGENCY_FILES.values(), "annex_a.xlsx"]
    )


def test_cli_rejects_a_bad_rate(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An unknown --rate name is a usage error that lists the known names."""
    result = run("synth", str(tmp_path / "area"), "--rate", "typos=0.1")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: --rate 'typos=0.1' is not NAME=VALUE with a known NAME. Known names:"
    )
    assert not (tmp_path / "area").exists()


def test_cli_refuses_a_file_as_the_output_folder(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """OUT naming an existing file is a usage error, not a traceback."""
    target = tmp_path / "taken.txt"
    target.write_text("x", encoding="utf-8")
    result = run("synth", str(target), "--children", "10")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: {target} is a file, not a folder. Name a folder to write the extracts into.\n"
    )


@pytest.mark.parametrize("children", [1, 2, 7])
def test_tiny_areas_work(tmp_path: Path, children: int) -> None:
    """An area of a handful of children is written whole, with a truth row per extract row."""
    result = generate(tmp_path, options_for(children=children, seed=children))
    assert result.records == len(_rows(tmp_path / "truth/truth.csv"))

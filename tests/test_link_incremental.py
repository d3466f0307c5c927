"""Incremental `jtai link`: after a new extract, only pairs involving its records are scored.

One `jtai synth` area of 1,000 children is loaded without its police extract and linked once
for the module; each test works on a private copy, loads the police extract and links again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
from collections import defaultdict

import pandas as pd
import pytest

from jtai import workspace
from jtai.ingest import load_files
from jtai.ingest.unload import unload_files
from jtai.linkage import link
from jtai.linkage.incremental import Basis, since
from jtai.linkage.kept_identities import read_since
from jtai.linkage.probabilistic import predict_new
from jtai.linkage.run import LINKAGE_VERSION
from jtai.linkage.steps import NODE_COLUMNS, read_identities
from jtai.store import link_basis
from jtai.store import linkage as store
from jtai.synth import AGENCY_FILES, WORKBOOK, SynthConfig, generate

TODAY = dt.date(2018, 3, 19)
HELD_BACK = "police"
SCORING_NEW = "Scoring pairs with new records (saved model)"
TABLES = ("link_pairs", "link_runs", "link_model", "link_decisions")


@pytest.fixture(scope="module")
def _linked_without_police(tmp_path_factory):
    """1,000 children, every extract but the police one loaded and linked."""
    base = tmp_path_factory.mktemp("incremental")
    generate(base / "synth", SynthConfig(children=1_000, seed=3))
    ws = workspace.create(
        base / "ws", area="Seaborough", framework="exploitation-2018", fieldwork_start=TODAY
    )
    extracts = base / "synth" / "extracts"
    for agency, name in AGENCY_FILES.items():
        if agency != HELD_BACK:
            load_files(ws, [extracts / name], agency=agency, today=TODAY)
    load_files(ws, [extracts / WORKBOOK], agency="csc", today=TODAY)
    conn = ws.connect()
    assert link(ws, conn).mode == "full"
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return base


@pytest.fixture
def area(_linked_without_police, tmp_path):
    """A private copy of the linked area: (workspace, connection, the held-back extract)."""
    shutil.copytree(_linked_without_police / "ws", tmp_path / "ws")
    ws = workspace.Workspace(tmp_path / "ws")
    return ws, ws.connect(), _linked_without_police / "synth" / "extracts" / AGENCY_FILES[HELD_BACK]


def _load(ws, extract) -> None:
    load_files(ws, [extract], agency=HELD_BACK, today=TODAY)


def _ids(conn) -> dict[int, str]:
    return dict(conn.execute("SELECT id, child_id FROM records"))


def _partition(ids: dict[int, str]) -> set[frozenset[int]]:
    clusters: dict[str, set[int]] = defaultdict(set)
    for record, child in ids.items():
        clusters[child].add(record)
    return {frozenset(c) for c in clusters.values()}


def _pairs(conn) -> dict[tuple[int, int], tuple[object, ...]]:
    return {(r[0], r[1]): tuple(r[2:]) for r in conn.execute("SELECT * FROM link_pairs")}


def _pair_with(conn, status: str) -> tuple[int, int]:
    """The records of one pair of the last run with ``status``."""
    query = "SELECT left_id, right_id FROM link_pairs WHERE status = ? LIMIT 1"
    return conn.execute(query, (status,)).fetchone()


def _state(conn) -> dict[str, list[tuple[object, ...]]]:
    out = {"records": [tuple(r) for r in conn.execute("SELECT id, child_id FROM records ORDER BY id")]}
    for table in TABLES:
        out[table] = [tuple(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
    return out


def test_an_incremental_run_gives_the_full_runs_clusters(area) -> None:
    """After one new extract: incremental, the same partition as `--full`, old children keep their ids."""
    ws, conn, extract = area
    before = _ids(conn)
    _load(ws, extract)
    steps: list[str] = []
    incremental = link(ws, conn, step=steps.append)
    assert incremental.mode == "incremental"
    assert incremental.new_records == len(_ids(conn)) - len(before) > 0
    assert SCORING_NEW in steps and not any(s.startswith(("Estimating", "Training")) for s in steps)
    after = _ids(conn)
    clusters_before = _partition(before)
    for cluster in _partition(after):
        old = frozenset(r for r in cluster if r in before)
        if old in clusters_before:  # the child's old records are still one child, and only theirs
            assert {after[r] for r in cluster} == {before[next(iter(old))]}
    full = link(ws, conn, full=True)
    assert full.mode == "full"
    assert _partition(_ids(conn)) == _partition(after)
    assert full.children == incremental.children


def test_only_pairs_with_new_records_are_scored_as_the_saved_model_scores_them(area) -> None:
    """Old pairs are kept as they were; the new ones are exactly the saved model's pairs with a new record."""
    ws, conn, extract = area
    newer_than = max(_ids(conn))
    old_pairs = _pairs(conn)
    model_json = store.model_settings(conn)
    _load(ws, extract)
    summary = link(ws, conn)
    pairs = _pairs(conn)
    for key, (probability, weight, _status, _reason) in old_pairs.items():
        assert pairs[key][:2] == (probability, weight)
    added = {key: value[:2] for key, value in pairs.items() if key not in old_pairs}
    assert len(added) == summary.scored_pairs > 0
    # every pair of the saved model, scored on all records, that involves a new record
    atoms = read_identities(conn).atoms
    nodes = atoms[list(NODE_COLUMNS)].reset_index(drop=True)
    nodes.insert(0, "node_id", range(len(nodes)))
    nodes["is_new"] = True
    every = predict_new(nodes, summary.lower, model_json)
    rep = atoms["id"].to_numpy()
    expected = {
        (int(rep[left]), int(rep[right])): (p, w)
        for left, right, p, w in every.itertuples(index=False)
        if rep[right] > newer_than
    }
    assert added == expected


def _later_extract(extract, out):
    """A later council extract: 30 rows as before (identities already seen), 30 with a new spelling."""
    lines = (extract.parent / AGENCY_FILES["csc"]).read_text(encoding="utf-8").splitlines()
    rows = [line.split(",") for line in lines[1:61]]
    for row in rows:
        row[-1] = "from the later extract"  # details: a new row, not a duplicate one
    for row in rows[30:]:
        row[5] += "E"  # first_name
    out.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return out


def test_kept_identities_and_new_records_read_as_every_record_does(area, tmp_path) -> None:
    """The kept atoms plus the new records give exactly the atoms of reading every record afresh."""
    ws, conn, extract = area
    newer_than = max(_ids(conn))
    _load(ws, extract)
    load_files(ws, [_later_extract(extract, tmp_path / "csc_later.csv")], agency="csc", today=TODAY)
    since = read_since(conn, newer_than)
    assert since is not None and since.first_new_atom < len(since.data.atoms)
    afresh = read_identities(conn)
    pd.testing.assert_frame_equal(since.data.atoms, afresh.atoms)
    for data in (since.data, afresh):
        assert len(data.record_ids) == len(set(data.record_ids.tolist()))
    by_record = [
        dict(
            zip(
                d.record_ids.tolist(), zip(d.record_atom.tolist(), d.adult.tolist(), strict=True), strict=True
            )
        )
        for d in (since.data, afresh)
    ]
    assert by_record[0] == by_record[1]
    assert read_since(conn, newer_than - 1) is None  # kept identities that do not end there are not used


def test_a_decision_needs_no_full_run(area) -> None:
    """A reviewer's decision alone: an incremental run with no new records applies it."""
    ws, conn, extract = area
    left, right = _pair_with(conn, "linked")
    store.add_decision(conn, left, right, "different", "tester")
    steps: list[str] = []
    summary = link(ws, conn, step=steps.append)
    assert (summary.mode, summary.new_records, summary.scored_pairs) == ("incremental", 0, 0)
    assert SCORING_NEW in steps
    ids = _ids(conn)
    assert ids[left] != ids[right]
    assert store.pair(conn, left, right)["status"] == "decided"
    _load(ws, extract)  # and the run after it reads every record, kept and new
    after = link(ws, conn)
    assert (after.mode, after.records) == ("incremental", len(_ids(conn)))


def test_an_unload_links_in_full(area) -> None:
    """Records removed since the last run: the next run retrains and scores every pair."""
    ws, conn, extract = area
    _load(ws, extract)
    unload_files(ws, [AGENCY_FILES["yos"]], force=True)
    assert link(ws, conn).mode == "full"


def test_a_field_newly_filled_in_links_in_full(area) -> None:
    """New records fill in a field the model did not compare (email): the run retrains on it."""
    from jtai.store import records

    ws, conn, _extract = area
    fields = ("agency_person_id", "first_name", "last_name", "dob", "sex", "postcode")
    rows = conn.execute(f"SELECT {', '.join(fields)} FROM records WHERE agency = 'csc' LIMIT 200").fetchall()
    later = [
        {**dict(zip(fields, row, strict=True)), "email": f"child{i}@example.org"}
        for i, row in enumerate(rows)
    ]
    records.insert_records(conn, later, agency="csc", file_name="csc_later.csv")
    summary = link(ws, conn)
    assert summary.mode == "full"
    assert "email" in json.loads(store.model_settings(conn))["columns"]


def test_basis_another_engine_or_method_links_in_full(area) -> None:
    """The last run's basis must match: the Spark engine, another method or no model links in full."""
    _ws, conn, _extract = area
    last = store.last_run(conn)
    records = link_basis.records_now(conn)
    assert since(conn, Basis(LINKAGE_VERSION, 0.95, 0.5, "duckdb", records), last) == records.max_id
    assert since(conn, Basis(LINKAGE_VERSION, 0.95, 0.5, "spark", records), last) is None
    spark = {**last, "basis": last["basis"].replace('"engine": "duckdb"', '"engine": "spark"')}
    assert spark != last
    assert (
        since(conn, Basis(LINKAGE_VERSION, 0.95, 0.5, "spark", records), spark) is None
    )  # Spark: always full
    assert since(conn, Basis("another", 0.95, 0.5, "duckdb", records), last) is None
    no_model = {**last, "basis": last["basis"].replace('"model": true', '"model": false')}
    assert since(conn, Basis(LINKAGE_VERSION, 0.95, 0.5, "duckdb", records), no_model) is None


@pytest.mark.parametrize("threshold", ["upper: 0.95", "lower: 0.5"])
def test_a_changed_threshold_links_in_full(area, threshold: str) -> None:
    """Another threshold in inspection.yaml: the next run links in full, new records or not."""
    ws, conn, extract = area
    _load(ws, extract)
    text = ws.config_path.read_text(encoding="utf-8")
    assert threshold in text
    ws.config_path.write_text(text.replace(threshold, threshold[:-1] + "4"), encoding="utf-8")
    ws.__dict__.pop("config", None)
    assert link(ws, conn).mode == "full"


def test_jtai_link_full_and_json(area, run) -> None:
    """`jtai link --json` says the run was incremental; `--full` retrains; the plain run says so."""
    ws, conn, extract = area
    _load(ws, extract)
    result = run("-w", str(ws.root), "link", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mode"] == "incremental"
    assert data["new_records"] > 0 and data["scored_pairs"] > 0
    result = run("-w", str(ws.root), "link", "--full")
    assert result.exit_code == 0, result.output
    assert "Incremental run" not in result.stdout
    assert store.last_run(conn)["inputs"] is not None
    store.add_decision(
        conn, *conn.execute("SELECT left_id, right_id FROM link_pairs LIMIT 1").fetchone(), "same", "t"
    )
    result = run("-w", str(ws.root), "link")
    assert result.exit_code == 0, result.output
    assert "Incremental run: 0 new records, 0 new pairs scored with the saved model" in result.stdout


@pytest.mark.parametrize(
    "stage", [SCORING_NEW, "Forming clusters", "Writing scored pairs", "Writing child ids"]
)
def test_an_interrupt_during_an_incremental_run_saves_nothing(area, stage: str) -> None:
    """SIGINT at any stage of an incremental run leaves the last linkage exactly as it was."""
    ws, conn, extract = area
    _load(ws, extract)
    before = _state(conn)

    def step(name: str) -> None:
        if name == stage:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        link(ws, conn, step=step)
    assert _state(conn) == before
    assert link(ws, conn).mode == "incremental"  # and the run after it still may be incremental
    assert _state(conn) != before


def _everything_clustered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make incremental runs cluster every component, not only those new records touch."""
    monkeypatch.setattr("jtai.linkage.run.recluster", lambda *_args, **_kwargs: None)


def test_clustering_only_what_new_records_touch_gives_what_clustering_everything_gives(
    area, tmp_path, monkeypatch
) -> None:
    """Child ids, pair statuses and every count are those of clustering every component again."""
    ws, conn, extract = area
    left, right = _pair_with(conn, "review")
    store.add_decision(conn, left, right, "same", "tester")  # decided before the last run
    link(ws, conn)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(ws.root, tmp_path / "everything")
    other = workspace.Workspace(tmp_path / "everything")
    other_conn = other.connect()

    _load(ws, extract)
    steps: list[str] = []
    touched = link(ws, conn, step=steps.append)
    assert touched.mode == "incremental"
    assert not any(s.startswith("Linking on NHS number") for s in steps)  # only the touched part
    _everything_clustered(monkeypatch)
    _load(other, extract)
    steps = []
    everything = link(other, other_conn, step=steps.append)
    assert any(s.startswith("Linking on NHS number") for s in steps)

    timing = ("seconds", "model_seconds")
    assert {k: v for k, v in touched.as_dict().items() if k not in timing} == {
        k: v for k, v in everything.as_dict().items() if k not in timing
    }
    assert _ids(conn) == _ids(other_conn)
    assert _pairs(conn) == _pairs(other_conn)
    assert touched.reviewer_links == 1 and touched.model_links > 0 and touched.review_pairs > 0


def test_a_decision_undone_and_made_again_is_a_change(area) -> None:
    """Undoing a decision and deciding the pair otherwise (the same decision id) links again."""
    ws, conn, _extract = area
    left, right = _pair_with(conn, "review")
    store.add_decision(conn, left, right, "same", "tester")
    link(ws, conn)
    assert _ids(conn)[left] == _ids(conn)[right]
    (first,) = conn.execute("SELECT MAX(id) FROM link_decisions").fetchone()
    store.undo_decision(conn, "tester")
    store.add_decision(conn, left, right, "different", "tester")
    assert conn.execute("SELECT MAX(id) FROM link_decisions").fetchone()[0] == first
    assert link(ws, conn).mode != "unchanged"
    assert _ids(conn)[left] != _ids(conn)[right]

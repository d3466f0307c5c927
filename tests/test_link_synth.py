"""Linkage accuracy on `jtai synth` data loaded through ingest, against the generator's truth.

One fictional area of 5,000 children with the default noise (typos, nicknames, swapped
birth dates, surname changes, moves, missing NHS numbers, twins, namesakes and the
deliberate faults) is generated, loaded and linked once for the module.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict

import pytest

from jtai import workspace
from jtai.ingest import load_files
from jtai.linkage import link
from jtai.synth import AGENCY_FILES, WORKBOOK, SynthConfig, generate

CHILDREN = 5_000


def _read(path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


@pytest.fixture(scope="module")
def area(tmp_path_factory):
    """5,000 children with default noise, loaded and linked; each record's true and linked child."""
    base = tmp_path_factory.mktemp("synth")
    generate(base / "synth", SynthConfig(children=CHILDREN, seed=11))
    ws = workspace.create(base / "ws", area="Seaborough", framework="exploitation-2018",
                          fieldwork_start=dt.date(2018, 3, 19))  # fmt: skip
    extracts = base / "synth" / "extracts"
    for agency, name in AGENCY_FILES.items():
        load_files(ws, [extracts / name], agency=agency, today=dt.date(2018, 3, 19))
    load_files(ws, [extracts / WORKBOOK], agency="csc", today=dt.date(2018, 3, 19))
    conn = ws.connect()
    summary = link(ws, conn)
    by_row = {
        (r["file"], r["sheet"], int(r["row"])): r["child_id"]
        for r in _read(base / "synth" / "truth" / "truth.csv")
    }
    truth, linked = {}, {}
    query = (
        "SELECT r.id, f.name, r.sheet, r.source_row, r.child_id "
        "FROM records r JOIN files f ON f.id = r.file_id"
    )
    for rid, name, sheet, row, child in conn.execute(query):
        truth[rid] = by_row[(name, sheet or "", row)]
        linked[rid] = child
    children = {c["child_id"]: c for c in _read(base / "synth" / "truth" / "children.csv")}
    return ws, conn, summary, truth, linked, children


def _pairs(counter: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in counter.values())


def test_precision_and_recall_at_5000_children(area) -> None:
    """Pairwise precision >= 0.99 and recall >= 0.98 against the true children."""
    _ws, _conn, summary, truth, linked, _children = area
    both = _pairs(Counter((truth[r], linked[r]) for r in truth))
    precision = both / _pairs(Counter(linked.values()))
    recall = both / _pairs(Counter(truth.values()))
    assert precision >= 0.99, precision
    assert recall >= 0.98, recall
    assert summary.records == len(truth)


def test_twins_and_siblings_never_merge(area) -> None:
    """No linked child holds two true children of one household (twins included)."""
    _ws, _conn, _summary, truth, linked, children = area
    held: dict[str, set[str]] = defaultdict(set)
    for rid, child in linked.items():
        held[child].add(truth[rid])
    twins = sum(1 for c in children.values() if c["twin_of"])
    assert twins >= 100  # the default noise makes twins: the test is not empty
    for true_children in held.values():
        households = [children[t]["household"] for t in true_children]
        assert len(households) == len(set(households)), [children[t]["first_name"] for t in true_children]


def test_rerun_on_unchanged_data_keeps_ids(area) -> None:
    """Linking the same records again gives every record the same child id."""
    ws, conn, _summary, _truth, linked, _children = area
    link(ws, conn)
    assert dict(conn.execute("SELECT id, child_id FROM records")) == linked

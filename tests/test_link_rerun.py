"""Re-running `jtai link`: unchanged inputs keep the last outcome at once; any change links again."""

from __future__ import annotations

import time

import _link_helpers as h

from jtai import workspace
from jtai.linkage import link
from jtai.linkage.run import UNCHANGED
from jtai.store import linkage as store


def test_rerun_on_unchanged_inputs_keeps_everything_and_is_quick(tmp_path) -> None:
    """Same records, decisions and thresholds: the last run's ids and counts, in a fraction of the time."""
    ws = workspace.create(tmp_path / "ws", area="Seaborough", framework="exploitation-2018")
    conn = ws.connect()
    h.load(conn, h.records(h.population(150)))
    start = time.perf_counter()
    first = link(ws, conn)
    first_seconds = time.perf_counter() - start
    ids = dict(conn.execute("SELECT id, child_id FROM records"))
    steps: list[str] = []
    start = time.perf_counter()
    again = link(ws, conn, step=steps.append)
    again_seconds = time.perf_counter() - start
    assert again.note == UNCHANGED
    assert steps == ["Reading records"]  # no model, no clustering, nothing written
    assert again_seconds < 0.1 * first_seconds
    assert (again.children, again.model_links, again.review_pairs) == (
        first.children,
        first.model_links,
        first.review_pairs,
    )
    assert dict(conn.execute("SELECT id, child_id FROM records")) == ids
    # a reviewer's decision is a new input: the next run links again and applies it
    left, right = conn.execute("SELECT left_id, right_id FROM link_pairs LIMIT 1").fetchone()
    store.add_decision(conn, left, right, "different", "tester")
    assert link(ws, conn).note is None
    # new records too
    h.load(conn, h.records(h.population(20, seed=4), seed=6))
    after = link(ws, conn)
    assert after.note is None and after.records > first.records


def test_thresholds_are_inputs(tmp_path) -> None:
    """Changing linkage.upper in inspection.yaml links again rather than keeping the last outcome."""
    ws = workspace.create(tmp_path / "ws", area="Seaborough", framework="exploitation-2018")
    conn = ws.connect()
    h.load(conn, h.records(h.population(60)))
    link(ws, conn)
    text = ws.config_path.read_text(encoding="utf-8")
    assert "upper: 0.95" in text
    ws.config_path.write_text(text.replace("upper: 0.95", "upper: 0.9"), encoding="utf-8")
    ws.__dict__.pop("config", None)
    assert link(ws, conn).note is None

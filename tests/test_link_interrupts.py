"""Nothing is saved unless the whole run completes: Ctrl-C at any step leaves the previous linkage."""

from __future__ import annotations

import os
import shutil
import signal

import _link_helpers as h
import pytest

from jtai import workspace
from jtai.linkage import link
from jtai.store import linkage as store

TABLES = ("link_pairs", "link_runs", "link_model", "link_decisions")


@pytest.fixture(scope="module")
def _linked_once(tmp_path_factory):
    """200 children in four agencies, linked once (the previous linkage)."""
    root = tmp_path_factory.mktemp("interrupt") / "ws"
    ws = workspace.create(root, area="Seaborough", framework="exploitation-2018")
    conn = ws.connect()
    h.load(conn, h.records(h.population(200)))
    link(ws, conn)
    # a new extract since: a full re-run would change child ids and pairs
    h.load(conn, h.records(h.population(40, seed=9), seed=5))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return root


@pytest.fixture
def ws_linked(_linked_once, tmp_path):
    """A private copy of the linked workspace."""
    shutil.copytree(_linked_once, tmp_path / "ws")
    ws = workspace.Workspace(tmp_path / "ws")
    return ws, ws.connect()


def _state(conn) -> dict[str, list[tuple[object, ...]]]:
    out = {"records": [tuple(r) for r in conn.execute("SELECT id, child_id FROM records ORDER BY id")]}
    for table in TABLES:
        out[table] = [tuple(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
    return out


@pytest.mark.parametrize(
    "stage",
    [
        "Reading records",
        "Estimating u from random pairs",  # training
        "Scoring candidate pairs",  # predicting
        "Forming clusters",
        "Writing scored pairs",  # writing: the old pairs are already deleted in the transaction
        "Writing child ids",
    ],
)
def test_sigint_at_each_stage_leaves_the_previous_linkage(ws_linked, stage: str) -> None:
    """SIGINT as a stage starts raises KeyboardInterrupt and changes nothing in the store."""
    ws, conn = ws_linked
    before = _state(conn)
    seen: list[str] = []

    def step(name: str) -> None:
        seen.append(name)
        if name == stage:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        link(ws, conn, step=step, full=True)  # full: the model trains (records were only added)
    assert seen[-1] == stage
    assert _state(conn) == before
    assert before["records"] != [] and any(child is None for _, child in before["records"])


def test_an_interrupt_a_library_swallows_still_stops_the_run(ws_linked, monkeypatch) -> None:
    """A Ctrl-C that splink or DuckDB turns into an error of its own is still an interrupt; nothing saved."""
    from splink.internals.exceptions import SplinkException

    from jtai.linkage import steps

    ws, conn = ws_linked
    before = _state(conn)

    def swallowing(*_args: object, **_kwargs: object) -> None:
        try:
            os.kill(os.getpid(), signal.SIGINT)
        except KeyboardInterrupt:
            raise SplinkException("interrupted") from None  # what a library may turn it into

    monkeypatch.setattr(steps, "train_and_predict", swallowing)
    with pytest.raises(KeyboardInterrupt):
        link(ws, conn, full=True)
    assert _state(conn) == before


def test_an_error_while_writing_leaves_the_previous_linkage(ws_linked) -> None:
    """An error part-way through saving rolls the whole save back."""
    ws, conn = ws_linked
    before = _state(conn)

    def step(name: str) -> None:
        if name == "Writing child ids":
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        link(ws, conn, step=step)
    assert _state(conn) == before


def test_a_run_that_completes_saves(ws_linked) -> None:
    """Without an interrupt the same run saves every child id (the tests above are not vacuous)."""
    ws, conn = ws_linked
    before = _state(conn)
    link(ws, conn)
    after = _state(conn)
    assert after != before
    assert all(child is not None for _, child in after["records"])
    assert store.last_run(conn) is not None


def test_jtai_link_exits_130_on_interrupt(ws_linked, run, monkeypatch) -> None:
    """`jtai link` interrupted exits 130 and leaves the previous child ids."""
    from jtai.linkage import steps as linkage_steps

    ws, conn = ws_linked
    before = _state(conn)

    def interrupted(*_args: object, **_kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(linkage_steps, "link_identifiers", interrupted)
    result = run("-w", str(ws.root), "link")
    assert result.exit_code == 130
    assert "Interrupted" in result.stderr
    assert _state(conn) == before

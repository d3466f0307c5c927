"""Several inspectors at once lose nothing; a process killed during an import leaves nothing."""

from __future__ import annotations

import multiprocessing
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from _score_helpers import FW

from jtai import audit, workspace
from jtai.scoring import cases, judgements
from jtai.scoring.judgement_files import workspace_io

PER_PROCESS = 25
CASE = "C-AAAA-BBBB"


def _score(
    root: str, number: int, barrier: multiprocessing.synchronize.Barrier, errors: multiprocessing.Queue
) -> None:
    """One inspector's process: register the shared case, then record judgements one by one."""
    try:
        ws = workspace.Workspace(Path(root))
        conn = ws.connect()
        rater = judgements.Rater(f"Inspector {number}", "ofsted")
        barrier.wait(timeout=30)
        cases.resolve(conn, ws.key, CASE, by=rater.name, add=True, root=ws.root)
        questions = workspace_io.applicable(FW)[:PER_PROCESS]
        for criterion, agency, _ in questions:
            value = "yes" if criterion == "case_question" else "good"
            judgements.record(
                conn, FW, case_ref=CASE, criterion=criterion, agency=agency, value=value, note="n",
                rater=rater, root=ws.root,
            )  # fmt: skip
    except Exception as exc:  # report to the parent: a child's traceback is lost otherwise
        errors.put(f"{type(exc).__name__}: {exc}")


def test_four_processes_score_at_once(ws) -> None:
    """Four processes recording at the same time: every judgement kept, no lock error, log verifies."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(4)
    errors = context.Queue()
    procs = [context.Process(target=_score, args=(str(ws.root), n, barrier, errors)) for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
    assert all(p.exitcode == 0 for p in procs)
    conn = ws.connect()
    current = judgements.current(conn)
    assert len(current) == 4 * PER_PROCESS
    assert {j.inspector for j in current} == {f"Inspector {n}" for n in range(4)}
    result = audit.verify(conn, ws.root)
    assert result.ok, result.problems
    assert result.entries == 4 * PER_PROCESS + 1  # one case.add, whoever came first


def _big_import(path: Path, n_cases: int) -> int:
    rows = ["case,criterion,agency,grade,note"]
    questions = [(c, a) for c, a, _ in workspace_io.applicable(FW) if c != "case_question"]
    for i in range(n_cases):
        rows += [f"C-{i:04d}-TEST,{c},{a},good,seen" for c, a in questions]
    path.write_text("\n".join(rows) + "\n")
    return len(rows) - 1


def _holds_write_lock(db: Path) -> bool:
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def test_killed_import_leaves_nothing(ws, tmp_path: Path) -> None:
    """SIGKILL while an import is writing: none of its cases, judgements or audit entries remain."""
    path = tmp_path / "big.csv"
    total = _big_import(path, 150)
    command = [
        sys.executable,
        "-c",
        "from jtai.cli import main; main()",
        "-w",
        str(ws.root),
        "score",
        "import",
    ]
    command += [str(path), "--new-cases", "--inspector", "Ann", "--inspectorate", "ofsted"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert line == f"Writing {total:,} judgements...\n"
    deadline = time.monotonic() + 20
    while not _holds_write_lock(ws.db_path):  # wait until the import's transaction is open
        assert proc.poll() is None, "the import finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.2)
    assert proc.poll() is None, "the import finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    conn = ws.connect()
    assert judgements.current(conn) == []
    assert cases.known_cases(conn, ws.key) == {}
    result = audit.verify(conn, ws.root)
    assert (result.ok, result.entries) == (True, 0)


def test_four_cli_imports_at_once(ws, tmp_path: Path) -> None:
    """Four `jtai score import` processes started together all succeed, with no "database is locked"."""
    questions = [(c, a) for c, a, _ in workspace_io.applicable(FW) if c != "case_question"]
    procs = []
    for n in range(4):
        path = tmp_path / f"inspector{n}.csv"
        rows = [f"{CASE},{c},{a},good,seen by {n}" for c, a in questions]
        path.write_text("case,criterion,agency,grade,note\n" + "\n".join(rows) + "\n")
        command = [sys.executable, "-c", "from jtai.cli import main; main()", "-w", str(ws.root), "score"]
        command += ["import", str(path), "--new-cases", "--inspector", f"I{n}", "--inspectorate", "cqc"]
        procs.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in out + err
    conn = ws.connect()
    assert len(judgements.current(conn)) == 4 * len(questions)
    assert audit.verify(conn, ws.root).ok

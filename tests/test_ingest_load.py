"""Writing a load: totals under --strict, loads racing on one file, the private copy in extracts/."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from jtai.errors import UsageError
from jtai.ingest import load_files, loader

TODAY = dt.date(2026, 1, 1)
HEADER = "agency_person_id,event_type,event_date"


def _csv(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _count(ws, table: str) -> int:  # type: ignore[no-untyped-def]
    with sqlite3.connect(ws.db_path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_strict_totals_count_rejected_rows_apart(ws, tmp_path) -> None:
    """A file refused under --strict adds nothing: its rows are rejected, not accepted; totals agree."""
    dups = _csv(tmp_path / "dups.csv", "P1,arrest,2018-01-01", "P1,arrest,2018-01-01", "P2,arrest,2018-01-02")
    good = _csv(tmp_path / "good.csv", "P3,arrest,2018-01-03")
    result = load_files(ws, [dups, good], agency="police", strict=True, today=TODAY)
    rejected, loaded = result.files
    assert (rejected.status, rejected.rows_read, rejected.accepted, rejected.quarantined) == (
        "rejected",
        3,
        0,
        0,
    )
    assert (rejected.rejected, dict(rejected.reasons)) == (3, {"duplicate_row": 1})
    assert (rejected.file_id, loaded.file_id) == (None, 1)  # the refused file's row was rolled back
    assert rejected.message == (
        "dups.csv: 1 of its 3 rows would be quarantined and --strict was given; "
        "nothing of the file was added."
    )
    assert (loaded.rows_read, loaded.accepted) == (1, 1)
    totals = result.to_dict()["totals"]
    assert totals == {"rows_read": 4, "accepted": 1, "quarantined": 0, "rejected": 3, "field_issues": 0}
    assert totals["rows_read"] == sum(f["rows_read"] for f in result.to_dict()["files"])
    assert (_count(ws, "records"), _count(ws, "quarantine")) == (1, 0)


def test_a_load_that_loses_the_race_reports_already_loaded(ws, tmp_path, monkeypatch) -> None:
    """When another command loads the same file while this one checks it, this one adds nothing."""
    path = _csv(tmp_path / "p.csv", "P1,arrest,2018-01-01")
    stored = loader.repeats.stored_hashes
    raced: list[str] = []

    def other_command_loads_first(conn, agency):  # type: ignore[no-untyped-def]
        if not raced:
            raced.append("started")
            raced.append(load_files(ws, [path], agency="police", today=TODAY).files[0].status)
        return stored(conn, agency)

    monkeypatch.setattr(loader.repeats, "stored_hashes", other_command_loads_first)
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert raced == ["started", "loaded"]
    assert file.status == "already_loaded"
    assert file.message.startswith("p.csv: the same content was loaded before (as p.csv on ")
    assert (_count(ws, "files"), _count(ws, "records")) == (1, 1)
    assert len(list(ws.extracts_dir.iterdir())) == 1


def test_a_unique_constraint_hit_is_already_loaded(ws, tmp_path, monkeypatch) -> None:
    """If the hash check misses a committed load, the database's unique hash still answers."""
    path = _csv(tmp_path / "p.csv", "P1,arrest,2018-01-01")
    load_files(ws, [path], agency="police", today=TODAY)
    real = loader.store.file_by_hash
    calls: list[str] = []

    def blind_twice(conn, sha):  # type: ignore[no-untyped-def]
        calls.append(sha)
        return None if len(calls) <= 2 else real(conn, sha)

    monkeypatch.setattr(loader.store, "file_by_hash", blind_twice)
    (file,) = load_files(ws, [path], agency="police", today=TODAY).files
    assert file.status == "already_loaded"
    assert (_count(ws, "files"), _count(ws, "records")) == (1, 1)
    assert len(list(ws.extracts_dir.iterdir())) == 1


@pytest.mark.parametrize("failure", [KeyboardInterrupt, sqlite3.OperationalError])
def test_a_load_that_does_not_commit_leaves_no_copy(ws, tmp_path, monkeypatch, failure) -> None:
    """Interrupted while writing, or failing at the commit, a load keeps no copy of the file."""
    path = _csv(tmp_path / "p.csv", "P1,arrest,2018-01-01")
    real = loader.store.add_sheet

    def fail_after_the_rows(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        raise failure("stopped")

    monkeypatch.setattr(loader.store, "add_sheet", fail_after_the_rows)
    with pytest.raises(failure):
        load_files(ws, [path], agency="police", today=TODAY)
    assert [p.name for p in ws.extracts_dir.glob("*")] == []
    assert (_count(ws, "files"), _count(ws, "records")) == (0, 0)


def test_a_failed_commit_removes_the_copy_it_wrote(ws, tmp_path, monkeypatch) -> None:
    """The copy is written last in the transaction; if the commit then fails, it is removed."""
    path = _csv(tmp_path / "p.csv", "P1,arrest,2018-01-01")
    real = loader.ExtractCopy.write
    written: list[Path] = []

    def write_then_fail(self, data):  # type: ignore[no-untyped-def]
        real(self, data)
        written.append(self.target)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(loader.ExtractCopy, "write", write_then_fail)
    with pytest.raises(sqlite3.OperationalError):
        load_files(ws, [path], agency="police", today=TODAY)
    assert written and not written[0].exists()
    assert [p.name for p in ws.extracts_dir.glob("*")] == []


def test_the_copy_is_written_on_a_second_thread_before_the_commit(ws, tmp_path, monkeypatch) -> None:
    """The copy is written while the rows are inserted: on another thread, inside the transaction."""
    path = _csv(tmp_path / "p.csv", "P1,arrest,2018-01-01")
    real = loader.ExtractCopy.write
    seen: list[tuple[bool, int]] = []

    def write_and_look(self, data):  # type: ignore[no-untyped-def]
        real(self, data)
        seen.append((threading.current_thread() is threading.main_thread(), _count(ws, "files")))

    monkeypatch.setattr(loader.ExtractCopy, "write", write_and_look)
    result = load_files(ws, [path], agency="police", today=TODAY)
    assert result.accepted == 1
    assert seen == [(False, 0)]  # not the main thread; the load not yet committed
    assert _count(ws, "files") == 1
    assert len(list(ws.extracts_dir.glob("*"))) == 1


def test_a_mapping_for_another_agency_is_refused(ws, tmp_path) -> None:
    """The Annex A mapping named for police extracts is a usage error before anything is read."""
    path = _csv(tmp_path / "p.csv", "P1,arrest,2018-01-01")
    with pytest.raises(UsageError) as caught:
        load_files(ws, [path], agency="police", mapping="annex-a", today=TODAY)
    assert str(caught.value) == (
        "the mapping 'annex-a' reads csc extracts, not police. "
        "Load them with --agency csc, or give the --mapping for police."
    )

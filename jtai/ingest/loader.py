"""Load extract files into the workspace: the library behind ``jtai load``.

Each file is read whole, then checked in chunks of rows, each chunk written as soon as it is
checked (see :mod:`jtai.ingest.chunks`); its copy (on a second thread), records,
quarantined rows, field issues and reconciliation are written in one transaction,
which a file refused at the end of its checks (another agency's records, ``--strict``)
rolls back: nothing of it is kept.
A file whose content was loaded before (same SHA-256) adds nothing. A file that cannot be
read is reported as an error and the other files still load.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai.errors import ExitCode, InputError, JtaiError
from jtai.ingest import agency_check, chunks, file_tables, readers, repeats
from jtai.ingest.extracts import ExtractCopy
from jtai.ingest.file_tables import read_tables as _read  # by this name, bench/ingest.py times the reading
from jtai.ingest.layouts import agency_named
from jtai.ingest.mapping import Mapping, SheetMapping, load_mapping
from jtai.ingest.results import FileResult, LoadResult, SheetResult, already_loaded, rejected
from jtai.ingest.validate import FieldIssue, Validated, validate
from jtai.store import field_issues, transaction
from jtai.store import records as store
from jtai.store.record_inserts import RecordBatches
from jtai.store.unload import new_record_ids

if TYPE_CHECKING:
    from jtai.workspace import Workspace

# progress(description, done, total): "Checking NAME" once its rows are read (0, then all of
# them), then "Writing NAME" as rows are written; a bar may be shown when total is large.
Progress = Callable[[str, int, int], None]


def load_files(
    ws: Workspace,
    paths: Sequence[Path | str],
    *,
    agency: str,
    mapping: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
    force: bool = False,
) -> LoadResult:
    """Load extract files for one agency.

    Args:
        ws: the workspace.
        paths: CSV or Excel files.
        agency: one of :data:`jtai.canonical.AGENCIES`.
        mapping: a built-in mapping name or a YAML file; default: Annex A for a workbook
            with "List N" sheets, else the agency's canonical layout.
        strict: a file with any quarantined row is rejected (nothing of it is written).
        progress: called as a file's rows are checked and written, for a progress bar.
        today: the day dates may not be after (default: today).
        force: load a file even when its event types say it is another agency's (exit 8
            otherwise, with the likely agency named).

    Returns:
        One :class:`FileResult` per path. Files that cannot be read have status ``error``.

    Raises:
        UsageError: unknown agency, or a mapping for another agency.
        ConfigError: the mapping is invalid.
    """
    agency = agency_named(agency)
    chosen = load_mapping(mapping) if mapping else None
    if chosen is not None:
        file_tables.check_agency(chosen, agency)
    today = today or dt.date.today()
    result = LoadResult()
    conn = ws.connect()
    try:
        seen: dict[str, str] = {}
        for path in paths:
            result.files.append(
                _load_one(ws, conn, Path(path), agency, chosen, (strict, force), progress, today, seen)
            )
    finally:
        conn.close()
    return result


def _load_one(
    ws: Workspace,
    conn: sqlite3.Connection,
    path: Path,
    agency: str,
    chosen: Mapping | None,
    options: tuple[bool, bool],
    progress: Progress | None,
    today: dt.date,
    seen: dict[str, str],
) -> FileResult:
    name = path.name
    strict, force = options
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = f"{path}: cannot be read ({exc.strerror})."
        return FileResult(str(path), name, agency, "error", message=message, exit_code=ExitCode.BAD_INPUT)
    sha = hashlib.sha256(data).hexdigest()
    try:
        # before the check for an earlier load: a file given for the wrong agency is refused
        mapping = file_tables.choose_mapping(data, path, chosen, agency)
    except JtaiError as exc:
        return _failed(path, agency, sha, exc)
    ref = mapping.source or mapping.name
    previous = store.file_by_hash(conn, sha)
    if previous is not None or sha in seen:
        return already_loaded(path, agency, ref, sha, previous, seen.get(sha))
    try:
        tables = _read(data, path, mapping)
    except JtaiError as exc:
        return _failed(path, agency, sha, exc)
    raws = [t for t in tables if isinstance(t, readers.RawSheet)]
    read = sum(t.rows_read for t in raws)
    if progress is not None:
        progress(f"Checking {name}", 0, read)
    stored = repeats.stored_hashes(conn, agency)  # rows of earlier loads: a load since adds none
    copy = ExtractCopy(ws, sha, path.suffix)
    try:
        with store.bulk_load(conn), transaction(conn):
            # another command may have loaded the same content since the check above
            previous = store.file_by_hash(conn, sha)
            if previous is not None:
                return already_loaded(path, agency, ref, sha, previous, None)
            file_id = store.add_file(
                conn,
                sha256=sha,
                name=name,
                agency=agency,
                mapping=ref,
                stored_as=copy.stored_as,
                size=len(data),
                loaded_at=_now(),
                loaded_by=_user(),
            )
            # the copy is written as the rows are inserted, inside the transaction
            with copy.written_during(data), new_record_ids(conn, file_id):  # no removed file's ids
                checks = _Checks(mapping, path, today, (progress, read), file_id, agency)
                written = _check_and_write(conn, raws, checks, repeats.FileRepeats(stored))
            file_tables.check_rows(tables, [w.rows_read for w in written])
            if not force:
                agency_check.check(sum((w.event_types for w in written), Counter()), agency)
            fr = FileResult(str(path), name, agency, "loaded", sha, ref)
            fr.sheets = [w.result() for w in written]
            fr.sheets += [
                SheetResult(t.name, 0, 0, 0, skipped=t.reason)
                for t in tables
                if isinstance(t, readers.SkippedSheet)
            ]
            if strict and fr.quarantined:
                raise _Refused(rejected(fr))
            fr.file_id = file_id  # the file's row is kept
    except _Refused as refused:  # rolled back
        copy.discard()
        return refused.result
    except JtaiError as exc:  # rolled back
        copy.discard()
        return _failed(path, agency, sha, exc)
    except sqlite3.IntegrityError:
        copy.discard()
        previous = store.file_by_hash(conn, sha)
        if previous is None:  # pragma: no cover - only the content hash is unique
            raise
        return already_loaded(path, agency, ref, sha, previous, None)
    except BaseException:
        copy.discard()  # the load did not commit: keep no copy of its data
        raise
    if progress is not None:
        total = fr.accepted + fr.quarantined
        progress(f"Writing {name}", total, total)
    seen[sha] = name
    return fr


class _Refused(Exception):
    """Raised inside the load's transaction to roll it back; ``result`` is the file's outcome."""

    def __init__(self, result: FileResult) -> None:
        super().__init__(result.message)
        self.result = result


def _failed(path: Path, agency: str, sha: str, exc: JtaiError) -> FileResult:
    """The outcome of a file that cannot be loaded: its error, starting with the file's name."""
    name, message = path.name, str(exc)
    if not message.startswith(name):
        located = isinstance(exc, InputError) and (exc.sheet or exc.row or exc.column)
        message = f"{name}, {message}" if located else f"{name}: {message}"
    return FileResult(str(path), name, agency, "error", sha, message=message, exit_code=exc.exit_code)


@dataclass(frozen=True)
class _Checked:
    """A chunk of a table checked."""

    table: int  # its position among the file's tables
    rows: int  # rows read, as the reader counts them
    outcome: Validated


@dataclass(frozen=True)
class _Checks:
    """What checking a file's tables and laying out its records needs; progress: (callback, rows read)."""

    mapping: Mapping
    path: Path
    today: dt.date
    progress: tuple[Progress | None, int]
    file_id: int
    agency: str

    def checked(self, raws: list[readers.RawSheet]) -> Iterator[_Checked]:
        """Each chunk of each table, in order, checked when it is taken."""
        for index, raw in enumerate(raws):
            sheet = file_tables.sheet_of(self.mapping, raw, self.path)
            table = repeats.TableRepeats()
            for chunk in chunks.split(raw):
                yield self._check(index, chunk, sheet, table)

    def _check(
        self, index: int, chunk: readers.RawSheet, sheet: SheetMapping, table: repeats.TableRepeats
    ) -> _Checked:
        outcome = validate(chunk, sheet, self.mapping, file=self.path.name, today=self.today)
        table.set_aside(outcome)  # rows repeating an earlier chunk of the table
        return _Checked(index, chunk.rows_read, outcome)

    def records(self, sheet: str, outcome: Validated) -> RecordBatches:
        """The accepted rows of a chunk as insert statements' parameters, column by column."""
        constants: dict[str, int | str] = {"file_id": self.file_id, "sheet": sheet, "agency": self.agency}
        constants["subject"] = outcome.subject
        names: list[str] = ["source_row"]
        columns: list[list[Any]] = [outcome.rows.astype("int64").tolist()]
        for col, (codes, uniques) in outcome.factors.items():
            if col != "subject":
                column = _pylist(codes, uniques)
                if column is not None:
                    names.append(col)
                    columns.append(column)
        if outcome.row_hash is not None:
            names.append("row_hash")
            columns.append(outcome.row_hash.tolist())
        return store.record_batches(names, columns, constants=constants)


@dataclass
class _Written:
    """One table as written so far, chunk after chunk: its totals, quarantine and field issues."""

    name: str
    rows_read: int = 0
    accepted: int = 0
    quarantine: list[tuple[int, str | None, str | None, str, str, str]] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    issues: list[FieldIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    event_types: Counter[str] = field(default_factory=Counter)

    def add(self, chunk: Validated) -> None:
        self.rows_read += chunk.rows_read
        self.accepted += chunk.accepted
        self.quarantine += chunk.quarantine
        self.reasons += chunk.reasons
        self.issues += chunk.issues
        self.warnings += [w for w in chunk.warnings if w not in self.warnings]

    def result(self) -> SheetResult:
        issues = Counter(i[4] for i in self.issues)
        q = len(self.quarantine)
        return SheetResult(
            self.name, self.rows_read, self.accepted, q, self.reasons, issues=issues, warnings=self.warnings
        )


def _check_and_write(
    conn: sqlite3.Connection, raws: list[readers.RawSheet], checks: _Checks, earlier: repeats.FileRepeats
) -> list[_Written]:
    """Check the tables chunk by chunk, writing each chunk once it is checked."""
    progress, read = checks.progress
    name = checks.path.name
    written: list[_Written] = []
    checked = done = 0
    for item in checks.checked(raws):
        outcome = item.outcome
        if item.table == len(written):  # the first chunk of the next table
            if written:
                _finish(conn, checks.file_id, written[-1])
            earlier.new_sheet(raws[item.table].name)
            written.append(_Written(raws[item.table].name))
        sheet = written[-1]
        checked += item.rows
        if progress is not None:
            progress(f"Checking {name}", checked, read)
        # counted before rows loaded before are set aside, as the file was written
        sheet.event_types += agency_check.event_type_counts([outcome.factors["event_type"]])
        earlier.set_aside(conn, checks.agency, outcome)  # rows loaded before, or in an earlier sheet
        store.insert_batches(conn, checks.records(sheet.name, outcome))
        sheet.add(outcome)
        done += outcome.accepted + len(outcome.quarantine)
        if progress is not None:
            progress(f"Writing {name}", done, read)
    if written:
        _finish(conn, checks.file_id, written[-1])
    return written


def _finish(conn: sqlite3.Connection, file_id: int, sheet: _Written) -> None:
    """Write a table's quarantined rows (in row order), field issues and reconciliation."""
    sheet.quarantine.sort(key=lambda q: q[0])
    store.add_quarantine(conn, ((file_id, sheet.name, *q) for q in sheet.quarantine))
    field_issues.add(conn, ((file_id, sheet.name, *i) for i in sheet.issues))
    store.add_sheet(conn, file_id, sheet.name, sheet.rows_read, sheet.accepted, len(sheet.quarantine))


def _pylist(codes: Any, uniques: Any) -> list[Any] | None:
    """A factorized column as Python values, empty as ``""``; None when the column is all empty.

    Each distinct value is one Python string shared by its rows, far cheaper than a string
    per cell for columns such as sex or event type. Empty cells stay ``""``, which the store
    writes as NULL and binds far faster than None (see :func:`jtai.store.records.add_records`).
    """
    import numpy as np

    # code -1 (a missing value) takes the extra last slot, empty
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = np.asarray(uniques, dtype=object)
    table[-1] = ""
    if all(v == "" for v in table):
        return None
    return table.take(codes).tolist()  # type: ignore[no-any-return]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

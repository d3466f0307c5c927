"""Load extract files into the workspace: the library behind ``jtai load``.

Each file is read, mapped and checked whole before anything is written; then its copy,
its records, its quarantined rows and its reconciliation are written in one transaction
(the copy on a second thread, while the rows are inserted).
A file whose content was loaded before (same SHA-256) adds nothing. A file that cannot be
read is reported as an error and the other files still load.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import shlex
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai.errors import ExitCode, InputError, JtaiError
from jtai.ingest import agency_check, file_tables, readers
from jtai.ingest.extracts import ExtractCopy
from jtai.ingest.file_tables import read_tables as _read  # by this name, bench/ingest.py times the reading
from jtai.ingest.layouts import agency_named
from jtai.ingest.mapping import Mapping, load_mapping
from jtai.ingest.results import FileResult, LoadResult, SheetResult
from jtai.ingest.validate import Validated, validate
from jtai.store import field_issues, transaction
from jtai.store import records as store
from jtai.store.unload import new_record_ids

if TYPE_CHECKING:
    from jtai.workspace import Workspace

# progress(description, done, total): "Checking NAME" once its rows are read (0, then all of
# them), then "Writing NAME" as rows are written; a bar may be shown when total is large.
Progress = Callable[[str, int, int], None]
CHUNK_ROWS = 100_000


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
        return _already_loaded(path, agency, ref, sha, previous, seen.get(sha))
    try:
        tables = _read(data, path, mapping)
        read = sum(t.rows_read for t in tables if isinstance(t, readers.RawSheet))
        if progress is not None:
            progress(f"Checking {name}", 0, read)
        outcomes = [
            (t, validate(t, file_tables.sheet_of(mapping, t, path), mapping, file=name, today=today))
            for t in tables
            if isinstance(t, readers.RawSheet)
        ]
        file_tables.check_rows(tables, [v for _, v in outcomes])
        if not force:
            agency_check.check(
                agency_check.event_type_counts(v.factors["event_type"] for _, v in outcomes), agency
            )
        _earlier_rows(conn, agency, outcomes)
        _earlier_sheets(outcomes)
        if progress is not None:
            progress(f"Checking {name}", read, read)
    except JtaiError as exc:
        return _failed(path, agency, sha, exc)
    sheets = [
        SheetResult(
            t.name,
            v.rows_read,
            v.accepted,
            len(v.quarantine),
            v.reasons,
            issues=v.issue_rules,
            warnings=v.warnings,
        )
        for t, v in outcomes
    ]
    sheets += [
        SheetResult(t.name, 0, 0, 0, skipped=t.reason) for t in tables if isinstance(t, readers.SkippedSheet)
    ]
    fr = FileResult(str(path), name, agency, "loaded", sha, ref, sheets=sheets)
    if strict and fr.quarantined:
        return _reject(fr)
    copy = ExtractCopy(ws, sha, path.suffix)
    total = sum(v.accepted + len(v.quarantine) for _, v in outcomes)
    try:
        with store.bulk_load(conn), transaction(conn):
            # another command may have loaded the same content since the check above
            previous = store.file_by_hash(conn, sha)
            if previous is not None:
                return _already_loaded(path, agency, ref, sha, previous, None)
            fr.file_id = store.add_file(
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
            done = 0
            # the copy is written as the rows are inserted, inside the transaction
            with copy.written_during(data), new_record_ids(conn, fr.file_id):  # no removed file's ids
                for table, outcome in outcomes:
                    done = _write(conn, fr.file_id, agency, table.name, outcome, progress, name, done, total)
                    store.add_sheet(
                        conn,
                        fr.file_id,
                        table.name,
                        outcome.rows_read,
                        outcome.accepted,
                        len(outcome.quarantine),
                    )
    except sqlite3.IntegrityError:
        copy.discard()
        previous = store.file_by_hash(conn, sha)
        if previous is None:  # pragma: no cover - only the content hash is unique
            raise
        return _already_loaded(path, agency, ref, sha, previous, None)
    except BaseException:
        copy.discard()  # the load did not commit: keep no copy of its data
        raise
    seen[sha] = name
    return fr


def _failed(path: Path, agency: str, sha: str, exc: JtaiError) -> FileResult:
    """The outcome of a file that cannot be loaded: its error, starting with the file's name."""
    name, message = path.name, str(exc)
    if not message.startswith(name):
        located = isinstance(exc, InputError) and (exc.sheet or exc.row or exc.column)
        message = f"{name}, {message}" if located else f"{name}: {message}"
    return FileResult(str(path), name, agency, "error", sha, message=message, exit_code=exc.exit_code)


def _already_loaded(
    path: Path, agency: str, ref: str, sha: str, previous: Any, earlier: str | None
) -> FileResult:
    """The outcome of a file whose content is in the store (``previous``) or earlier in this call.

    Loaded before under another agency, it is a conflict (exit 8): the user's --agency was
    not applied, and the message says how to remove the earlier load and load it again.
    """
    if previous is None:
        message = f"{path.name}: the same content was loaded before (as {earlier} above); nothing added."
        return FileResult(str(path), path.name, agency, "already_loaded", sha, message=message)
    unload = f"`jtai unload {shlex.quote(str(path))}`"
    held, mapping = previous["agency"], previous["mapping"]
    when = f"as {previous['name']} on {previous['loaded_at'][:10]}"
    if held != agency:
        return FileResult(
            str(path),
            path.name,
            agency,
            "error",
            sha,
            file_id=previous["id"],
            exit_code=ExitCode.CONFLICT,
            message=f"{path.name}: the same content was loaded before as {held} records ({when}, "
            f"mapping {mapping}), not as {agency}; nothing added. If --agency {held} was a mistake, "
            f"remove that load with {unload}, then load the file again with --agency {agency}.",
        )
    again = "with the mapping " + ref if ref != mapping else "differently"
    return FileResult(
        str(path),
        path.name,
        agency,
        "already_loaded",
        sha,
        file_id=previous["id"],
        message=f"{path.name}: the same content was loaded before ({when}, {held} records, mapping "
        f"{mapping}); nothing added. To load it again {again}, first remove that load with {unload} "
        "(with --force if it has been linked or used since).",
    )


def _reject(fr: FileResult) -> FileResult:
    """A file refused under --strict: its rows count as rejected, none as accepted or quarantined."""
    failing = fr.quarantined
    for sheet in fr.sheets:
        sheet.rejected, sheet.accepted, sheet.quarantined = sheet.rows_read, 0, 0
        sheet.issues = Counter()
    fr.status = "rejected"
    rows = f"{failing} of its {fr.rows_read} row" + ("s" if fr.rows_read != 1 else "")
    fr.message = (
        f"{fr.name}: {rows} would be quarantined and --strict was given; nothing of the file was added."
    )
    return fr


def _earlier_rows(
    conn: sqlite3.Connection, agency: str, outcomes: list[tuple[readers.RawSheet, Validated]]
) -> None:
    """Quarantine rows with the same values as a record of this agency loaded before.

    This catches an extract loaded again after being re-saved or re-exported (so its bytes,
    and its hash, differ).
    """
    import numpy as np

    stored = store.record_hashes(conn, agency)
    if not stored:
        return
    earlier = np.array(stored, dtype=np.int64)
    for _, outcome in outcomes:
        if outcome.row_hash is None or not len(outcome.row_hash):
            continue
        hit = np.isin(outcome.row_hash, earlier)
        if not hit.any():
            continue
        hashes = outcome.row_hash[hit].tolist()
        found = store.records_by_hash(conn, agency, sorted(set(hashes)))
        messages = [
            f"The same values as record R{found[h]['id']} ({found[h]['file']}"
            + (f", sheet {found[h]['sheet']}" if found[h]["sheet"] else "")
            + f", row {found[h]['source_row']}), loaded before; not added again."
            for h in hashes
        ]
        outcome.quarantine_accepted(hit, "duplicate_row", messages)


def _earlier_sheets(outcomes: list[tuple[readers.RawSheet, Validated]]) -> None:
    """Quarantine rows with the same values as a row accepted from an earlier sheet of the file.

    Two sheets of one workbook may map to the same list (``List 3`` and ``Referrals``): the
    rows the second repeats are set aside, like rows repeated within a sheet, not loaded twice.
    """
    import numpy as np

    if len(outcomes) < 2:
        return
    # the accepted rows of the sheets before: row hash, sheet (position in outcomes), row
    hashes, sheets, rows = np.zeros(0, np.int64), np.zeros(0, np.intp), np.zeros(0, np.int64)
    for i, (_, outcome) in enumerate(outcomes):
        current = outcome.row_hash
        if current is None or not len(current):
            continue
        hit = np.isin(current, hashes) if len(hashes) else np.zeros(len(current), dtype=bool)
        if hit.any():
            order = np.argsort(hashes, kind="stable")  # equal hashes keep their order: first wins
            first = order[np.searchsorted(hashes[order], current[hit])]
            messages = [
                f"The same values as sheet {outcomes[sheet][0].name}, row {row}; loaded once."
                for sheet, row in zip(sheets[first].tolist(), rows[first].tolist(), strict=True)
            ]
            outcome.quarantine_accepted(hit, "duplicate_row", messages)
            current = current[~hit]
        hashes = np.concatenate([hashes, current])
        sheets = np.concatenate([sheets, np.full(len(current), i, dtype=np.intp)])
        rows = np.concatenate([rows, outcome.rows.astype(np.int64)])


def _write(
    conn: sqlite3.Connection,
    file_id: int,
    agency: str,
    sheet: str,
    outcome: Validated,
    progress: Progress | None,
    name: str,
    done: int,
    total: int,
) -> int:
    n = outcome.accepted
    constants: dict[str, int | str] = {"file_id": file_id, "sheet": sheet, "agency": agency}
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
    for start in range(0, n, CHUNK_ROWS):
        stop = min(n, start + CHUNK_ROWS)
        parts = [c[start:stop] for c in columns]
        store.add_records(conn, names, zip(*parts, strict=True), constants=constants)
        done += stop - start
        if progress is not None:
            progress(f"Writing {name}", done, total)
    store.add_quarantine(conn, ((file_id, sheet, *q) for q in outcome.quarantine))
    field_issues.add(conn, ((file_id, sheet, *i) for i in outcome.issues))
    done += len(outcome.quarantine)
    if progress is not None:
        progress(f"Writing {name}", done, total)
    return done


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

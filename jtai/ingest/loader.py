"""Load extract files into the workspace: the library behind ``jtai load``.

Each file is read, mapped and checked whole before anything is written; then its copy,
its records, its quarantined rows and its reconciliation are written in one transaction.
A file whose content was loaded before (same SHA-256) adds nothing. A file that cannot be
read is reported as an error and the other files still load.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai.errors import InputError, JtaiError, UsageError
from jtai.ingest import readers
from jtai.ingest.layouts import AGENCIES
from jtai.ingest.mapping import Mapping, load_builtin, load_mapping
from jtai.ingest.results import FileResult, LoadResult, SheetResult
from jtai.ingest.validate import Validated, scorer_for, validate
from jtai.store import records as store
from jtai.store import transaction

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
) -> LoadResult:
    """Load extract files for one agency.

    Args:
        ws: the workspace.
        paths: CSV or Excel files.
        agency: one of :data:`jtai.ingest.layouts.AGENCIES`.
        mapping: a built-in mapping name or a YAML file; default: Annex A for a workbook
            with "List N" sheets, else the agency's canonical layout.
        strict: a file with any quarantined row is rejected (nothing of it is written).
        progress: called as a file's rows are checked and written, for a progress bar.
        today: the day dates may not be after (default: today).

    Returns:
        One :class:`FileResult` per path. Files that cannot be read have status ``error``.

    Raises:
        UsageError: unknown agency.
        ConfigError: the mapping is invalid.
    """
    if agency not in AGENCIES:
        raise UsageError(f"unknown agency {agency!r}.", hint=f"Use one of: {', '.join(AGENCIES)}.")
    chosen = load_mapping(mapping) if mapping else None
    today = today or dt.date.today()
    result = LoadResult()
    conn = ws.connect()
    try:
        seen: dict[str, str] = {}
        for path in paths:
            result.files.append(
                _load_one(ws, conn, Path(path), agency, chosen, strict, progress, today, seen)
            )
    finally:
        conn.close()
    return result


def _load_one(
    ws: Workspace,
    conn: Any,
    path: Path,
    agency: str,
    chosen: Mapping | None,
    strict: bool,
    progress: Progress | None,
    today: dt.date,
    seen: dict[str, str],
) -> FileResult:
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileResult(
            str(path), name, agency, "error", message=f"{path}: cannot be read ({exc.strerror})."
        )
    sha = hashlib.sha256(data).hexdigest()
    previous = store.file_by_hash(conn, sha)
    if previous is not None or sha in seen:
        when = (
            f"as {previous['name']} on {previous['loaded_at'][:10]}" if previous else f"as {seen[sha]} above"
        )
        return FileResult(
            str(path),
            name,
            agency,
            "already_loaded",
            sha,
            file_id=previous["id"] if previous else None,
            message=f"{name}: the same content was loaded before ({when}); nothing added.",
        )
    try:
        mapping, tables = _read(data, path, chosen, agency)
        read = sum(t.rows_read for t in tables if isinstance(t, readers.RawSheet))
        if progress is not None:
            progress(f"Checking {name}", 0, read)
        outcomes = [
            (t, validate(t, _sheet(mapping, t, path), mapping, file=name, today=today))
            for t in tables
            if isinstance(t, readers.RawSheet)
        ]
        _earlier_rows(conn, agency, outcomes)
        if progress is not None:
            progress(f"Checking {name}", read, read)
    except JtaiError as exc:
        message = str(exc)
        if not message.startswith(name):
            located = isinstance(exc, InputError) and (exc.sheet or exc.row or exc.column)
            message = f"{name}, {message}" if located else f"{name}: {message}"
        return FileResult(str(path), name, agency, "error", sha, message=message)
    sheets = [SheetResult(t.name, v.rows_read, v.accepted, len(v.quarantine), v.reasons) for t, v in outcomes]
    sheets += [
        SheetResult(t.name, 0, 0, 0, skipped=t.reason) for t in tables if isinstance(t, readers.SkippedSheet)
    ]
    ref = mapping.source or mapping.name
    fr = FileResult(str(path), name, agency, "loaded", sha, ref, sheets=sheets)
    if strict and fr.quarantined:
        fr.status = "rejected"
        fr.message = f"{name}: {fr.quarantined} rows quarantined and --strict given; nothing of it was added."
        return fr
    stored = _keep_copy(ws, data, sha, path.suffix)
    total = sum(v.accepted + len(v.quarantine) for _, v in outcomes)
    with store.bulk_load(conn), transaction(conn):
        fr.file_id = store.add_file(
            conn,
            sha256=sha,
            name=name,
            agency=agency,
            mapping=ref,
            stored_as=stored,
            size=len(data),
            loaded_at=_now(),
            loaded_by=_user(),
        )
        done = 0
        for table, outcome in outcomes:
            done = _write(conn, fr.file_id, agency, table.name, outcome, progress, name, done, total)
            store.add_sheet(
                conn, fr.file_id, table.name, outcome.rows_read, outcome.accepted, len(outcome.quarantine)
            )
        seen[sha] = name
        return fr


def _earlier_rows(conn: Any, agency: str, outcomes: list[tuple[readers.RawSheet, Validated]]) -> None:
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


def _read(
    data: bytes, path: Path, chosen: Mapping | None, agency: str
) -> tuple[Mapping, list[readers.RawSheet | readers.SkippedSheet]]:
    kind = readers.kind_of(data)
    if kind == "csv":
        mapping = chosen or _csv_mapping(path, agency)
        sheet = mapping.sheet_for(path.stem) or (mapping.sheets[0] if len(mapping.sheets) == 1 else None)
        if sheet is None:
            raise InputError(
                f"the mapping {mapping.name!r} has no sheet for a CSV file named {path.stem!r}.",
                hint="Name the file after the sheet it holds (e.g. 'List 1.csv'), "
                "or use a one-table mapping.",
            )
        table = readers.read_csv(data, scorer_for(sheet), mapping.header_search_rows)
        if not table.rows_read:
            raise InputError(
                "has a header row but no data rows.",
                row=table.header_row,
                hint="Check the export; an empty extract adds nothing.",
            )
        return mapping, [table]
    mapping = chosen or _workbook_mapping(data, agency)

    def scorers(sheet_name: str) -> readers.HeaderScorer | None:
        sheet = mapping.sheet_for(sheet_name)
        return scorer_for(sheet) if sheet is not None else None

    tables = readers.read_workbook(data, kind, scorers, mapping.header_search_rows)
    if not any(isinstance(t, readers.RawSheet) for t in tables):
        names = ", ".join(repr(t.name) for t in tables) or "none"
        raise InputError(
            f"no sheet could be read with the mapping {mapping.name!r} (sheets: {names}).",
            hint="Give the --mapping that fits this workbook.",
        )
    if not any(isinstance(t, readers.RawSheet) and t.rows_read for t in tables):
        raise InputError(
            "has header rows but no data rows.", hint="Check the export; an empty extract adds nothing."
        )
    return mapping, tables


def _csv_mapping(path: Path, agency: str) -> Mapping:
    """Annex A for a children's social care CSV named after a list ("List 3.csv"); else the layout."""
    if agency == "csc" and load_builtin("annex-a").sheet_for(path.stem) is not None:
        return load_builtin("annex-a")
    return load_builtin(agency)


def _workbook_mapping(data: bytes, agency: str) -> Mapping:
    """Annex A when the workbook has a sheet named like one of its lists; else the agency's layout."""
    import io

    annex = load_builtin("annex-a")
    try:
        from python_calamine import CalamineWorkbook

        names = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    except Exception:  # the reader reports damaged or encrypted files with a clear message
        return load_builtin(agency)
    if any(annex.sheet_for(n) is not None for n in names):
        return annex
    return load_builtin(agency)


def _sheet(mapping: Mapping, table: readers.RawSheet, path: Path) -> Any:
    sheet = mapping.sheet_for(table.name or path.stem)
    return sheet if sheet is not None else mapping.sheets[0]


def _write(
    conn: Any,
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
    done += len(outcome.quarantine)
    if progress is not None:
        progress(f"Writing {name}", done, total)
    return done


def _pylist(codes: Any, uniques: Any) -> list[Any] | None:
    """A factorized column as Python values, ``""`` as None; None when the column is all empty.

    Each distinct value is one Python string shared by its rows, far cheaper than a string
    per cell for columns such as sex or event type.
    """
    import numpy as np

    # code -1 (a missing value) takes the extra last slot, None
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = np.asarray(uniques, dtype=object)
    table[table == ""] = None
    if all(v is None for v in table):
        return None
    return table[codes].tolist()  # type: ignore[no-any-return]


def _keep_copy(ws: Workspace, data: bytes, sha: str, suffix: str) -> str:
    """Copy the file into ``extracts/`` named by its hash, readable by the owner only."""
    folder = ws.extracts_dir
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"{sha}{suffix.lower()}"
    if not target.exists():
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(target, 0o600)
    return str(target.relative_to(ws.root))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

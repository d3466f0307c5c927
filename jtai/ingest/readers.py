"""Read CSV and Excel files into tables of text, finding the header row.

A file is recognised by its content, not its name (see :mod:`jtai.ingest.encoding`): an
``.xls`` renamed ``.xlsx`` still reads, and a password-protected workbook is one clear
:class:`~jtai.errors.InputError`. CSV is comma, semicolon, tab or pipe delimited.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jtai.errors import InputError
from jtai.ingest import csv_repair
from jtai.ingest.encoding import decode, kind_of
from jtai.ingest.workbook_cells import unusable_cells

__all__ = ["RawSheet", "SkippedSheet", "kind_of", "read_csv", "read_workbook"]

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DELIMITERS = (",", ";", "\t", "|")
NUL_SHOWN = "\ufffd"  # how a NUL byte of a CSV file is shown in its cell

# Scores a candidate header row: how many of its cells name a column the mapping knows.
HeaderScorer = Callable[[Sequence[str]], int]
# Finds the scorer for a sheet name, or None when the mapping has no such sheet.
SheetScorers = Callable[[str], HeaderScorer | None]


@dataclass
class RawSheet:
    """One table read from a file, as text.

    Attributes:
        name: the sheet name (``""`` for a CSV file).
        header_row: the 1-based row of the header, as a spreadsheet shows it.
        headers: the header cells.
        frame: the data rows; columns ``c0``, ``c1``... of text, ``""`` where empty.
        rows: the spreadsheet row number of each data row.
        ragged: rows with more or fewer fields than the header, as (row, raw text, fields).
        cell_faults: per column index, the cells that cannot be used as read: frame
            position -> (rule, raw value), e.g. a formula whose result was never saved.
        notes: per ragged row, a message that replaces the count of fields (e.g. where
            an unclosed quote opened).
    """

    name: str
    header_row: int
    headers: list[str]
    frame: pd.DataFrame
    rows: np.ndarray
    ragged: list[tuple[int, str, int]] = field(default_factory=list)
    cell_faults: dict[int, dict[int, tuple[str, str]]] = field(default_factory=dict)
    notes: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.ragged)


@dataclass
class SkippedSheet:
    """A sheet that is not read, and why (e.g. a cover or notes sheet).

    Attributes:
        rows: the rows holding a value, when the sheet was looked at and has no header
            row (0 for a sheet the mapping has no entry for, or an empty one).
    """

    name: str
    reason: str
    rows: int = 0


def read_workbook(
    data: bytes, kind: str, scorers: SheetScorers, search_rows: int
) -> list[RawSheet | SkippedSheet]:
    """Read every sheet of an Excel workbook (xlsx, or xls by content).

    Raises:
        InputError: encrypted, not a workbook, or damaged.
    """
    from python_calamine import CalamineWorkbook

    if kind == "ole":
        _refuse_encrypted(data)
    else:
        _check_xlsx_zip(data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
    except Exception as exc:  # calamine raises its own untyped errors for damaged files
        raise InputError(
            "cannot be read as an Excel workbook (it is damaged or not really a workbook).",
            hint="Open it in Excel and save it again as .xlsx, or export CSV.",
        ) from exc
    unusable = unusable_cells(data) if kind == "xlsx" else {}
    out: list[RawSheet | SkippedSheet] = []
    for name in names:
        scorer = scorers(name)
        if scorer is None:
            out.append(SkippedSheet(name, "the mapping has no sheet of this name"))
            continue
        try:
            cells = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # a damaged sheet
            raise InputError(f"sheet {name!r} cannot be read ({type(exc).__name__}).") from exc
        rows = [[_cell_text(v) for v in row] for row in cells]
        bad = unusable.get(name, {})
        for (r, c), (_, shown) in bad.items():
            while len(rows) <= r:
                rows.append([])
            rows[r].extend([""] * (c + 1 - len(rows[r])))
            rows[r][c] = shown  # kept as read in the raw row; the field is emptied, with an issue
        try:
            out.append(_table_from_rows(name, rows, scorer, search_rows, bad))
        except InputError as exc:
            # no header: the rows holding a value say whether anything would be left unread
            filled = sum(1 for row in rows if any(c.strip() for c in row))
            out.append(SkippedSheet(name, exc.message if filled else "the sheet is empty", filled))
    return out


def read_csv(data: bytes, scorer: HeaderScorer, search_rows: int) -> RawSheet:
    """Read a CSV file: detect its encoding, delimiter and header row.

    Raises:
        InputError: no header row found, or no data rows.
    """
    payload, text_head = decode(data)
    best: tuple[int, int, str, int, list[str]] | None = None
    for delimiter in DELIMITERS:
        records = first_records(text_head, delimiter, search_rows)
        for index, cells in enumerate(records):
            score = scorer(cells)
            candidate = (score, len(cells), delimiter, index, cells)
            if score and (best is None or candidate[:2] > best[:2]):
                best = candidate
    if best is None or best[0] < 1:
        raise InputError(
            f"no header row found in the first {search_rows} rows (no column has a name the mapping knows).",
            hint="Check the file is the right extract for this agency, or give a --mapping.",
        )
    _, _, delimiter, header_index, headers = best
    nul = b"\x00" in payload
    if nul:  # each NUL byte costs only its cell: shown as U+FFFD, a field issue of its row
        payload = payload.replace(b"\x00", NUL_SHOWN.encode("utf-8"))
    try:
        frame, ragged, rows = _parse_csv(payload, delimiter, header_index, len(headers))
        notes: dict[int, tuple[str, str]] = {}
    except _QuoteNeverClosed:
        text = payload.decode("utf-8", errors="replace")
        frame, ragged, rows, notes = csv_repair.parse_lines(text, delimiter, header_index, len(headers))
    faults = _nul_cells(frame) if nul else {}
    headers = [h.replace("\x00", "") for h in headers]
    return RawSheet("", header_index + 1, [h.strip() for h in headers], frame, rows, ragged, faults, notes)


class _QuoteNeverClosed(Exception):
    """The fast parser met a quote that is never closed: read line by line instead."""


def _nul_cells(frame: pd.DataFrame) -> dict[int, dict[int, tuple[str, str]]]:
    """The cells that held a NUL byte (now U+FFFD): rule ``nul_byte`` with the value as read."""
    import numpy as np

    out: dict[int, dict[int, tuple[str, str]]] = {}
    for i, column in enumerate(frame.columns):
        hit = frame[column].str.contains(NUL_SHOWN, regex=False).to_numpy(dtype=bool)
        for p in np.flatnonzero(hit).tolist():
            out.setdefault(i, {})[p] = ("nul_byte", str(frame[column].iat[p]))
    return out


def first_records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    out: list[list[str]] = []
    try:
        for record in reader:
            out.append(record)
            if len(out) >= limit:
                break
    except csv.Error:
        pass  # a partial last record at the sniffing boundary
    return out


def _parse_csv(
    payload: bytes, delimiter: str, header_index: int, width: int
) -> tuple[pd.DataFrame, list[tuple[int, str, int]], np.ndarray]:
    """Parse the data rows with pyarrow; rows with the wrong number of fields are set aside."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    bad: list[tuple[int | None, str, int]] = []
    blank: list[int | None] = []  # rows of delimiters only, with the wrong number of fields

    def on_invalid(row: Any) -> str:
        if row.text.strip(delimiter + " \r\n") == "":
            blank.append(row.number)
        else:
            bad.append((row.number, row.text, int(row.actual_columns)))
        return "skip"

    def parse(threads: bool) -> Any:
        bad.clear()
        blank.clear()
        return pacsv.read_csv(
            pa.BufferReader(payload),
            read_options=pacsv.ReadOptions(
                use_threads=threads, skip_rows=header_index + 1, column_names=names, block_size=1 << 22
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.large_string() for n in names},  # what pandas holds: no cast
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        table = parse(True)
        if bad or blank:
            table = parse(False)  # single-threaded, pyarrow numbers the rows it sets aside
    except pa.ArrowInvalid as exc:
        text = payload.decode("utf-8", errors="replace")
        if len(first_records(text, delimiter, header_index + 2)) <= header_index + 1:
            # nothing after the header, which has no line break: pyarrow cannot skip it
            return _empty_frame(width), [], np.zeros(0, dtype=np.int64)
        raise _QuoteNeverClosed from exc
    if any("\n" in t.rstrip("\r\n") or t.count('"') % 2 for _, t, _ in bad):
        raise _QuoteNeverClosed  # a bad row over several lines, or with a lone quote
    frame = table.to_pandas(types_mapper=_str_types)
    first = header_index + 2
    ragged = [(int(n) if n is not None else first, t.rstrip("\r\n"), k) for n, t, k in bad]
    count = len(frame) + len(bad) + len(blank)
    rows = np.arange(first, first + count, dtype=np.int64)
    if bad or blank:
        # rows pyarrow set aside are numbered; the rows it kept are all the others, in order
        skip = {int(n) for n in blank if n is not None} | {r for r, _, _ in ragged}
        rows = np.array([r for r in rows.tolist() if r not in skip], dtype=np.int64)
    if len(rows) != len(frame):  # pragma: no cover - pyarrow numbers every row it sets aside
        rows = np.arange(first, first + len(frame), dtype=np.int64)
    return frame, ragged, rows


def _str_types(arrow_type: Any) -> Any:
    import pandas as pd

    return pd.StringDtype(storage="pyarrow", na_value=float("nan"))


def _table_from_rows(
    name: str,
    rows: list[list[str]],
    scorer: HeaderScorer,
    search_rows: int,
    unusable: dict[tuple[int, int], tuple[str, str]] | None = None,
) -> RawSheet:
    import numpy as np
    import pandas as pd

    best_index, best_score = -1, 0
    for index, cells in enumerate(rows[:search_rows]):
        score = scorer(cells)
        if score > best_score:
            best_index, best_score = index, score
    if best_index < 0:
        raise InputError(
            f"no header row found in the first {search_rows} rows (no column has a name the mapping knows).",
            hint="Check the sheet holds the expected list, or give a --mapping.",
        )
    headers = [h.strip() for h in rows[best_index]]
    while headers and headers[-1] == "":
        headers.pop()
    width = len(headers)
    data: list[list[str]] = []
    numbers: list[int] = []
    for offset, cells in enumerate(rows[best_index + 1 :], start=best_index + 2):
        if not any(c.strip() for c in cells):
            continue
        row = cells[:width] + [""] * (width - len(cells))
        overflow = [c for c in cells[width:] if c.strip()]
        if overflow:
            # values to the right of the last named column: keep them under "column N"
            for i, c in enumerate(cells[width:], start=width):
                if c.strip():
                    while len(headers) <= i:
                        headers.append("")
            width = len(headers)
            row = cells[:width] + [""] * (width - len(cells))
            for r in data:
                r.extend([""] * (width - len(r)))
        data.append(row)
        numbers.append(offset)
    columns = [f"c{i}" for i in range(width)]
    frame = pd.DataFrame(data, columns=columns, dtype="str") if data else _empty_frame(width)
    faults: dict[int, dict[int, tuple[str, str]]] = {}
    if unusable:
        position = {number - 1: i for i, number in enumerate(numbers)}  # sheet row (from 0) -> data row
        for (at_row, at_column), fault in unusable.items():
            if at_row in position and at_column < width:
                faults.setdefault(at_column, {})[position[at_row]] = fault
    return RawSheet(
        name, best_index + 1, headers, frame, np.array(numbers, dtype=np.int64), cell_faults=faults
    )


def _empty_frame(width: int) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({f"c{i}": pd.Series([], dtype="str") for i in range(width)})


def _cell_text(value: object) -> str:
    """A workbook cell as text: dates ISO, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _check_xlsx_zip(data: bytes) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise InputError(
            "is damaged: it starts like an .xlsx file but is not complete.",
            hint="Copy or export it again from the source system.",
        ) from exc
    if not names & {"xl/workbook.xml", "xl/workbook.bin"}:
        raise InputError(
            "is a ZIP file but not an Excel workbook.",
            hint="Load the .xlsx or .csv file itself, not an archive or another Office document.",
        )


def _refuse_encrypted(data: bytes) -> None:
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        encrypted = bool(office.is_encrypted())
    except Exception:  # not an Office file msoffcrypto understands: let calamine try
        return
    if encrypted:
        raise InputError(
            "is password-protected (encrypted), so it cannot be read.",
            hint="Open it in Excel, remove the password (File > Info > Protect Workbook), save, "
            "and load it again.",
        )

"""Read CSV text line by line when a quote is never closed, so that it costs only its own row.

A fast parser treats everything after an unclosed quote as one field: the following rows
are swallowed into one bad row (or the file cannot be parsed at all). Here a row whose
quote does not close into a row of the header's width is set aside alone, with the line
where the quote opened, and reading goes on from the next line. A quoted field that
really holds line breaks (and so closes into a row of the right width) is read as one row.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# A quoted field holding more line breaks than this is taken for a quote never closed.
MAX_LINES_PER_ROW = 200


def parse_lines(
    text: str, delimiter: str, header_index: int, width: int
) -> tuple[pd.DataFrame, list[tuple[int, str, int]], np.ndarray, dict[int, tuple[str, str]]]:
    """The data rows after the header (record ``header_index``), as the fast reader gives them.

    Returns:
        The frame (columns ``c0``...), the ragged rows (row, text, fields), the row number
        of each frame row, and per row set aside for a quote the rule and message.
    """
    import numpy as np
    import pandas as pd

    lines = text.split("\n")
    start = _line_after_records(lines, delimiter, header_index + 1)
    data: list[list[str]] = []
    numbers: list[int] = []
    ragged: list[tuple[int, str, int]] = []
    notes: dict[int, tuple[str, str]] = {}
    row = header_index + 2  # the row number a spreadsheet shows
    i = start
    while i < len(lines):
        line = lines[i].rstrip("\r")
        if i == len(lines) - 1 and line == "":
            break  # the line break that ends the file
        if line.strip(delimiter + " ") == "":
            i, row = i + 1, row + 1
            continue
        end, closed = _record_end(lines, i)
        fields = _fields("\n".join(x.rstrip("\r") for x in lines[i : end + 1]), delimiter)
        if closed and len(fields) == width:
            data.append(fields)
            numbers.append(row)
            i, row = end + 1, row + 1
            continue
        if not closed or end > i:
            # a quote opened on this line is never closed: this row only is set aside
            alone = _fields(line + '"', delimiter) if line.count('"') % 2 else _fields(line, delimiter)
            ragged.append((row, line, len(alone)))
            notes[row] = (
                "unclosed_quote",
                f"A quote opened on line {i + 1} of the file is never closed, so this row cannot be "
                "split into its fields; the rows after it are read as usual. Correct the quote in the "
                "source system (or the file) and load the row again.",
            )
            i, row = i + 1, row + 1
            continue
        ragged.append((row, line, len(fields)))
        i, row = end + 1, row + 1
    names = [f"c{k}" for k in range(width)]
    frame = pd.DataFrame(data, columns=names, dtype="str") if data else _empty(names)
    return frame, ragged, np.array(numbers, dtype=np.int64), notes


def _record_end(lines: list[str], i: int) -> tuple[int, bool]:
    """The last line of the record starting at line ``i``, and whether its quotes close."""
    quotes = lines[i].count('"')
    end = i
    while quotes % 2 and end + 1 < len(lines) and end - i < MAX_LINES_PER_ROW:
        end += 1
        quotes += lines[end].count('"')
    return end, quotes % 2 == 0


def _fields(record: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(record), delimiter=delimiter), [])
    except csv.Error:
        return record.split(delimiter)


def _line_after_records(lines: list[str], delimiter: str, records: int) -> int:
    """The index of the line after the first ``records`` records (title rows and the header)."""
    i = 0
    for _ in range(records):
        if i >= len(lines):
            break
        end, closed = _record_end(lines, i)
        i = end + 1 if closed else i + 1
    return i


def _empty(names: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({n: pd.Series([], dtype="str") for n in names})

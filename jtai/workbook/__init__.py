"""Every Excel workbook jtai writes, made the way people read them.

One module writes every ``.xlsx`` file, so each one is a real workbook (never CSV text in a
file named ``.xlsx``) and reads the same: bold headers in words (``Date of birth``, not
``dob``), columns as wide as their content, the header row frozen, filters on, dates and
times as date cells, identifiers as text (an NHS number keeps its leading zero and never
becomes ``4.5E+09``), and every text a spreadsheet would run as a formula written as text
(:func:`jtai.spreadsheet.escape`).

Use::

    book = Workbook()
    sheet = book.table("Sample 1", [Column("case", kind="id"), Column("dob", kind="date")], rows)
    book.dropdown(sheet, "grade", ["good", "poor"])      # a list to pick from
    book.protect_header(sheet)                           # header cells locked, the rest editable
    book.instructions("How to fill this in", ["Pick a grade in each row.", ...])
    book.key_values("About", [("sample", 1), ("drawn at", "2026-12-03T07:43:01+00:00")])
    # a table below a block of names and values (its header on row 4 here), a cell to fill in
    sheet = book.table("C-7KQ3-XM9D", cols, rows, before=[("Case", "C-7KQ3-XM9D"), ("Auditor", None)])
    book.protect(sheet, editable=["B2", "D5:E20"])   # those cells editable (and shaded), the rest locked
    book.save(path, force=False)                         # 0600, never over a file unless forced

This module imports openpyxl at its top: import it inside the functions that write a
workbook, so that commands that write none start without it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from jtai.errors import JtaiError, UsageError
from jtai.files import EXISTS_HINT, WRITE_HINT, write_private
from jtai.spreadsheet import escape
from jtai.workbook.cells import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    INLINE_LIST_MAX,
    LIST_SHEET,
    MAX_WIDTH,
    MIN_WIDTH,
    SUFFIX,
    WIDTH_SAMPLE,
    WORDS,
    Column,
    Kind,
    cell_value,
    column_index,
    column_letter,
    columns,
    format_cell,
    label,
    require_suffix,
    sheet_title,
    shown_width,
)

__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "WORDS",
    "Column",
    "Kind",
    "Workbook",
    "cell_value",
    "columns",
    "header_row",
    "label",
    "require_suffix",
    "write_table",
]


class Workbook:
    """A workbook being built; :meth:`save` writes it (or :meth:`to_bytes` returns it)."""

    def __init__(self, *, lists_title: str = LIST_SHEET) -> None:
        """A new workbook; ``lists_title`` names the hidden sheet of lists to pick from."""
        self.book = openpyxl.Workbook()
        self._blank: Any = self.book.active  # removed when the first sheet is added
        self._lists: Any = None
        self._lists_title = lists_title
        self._listed: dict[tuple[str, ...], str] = {}

    def _new_sheet(self, title: str, index: int | None = None) -> Any:
        sheet = self.book.create_sheet(sheet_title(title, self.book.sheetnames), index)
        if self._blank is not None:
            self.book.remove(self._blank)
            self._blank = None
        return sheet

    def table(
        self,
        title: str,
        cols: Sequence[Column | str],
        rows: Iterable[Mapping[str, Any] | Sequence[Any]],
        *,
        filters: bool = True,
        before: Sequence[tuple[str, Any]] = (),
    ) -> Any:
        """Add a sheet of ``rows`` under a bold header row, frozen, with filters; return it.

        A row is a mapping (by :attr:`Column.key`) or a sequence (by position). ``before``:
        lines of a name (in bold) and a value above the table, which then starts one empty row
        below them (its header on row ``len(before) + 2``; see :func:`header_row`).
        """

        spec = [c if isinstance(c, Column) else Column(c) for c in cols]
        sheet = self._new_sheet(title)
        names, values = _pairs(sheet, before)
        top = header_row(before)
        bold = Font(bold=True)
        fill = PatternFill("solid", fgColor="DDE3EA")
        for i, column in enumerate(spec, start=1):
            cell = sheet.cell(row=top, column=i, value=column.header)
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(vertical="top", wrap_text=False)
        widths = [len(c.header) for c in spec]
        widths[:2] = [max(w, found) for w, found in zip(widths, (names, values), strict=False)]
        wrap = Alignment(wrap_text=True, vertical="top")
        for n, row in enumerate(rows):
            values_in = [row.get(c.key) for c in spec] if isinstance(row, Mapping) else list(row)
            cells = [cell_value(v, c.kind) for v, c in zip(values_in, spec, strict=False)]
            sheet.append(cells)
            for i, (cell, column) in enumerate(zip(sheet[sheet.max_row], spec, strict=False)):
                format_cell(cell, cells[i], column.kind)
                if column.wrap:
                    cell.alignment = wrap
                if n < WIDTH_SAMPLE:
                    widths[i] = max(widths[i], shown_width(cells[i]))
        for i, column in enumerate(spec, start=1):
            width = column.width or min(max(widths[i - 1] + 2, MIN_WIDTH), MAX_WIDTH)
            sheet.column_dimensions[column_letter(i)].width = width
        sheet.freeze_panes = f"A{top + 1}"
        if filters and spec:
            sheet.auto_filter.ref = f"A{top}:{column_letter(len(spec))}{max(sheet.max_row, top)}"
        return sheet

    def key_values(self, title: str, pairs: Iterable[tuple[str, Any]]) -> Any:
        """Add a two-column sheet of names (in bold) and values, such as an "About" sheet."""

        sheet = self._new_sheet(title)
        _names, width = _pairs(sheet, pairs)
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = min(max(width, 10) + 2, 100)
        return sheet

    def instructions(
        self, title: str, lines: Iterable[str], *, first: bool = True, facts: Sequence[tuple[str, Any]] = ()
    ) -> Any:
        """Add a sheet of instructions, one paragraph per row, the first in bold.

        ``first``: put the sheet before the others, so the workbook opens on it.
        ``facts``: names and values (what the workbook answers) from row 3, below the first
        line and an empty row; the other paragraphs then follow one empty row below them, on
        one line each rather than wrapped, as the names' column is narrow.
        """

        sheet = self._new_sheet(title)
        heading, *paragraphs = list(lines) or [""]
        skip = len(facts) + 3 if facts else 1  # below the heading, an empty row, the facts, an empty row
        rows = [1] + [row + skip for row in range(1, len(paragraphs) + 1)]
        if facts:
            _pairs(sheet, facts, first_row=3)
        for n, (row, line) in enumerate(zip(rows, [heading, *paragraphs], strict=True)):
            cell = sheet.cell(row=row, column=1, value=escape(line))
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=not facts, vertical="top")
            if n == 0:
                cell.font = Font(bold=True, size=13)
        if facts:
            sheet.column_dimensions["A"].width = 22
            sheet.column_dimensions["B"].width = 40
        else:
            sheet.column_dimensions["A"].width = 100
        if first:
            self.book.move_sheet(sheet, offset=-self.book.index(sheet))
            self.book.active = 0
        return sheet

    def dropdown(
        self,
        sheet: Any,
        column: str | int,
        choices: Sequence[str],
        *,
        first_row: int = 2,
        rows: int | None = None,
        prompt: str | None = None,
        strict: bool = True,
        listed: bool = False,
    ) -> Any:
        """Give every body cell of ``column`` (header, key or 1-based number) a list to pick from.

        A header or key names a column by the sheet's first row; below lines of names and
        values (``table(..., before=...)``) give the column's number.

        Args:
            first_row: the first sheet row covered (default 2, below the header; for a table
                with lines before it, the row below its header).
            rows: rows covered (default: down to the sheet's last row, at least 1).
            prompt: a message shown when a cell is selected.
            strict: refuse a typed value not in the list (else only warn).
            listed: read the list from the hidden sheet of lists (:meth:`pick_list`) even
                when it is short enough to be written into the rule.

        Returns:
            The openpyxl DataValidation added.
        """

        index = column if isinstance(column, int) else column_index(sheet, column)
        inline = ",".join(choices)
        if not listed and len(inline) <= INLINE_LIST_MAX and not any("," in c or '"' in c for c in choices):
            formula = f'"{inline}"'
        else:
            formula = self.pick_list(choices)
        check = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showDropDown=False,  # (sic) False shows the in-cell arrow
            errorStyle="stop" if strict else "warning",
            showErrorMessage=True,
            error="Pick a value from the list.",
            errorTitle="Not in the list",
        )
        if prompt:
            check.prompt = prompt[:255]
            check.showInputMessage = True
        last = first_row - 1 + (rows if rows is not None else max(sheet.max_row - first_row + 1, 1))
        letter = column_letter(index)
        check.add(f"{letter}{first_row}:{letter}{last}")
        sheet.add_data_validation(check)
        return check

    def pick_list(self, choices: Sequence[str]) -> str:
        """Write ``choices`` to the hidden, locked sheet of lists (made now if need be); return their range.

        The same choices given again give the same range.
        """

        known = self._listed.get(tuple(choices))
        if known is not None:
            return known
        if self._lists is None:
            self._lists = self._new_sheet(self._lists_title)
            self._lists.sheet_state = "hidden"
            self._lists.protection.sheet = True
        col = self._lists.max_column + (1 if self._lists.max_row > 1 or self._lists["A1"].value else 0)
        for r, choice in enumerate(choices, start=1):
            self._lists.cell(row=r, column=col, value=escape(choice))
        letter = column_letter(col)
        title = self._lists.title
        sheet = title if title.isascii() and title.isalpha() else quote_sheetname(title)
        found = f"{sheet}!${letter}$1:${letter}${len(choices)}"
        self._listed[tuple(choices)] = found
        return found

    def protect(self, sheet: Any, *, editable: Sequence[str] = ()) -> None:
        """Lock every cell of ``sheet`` but the ``editable`` ranges (``"B7"``, ``"D10:E25"``), shaded.

        As with :meth:`protect_header`, the sheet can still be sorted, filtered and resized,
        and no password is set.
        """

        open_cell = Protection(locked=False)
        shade = PatternFill("solid", fgColor="FFF2CC")
        for ref in editable:
            for row in sheet[ref] if ":" in ref else ((sheet[ref],),):
                for cell in row:
                    cell.protection = open_cell
                    cell.fill = shade
        _protect(sheet)

    def protect_header(self, sheet: Any, *, editable: Sequence[str | int] | None = None) -> None:
        """Lock the header row (and columns not in ``editable``); every other cell stays editable.

        The sheet can still be sorted, filtered and its columns resized; no password is set
        (this guards against slips, not against anyone set on changing the file).
        """

        open_cell = Protection(locked=False)
        wanted = None
        if editable is not None:
            wanted = {c if isinstance(c, int) else column_index(sheet, c) for c in editable}
        for row in sheet.iter_rows(min_row=2, max_row=max(sheet.max_row, 2)):
            for cell in row:
                if wanted is None or cell.column in wanted:
                    cell.protection = open_cell
        _protect(sheet)

    def to_bytes(self) -> bytes:
        """The workbook as the bytes of an ``.xlsx`` file."""
        if self._blank is not None:  # nothing added: an empty sheet rather than no sheet
            self._blank.title = "Sheet1"
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()

    def save(
        self,
        path: Path,
        *,
        force: bool | None = False,
        error: type[JtaiError] | None = UsageError,
        hint: str = WRITE_HINT,
        exists_hint: str | None = None,
    ) -> None:
        """Write the workbook to ``path``, readable by its owner only (see :func:`jtai.files.write_private`).

        Raises:
            UsageError: ``path`` does not end in .xlsx, or cannot be written.
            ConflictError: ``path`` exists and ``force`` is false.
        """
        require_suffix(path, (SUFFIX,), "workbook")

        write_private(
            path, self.to_bytes(), force=force, error=error, hint=hint, exists_hint=exists_hint or EXISTS_HINT
        )


def header_row(before: Sequence[tuple[str, Any]]) -> int:
    """The row of a table's header below the lines ``before`` it (see :meth:`Workbook.table`)."""
    return len(before) + 2 if before else 1


def _pairs(sheet: Any, pairs: Iterable[tuple[str, Any]], *, first_row: int = 1) -> tuple[int, int]:
    """Write names (in bold) and values in columns A and B from ``first_row``; return their widest."""
    names = values = 0
    bold = Font(bold=True)
    for row, (name, value) in enumerate(pairs, start=first_row):
        cell = cell_value(value)
        key = sheet.cell(row=row, column=1, value=escape(label(name)))
        key.font = bold
        format_cell(key, key.value, "text")
        format_cell(sheet.cell(row=row, column=2, value=cell), cell, "auto")
        names, values = max(names, len(key.value)), max(values, shown_width(cell))
    return names, values


def _protect(sheet: Any) -> None:
    """Protect ``sheet``, leaving sorting, filters and the sizes of rows and columns free."""
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = False
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False


def write_table(
    path: Path,
    title: str,
    cols: Sequence[Column | str],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    *,
    about: Iterable[tuple[str, Any]] | None = None,
    force: bool | None = False,
) -> None:
    """Write one table (and an optional "About" sheet) to the workbook ``path``."""
    book = Workbook()
    book.table(title, cols, rows)
    if about is not None:
        book.key_values("About", about)
    book.save(path, force=force)

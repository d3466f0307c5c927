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
    "label",
    "require_suffix",
    "write_table",
]


class Workbook:
    """A workbook being built; :meth:`save` writes it (or :meth:`to_bytes` returns it)."""

    def __init__(self) -> None:

        self.book = openpyxl.Workbook()
        self._blank: Any = self.book.active  # removed when the first sheet is added
        self._lists: Any = None

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
    ) -> Any:
        """Add a sheet of ``rows`` under a bold header row, frozen, with filters; return it.

        A row is a mapping (by :attr:`Column.key`) or a sequence (by position).
        """

        spec = [c if isinstance(c, Column) else Column(c) for c in cols]
        sheet = self._new_sheet(title)
        sheet.append([c.header for c in spec])
        bold = Font(bold=True)
        fill = PatternFill("solid", fgColor="DDE3EA")
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(vertical="top", wrap_text=False)
        widths = [len(c.header) for c in spec]
        for n, row in enumerate(rows):
            values = [row.get(c.key) for c in spec] if isinstance(row, Mapping) else list(row)
            cells = [cell_value(v, c.kind) for v, c in zip(values, spec, strict=False)]
            sheet.append(cells)
            for i, (cell, column) in enumerate(zip(sheet[sheet.max_row], spec, strict=False)):
                format_cell(cell, cells[i], column.kind)
                if n < WIDTH_SAMPLE:
                    widths[i] = max(widths[i], shown_width(cells[i]))
        for i, column in enumerate(spec, start=1):
            width = column.width or min(max(widths[i - 1] + 2, MIN_WIDTH), MAX_WIDTH)
            sheet.column_dimensions[column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        if filters and spec:
            sheet.auto_filter.ref = f"A1:{column_letter(len(spec))}{max(sheet.max_row, 1)}"
        return sheet

    def key_values(self, title: str, pairs: Iterable[tuple[str, Any]]) -> Any:
        """Add a two-column sheet of names (in bold) and values, such as an "About" sheet."""

        sheet = self._new_sheet(title)
        width = 10
        for name, value in pairs:
            cell = cell_value(value)
            sheet.append([label(name), cell])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            format_cell(sheet.cell(row=sheet.max_row, column=2), cell, "auto")
            width = max(width, shown_width(cell))
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = min(width + 2, 100)
        return sheet

    def instructions(self, title: str, lines: Iterable[str], *, first: bool = True) -> Any:
        """Add a sheet of instructions, one paragraph per row, the first in bold.

        ``first``: put the sheet before the others, so the workbook opens on it.
        """

        sheet = self._new_sheet(title)
        for n, line in enumerate(lines):
            sheet.append([escape(line)])
            cell = sheet.cell(row=sheet.max_row, column=1)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if n == 0:
                cell.font = Font(bold=True, size=13)
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
    ) -> Any:
        """Give every body cell of ``column`` (header, key or 1-based number) a list to pick from.

        Args:
            first_row: the first sheet row covered (default 2, below the header).
            rows: rows covered (default: down to the sheet's last row, at least 1).
            prompt: a message shown when a cell is selected.
            strict: refuse a typed value not in the list (else only warn).

        Returns:
            The openpyxl DataValidation added.
        """

        index = column if isinstance(column, int) else column_index(sheet, column)
        inline = ",".join(choices)
        if len(inline) <= INLINE_LIST_MAX and not any("," in c or '"' in c for c in choices):
            formula = f'"{inline}"'
        else:
            formula = self._list_range(choices)
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

    def _list_range(self, choices: Sequence[str]) -> str:

        if self._lists is None:
            self._lists = self.book.create_sheet(LIST_SHEET)
            self._lists.sheet_state = "hidden"
        col = self._lists.max_column + (1 if self._lists.max_row > 1 or self._lists["A1"].value else 0)
        for r, choice in enumerate(choices, start=1):
            self._lists.cell(row=r, column=col, value=escape(choice))
        letter = column_letter(col)
        return f"{quote_sheetname(LIST_SHEET)}!${letter}$1:${letter}${len(choices)}"

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
        protection = sheet.protection
        protection.sheet = True
        protection.autoFilter = False
        protection.sort = False
        protection.formatColumns = False
        protection.formatRows = False

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

"""Judgement files for offline capture: YAML, CSV and XLSX, one judgement per row.

Columns (every format): ``case, criterion, agency, grade, note, inspector, inspectorate,
role, reason``. ``grade`` holds the answer and ``note`` the narrative on the case-question
row (criterion ``case_question``, agency ``all``). Exports add ``version, recorded_at,
source, audit_head`` (the audit log's head the export was made from); templates add
``criterion_text``; import reads those back and ignores them.

A YAML file is a mapping with optional defaults (``inspector``, ``inspectorate``) and a
``judgements`` list of mappings with the same keys.

In CSV and XLSX a text a spreadsheet would run as a formula is written with a leading
apostrophe, which import removes again (:func:`escape`, :func:`unescape`). Files are written
0600 and never over an existing file unless asked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai import yamlfile
from jtai.errors import ConfigError, InputError, UsageError
from jtai.files import WRITE_HINT, write_private
from jtai.spreadsheet import escape, unescape

if TYPE_CHECKING:
    from jtai.workbook import Column, Kind

COLUMNS = ("case", "criterion", "agency", "grade", "note", "inspector", "inspectorate", "role", "reason")
EXPORT_EXTRA = ("version", "recorded_at", "source", "audit_head")
TEMPLATE_EXTRA = ("criterion_text",)
IGNORED = frozenset(EXPORT_EXTRA + TEMPLATE_EXTRA)
REQUIRED = ("case", "criterion", "agency", "grade")
FORMATS = ("yaml", "csv", "xlsx")
EXISTS_HINT = "Give --force to overwrite it, or choose another name."
_ALIASES = {"yml": "yaml", "xlsm": "xlsx"}


@dataclass(frozen=True)
class Row:
    """One row read from a file: where it was and its values (all text)."""

    row: int
    values: dict[str, str]
    sheet: str | None = None

    @property
    def where(self) -> str:
        """``row 4``, or ``sheet 'C-7KQ3-XM9D', row 4`` in a workbook of several sheets."""
        return f"sheet {self.sheet!r}, row {self.row}" if self.sheet else f"row {self.row}"


def file_format(path: Path, explicit: str | None = None) -> str:
    """``yaml``, ``csv`` or ``xlsx`` from ``explicit`` (``--format``) or the file's extension.

    Raises:
        UsageError: an unknown ``explicit`` format, or an extension that names none.
    """
    if explicit is not None:
        return format_name(explicit)
    name = path.suffix.lstrip(".").lower()
    name = _ALIASES.get(name, name)
    if name not in FORMATS:
        raise UsageError(
            f"{path.name}: cannot tell the file format from its extension.",
            hint=f"Name it .yaml, .csv or .xlsx, or give --format ({', '.join(FORMATS)}).",
        )
    return name


def output_format(path: Path | None, explicit: str | None) -> str:
    """The format of a file written to ``path``, or printed to stdout when ``path`` is None.

    Raises:
        UsageError: an unknown format, or XLSX to stdout (a workbook needs a file).
    """
    if path is not None:
        return file_format(path, explicit)
    kind = format_name(explicit or "yaml")
    if kind == "xlsx":
        raise UsageError(
            "An XLSX file cannot be printed.", hint="Give -o FILE.xlsx, or --format yaml or csv."
        )
    return kind


def format_name(explicit: str) -> str:
    """The format ``--format`` names (``yml`` is ``yaml``).

    Raises:
        UsageError: not one of :data:`FORMATS`.
    """
    name = explicit.strip().lower()
    name = _ALIASES.get(name, name)
    if name not in FORMATS:
        raise UsageError(f"Unknown format {explicit!r}.", hint=f"Formats: {', '.join(FORMATS)}.")
    return name


def read(path: Path, fmt: str | None = None) -> tuple[list[Row], dict[str, str]]:
    """Read a judgement file, in format ``fmt`` (default: from its extension).

    In CSV and XLSX, the apostrophe an export put before a formula-like value is removed
    (see :func:`unescape`).

    Returns:
        The rows, and file-wide defaults (YAML ``inspector``/``inspectorate``).

    Raises:
        InputError: the file cannot be read, has no ``judgements``, or lacks a required
            column; unknown columns are errors too (nothing is silently dropped).
    """
    kind = file_format(path, fmt)
    if not path.is_file():
        raise InputError("no such file.", file=str(path))
    if kind == "csv":
        rows, header = _read_csv(path)
        defaults: dict[str, str] = {}
    elif kind == "xlsx":
        rows, header = _read_xlsx(path)
        defaults = {}
    else:
        rows, header, defaults = _read_yaml(path)
    unknown = [c for c in header if c not in COLUMNS and c not in IGNORED]
    if unknown:
        raise InputError(
            f"unknown column(s) {', '.join(map(repr, unknown))}.",
            file=str(path),
            hint=f"Columns are: {', '.join(COLUMNS)}.",
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"the column(s) {', '.join(missing)} are missing.", file=str(path))
    return rows, defaults


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(path: Path) -> tuple[list[Row], list[str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [column_key(h) for h in next(reader, [])]
            rows = []
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header):
                    raise InputError(
                        "has more cells than the header has columns.", file=str(path), row=number
                    )
                rows.append(Row(number, {h: unescape(c) for h, c in zip(header, cells, strict=False)}))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot be read as UTF-8 CSV ({type(exc).__name__}).", file=str(path)) from exc
    return rows, header


def column_key(header: str) -> str:
    """The column a header names: ``Criterion text`` -> ``criterion_text`` (workbooks show words)."""
    text = header.strip().lower()
    if text.endswith("(utc)"):
        text = text[: -len("(utc)")].strip()
    return "_".join(text.replace("-", " ").split())


def _read_xlsx(path: Path) -> tuple[list[Row], list[str]]:
    """Rows of every judgement sheet: the ``judgements`` sheet, or each sheet headed by ``case``.

    A template for several cases has one sheet per case (and an instructions sheet, skipped);
    its rows are named with their sheet.
    """
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError("cannot be read as an Excel workbook.", file=str(path)) from exc
    try:
        if "judgements" in book.sheetnames:
            sheets = [("judgements", list(book["judgements"].iter_rows(values_only=True)))]
        else:
            sheets = []
            for sheet in book.worksheets:
                if getattr(sheet, "sheet_state", "visible") != "visible":
                    continue
                values = list(sheet.iter_rows(values_only=True))
                if values and "case" in [column_key(_text(h)) for h in values[0]]:
                    sheets.append((sheet.title, values))
            if not sheets and book.worksheets:
                sheets = [(book.worksheets[0].title, list(book.worksheets[0].iter_rows(values_only=True)))]
    finally:
        book.close()
    rows: list[Row] = []
    header: list[str] = []
    named = len(sheets) > 1
    for title, values in sheets:
        if not values:
            continue
        own = [column_key(_text(h)) for h in values[0]]
        while own and not own[-1]:
            own.pop()
        header += [h for h in own if h not in header]
        for number, cells in enumerate(values[1:], start=2):
            texts = [_text(c) for c in cells]
            if not any(t.strip() for t in texts):
                continue
            found = {h: unescape(t) for h, t in zip(own, texts, strict=False) if h}
            rows.append(Row(number, found, title if named else None))
    return rows, header


def _read_yaml(path: Path) -> tuple[list[Row], list[str], dict[str, str]]:
    import yaml

    try:
        data, node = yamlfile.parse(path.read_text(encoding="utf-8"), str(path), detail=False)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("cannot be read as UTF-8 text.", file=str(path)) from exc
    except ConfigError as exc:  # a judgement file is input, not configuration
        line = f" (line {exc.line})" if exc.line is not None else ""
        raise InputError(f"is not valid YAML{line}.", file=str(path)) from None
    except yaml.YAMLError:  # a character YAML does not allow is refused before parsing starts
        raise InputError("is not valid YAML.", file=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("judgements"), list):
        raise InputError("needs a `judgements:` list (see `jtai score template`).", file=str(path))
    assert node is not None  # data is a mapping, so the document has a node
    items_node = next(v for k, v in node.value if k.value == "judgements")
    header: list[str] = list(REQUIRED)
    rows = []
    for item, item_node in zip(data["judgements"], items_node.value, strict=True):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            raise InputError("each judgement must be a mapping of column: value.", file=str(path), row=line)
        values = {str(k).strip().lower(): _text(v) for k, v in item.items()}
        header += [k for k in values if k not in header]
        rows.append(Row(line, values))
    defaults = {k: _text(data[k]) for k in ("inspector", "inspectorate") if data.get(k)}
    extra = [k for k in data if k not in ("judgements", "inspector", "inspectorate", "framework")]
    header += [str(k) for k in extra]
    return rows, header, defaults


def write(
    path: Path,
    rows: Iterable[dict[str, Any]],
    columns: tuple[str, ...],
    *,
    header: str = "",
    fmt: str | None = None,
    force: bool = False,
) -> None:
    """Write rows to ``path`` (0600) in format ``fmt`` (default: from its extension).

    Raises:
        UsageError: an unknown format.
        ConflictError: the file exists and ``force`` is false.
        InputError: the file cannot be written (no such folder, no permission).
    """
    kind = file_format(path, fmt)
    data = list(rows)
    if kind == "xlsx":
        payload = _xlsx_bytes(data, columns)
    else:
        payload = render(data, columns, kind, header=header).encode("utf-8")
    write_private(
        path,
        payload,
        force=force,
        exists_hint="Give --force to overwrite it, or choose another name.",
        hint=WRITE_HINT,
    )


def render(rows: list[dict[str, Any]], columns: tuple[str, ...], kind: str, *, header: str = "") -> str:
    """Rows as YAML or CSV text (a template printed to stdout uses this).

    Raises:
        UsageError: ``kind`` is xlsx, which is no text.
    """
    if kind == "xlsx":
        output_format(None, kind)  # raises
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([escape(_text(row.get(c, ""))) for c in columns])
        return buffer.getvalue()
    import yaml

    body = {"judgements": [{c: row.get(c, "") for c in columns} for row in rows]}
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


# How each column is written in a workbook: versions as numbers, times as date cells.
_KINDS: dict[str, Kind] = {"version": "number", "recorded_at": "datetime", "case": "id"}
_TITLES = {"recorded_at": "Recorded at (UTC)"}


def xlsx_columns(columns: tuple[str, ...]) -> list[Column]:
    """The workbook columns of a judgement file: words as headers, import reads them back."""
    from jtai.workbook import Column

    return [Column(c, title=_TITLES.get(c), kind=_KINDS.get(c, "text")) for c in columns]


def _xlsx_bytes(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> bytes:
    from jtai.workbook import Workbook

    book = Workbook()
    book.table("judgements", xlsx_columns(columns), rows)
    return book.to_bytes()

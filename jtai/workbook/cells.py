"""The cells of a workbook: headers in words, and each value as the cell type it should be.

Helpers of :mod:`jtai.workbook`: :func:`label`, :class:`Column`, :func:`cell_value`,
:func:`require_suffix`, and the formatting and naming rules a sheet follows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from openpyxl.utils import get_column_letter

from jtai.errors import UsageError
from jtai.files import workspace_file_error
from jtai.spreadsheet import escape

Kind = Literal["auto", "text", "id", "number", "date", "datetime"]

SUFFIX = ".xlsx"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MIN_WIDTH = 6
MAX_WIDTH = 60
WIDTH_SAMPLE = 500  # rows measured to fit a column's width
LIST_SHEET = "Lists"  # the hidden sheet holding dropdown lists too long to write inline
INLINE_LIST_MAX = 250  # Excel refuses an inline list over 255 characters

# Words spelt out or capitalised in headers; anything else is its key in sentence case.
WORDS = {
    "id": "id",
    "ids": "ids",
    "dob": "Date of birth",
    "nhs": "NHS",
    "upn": "UPN",
    "pnc": "PNC",
    "la": "LA",
    "csc": "CSC",
    "yos": "YOS",
    "url": "URL",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def label(key: str) -> str:
    """A column key as a header people read: ``nhs_number`` -> ``NHS number``, ``dob`` -> ``Date of birth``.

    A key that is already words (``frame size``) only gets its capital: ``Frame size``.
    """
    if not key:
        return key
    if " " in key or key != key.lower():
        return key[:1].upper() + key[1:]
    words = [WORDS.get(w, w) for w in key.replace("-", "_").split("_") if w]
    if not words:
        return key
    first = words[0]
    if first == first.lower():
        first = first[:1].upper() + first[1:]
    return " ".join([first, *words[1:]])


@dataclass(frozen=True)
class Column:
    """One column of a table sheet.

    Attributes:
        key: the key of the value in each row mapping.
        title: the header (default: :func:`label` of ``key``).
        kind: how values are written: ``date``/``datetime`` as date cells (ISO text is
            parsed; an offset is turned to UTC), ``id`` always as text, ``number`` as
            numbers where they are numbers, ``text`` as text, ``auto`` (default) by the
            Python type (``date`` and ``datetime`` objects become date cells, text stays text).
        width: a fixed width in characters (default: fitted to the content).
        wrap: wrap long text inside the cell (for a column of sentences).
    """

    key: str
    title: str | None = None
    kind: Kind = "auto"
    width: int | None = None
    wrap: bool = False

    @property
    def header(self) -> str:
        """The header cell's text."""
        return self.title if self.title is not None else label(self.key)


def columns(keys: Iterable[str], kinds: Mapping[str, Kind] | None = None) -> list[Column]:
    """Columns for ``keys``, each of the kind ``kinds`` gives it (default ``auto``)."""
    kinds = kinds or {}
    return [Column(k, kind=kinds.get(k, "auto")) for k in keys]


def require_suffix(path: Path, allowed: Sequence[str], what: str = "file") -> str:
    """The lower-case suffix of ``path`` when it is one of ``allowed`` (``.csv``, ``.xlsx``...).

    Raises:
        ConflictError: ``path`` is a workspace's own file (``jtai.db``...), whatever its suffix.
        UsageError: any other suffix, naming those that can be written.
    """

    own = workspace_file_error(path)  # never a workspace's own file, whatever its name says
    if own is not None:
        raise own
    suffix = path.suffix.lower()
    if suffix not in allowed:
        names = " or ".join(allowed)
        raise UsageError(
            f"{path}: a {what} is written as {names}; the name says {suffix or 'nothing'}.",
            hint=f"Name the file with {names} at the end.",
        )
    return suffix


def cell_value(value: Any, kind: Kind = "auto") -> Any:
    """The value a cell holds for ``value`` written as ``kind`` (see :class:`Column`)."""
    if value is None or value == "":
        return None
    if kind == "id":
        return escape(_text(value))
    if kind in ("date", "datetime"):
        when = _when(value)
        if when is not None:
            return when
        return escape(_text(value))
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return _naive_utc(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return str(value) if kind == "text" else value
    if kind == "number" and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    return escape(_text(value))


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _when(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return _naive_utc(value)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _ISO_DATE.match(text):
            return dt.date.fromisoformat(text)
        return _naive_utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def _naive_utc(value: dt.datetime) -> dt.datetime:
    """A datetime as Excel holds it: no time zone (an aware one is turned to UTC first)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)


def format_cell(cell: Any, value: Any, kind: Kind) -> None:
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.data_type = "s"  # a string cell, never a formula
        if kind == "id":
            cell.number_format = "@"


def shown_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return len("2026-12-03 07:43:01")
    if isinstance(value, dt.date):
        return len("2026-12-03")
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_letter(index: int) -> str:

    return str(get_column_letter(index))


def column_index(sheet: Any, name: str) -> int:
    for cell in sheet[1]:
        if cell.value in (name, label(name)):
            return int(cell.column)
    raise ValueError(f"no column {name!r} in sheet {sheet.title!r}")


def sheet_title(title: str, taken: Sequence[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``, unique."""
    clean = re.sub(r"[\[\]:*?/\\]", "-", title).strip("'") or "Sheet"
    clean = clean[:31]
    name, n = clean, 2
    lowered = {t.lower() for t in taken}
    while name.lower() in lowered:
        suffix = f" ({n})"
        name = clean[: 31 - len(suffix)] + suffix
        n += 1
    return name

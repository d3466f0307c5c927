"""Cells safe to open in a spreadsheet.

Extracts carry free text from agency systems, and a cell starting ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is run as a formula by Excel and LibreOffice (formula or
CSV injection). Every CSV and XLSX file jtai writes passes its cells through
:func:`neutralise`, which makes such text show as text.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula."""
    return text.startswith(FORMULA_START)


def neutralise(value: Any) -> Any:
    """A cell value safe from formula injection: ``"=1+1"`` -> ``"'=1+1"``; others unchanged."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def escape(value: Any) -> Any:
    """A cell as CSV and XLSX files hold it: safe from formula injection, and reversible.

    A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe (as :func:`neutralise` gives it), and so does a text that starts with
    apostrophes before one of those characters, so that :func:`unescape` can always remove
    exactly the apostrophe added here and a file read back gives the value written.
    """
    if not isinstance(value, str):
        return value
    return "'" + value if is_formula(value.lstrip("'")) else value


def unescape(text: str) -> str:
    """A cell read from a CSV or XLSX file: the apostrophe :func:`escape` adds is removed.

    Only from a text that starts with apostrophes before a formula character, the only texts
    :func:`escape` changes; any other text is kept as written.
    """
    return text[1:] if text.startswith("'") and is_formula(text.lstrip("'")) else text

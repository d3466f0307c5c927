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

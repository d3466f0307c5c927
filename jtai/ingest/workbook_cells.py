"""Cells of an .xlsx workbook that a reader shows as empty but that are not: formulas whose
result was never saved, and Excel error values.

Workbooks written by scripts (openpyxl, pandas, many case-management exports) often hold
formulas that were never calculated: the file has the formula and no value. Error cells
(``#N/A``, ``#REF!``) have a value, but not one a field can hold. The cell reader gives
both as empty cells; this module finds them in the sheet's XML, so that each becomes a
field issue with its own rule instead of a value lost without a word.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

# (row, column), both from 0 as the cell reader counts them -> (rule, raw value)
Cells = dict[tuple[int, int], tuple[str, str]]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"([A-Z]+)(\d+)")
# a formula element, or an error cell: only sheets holding one are parsed
_HINT = re.compile(rb"<(?:\w+:)?f[\s>/]|\bt=\"e\"")


def unusable_cells(data: bytes) -> dict[str, Cells]:
    """Per sheet name: the cells with a formula and no saved value, and the error cells.

    Returns an empty mapping for anything that is not a readable .xlsx (the cell reader
    reports those).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = _sheet_parts(archive)
            out: dict[str, Cells] = {}
            for name, part in sheets.items():
                try:
                    xml = archive.read(part)
                except KeyError:
                    continue
                if _HINT.search(xml):
                    cells = _cells(xml)
                    if cells:
                        out[name] = cells
            return out
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, ValueError):
        return {}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the path of its XML in the archive."""
    book = ElementTree.fromstring(_safe(archive.read("xl/workbook.xml")))  # noqa: S314 - no DTD: see _safe
    rels = ElementTree.fromstring(_safe(archive.read("xl/_rels/workbook.xml.rels")))  # noqa: S314
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    out: dict[str, str] = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if not target:
            continue
        path = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
        out[sheet.get("name", "")] = path
    return out


def _cells(xml: bytes) -> Cells:
    found: Cells = {}
    for _, cell in ElementTree.iterparse(io.BytesIO(_safe(xml))):  # noqa: S314 - no DTD: see _safe
        if cell.tag != f"{_MAIN}c":
            continue
        ref = _REF.match(cell.get("r", ""))
        formula = cell.find(f"{_MAIN}f")
        value = cell.find(f"{_MAIN}v")
        text = value.text if value is not None and value.text else ""
        if ref is not None:
            at = (int(ref.group(2)) - 1, _column(ref.group(1)))
            if cell.get("t") == "e":
                found[at] = ("excel_error", text or "#VALUE!")
            elif (
                formula is not None
                and text == ""
                and (value is None or cell.get("t") not in ("str", "inlineStr"))
            ):
                # no value at all, or an empty one that is not a formula's empty text result
                shown = f"={formula.text}" if formula.text else "=(a formula shared with the cells above)"
                found[at] = ("formula_without_value", shown)
        cell.clear()
    return found


def _safe(xml: bytes) -> bytes:
    """The XML, refused (ValueError) when it declares a DTD: entities are how XML attacks work,
    and a workbook written by Excel or a library never has one."""
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise ValueError("an XML part of the workbook declares a DTD")
    return xml


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1

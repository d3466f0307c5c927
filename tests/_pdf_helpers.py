"""Reading a tagged PDF's structure tree in tests."""

from __future__ import annotations

import io
from typing import Any

# A4 in CSS pixels (WeasyPrint writes a figure's layout box in CSS pixels): 210 x 297 mm
PAGE_PX = (210 / 25.4 * 96, 297 / 25.4 * 96)


def pdf_structure(pdf: bytes) -> tuple[list[Any], list[Any], Any]:
    """The /Figure and /TH elements of a tagged PDF, and its reader."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = PdfReader(io.BytesIO(pdf))
    figures: list[Any] = []
    headers: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if node.get("/S") == "/Figure":
                figures.append(node)
            if node.get("/S") == "/TH":
                headers.append(node)
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return figures, headers, reader

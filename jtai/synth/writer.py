"""Write the extracts byte for byte the same on every run: CSV, the Annex A workbook, truth."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from jtai.ingest.layouts import FIELDS

# openpyxl stamps the time of writing into the workbook; these fixed values replace it.
_FIXED_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def write_csv(path: Path, columns: dict[str, Any], order: tuple[str, ...] = FIELDS) -> None:
    """Write text columns as a UTF-8 CSV with ``\\n`` line ends and minimal quoting."""
    import pandas as pd

    frame = pd.DataFrame({name: columns[name] for name in order}, columns=list(order), dtype=object)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_workbook(path: Path, sheets: dict[str, dict[str, Any]]) -> None:
    """Write an xlsx with one sheet per list; dates shown DD/MM/YYYY as in the template."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for title, cols in sheets.items():
        ws = wb.create_sheet(title)
        headers = list(cols)
        ws.append(headers)
        arrays = [cols[h] for h in headers]
        rows = len(arrays[0]) if arrays else 0
        date_cols = [i for i, a in enumerate(arrays) if any(isinstance(v, dt.date) for v in a[:200])]
        for r in range(rows):
            row: list[Any] = [a[r] for a in arrays]
            for i in date_cols:
                if isinstance(row[i], dt.date):
                    cell = WriteOnlyCell(ws, value=row[i])
                    cell.number_format = "DD/MM/YYYY"
                    row[i] = cell
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """The same workbook with fixed timestamps in docProps and in the zip entries."""
    import re

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + _FIXED_TIME.encode(), body
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()

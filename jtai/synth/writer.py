"""Write the extracts byte for byte the same on every run: CSV, the Annex A workbook, truth.

Files are 0600 and folders 0700, as a real extract's would be.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

from jtai import files
from jtai.canonical import CONTACT_FIELDS
from jtai.canonical import FIELDS as _ALL_FIELDS

# the generated extracts hold no contact fields (addresses, email, phone)
FIELDS = tuple(f for f in _ALL_FIELDS if f not in CONTACT_FIELDS)

# openpyxl stamps the time of writing into the workbook; these fixed values replace it.
_FIXED_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
DIR_MODE = 0o700


def private_folder(path: Path, *, ours: bool = False) -> None:
    """Make ``path`` (and missing parents) if needed, 0700.

    A folder that already existed keeps the mode its owner gave it, unless it is ``ours``
    (``extracts/`` and ``truth/``, which only synth writes into).
    """
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if ours or not existed:
        os.chmod(path, DIR_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new 0600 file at ``path``, replacing (never following) what was there."""
    files.write_private(path, data, atomic=True, error=None)


def write_csv(path: Path, columns: dict[str, Any], order: tuple[str, ...] = FIELDS) -> None:
    """Write text columns as a UTF-8 CSV with ``\\n`` line ends, quoting only where needed.

    pyarrow writes the rows when no value needs quoting (the usual case, several times
    faster); otherwise pandas does. Both give the same bytes for the same values.
    """
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    header = ",".join(order) + "\n"
    table = pa.table({name: pa.array(columns[name], type=pa.string()) for name in order})
    body = io.BytesIO()
    try:
        pa_csv.write_csv(
            table, body, pa_csv.WriteOptions(include_header=False, quoting_style="none", eol="\n")
        )
    except pa.ArrowInvalid:  # a comma, quote or line break in some value
        import pandas as pd

        frame = pd.DataFrame({name: columns[name] for name in order}, columns=list(order), dtype=object)
        write_private(path, frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        return
    write_private(path, header.encode("utf-8") + body.getvalue())


def write_workbook(path: Path, sheets: dict[str, dict[str, Any]]) -> None:
    """Write an xlsx with one sheet per list; dates are real dates shown DD/MM/YYYY.

    The workbook XML is written directly (about ten times faster than openpyxl's write-only
    mode on a large area), with fixed timestamps so that the bytes never change.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:

        def put(name: str, text: str) -> None:
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            zf.writestr(entry, text.encode("utf-8"))

        titles = list(sheets)
        put("[Content_Types].xml", _content_types(len(titles)))
        put("_rels/.rels", _ROOT_RELS)
        put("docProps/core.xml", _CORE.format(time=_FIXED_TIME))
        put("docProps/app.xml", _APP)
        put("xl/workbook.xml", _workbook(titles))
        put("xl/_rels/workbook.xml.rels", _workbook_rels(len(titles)))
        put("xl/styles.xml", _STYLES)
        for i, title in enumerate(titles, start=1):
            put(f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheets[title]))
    write_private(path, out.getvalue())


def _sheet_xml(cols: dict[str, Any]) -> str:
    import datetime as dt

    headers = list(cols)
    letters = [_column_letter(i) for i in range(len(headers))]
    n = len(cols[headers[0]]) if headers else 0
    cells: list[list[str]] = []
    epoch = dt.date(1899, 12, 30)
    for letter, header in zip(letters, headers, strict=True):
        column = [f'<c r="{letter}1" t="inlineStr"><is><t>{_escape(header)}</t></is></c>']
        for r, value in enumerate(cols[header], start=2):
            ref = f"{letter}{r}"
            if value is None or value == "":
                column.append("")
            elif isinstance(value, dt.date):
                column.append(f'<c r="{ref}" s="1"><v>{(value - epoch).days}</v></c>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                column.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                column.append(f'<c r="{ref}" t="inlineStr"><is><t>{_escape(str(value))}</t></is></c>')
        cells.append(column)
    rows = [f'<row r="{r + 1}">{"".join(row)}</row>' for r, row in enumerate(zip(*cells, strict=True))]
    del n
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN_NS}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
    )


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_CORE = (
    _XML
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>jtai synth</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{time}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{time}</dcterms:modified>'
    "</cp:coreProperties>"
)
_APP = (
    _XML + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>jtai</Application></Properties>"
)
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _content_types(count: int) -> str:
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
        for i in range(1, count + 1)
    )
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook(titles: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_escape(t)}" sheetId="{i}" r:id="rId{i}"/>' for i, t in enumerate(titles, start=1)
    )
    return f'{_XML}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets></workbook>'


def _workbook_rels(count: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    styles = f'<Relationship Id="rId{count + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
    return f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">{rels}{styles}</Relationships>'

"""Choose the mapping for a file and read its tables, refusing what would lose rows.

A workbook with sheets named like the Annex A lists is read with the ``annex-a`` mapping,
and only for children's social care; any other file with the agency's canonical layout,
unless the user names a mapping. A sheet the mapping names whose header cannot be found
stops the file: its rows would otherwise be neither accepted nor quarantined.
"""

from __future__ import annotations

import io
from pathlib import Path

from jtai.errors import InputError, UsageError
from jtai.ingest import readers
from jtai.ingest.encoding import kind_of
from jtai.ingest.mapping import Mapping, SheetMapping, header_key, load_builtin
from jtai.ingest.validate import known_keys, scorer_for

Tables = list[readers.RawSheet | readers.SkippedSheet]


def check_agency(mapping: Mapping, agency: str) -> None:
    """Refuse a mapping written for another agency's extracts.

    Raises:
        UsageError: the mapping declares an agency other than ``agency``.
    """
    if mapping.agency is not None and mapping.agency != agency:
        raise UsageError(
            f"the mapping {mapping.name!r} reads {mapping.agency} extracts, not {agency}.",
            hint=f"Load them with --agency {mapping.agency}, or give the --mapping for {agency}.",
        )


def choose_mapping(data: bytes, path: Path, chosen: Mapping | None, agency: str) -> Mapping:
    """The mapping for a file: ``chosen``, else Annex A or the agency's layout (from its sheets or name).

    Cheap (a workbook's sheet names only), so that it runs before anything else about the file.

    Raises:
        InputError: the file is empty or not a CSV or Excel file.
        UsageError: an Annex A workbook given for an agency other than csc.
    """
    if kind_of(data) == "csv":
        if chosen is not None:
            if len(chosen.sheets) > 1 and chosen.sheet_for(path.stem) is None:
                return _by_header(data, chosen) or chosen  # e.g. an Annex A list under another name
            return chosen
        return _csv_mapping(data, path, agency)
    return chosen or _workbook_mapping(data, agency)


def read_tables(data: bytes, path: Path, mapping: Mapping) -> Tables:
    """The tables read from a file with its mapping (see :func:`choose_mapping`).

    Raises:
        InputError: the file cannot be read, has no data rows, or a sheet the mapping
            names has no header row.
    """
    kind = kind_of(data)
    if kind == "csv":
        sheet = mapping.sheet_for(path.stem) or (mapping.sheets[0] if len(mapping.sheets) == 1 else None)
        if sheet is None:
            raise InputError(
                f"the mapping {mapping.name!r} has no sheet for a CSV file named {path.stem!r}.",
                hint="Name the file after the sheet it holds (e.g. 'List 1.csv'), "
                "or use a one-table mapping.",
            )
        table = readers.read_csv(data, scorer_for(sheet), mapping.header_search_rows)
        if not table.rows_read:
            raise _no_data([table])
        return [table]

    def scorers(sheet_name: str) -> readers.HeaderScorer | None:
        sheet = mapping.sheet_for(sheet_name)
        return scorer_for(sheet) if sheet is not None else None

    tables = readers.read_workbook(data, kind, scorers, mapping.header_search_rows)
    for skipped in tables:
        if isinstance(skipped, readers.SkippedSheet) and skipped.rows and mapping.names_sheet(skipped.name):
            rows = f"{skipped.rows} row" + ("s" if skipped.rows != 1 else "")
            raise InputError(
                f"{skipped.reason.removesuffix('.')}, so its {rows} cannot be read; "
                "nothing of the workbook was added.",
                sheet=skipped.name,
                hint="Check the sheet's header row names the list's columns (see docs/ingest.md), "
                "or give a --mapping that names them.",
            )
    if not any(isinstance(t, readers.RawSheet) for t in tables):
        names = ", ".join(repr(t.name) for t in tables) or "none"
        raise InputError(
            f"no sheet could be read with the mapping {mapping.name!r} (sheets: {names}).",
            hint="Give the --mapping that fits this workbook.",
        )
    if not any(isinstance(t, readers.RawSheet) and t.rows_read for t in tables):
        raise _no_data(tables)
    return tables


def check_rows(tables: Tables, rows_read: list[int]) -> None:
    """Refuse a file whose data rows were all blank (e.g. a row of commas under the header).

    ``rows_read`` holds the rows read from each table, blank rows left out.

    Raises:
        InputError: no table has a row with a value.
    """
    if not any(rows_read):
        raise _no_data(tables)


def sheet_of(mapping: Mapping, table: readers.RawSheet, path: Path) -> SheetMapping:
    """The sheet mapping for a table (a CSV file's is found by the file's name, or is the only one)."""
    sheet = mapping.sheet_for(table.name or path.stem)
    return sheet if sheet is not None else mapping.sheets[0]


def _no_data(tables: Tables) -> InputError:
    hint = "Check the export; an empty extract adds nothing."
    raws = [t for t in tables if isinstance(t, readers.RawSheet)]
    if len(raws) == 1 and not raws[0].name:
        return InputError("has a header row but no data rows.", row=raws[0].header_row, hint=hint)
    return InputError("has header rows but no data rows.", hint=hint)


def _csv_mapping(data: bytes, path: Path, agency: str) -> Mapping:
    """Annex A for a CSV named after a list ("List 3.csv") or whose header is a list's; else the layout.

    Raises:
        UsageError: an Annex A list, for an agency other than children's social care.
    """
    annex = load_builtin("annex-a")
    layout = load_builtin(agency)
    if annex.sheet_for(path.stem) is not None:
        found: Mapping | None = annex
    else:
        found = _by_header(data, annex, against=layout)
    if found is None:
        return layout
    if agency != annex.agency:
        sheet = found.sheet_for(path.stem) or found.sheets[0]
        raise UsageError(
            f"is an Ofsted Annex A list ({sheet.sheet[0]}, {sheet.title or sheet.event_type}) saved as CSV, "
            f"the return of children's social care, so it cannot be loaded as {agency} records.",
            hint=f"Load it with --agency {annex.agency}.",
        )
    return found


def _by_header(data: bytes, mapping: Mapping, against: Mapping | None = None) -> Mapping | None:
    """``mapping`` narrowed to the one sheet whose columns the CSV's header names best.

    A sheet counts only when its required columns are all in the header and it names at
    least 3 columns, more than ``against`` (the agency's own layout) does.
    """
    from jtai.ingest.encoding import decode
    from jtai.ingest.readers import DELIMITERS, first_records

    try:
        _, head = decode(data)
    except InputError:
        return None
    rows = [r for d in DELIMITERS for r in first_records(head, d, mapping.header_search_rows)]
    # each cell's key once, not once per sheet: (the keys of all cells, of non-empty ones) per row
    cells = [[(c, header_key(c)) for c in row] for row in rows]
    keyed = [({k for _, k in row}, {k for c, k in row if c}) for row in cells]
    floor = 2
    if against is not None:
        known = known_keys(against.sheets[0])
        floor = max(floor, max((len(filled & known) for _, filled in keyed), default=0))
    best, chosen = floor, None
    for sheet in mapping.sheets:
        known = known_keys(sheet)
        required = [{header_key(a) for a in sheet.fields.get(f, [])} for f in sheet.required]
        for keys, filled in keyed:
            if not all(aliases & keys for aliases in required):
                continue
            if len(filled & known) > best:  # the first sheet wins a tie
                best, chosen = len(filled & known), sheet
    if chosen is None:
        return None
    return mapping.model_copy(update={"sheets": [chosen]})


def _workbook_mapping(data: bytes, agency: str) -> Mapping:
    """Annex A when the workbook has a sheet named like one of its lists; else the agency's layout.

    Raises:
        UsageError: an Annex A workbook, for an agency other than children's social care.
    """
    annex = load_builtin("annex-a")
    try:
        from python_calamine import CalamineWorkbook

        names = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    except Exception:  # the reader reports damaged or encrypted files with a clear message
        return load_builtin(agency)
    lists = [n for n in names if annex.sheet_for(n) is not None]
    if not lists:
        return load_builtin(agency)
    if agency != annex.agency:
        shown = ", ".join(repr(n) for n in lists[:3]) + (", ..." if len(lists) > 3 else "")
        raise UsageError(
            f"is an Ofsted Annex A workbook (sheets {shown}), the return of children's social care, "
            f"so it cannot be loaded as {agency} records.",
            hint=f"Load it with --agency {annex.agency}.",
        )
    return annex

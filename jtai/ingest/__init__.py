"""Ingest: read agencies' extracts, map them to canonical records, validate, quarantine.

Public API:
- :func:`load_files` loads CSV/Excel files into a workspace and returns a :class:`LoadResult`;
- :func:`load_mapping` reads a built-in or user mapping;
- :func:`template_csv` is the empty canonical CSV of an agency;
- :mod:`jtai.ingest.layouts` holds the documented canonical CSV layout of each agency (the fields,
  event types and risk flags are :mod:`jtai.canonical`).
"""

from jtai.ingest.loader import load_files
from jtai.ingest.mapping import Mapping, builtin_names, load_mapping
from jtai.ingest.results import FileResult, LoadResult, SheetResult

__all__ = [
    "FileResult",
    "LoadResult",
    "Mapping",
    "SheetResult",
    "builtin_names",
    "load_files",
    "load_mapping",
]

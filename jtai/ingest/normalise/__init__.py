"""Vectorised normalisation of canonical fields.

Every function takes a pandas Series of text (``""`` for an empty cell) and returns the
normalised Series (``""`` still meaning empty) and, where a value can be wrong, a boolean
numpy array marking the rows whose value could not be normalised.

Formats written to the store (other areas rely on them):
- identifiers (``agency_person_id``, ``la_child_id``): trimmed; a number written as
  ``123.0`` or ``000123`` becomes ``123``; other text is kept as written, spaces trimmed;
- ``nhs_number``: ten digits, no spaces (``9434765919``), Modulus 11 check digit valid;
- ``upn`` and ``pnc_id``: upper case, no spaces;
- ``postcode``: upper case, one space before the inward code (``SW1A 1AA``);
- names and other text: trimmed, runs of white space (including non-breaking) as one space,
  case as written;
- dates: ISO ``YYYY-MM-DD``.
"""

from jtai.ingest.normalise.columns import blanked, factor_cache, factorize, filled
from jtai.ingest.normalise.dates import EXCEL_EPOCH, UK_DATE_FORMATS, dates
from jtai.ingest.normalise.text import coded, identifier, nhs_number, postcode, text, upper_code

__all__ = [
    "EXCEL_EPOCH",
    "UK_DATE_FORMATS",
    "blanked",
    "coded",
    "dates",
    "factor_cache",
    "factorize",
    "filled",
    "identifier",
    "nhs_number",
    "postcode",
    "text",
    "upper_code",
]

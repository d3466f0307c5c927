"""Reports: the public letter of findings, the evidence pack and the self-assessment.

Public API::

    from jtai.report import Letter, letter_html, letter_pdf      # render hand-written content
    from jtai.report import add_working_days                     # England's working days
    from jtai.report import IdentifyingIndex, check_html         # the anonymity guard
    from jtai.report import write_letter, write_evidence, write_self_assessment  # from a workspace

Heavy libraries (WeasyPrint, matplotlib) are imported inside the functions that use them.
"""

from jtai.anonymity.guard import Hit, IdentifyingIndex, check_html, index_from_store
from jtai.report.letter import letter_html, letter_pdf
from jtai.report.letter_content import Addressee, AgencyPoints, CaseStudy, Letter, SectionFindings, Signatory
from jtai.workdays import add_working_days, is_working_day, working_days_between

__all__ = [
    "Addressee",
    "AgencyPoints",
    "CaseStudy",
    "Hit",
    "IdentifyingIndex",
    "Letter",
    "SectionFindings",
    "Signatory",
    "add_working_days",
    "check_html",
    "index_from_store",
    "is_working_day",
    "letter_html",
    "letter_pdf",
    "working_days_between",
]

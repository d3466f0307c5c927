"""Reports: the public letter of findings, the evidence pack and the self-assessment.

Public API::

    from jtai.report import Letter, letter_html, letter_pdf      # render hand-written content
    from jtai.report import write_letter, write_evidence, write_self_assessment  # from a workspace

England's working days are :mod:`jtai.workdays`; the anonymity guard is :mod:`jtai.anonymity`.
Heavy libraries (WeasyPrint, matplotlib) are imported inside the functions that use them.
"""

from jtai.report.letter import letter_html, letter_pdf
from jtai.report.letter_content import Addressee, AgencyPoints, CaseStudy, Letter, SectionFindings, Signatory

__all__ = [
    "Addressee",
    "AgencyPoints",
    "CaseStudy",
    "Letter",
    "SectionFindings",
    "Signatory",
    "letter_html",
    "letter_pdf",
]

"""The letter on the page: signatures kept with the closing text, dates never broken."""

from __future__ import annotations

import io

import pypdf
from _report_helpers import sample_letter

from jtai.report.letter import letter_pdf
from jtai.report.letter_content import AgencyPoints

_LONG = (
    "Practitioners across the partnership build trusting relationships with children at risk of "
    "exploitation and persist when children are reluctant to engage, and their managers make sure "
    "that plans are reviewed after every missing episode so that risks are understood and reduced. "
)


def _pages(pdf: bytes) -> list[list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [[line for line in page.extract_text().splitlines() if line.strip()] for page in reader.pages]


def test_long_letter_never_leaves_the_signatures_alone() -> None:
    """Many long findings: the last page holds the closing paragraph with the signatures, dates whole."""
    for count in (9, 12, 15):
        letter = sample_letter(
            strengths=tuple(_LONG * 2 for _ in range(count)),
            agency_findings=(AgencyPoints("police", "Police", tuple(_LONG * 3 for _ in range(count))),),
        )
        pages = _pages(letter_pdf(letter))
        signed = next(i for i, page in enumerate(pages) if any("Yours sincerely" in line for line in page))
        body = [line for line in pages[signed] if "Page " not in line and "Joint targeted" not in line]
        assert any(line.startswith("That date is") for line in pages[signed]), (count, pages[signed])
        assert len(body) > 1 + 3 * len(letter.signatories), (count, body)  # more than the signatures
        text = [line for page in pages for line in page]
        assert any("16 August 2018" in line for line in text), count

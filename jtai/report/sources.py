"""What reports read from the other areas (scoring, sampling, linkage), in one place.

Each function returns plain data, or ``None`` when that area has nothing recorded in the
workspace yet, so a report can always be rendered and says what is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jtai.workspace import Workspace


def case_outcomes(ws: Workspace) -> tuple[int, int] | None:
    """(children safer, cases answered) from the case-question answers, or None."""
    del ws
    return None

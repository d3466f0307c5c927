"""Linkage: one child id across agencies, clerical review, and the multi-agency chronology.

Public API::

    from jtai.linkage import link, LinkSummary, thresholds      # run linkage on a workspace
    from jtai.linkage import resolve_child, child_pseudonym      # "C-XXXX-XXXX" / "R1042" -> child id
    from jtai.linkage import chronology, Chronology              # one child's events and gaps

See docs/linkage.md.
"""

from __future__ import annotations

from jtai.linkage.chronology import Chronology, chronology
from jtai.linkage.refs import child_pseudonym, pseudonyms, record_id, resolve_child
from jtai.linkage.run import LinkSummary, link, thresholds

__all__ = [
    "Chronology",
    "LinkSummary",
    "child_pseudonym",
    "chronology",
    "link",
    "pseudonyms",
    "record_id",
    "resolve_child",
    "thresholds",
]

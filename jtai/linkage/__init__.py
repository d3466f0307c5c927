"""Linkage: one child id across agencies, clerical review, and the multi-agency chronology."""

from __future__ import annotations

from jtai.linkage.run import LinkSummary, link, thresholds

__all__ = ["LinkSummary", "link", "thresholds"]

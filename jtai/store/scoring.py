"""SQL for the scoring area."""

from __future__ import annotations

DDL = ""

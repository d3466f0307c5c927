"""SQL for the linkage area."""

from __future__ import annotations

DDL = ""

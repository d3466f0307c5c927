"""SQL for the sampling area."""

from __future__ import annotations

DDL = ""

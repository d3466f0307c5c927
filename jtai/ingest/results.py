"""What a load did, per file and sheet: the reconciliation users and tests read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["loaded", "already_loaded", "rejected", "error"]


@dataclass
class SheetResult:
    """The reconciliation of one sheet (a CSV file is one sheet named ``""``).

    ``rows_read == accepted + quarantined`` always holds.
    """

    sheet: str
    rows_read: int
    accepted: int
    quarantined: int
    reasons: Counter[str] = field(default_factory=Counter)
    skipped: str | None = None

    def top_reasons(self, n: int = 3) -> list[tuple[str, int]]:
        """The most frequent quarantine rules, most frequent first."""
        return sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "reasons": dict(sorted(self.reasons.items())),
            "skipped": self.skipped,
        }


@dataclass
class FileResult:
    """The outcome of one file.

    Attributes:
        status: ``loaded``; ``already_loaded`` (same content hash, nothing added);
            ``rejected`` (``--strict`` and rows were quarantined, nothing added);
            ``error`` (the file could not be read at all, nothing added).
        message: what went wrong, or which earlier load holds this content.
    """

    path: str
    name: str
    agency: str
    status: Status
    sha256: str = ""
    mapping: str = ""
    file_id: int | None = None
    message: str = ""
    sheets: list[SheetResult] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sheets)

    @property
    def accepted(self) -> int:
        return sum(s.accepted for s in self.sheets)

    @property
    def quarantined(self) -> int:
        return sum(s.quarantined for s in self.sheets)

    @property
    def reasons(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for sheet in self.sheets:
            total.update(sheet.reasons)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "agency": self.agency,
            "status": self.status,
            "sha256": self.sha256,
            "mapping": self.mapping,
            "file_id": self.file_id,
            "message": self.message,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "sheets": [s.to_dict() for s in self.sheets],
        }


@dataclass
class LoadResult:
    """The outcome of ``load_files``: one :class:`FileResult` per path, in order."""

    files: list[FileResult] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files if f.status == "loaded")

    @property
    def accepted(self) -> int:
        return sum(f.accepted for f in self.files if f.status == "loaded")

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.files if f.status == "loaded")

    @property
    def errors(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "error"]

    @property
    def rejected(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "rejected"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [f.to_dict() for f in self.files],
            "totals": {
                "rows_read": self.rows_read,
                "accepted": self.accepted,
                "quarantined": self.quarantined,
            },
        }

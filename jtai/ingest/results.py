"""What a load did, per file and sheet: the reconciliation users and tests read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["loaded", "already_loaded", "rejected", "error"]


@dataclass
class SheetResult:
    """The reconciliation of one sheet (a CSV file is one sheet named ``""``).

    ``rows_read == accepted + quarantined + rejected`` always holds. ``rejected`` counts
    the rows of a file refused under ``--strict`` (then nothing is accepted or quarantined,
    and ``reasons`` says which checks its rows failed).
    """

    sheet: str
    rows_read: int
    accepted: int
    quarantined: int
    reasons: Counter[str] = field(default_factory=Counter)
    skipped: str | None = None
    rejected: int = 0
    issues: Counter[str] = field(default_factory=Counter)
    """Field issues of the accepted rows, by rule (bad values kept aside, the record accepted)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def field_issues(self) -> int:
        return sum(self.issues.values())

    def top_reasons(self, n: int = 3) -> list[tuple[str, int]]:
        """The most frequent quarantine rules, most frequent first."""
        return sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "rejected": self.rejected,
            "reasons": dict(sorted(self.reasons.items())),
            "field_issues": self.field_issues,
            "field_issue_rules": dict(sorted(self.issues.items())),
            "warnings": list(self.warnings),
            "skipped": self.skipped,
        }


@dataclass
class FileResult:
    """The outcome of one file.

    Attributes:
        status: ``loaded``; ``already_loaded`` (same content hash, nothing added);
            ``rejected`` (``--strict`` and rows would be quarantined, nothing added: its
            rows count as ``rejected``); ``error`` (the file could not be read at all,
            nothing added).
        message: what went wrong, or which earlier load holds this content.
        exit_code: for an ``error``, the exit code of its kind (4: the file cannot be read
            or is invalid; 2: the file does not fit the options, e.g. its agency; 8: the same
            content was loaded before under another agency).
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
    exit_code: int = 0

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
    def rejected(self) -> int:
        return sum(s.rejected for s in self.sheets)

    @property
    def field_issues(self) -> int:
        return sum(s.field_issues for s in self.sheets)

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
            "rejected": self.rejected,
            "field_issues": self.field_issues,
            "sheets": [s.to_dict() for s in self.sheets],
        }


@dataclass
class LoadResult:
    """The outcome of ``load_files``: one :class:`FileResult` per path, in order.

    The totals count the rows read from the files loaded or rejected in this call:
    ``rows_read == accepted + quarantined + rejected_rows``.
    """

    files: list[FileResult] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self._read())

    @property
    def accepted(self) -> int:
        return sum(f.accepted for f in self._read())

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self._read())

    @property
    def field_issues(self) -> int:
        """Field issues of the rows accepted (a file refused under ``--strict`` has none)."""
        return sum(f.field_issues for f in self._read())

    @property
    def rejected_rows(self) -> int:
        """Rows of the files refused under ``--strict``: none of them was added."""
        return sum(f.rejected for f in self._read())

    def _read(self) -> list[FileResult]:
        return [f for f in self.files if f.status in ("loaded", "rejected")]

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
                "rejected": self.rejected_rows,
                "field_issues": self.field_issues,
            },
        }

"""What a load did, per file and sheet: the reconciliation users and tests read."""

from __future__ import annotations

import shlex
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jtai.errors import ExitCode

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


def already_loaded(
    path: Path, agency: str, ref: str, sha: str, previous: Any, earlier: str | None
) -> FileResult:
    """The outcome of a file whose content is in the store (``previous``) or earlier in this call.

    Loaded before under another agency, it is a conflict (exit 8): the user's --agency was
    not applied, and the message says how to remove the earlier load and load it again.
    """
    if previous is None:
        message = f"{path.name}: the same content was loaded before (as {earlier} above); nothing added."
        return FileResult(str(path), path.name, agency, "already_loaded", sha, message=message)
    unload = f"`jtai unload {shlex.quote(str(path))}`"
    held, mapping = previous["agency"], previous["mapping"]
    when = f"as {previous['name']} on {previous['loaded_at'][:10]}"
    if held != agency:
        return FileResult(
            str(path),
            path.name,
            agency,
            "error",
            sha,
            file_id=previous["id"],
            exit_code=ExitCode.CONFLICT,
            message=f"{path.name}: the same content was loaded before as {held} records ({when}, "
            f"mapping {mapping}), not as {agency}; nothing added. If --agency {held} was a mistake, "
            f"remove that load with {unload}, then load the file again with --agency {agency}.",
        )
    again = "with the mapping " + ref if ref != mapping else "differently"
    return FileResult(
        str(path),
        path.name,
        agency,
        "already_loaded",
        sha,
        file_id=previous["id"],
        message=f"{path.name}: the same content was loaded before ({when}, {held} records, mapping "
        f"{mapping}); nothing added. To load it again {again}, first remove that load with {unload} "
        "(with --force if it has been linked or used since).",
    )


def rejected(fr: FileResult) -> FileResult:
    """A file refused under --strict: its rows count as rejected, none as accepted or quarantined."""
    failing = fr.quarantined
    for sheet in fr.sheets:
        sheet.rejected, sheet.accepted, sheet.quarantined = sheet.rows_read, 0, 0
        sheet.issues = Counter()
    fr.status = "rejected"
    rows = f"{failing} of its {fr.rows_read} row" + ("s" if fr.rows_read != 1 else "")
    fr.message = (
        f"{fr.name}: {rows} would be quarantined and --strict was given; nothing of the file was added."
    )
    return fr

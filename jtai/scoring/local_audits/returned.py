"""An audit file as the area returned it, before it is checked against the request.

Both formats (XLSX and YAML) are read into these; every problem keeps where it is in the
file: the sheet (for YAML, the child), the row (for YAML, the line) and the column (for
YAML, the field).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a returned audit file."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def describe(self) -> str:
        """One line: ``audit-police.xlsx, sheet C-7KQ3-XM9D, row 9, column D (Grade): ...``."""
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class ReturnedGrade:
    """One criterion's row: the grade and note as written, and where."""

    criterion: str
    grade: str
    note: str
    row: int
    grade_column: str
    note_column: str
    note_row: int | None = None  # when the note is on a row of its own (YAML)


@dataclass
class ReturnedChild:
    """One child's sheet (or YAML entry)."""

    sheet: str
    case: str
    case_row: int | None
    auditor: str
    auditor_row: int | None
    auditor_column: str
    grades: list[ReturnedGrade] = field(default_factory=list)
    header_found: bool = True


@dataclass
class Returned:
    """A whole returned file: what it says it answers, its children, and problems met reading it."""

    file: str
    framework: str
    agency: str
    sample_id: int | None
    children: list[ReturnedChild] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    where_agency: tuple[str | None, int | None, str | None] = (None, None, None)

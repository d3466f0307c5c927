"""One exception hierarchy and the exit codes every command returns.

Every error carries a message meant for the user: what is wrong, where (file, row,
column) and what to do. Messages never contain a child's data values unless the value
is the user's own input that they need to see to fix it (a column name, a file name).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``jtai`` command, documented in the README."""

    OK = 0
    ERROR = 1  # an unexpected failure (a bug): run again with --debug and report it
    USAGE = 2  # bad options or arguments (typer/click use 2 as well)
    NO_WORKSPACE = 3  # no workspace found, or the workspace is damaged
    BAD_INPUT = 4  # a file could not be read at all, or its content is invalid
    QUARANTINED = 5  # --strict and some rows were quarantined
    CONFIG = 6  # inspection.yaml, a mapping or a framework file is invalid
    NOT_FOUND = 7  # a named case, child, record, sample or framework does not exist
    CONFLICT = 8  # the action would overwrite or contradict existing work
    TAMPERED = 9  # the audit log does not verify
    IDENTIFYING = 10  # a publishable output would contain identifying data
    INTERRUPTED = 130  # stopped with Ctrl-C; work done so far is kept


class JtaiError(Exception):
    """Base of every error the user can act on.

    Attributes:
        exit_code: the code the command exits with.
        hint: what the user should do, appended to the message.
    """

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} {self.hint}"
        return self.message


class UsageError(JtaiError):
    """An option or argument is wrong."""

    exit_code = ExitCode.USAGE


class WorkspaceError(JtaiError):
    """No workspace, or a workspace that cannot be used."""

    exit_code = ExitCode.NO_WORKSPACE


class InputError(JtaiError):
    """A file could not be read, or its content is invalid.

    Args:
        message: what is wrong.
        file: the file concerned, if any.
        row: the 1-based row in the file as a spreadsheet shows it.
        column: the column name.
        hint: what to do.
    """

    exit_code = ExitCode.BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = _where(file, sheet, row, column)
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column


class QuarantineError(JtaiError):
    """Rows were quarantined and the user asked for --strict."""

    exit_code = ExitCode.QUARANTINED


class ConfigError(JtaiError):
    """inspection.yaml, a mapping file or a framework file is invalid."""

    exit_code = ExitCode.CONFIG

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = f"{file}, line {line}" if file and line else (file or "")
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.file = file
        self.line = line


class NotFoundError(JtaiError):
    """A named thing (case, child, record, sample, framework) does not exist."""

    exit_code = ExitCode.NOT_FOUND


class ConflictError(JtaiError):
    """The action would overwrite or contradict existing work."""

    exit_code = ExitCode.CONFLICT


class TamperedError(JtaiError):
    """The audit log does not verify."""

    exit_code = ExitCode.TAMPERED


class IdentifyingDataError(JtaiError):
    """A publishable output would contain a name, identifier, date of birth or postcode."""

    exit_code = ExitCode.IDENTIFYING


def _where(file: str | None, sheet: str | None, row: int | None, column: str | None) -> str:
    parts = []
    if file:
        parts.append(file)
    if sheet:
        parts.append(f"sheet {sheet!r}")
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(f"column {column!r}")
    return ", ".join(parts)

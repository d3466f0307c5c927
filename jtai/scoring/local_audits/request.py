"""Write the audit requests: one workbook (and the same as YAML) per agency, private files."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from jtai.errors import UsageError
from jtai.files import WRITE_HINT, write_private
from jtai.frameworks import Framework
from jtai.scoring.local_audits.forms import AuditForm, agencies_with_criteria, build_form
from jtai.scoring.local_audits.workbook import workbook_bytes
from jtai.scoring.local_audits.yaml_form import yaml_text

DIR_MODE = 0o700


def file_stem(agency: str) -> str:
    """The name both files of one agency's request share (``audit-police``)."""
    return f"audit-{agency}"


def write_requests(
    conn: sqlite3.Connection,
    fw: Framework,
    key: bytes,
    *,
    area: str,
    out: Path,
    agencies: list[str] | None = None,
    force: bool = False,
) -> list[tuple[AuditForm, list[Path]]]:
    """Write ``audit-AGENCY.xlsx`` and ``audit-AGENCY.yaml`` into ``out`` for each agency.

    Args:
        agencies: the agencies asked (default: every agency the framework judges).
        force: overwrite existing files.

    Raises:
        UsageError: an agency the framework judges no criterion for.
        NotFoundError: no tracked sample has been drawn.
        ConflictError: a file exists and ``force`` is false.
    """
    known = agencies_with_criteria(fw)
    wanted = agencies or known
    for agency in wanted:
        if agency not in known:
            raise UsageError(
                f"{fw.id} judges no criterion for {agency!r}.",
                hint=f"Agencies with criteria: {', '.join(known)}.",
            )
    forms = [build_form(conn, fw, key, area=area, agency=agency) for agency in wanted]
    try:
        if not out.is_dir():  # a folder made here is private; an existing one is left as it is
            out.mkdir(parents=True, mode=DIR_MODE)
            os.chmod(out, DIR_MODE)
    except OSError as exc:
        raise UsageError(f"{out}: the folder cannot be created ({exc.strerror}).", hint=WRITE_HINT) from exc
    written = []
    for form in forms:
        stem = out / file_stem(form.agency)
        paths = [stem.with_suffix(".xlsx"), stem.with_suffix(".yaml")]
        write_private(paths[0], workbook_bytes(form), force=force, error=UsageError, hint=WRITE_HINT)
        write_private(paths[1], yaml_text(form), force=force, error=UsageError, hint=WRITE_HINT)
        written.append((form, paths))
    return written

"""Write a report: guard it, render it, then write each file (0600 inside the workspace).

Nothing is written unless everything asked for was rendered and passed the anonymity guard.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jtai.errors import UsageError

if TYPE_CHECKING:
    from jtai.report.guard import IdentifyingIndex
    from jtai.workspace import Workspace


@dataclass(frozen=True)
class Written:
    """One file written."""

    kind: str  # "pdf" or "html"
    path: Path
    size: int


def default_targets(
    ws: Workspace, stem: str, pdf: Path | None, html: Path | None
) -> tuple[Path | None, Path | None]:
    """Both files in the workspace's ``reports/`` folder when neither is named."""
    if pdf is None and html is None:
        return ws.reports_dir / f"{stem}.pdf", ws.reports_dir / f"{stem}.html"
    return pdf, html


def publish(
    ws: Workspace,
    *,
    what: str,
    html: Callable[[bool], str],
    pdf_path: Path | None,
    html_path: Path | None,
    public: Iterable[str],
    index: IdentifyingIndex | None = None,
    pseudonyms: bool = False,
) -> list[Written]:
    """Guard, render and write one report.

    Args:
        ws: the workspace (its records feed the guard).
        what: the report's name for messages ("The letter").
        html: renders the report; called with ``paged`` (True for the PDF's HTML).
        pdf_path, html_path: where to write; None skips that format.
        public: phrases written from the settings that the guard does not search.
        index: a prebuilt guard index (the demo builds it once for three reports).
        pseudonyms: refuse case pseudonyms too (for publishable reports).

    Raises:
        IdentifyingDataError: the report would identify someone; nothing is written.
        UsageError: an output path's folder does not exist.
    """
    from jtai.report.guard import check_html, index_from_store
    from jtai.report.render import html_to_pdf

    for path in (pdf_path, html_path):
        if path is not None and not path.expanduser().resolve().parent.is_dir():
            raise UsageError(
                f"{path}: the folder does not exist.", hint="Create it first or name another file."
            )
    standalone = html(False)
    if index is None:
        conn = ws.connect()
        try:
            index = index_from_store(conn)
        finally:
            conn.close()
    check_html(index, standalone, what=what, public=public, pseudonyms=pseudonyms)
    outputs: list[tuple[str, Path, bytes]] = []
    if html_path is not None:
        outputs.append(("html", html_path, standalone.encode("utf-8")))
    if pdf_path is not None:
        paged = html(True)
        check_html(index, paged, what=what, public=public, pseudonyms=pseudonyms)
        outputs.append(("pdf", pdf_path, html_to_pdf(paged)))
    return [Written(kind, write_file(ws, path, data), len(data)) for kind, path, data in outputs]


def write_file(ws: Workspace, path: Path, data: bytes) -> Path:
    """Write ``data`` atomically; 0600 inside the workspace, the usual mode elsewhere."""
    path = path.expanduser().resolve()
    inside = path.is_relative_to(ws.root.resolve())
    if inside:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if not inside:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path

"""Write a report: check where it goes, guard it, render it, then write each file (0600).

Nothing is written unless everything asked for was rendered and passed the anonymity guard,
and every file is written to a temporary file first and renamed into place, so a failure
leaves no file, whole or partial. Every report is written readable by its owner only: the
evidence pack is OFFICIAL-SENSITIVE, and the owner decides when to share the letter.

Every report carries the audit log's head it was made from (``jtai audit anchor``'s short
form): in the HTML's metadata (``<meta name="jtai-audit-head">``) and the PDF's Info
(``jtaiaudithead``), and on the last page of a marked working document (the evidence pack).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jtai.anonymity.guard import check_html
from jtai.errors import ConflictError, UsageError
from jtai.files import workspace_file_error
from jtai.report import render
from jtai.store.report import index_from_store
from jtai.workspace import workspace_anchor

if TYPE_CHECKING:
    from jtai.anonymity.guard import IdentifyingIndex
    from jtai.workspace import Workspace

FILE_MODE = 0o600
SUFFIXES = {"pdf": (".pdf",), "html": (".html", ".htm")}


@dataclass(frozen=True)
class Written:
    """One file written."""

    kind: str  # "pdf" or "html"
    path: Path
    size: int


@dataclass(frozen=True)
class Targets:
    """Where one report goes: each path resolved, None for a format not asked for."""

    pdf: Path | None
    html: Path | None


def output_targets(
    ws: Workspace | None, stem: str, pdf: Path | None, html: Path | None, *, force: bool = False
) -> Targets:
    """Check the files asked for, before anything is rendered.

    With neither named, both go to the workspace's ``reports/`` folder (a report of no one
    workspace, ``ws`` None, needs a file named) (``STEM.pdf`` and
    ``STEM.html``), replacing the previous rendering there. A file the user names must end in
    its format's suffix, the two must differ, its folder must exist, and an existing file is
    replaced only with ``force``.

    Raises:
        UsageError: a wrong suffix, the same file for both formats, or a missing folder.
        ConflictError: a named file exists and ``force`` is false.
    """
    if pdf is None and html is None:
        if ws is None:
            raise UsageError("Name the file to write.", hint="Add --pdf FILE, --html FILE or both.")
        return Targets(ws.reports_dir / f"{stem}.pdf", ws.reports_dir / f"{stem}.html")
    named = {kind: path.expanduser().resolve() for kind, path in (("pdf", pdf), ("html", html)) if path}
    given = {"pdf": pdf, "html": html}
    if len(named) == 2 and named["pdf"] == named["html"]:
        raise UsageError(f"--pdf and --html name the same file ({pdf}).", hint="Give each its own file.")
    for kind, path in named.items():
        if path.suffix.lower() not in SUFFIXES[kind]:
            raise UsageError(
                f"--{kind} {given[kind]}: the {kind.upper()} file's name must end in "
                f"{' or '.join(SUFFIXES[kind])}.",
                hint=f"Name it e.g. {path.with_suffix(SUFFIXES[kind][0]).name}.",
            )
    for kind, path in named.items():
        if not path.parent.is_dir():
            raise UsageError(
                f"{given[kind]}: the folder does not exist.", hint="Create it first or name another file."
            )
        if path.is_dir():
            raise UsageError(f"--{kind} {given[kind]} is a folder.", hint="Name a file.")
        own = workspace_file_error(Path(str(given[kind])))
        if own is not None:
            raise own
    existing = [str(given[kind]) for kind, path in named.items() if path.exists()]
    if existing and not force:
        raise ConflictError(
            f"{' and '.join(existing)} already exist{'s' if len(existing) == 1 else ''}.",
            hint="Choose another name, or add --force to replace it.",
        )
    return Targets(named.get("pdf"), named.get("html"))


def publish(
    ws: Workspace | None,
    *,
    what: str,
    html: Callable[[bool], str],
    targets: Targets,
    public: Iterable[str],
    index: IdentifyingIndex | None = None,
    indexes: list[IdentifyingIndex] | None = None,
    pseudonyms: bool = False,
    validate: Callable[[], None] | None = None,
    check_authored: Callable[[IdentifyingIndex], None] | None = None,
) -> list[Written]:
    """Guard, render and write one report.

    Args:
        ws: the workspace (its records feed the guard); None for a report across
            workspaces, which passes their ``indexes``.
        what: the report's name for messages ("The letter").
        html: renders the report; called with ``paged`` (True for the PDF's HTML).
        targets: where to write (from :func:`output_targets`).
        public: phrases written from the settings that the guard does not search.
        index: a prebuilt guard index (the demo builds it once for three reports).
        indexes: several guard indexes, all of which the report must pass.
        pseudonyms: refuse case pseudonyms too (for publishable reports).
        validate: a last check of the content, run once the guard has passed and before
            the PDF is rendered (the letter checks its findings here).
        check_authored: the guard over the authored text the report is written from, run
            first so that a hit is named by where it was written (the letter: finding and
            line of findings.yaml) rather than by a line of the rendered report.

    Raises:
        IdentifyingDataError: the report would identify someone; nothing is written.
    """
    public = list(public)
    standalone = html(False)
    guards = list(indexes or ([] if index is None else [index]))
    if not guards:
        if ws is None:
            raise ValueError("a report of no one workspace needs its guard indexes")
        conn = ws.connect()
        try:
            guards = [index_from_store(conn)]
        finally:
            conn.close()
    for guard in guards:
        if check_authored is not None:
            check_authored(guard)
        check_html(guard, standalone, what=what, public=public, pseudonyms=pseudonyms)
    if validate is not None:
        validate()
    head = audit_head(ws)
    outputs: list[tuple[str, Path, bytes]] = []
    if targets.html is not None:
        outputs.append(("html", targets.html, stamp_head(standalone, head).encode("utf-8")))
    if targets.pdf is not None:
        paged = html(True)
        for guard in guards:
            check_html(guard, paged, what=what, public=public, pseudonyms=pseudonyms)
        outputs.append(("pdf", targets.pdf, render.html_to_pdf(stamp_head(paged, head))))
    written = write_files(ws, [(path, data) for _, path, data in outputs])
    return [Written(kind, path, len(data)) for (kind, _, data), path in zip(outputs, written, strict=True)]


def audit_head(ws: Workspace | None) -> str:
    """The audit log's head as ``jtai audit anchor`` prints it, ``none`` for an empty log.

    A report of no one workspace (an overview across several) carries none: empty.
    """
    if ws is None:
        return ""
    head = workspace_anchor(ws)
    return head.text if head is not None else "none (the audit log is empty)"


def stamp_head(html: str, head: str) -> str:
    """``html`` carrying ``head``: in its metadata, and in the colophon of a marked document.

    Stamped after the guard has read the report: the head is the tool's own text, and a hash
    could by chance hold digits that look like something the guard refuses.
    """
    import html as entities

    if not head:
        return html
    text = entities.escape(head)
    stamped = html.replace("</head>", f'<meta name="jtai-audit-head" content="{text}">\n</head>', 1)
    if 'class="marking"' in stamped and "</footer>" in stamped:
        line = (
            f'<p class="audit-head">Made from the audit log at {text}: '
            f"<code>jtai audit verify --anchor {text}</code> checks the log still extends it.</p>\n"
        )
        stamped = stamped.replace("</footer>", line + "</footer>", 1)
    return stamped


def write_files(ws: Workspace | None, files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write every file (0600) to a temporary file beside it, then rename them all into place.

    A failure while writing leaves none of the files and no temporary file behind.
    """
    done: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            path = path.expanduser().resolve()
            if ws is not None and path.is_relative_to(ws.root.resolve()):
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # mkstemp creates the file 0600 whatever the umask
            handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            done.append((Path(name), path))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(name, FILE_MODE)
    except BaseException:
        for temp, _ in done:
            temp.unlink(missing_ok=True)
        raise
    try:
        for temp, path in done:
            temp.replace(path)
    finally:
        for temp, _ in done:
            temp.unlink(missing_ok=True)
    return [path for _, path in done]

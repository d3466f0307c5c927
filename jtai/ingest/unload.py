"""Remove what loaded files brought in: the library behind ``jtai unload``.

A file loaded under the wrong agency or mapping can then be loaded again the right way.
Everything one load wrote goes, in one transaction: its records, quarantined rows, sheet
reconciliation and ``files`` row; its copy in ``extracts/`` is removed once that commits.
A file whose records later work names or may rest on (linkage, samples, cases and
judgements since the load) is refused unless ``force``: then the link rows naming its
records go too, and the result says what to run again. A file whose records other files'
quarantined rows repeat (set aside as duplicates of them) is refused even with ``force``:
those rows would be lost, in neither the records nor the quarantine; unloaded together in
one call, they all go. The ids of removed records are
never given to other records, and every unload is written to the audit log.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jtai import audit
from jtai.errors import ConflictError, NotFoundError, UsageError
from jtai.store import records as store
from jtai.store import transaction
from jtai.store import unload as sql

if TYPE_CHECKING:
    import sqlite3

    from jtai.workspace import Workspace

ACTION = "extract.unload"
_SHA_PREFIX = re.compile(r"[0-9a-fA-F]{8,64}")
_SHORT_PREFIX = re.compile(r"[0-9a-fA-F]{1,7}")
_SHOWN = 12  # characters of a SHA-256 shown to the user


@dataclass
class Unloaded:
    """What was removed for one loaded file.

    Attributes:
        removed: rows deleted per kind (records, quarantined, field_issues, sheets, link_pairs,
            link_decisions).
        usage: the later work that named or may rest on its records (see :func:`usage_phrases`).
        copy: its copy in ``extracts/``: ``removed``, ``none`` (there was none), or why it is left.
    """

    name: str
    sha256: str
    agency: str
    mapping: str
    loaded_at: str
    removed: dict[str, int] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=dict)
    copy: str = "none"

    @property
    def in_use(self) -> bool:
        return any(self.usage.values())

    def audit_detail(self) -> dict[str, Any]:
        """What the audit log keeps: the file, what was removed and, if forced, what used it."""
        detail: dict[str, Any] = {"file": self.name, "sha256": self.sha256, "agency": self.agency}
        detail |= {"mapping": self.mapping, "loaded_at": self.loaded_at}
        detail |= {k: v for k, v in self.removed.items() if v}
        if self.in_use:
            detail["forced"] = ", ".join(usage_phrases(self.usage))
        return detail

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "sha256": self.sha256,
            "agency": self.agency,
            "mapping": self.mapping,
            "loaded_at": self.loaded_at,
            "removed": self.removed,
            "used_by": self.usage,
            "copy": self.copy,
        }


def unload_files(
    ws: Workspace, refs: Sequence[str], *, force: bool = False, actor: str = ""
) -> list[Unloaded]:
    """Remove loaded files and everything they brought in.

    Args:
        ws: the workspace.
        refs: each a path to the file (found by its content), the name it was loaded as,
            or the first 8 or more characters of its SHA-256.
        force: remove files whose records later work names or may rest on.
        actor: who unloads, for the audit log.

    Raises:
        NotFoundError: a reference names no loaded file (nothing is removed).
        UsageError: a name or SHA-256 prefix fits several loaded files, or a SHA-256
            prefix is shorter than 8 characters.
        ConflictError: a file is used by later work and ``force`` was not given, or other
            files' quarantined rows repeat its records and are not unloaded with it.
    """
    entry: dict[str, Any] | None = None
    conn = ws.connect()
    try:
        with transaction(conn):
            # resolved and checked inside the write lock: no link run or sample can come between
            rows = {row["id"]: row for row in (_resolve(conn, ref) for ref in refs)}
            lost = _lost_duplicates(conn, rows)
            if lost:
                raise lost
            done = [_describe(row, sql.usage(conn, row["id"], row["loaded_at"])) for row in rows.values()]
            busy = [u for u in done if u.in_use]
            if busy and not force:
                raise _refusal(busy)
            sql.keep_record_ids(conn)
            for file_id, unloaded in zip(rows, done, strict=True):
                unloaded.removed = sql.remove_file(conn, file_id)
                detail = unloaded.audit_detail()
                entry = audit.append(
                    conn, actor=actor or _user(), action=ACTION, case_ref=None, detail=detail
                )
    finally:
        conn.close()
    audit.save_head(ws.root, entry)
    for row, unloaded in zip(rows.values(), done, strict=True):
        unloaded.copy = _remove_copy(ws, row["stored_as"])
    return done


def usage_phrases(usage: dict[str, int]) -> list[str]:
    """The later work in words: ``["12 of its records linked to children by `jtai link`", ...]``."""
    n = usage.get
    phrases = {
        "linked": f"{n('linked')} of its records linked to children by `jtai link`",
        "link_pairs": f"{_count(n('link_pairs'), 'link pair')} naming its records",
        "link_decisions": f"{_count(n('link_decisions'), 'review decision')} naming its records",
        "samples": f"{_count(n('samples'), 'sample')} drawn since it was loaded",
        "cases": f"{_count(n('cases'), 'case')} added since it was loaded",
        "judgements": f"{_count(n('judgements'), 'judgement')} recorded since it was loaded",
    }
    return [text for key, text in phrases.items() if usage.get(key)]


def next_steps(done: Sequence[Unloaded]) -> list[str]:
    """What to run again after removing files that later work used."""
    used = {k for u in done for k, v in u.usage.items() if v}
    steps = []
    if used & {"linked", "link_pairs", "link_decisions"}:
        steps.append("Run `jtai link` again: children were linked with the records removed.")
    if "samples" in used:
        steps.append("Check the samples drawn since with `jtai sample verify`.")
    if used & {"cases", "judgements"}:
        steps.append("Review the cases and judgements recorded since: they may rest on the records removed.")
    return steps


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _resolve(conn: sqlite3.Connection, ref: str) -> sqlite3.Row:
    """The ``files`` row a reference names: a file's content, a SHA-256 prefix, or a name."""
    path = Path(ref).expanduser()
    content: str | None = None
    with contextlib.suppress(OSError):
        if path.is_file():
            content = _sha256(path)
    if content is not None:
        row = store.file_by_hash(conn, content)
        if row is not None:
            return row
        raise NotFoundError(
            f"{ref}: this content was never loaded (or was removed already).",
            hint=_loaded_hint(conn, path.name),
        )
    matches = sql.files_by_hash_prefix(conn, ref) if _SHA_PREFIX.fullmatch(ref) else []
    matches = matches or sql.files_by_name(conn, ref) or sql.files_by_name(conn, path.name)
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = "; ".join(_label(row) for row in matches)
        raise UsageError(
            f"{ref} names {len(matches)} loaded files: {listed}.",
            hint="Give the SHA-256 (its first 12 characters) of the one to remove.",
        )
    if _SHORT_PREFIX.fullmatch(ref):
        short = sql.files_by_hash_prefix(conn, ref)
        if short:
            raise UsageError(
                f"{ref}: a SHA-256 prefix needs at least 8 characters; {ref} starts the SHA-256 of "
                + "; ".join(_label(row) for row in short)
                + ".",
                hint="Give at least its first 8 characters (shown above), or the name it was loaded as.",
            )
    raise NotFoundError(f"{ref}: no loaded file has this name or SHA-256.", hint=_loaded_hint(conn, None))


def _lost_duplicates(conn: sqlite3.Connection, rows: dict[int, sqlite3.Row]) -> ConflictError | None:
    """The refusal when other files' quarantined rows repeat these files' records (else ``None``).

    Those rows were set aside because the records held their values: with the records gone
    they would be in neither place. The hint names every file to unload together, those
    whose duplicates repeat the records of the files added included.
    """
    found = sql.duplicates_elsewhere(conn, list(rows))
    if not found:
        return None
    together = dict(rows)
    pending = found
    while pending:
        together |= {row["id"]: row for row, _ in pending}
        pending = sql.duplicates_elsewhere(conn, list(together))
    named = "; ".join(f"{_count(n, 'quarantined row')} of {_label(row)}" for row, n in found)
    whose = "their" if len(rows) > 1 else "its"
    command = "jtai unload " + " ".join(row["sha256"][:_SHOWN] for row in together.values())
    return ConflictError(
        f"{', '.join(row['name'] for row in rows.values())}: {named} repeat {whose} records (set aside "
        "as duplicates of them) and would be lost with them; nothing was removed.",
        hint=f"Unload those files too, in the same command: {command}; then load them again.",
    )


def _loaded_hint(conn: sqlite3.Connection, name: str | None) -> str:
    """The loaded files to choose from (those named ``name`` when there are any)."""
    rows = sql.files_by_name(conn, name) if name else []
    if rows:
        return "Loaded as " + "; ".join(_label(r) for r in rows) + ": give its SHA-256 to remove it."
    rows = store.loaded_files(conn)
    if not rows:
        return "Nothing is loaded in this workspace."
    shown = "; ".join(_label(r) for r in rows[:10]) + (
        f"; and {len(rows) - 10} more" if len(rows) > 10 else ""
    )
    return f"Loaded files: {shown}."


def _label(row: sqlite3.Row) -> str:
    return f"{row['name']} ({row['agency']}, {row['sha256'][:_SHOWN]}, loaded {row['loaded_at'][:10]})"


def _describe(row: sqlite3.Row, usage: dict[str, int]) -> Unloaded:
    return Unloaded(row["name"], row["sha256"], row["agency"], row["mapping"], row["loaded_at"], usage=usage)


def _refusal(busy: list[Unloaded]) -> ConflictError:
    files = "; ".join(f"{u.name}: {', '.join(usage_phrases(u.usage))}" for u in busy)
    return ConflictError(
        f"later work uses what {'these files' if len(busy) > 1 else 'this file'} brought in ({files}); "
        "nothing was removed.",
        hint="To remove it anyway, add --force: the link pairs and review decisions naming its records "
        "go too; then run `jtai link` again and check samples with `jtai sample verify`.",
    )


def _remove_copy(ws: Workspace, stored_as: str) -> str:
    """Remove a file's copy in extracts/ (only there: the path comes from the database).

    Returns:
        ``removed``, ``none`` (there was no copy), or why it could not be removed.
    """
    target = (ws.root / stored_as).resolve() if stored_as else None
    if target is None or target.parent != ws.extracts_dir.resolve():
        return "none"
    try:
        target.unlink()
    except FileNotFoundError:
        return "none"
    except OSError as exc:
        return f"{target} could not be removed ({exc.strerror}): delete it yourself"
    return "removed"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _count(n: int | None, noun: str) -> str:
    return f"{n or 0} {noun}{'' if n == 1 else 's'}"

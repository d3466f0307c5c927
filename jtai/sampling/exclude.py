"""Read a list of children to leave out of a tracked sample (e.g. already audited)."""

from __future__ import annotations

from pathlib import Path

from jtai.errors import InputError
from jtai.pseudonym import pseudonym

_EXCLUDE_HEADERS = {"pseudonym", "child", "case", "child_id", "id", "reference", "ref"}


def read_exclusions(key: bytes, path: Path, keys: set[str]) -> tuple[set[str], list[str]]:
    """The child keys a file names (pseudonyms or child ids), and the lines that name none."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("cannot be read as UTF-8 text.", file=str(path)) from exc
    by_pseudonym = {pseudonym(key, k): k for k in keys}
    found: set[str] = set()
    unmatched: list[str] = []
    for number, line in enumerate(lines, start=1):
        entry = line.split(",")[0].strip().strip('"')
        if not entry or entry.startswith("#") or (number == 1 and entry.lower() in _EXCLUDE_HEADERS):
            continue
        child = by_pseudonym.get(entry.upper()) or (entry if entry in keys else None)
        if child is None:
            unmatched.append(str(number))
        else:
            found.add(child)
    return found, unmatched

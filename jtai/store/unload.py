"""SQL for removing a loaded file (``jtai unload``), and for keeping record ids unique after it.

A file's records may be named by later work: linkage (``records.child_id``, ``link_pairs``,
``link_decisions``), samples (``sample_members.record_id``, and every sample drawn since the
load, whose frame held them), score cases and judgements recorded since. :func:`usage`
counts them; :func:`remove_file` removes the file's rows and the link rows naming its
records, child tables first, so that every foreign key still holds. Rows of other files set
aside as duplicates of its records name them only in their message (``The same values as
record R12 ...``, written by the loader): :func:`duplicates_elsewhere` finds them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

_NEXT_RECORD_ID = "records_next_id"  # the key in ``meta``: 1 + the highest record id ever given
_IDS = "SELECT id FROM records WHERE file_id = :file"
_DUPLICATE_OF = "The same values as record R"  # how jtai.ingest.loader names the record a row repeats
# timestamps are UTC ISO 8601, to the second or finer: compared to the second, a tie counts as later
_SINCE = "substr({column}, 1, 19) >= substr(:since, 1, 19)"


def files_by_name(conn: sqlite3.Connection, name: str) -> list[sqlite3.Row]:
    """The loaded files with this name, oldest first."""
    return list(conn.execute("SELECT * FROM files WHERE name = ? ORDER BY id", (name,)))


def files_by_hash_prefix(conn: sqlite3.Connection, prefix: str) -> list[sqlite3.Row]:
    """The loaded files whose SHA-256 starts with ``prefix`` (lower-case hex), oldest first."""
    return list(
        conn.execute(
            "SELECT * FROM files WHERE substr(sha256, 1, ?) = ? ORDER BY id", (len(prefix), prefix.lower())
        )
    )


def duplicates_elsewhere(conn: sqlite3.Connection, file_ids: Sequence[int]) -> list[tuple[sqlite3.Row, int]]:
    """Other files with quarantined rows set aside as duplicates of these files' records.

    Returns:
        Each such file's ``files`` row and how many of its rows name those records, oldest first.
    """
    marks = ", ".join("?" for _ in file_ids)
    found = conn.execute(
        "SELECT f.*, count(*) AS n FROM quarantine q JOIN files f ON f.id = q.file_id "
        f"WHERE q.rule = 'duplicate_row' AND q.file_id NOT IN ({marks}) "
        "AND substr(q.message, 1, length(?)) = ? "
        # the id after the prefix, its digits only: "R12 (police.csv" is read as 12
        "AND CAST(substr(q.message, length(?) + 1) AS INTEGER) IN "
        f"(SELECT id FROM records WHERE file_id IN ({marks})) "
        "GROUP BY f.id ORDER BY f.id",
        (*file_ids, _DUPLICATE_OF, _DUPLICATE_OF, _DUPLICATE_OF, *file_ids),
    )
    return [(row, int(row["n"])) for row in found]


def usage(conn: sqlite3.Connection, file_id: int, since: str) -> dict[str, int]:
    """What names the records of a file, or may rest on them (work done since ``since``)."""
    args = {"file": file_id, "since": since}
    queries = {
        "linked": "SELECT count(*) FROM records WHERE file_id = :file AND child_id IS NOT NULL",
        "link_pairs": f"SELECT count(*) FROM link_pairs WHERE left_id IN ({_IDS}) OR right_id IN ({_IDS})",
        "link_decisions": (
            f"SELECT count(*) FROM link_decisions WHERE left_id IN ({_IDS}) OR right_id IN ({_IDS})"
        ),
        "samples": f"SELECT count(*) FROM samples WHERE {_SINCE.format(column='created_at')} "
        f"OR id IN (SELECT sample_id FROM sample_members WHERE record_id IN ({_IDS}))",
        "cases": f"SELECT count(*) FROM score_cases WHERE {_SINCE.format(column='added_at')} "
        f"OR child_key IN (SELECT 'record:' || id FROM records WHERE file_id = :file)",
        "judgements": f"SELECT count(*) FROM judgements WHERE {_SINCE.format(column='recorded_at')}",
    }
    return {name: int(conn.execute(sql, args).fetchone()[0]) for name, sql in queries.items()}


def remove_file(conn: sqlite3.Connection, file_id: int) -> dict[str, int]:
    """Delete a file, its records, quarantined rows and sheets, and the link rows naming its records.

    Call inside a transaction, after :func:`keep_record_ids`. Returns the rows deleted per
    kind (the file's own row, the last, is not counted).
    """
    args = {"file": file_id}
    steps = {
        "link_pairs": f"DELETE FROM link_pairs WHERE left_id IN ({_IDS}) OR right_id IN ({_IDS})",
        "link_decisions": f"DELETE FROM link_decisions WHERE left_id IN ({_IDS}) OR right_id IN ({_IDS})",
        "records": "DELETE FROM records WHERE file_id = :file",
        "quarantined": "DELETE FROM quarantine WHERE file_id = :file",
        "field_issues": "DELETE FROM field_issues WHERE file_id = :file",
        "sheets": "DELETE FROM sheets WHERE file_id = :file",
    }
    removed = {name: conn.execute(sql, args).rowcount for name, sql in steps.items()}
    conn.execute("DELETE FROM files WHERE id = :file", args)
    return removed


def keep_record_ids(conn: sqlite3.Connection) -> None:
    """Remember the next record id before records are removed, so that no id is given twice.

    SQLite gives a new row the highest id plus one: once the newest records are removed,
    their ids would go to the next load, while a sample, the audit log or a review decision
    may still name a removed record by its id.
    """
    conn.execute(
        "INSERT INTO meta (key, value) SELECT ?, coalesce(max(id), 0) + 1 FROM records WHERE true "
        "ON CONFLICT (key) DO UPDATE "
        "SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
        (_NEXT_RECORD_ID,),
    )


def next_record_id(conn: sqlite3.Connection) -> int:
    """The id the next record takes: above every id given, removed records' included."""
    top = int(conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0])
    held = _held_id(conn)
    return max(top, held or 0) + 1


@contextmanager
def new_record_ids(conn: sqlite3.Connection, file_id: int) -> Iterator[None]:
    """Inside a transaction: the records inserted in this block take ids never given before.

    When the newest records were removed, a placeholder row holds the highest id given so
    far while the block runs (SQLite then counts on from it), and is deleted after it.
    """
    held = _held_id(conn)
    if held is None:
        yield
        return
    conn.execute(
        "INSERT INTO records (id, file_id, sheet, source_row, agency, event_type) "
        "VALUES (?, ?, '', 0, '', '')",
        (held, file_id),
    )
    yield
    conn.execute("DELETE FROM records WHERE id = ?", (held,))


def _held_id(conn: sqlite3.Connection) -> int | None:
    """The highest record id given so far, when no record holds it any more (it was removed)."""
    row = conn.execute(
        "SELECT CAST(value AS INTEGER) - 1 FROM meta WHERE key = ? "
        "AND CAST(value AS INTEGER) - 1 > (SELECT coalesce(max(id), 0) FROM records)",
        (_NEXT_RECORD_ID,),
    ).fetchone()
    return None if row is None else int(row[0])

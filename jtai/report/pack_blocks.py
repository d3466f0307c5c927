"""Building blocks of the evidence pack and the self-assessment: parts, tables and figures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup


@dataclass(frozen=True)
class Table:
    """A data table with a caption; ``numeric`` names the columns aligned right."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()

    @classmethod
    def build(
        cls,
        caption: str,
        header: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        numeric: Iterable[int] = (),
    ) -> Table:
        """A table from any values (shown with ``str``; None shows as empty)."""
        return cls(
            caption,
            tuple(header),
            tuple(
                tuple("" if v is None else f"{v:,}" if isinstance(v, int) else str(v) for v in row)
                for row in rows
            ),
            frozenset(numeric),
        )

    @property
    def keep(self) -> bool:
        """Whether the table is short enough to keep on one page (its rows are never split)."""
        return len(self.rows) <= 10 and all(len(cell) <= 60 for row in self.rows for cell in row)


@dataclass(frozen=True)
class Figure:
    """A chart (inline SVG) and the table of its data, for readers who cannot see it."""

    caption: str
    svg: Markup
    data: Table | None = None


@dataclass(frozen=True)
class Part:
    """One section of a report: a heading, paragraphs, tables and figures, in that order."""

    id: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    items: tuple[str, ...] = ()  # a bulleted list, after the tables
    missing: str = ""  # shown instead when there is nothing to report yet
    subparts: tuple[Part, ...] = field(default=())

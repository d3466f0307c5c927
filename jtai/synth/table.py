"""A growing table of one agency's events, column by column, and date helpers."""

from __future__ import annotations

from typing import Any

import numpy as np

NO_DATE = np.iinfo(np.int64).min
TEXT_COLUMNS = ("event_type", "source", "outcome", "team", "worker", "flags", "details")


class Events:
    """Events of one agency before identities are attached: one row per event.

    ``child`` is the population index; dates are days since 1970-01-01 (``NO_DATE``: none).
    """

    def __init__(self, agency: str) -> None:
        self.agency = agency
        self._chunks: list[dict[str, Any]] = []

    def add(
        self,
        child: Any,
        event_type: str,
        event_date: Any,
        *,
        end_date: Any = NO_DATE,
        **text: Any,
    ) -> None:
        """Append events for the children ``child`` (an index array); scalars broadcast."""
        child = np.asarray(child, dtype=np.int64)
        k = child.size
        if k == 0:
            return
        chunk: dict[str, Any] = {
            "child": child,
            "event_date": np.broadcast_to(np.asarray(event_date, dtype=np.int64), (k,)).copy(),
            "end_date": np.broadcast_to(np.asarray(end_date, dtype=np.int64), (k,)).copy(),
        }
        text["event_type"] = event_type
        for name in TEXT_COLUMNS:
            value = text.get(name, "")
            if isinstance(value, np.ndarray):
                chunk[name] = value.astype(object)
            else:
                chunk[name] = np.full(k, value, dtype=object)
        self._chunks.append(chunk)

    def columns(self) -> dict[str, Any]:
        """All events as arrays of equal length, in the order they were added."""
        names = ("child", "event_date", "end_date", *TEXT_COLUMNS)
        if not self._chunks:
            return {
                name: np.zeros(0, dtype=np.int64 if name in ("child", "event_date", "end_date") else object)
                for name in names
            }
        return {name: np.concatenate([c[name] for c in self._chunks]) for name in names}


def pick(rng: np.random.Generator, mask: Any, share: float) -> Any:
    """Indices where ``mask`` holds, each kept with probability ``share``."""
    idx = np.flatnonzero(mask)
    return idx[rng.random(idx.size) < share]


def repeat_poisson(rng: np.random.Generator, idx: Any, lam: float, at_least: int = 0) -> Any:
    """Each index repeated ``at_least + Poisson(lam)`` times."""
    counts = rng.poisson(lam, size=idx.size) + at_least
    return np.repeat(idx, counts)


def choose(rng: np.random.Generator, options: tuple[str, ...], k: int, p: Any = None) -> Any:
    """``k`` draws from ``options`` as an object array."""
    arr = np.array(options, dtype=object)
    if p is not None:
        p = np.asarray(p, dtype=np.float64)
        p = p / p.sum()
    return arr[rng.choice(arr.size, size=k, p=p)]


class Clock:
    """Dates of the inspection: the window before fieldwork and the history before that."""

    def __init__(self, fieldwork_start: int, window_start: int) -> None:
        self.start = fieldwork_start
        self.window_start = window_start

    def window(self, rng: np.random.Generator, k: int) -> Any:
        """``k`` days inside the window (before fieldwork starts)."""
        return rng.integers(self.window_start, self.start, size=k)

    def history(self, rng: np.random.Generator, k: int, years: float = 2.0) -> Any:
        """``k`` days in the ``years`` before the window."""
        return rng.integers(self.window_start - int(years * 365), self.window_start, size=k)

    def either(self, rng: np.random.Generator, k: int, in_window: float, years: float = 2.0) -> Any:
        """``k`` days, a share ``in_window`` of them inside the window, the rest before it."""
        inside = rng.random(k) < in_window
        return np.where(inside, self.window(rng, k), self.history(rng, k, years))

"""Ctrl-C during ``jtai link``: always an interrupt, never a half-saved linkage.

DuckDB and splink turn a Ctrl-C that reaches them into exceptions of their own (an
``InterruptException``, a ``RuntimeError``, a ``SplinkException``), and a step that treats
one of those as "the model cannot be trained" would carry on and save a linkage on
identifiers only. While a run lasts, a SIGINT handler notes that an interrupt came, so
whatever exception it became, the run ends as an interrupt and saves nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def catch_interrupts() -> Iterator[Callable[[], bool]]:
    """Note every SIGINT while the block runs; yields ``interrupted() -> bool``.

    The handler still raises ``KeyboardInterrupt`` at once, as Python's own does. Outside
    the main thread (where no handler can be set) only that exception tells.
    """
    seen: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield lambda: bool(seen)
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: FrameType | None) -> None:
        seen.append(True)
        if callable(previous) and previous is not signal.default_int_handler:
            previous(signum, frame)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: bool(seen)
    finally:
        signal.signal(signal.SIGINT, previous)

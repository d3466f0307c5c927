"""Refuse a file whose records clearly belong to another agency than the one given.

A police extract loaded with ``--agency health`` would load every row, as health records,
without a word: linkage and every chronology would then tell the wrong story. The event
types that only one agency records (an arrest, an A&E attendance, a school exclusion) say
whose extract it is. When nearly all of them belong to one other agency, the file is
refused, naming that agency, unless the user says it is right (``--force``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from jtai.canonical import AGENCIES, EVENT_TYPES
from jtai.errors import ConflictError

if TYPE_CHECKING:
    import numpy as np

# At least this many rows with an event type of one agency only, and this share of them
# from one other agency, before a file is refused.
MIN_ROWS = 5
MIN_SHARE = 0.9


def event_type_counts(factors: Iterable[tuple[np.ndarray, Any]]) -> Counter[str]:
    """Rows per event type, from factorized event-type columns (codes, distinct values)."""
    import numpy as np

    counts: Counter[str] = Counter()
    for codes, uniques in factors:
        if not len(codes):
            continue
        per_code = np.bincount(codes[codes >= 0], minlength=len(uniques))
        for value, n in zip(list(uniques), per_code.tolist(), strict=True):
            if n:
                counts[str(value)] += int(n)
    return counts


def check(counts: Counter[str], agency: str) -> None:
    """Refuse records whose agency-specific event types nearly all belong to another agency.

    Raises:
        ConflictError: the likely agency named, with what to do.
    """
    own: Counter[str] = Counter()
    types: dict[str, Counter[str]] = {}
    for code, n in counts.items():
        event = EVENT_TYPES.get(code)
        if event is None or len(event.agencies) != 1:
            continue
        owner = event.agencies[0]
        own[owner] += n
        types.setdefault(owner, Counter())[code] += n
    total = sum(own.values())
    if total < MIN_ROWS or not own:
        return
    likely, n = own.most_common(1)[0]
    if likely == agency or n < MIN_SHARE * total or own[agency]:
        return
    top = sorted(types[likely].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    shown = ", ".join(f"{code} {k:,}" for code, k in top)
    raise ConflictError(
        f"its records look like {AGENCIES[likely]} records ({likely}), not {agency}: "
        f"{n:,} of its {total:,} rows with an event type that only one agency records are {likely} "
        f"event types ({shown}); nothing of it was added.",
        hint=f"Load it with --agency {likely}, or add --force if these really are {agency} records.",
    )

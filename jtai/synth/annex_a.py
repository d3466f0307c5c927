"""Children's social care: who is known to the council, as Annex A lists 1-9 and csc events.

:func:`involvement` decides each child's journey (contacts, referrals, assessments, section
47 enquiries, child in need, child protection, care, leaving care); :func:`lists` lays it out
as the Annex A lists (one column array per header); :func:`csc_events` gives the records the
council's case management system holds beyond Annex A (MASH decisions, strategy discussions,
return home interviews, exploitation screening and meetings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from jtai.synth import codes
from jtai.synth.population import Population
from jtai.synth.table import NO_DATE, Clock, pick, repeat_poisson

TEAMS = ("MASH", "Assessment Team 1", "Assessment Team 2", "Family Support North", "Family Support South")
CARE_TEAMS = ("Children in Care Team 1", "Children in Care Team 2")
_WORKER_SURNAMES = (
    "Ashcombe Fenwick Gullmore Kesley Langford Marshwell Oakham Pellbury Quillton "
    "Rookdale Saltwood Tarnbridge Thornhurst Wendcroft Yarshaw Brinecote Cressgate Dunholme"
)
WORKERS = tuple(f"{a}. {b}" for a, b in zip("ABCDEFGHJKLMNPRSTW", _WORKER_SURNAMES.split(), strict=True))


@dataclass
class Involvement:
    """Each stage as parallel arrays (``child`` indices and dates in days)."""

    contacts: dict[str, Any]
    early_help: dict[str, Any]
    referrals: dict[str, Any]
    assessments: dict[str, Any]
    s47: dict[str, Any]
    cin: dict[str, Any]
    cp: dict[str, Any]
    lac: dict[str, Any]
    leavers: dict[str, Any]
    known: Any  # sorted indices of every child known to children's social care


def involvement(rng: np.random.Generator, pop: Population, clock: Clock, missing_counts: Any) -> Involvement:
    """Draw each child's journey through children's social care."""
    young = ~pop.care_leaver
    cohort = pop.risk >= 0
    first = np.concatenate([pick(rng, young & ~cohort, 0.07), np.flatnonzero(cohort)])
    first.sort()
    c_child = np.concatenate([first, repeat_poisson(rng, first, 0.4)])
    c_child.sort(kind="stable")
    police_share = np.where(cohort[c_child], 0.6, 0.3)
    src = rng.choice(len(codes.CONTACT_SOURCES), size=c_child.size, p=_norm(codes.CONTACT_SOURCE_SHARES))
    src = np.where(rng.random(c_child.size) < police_share, 16, src)
    contacts = {
        "child": c_child,
        "date": _after_birth(clock.window(rng, c_child.size), c_child, pop),
        "source": src,
    }

    eh = pick(rng, young & (pop.age < 18), 0.025)
    eh_start = _after_birth(clock.window(rng, eh.size), eh, pop)
    early_help = {
        "child": eh,
        "start": eh_start,
        "end": _maybe(eh_start + rng.integers(20, 90, eh.size), clock),
    }

    order = np.lexsort((contacts["date"], c_child))
    sorted_child = c_child[order]
    starts = np.ones(sorted_child.size, dtype=bool)
    starts[1:] = sorted_child[1:] != sorted_child[:-1]
    first_row = order[starts]
    r_rows = first_row[rng.random(first_row.size) < np.where(cohort[c_child[first_row]], 0.9, 0.4)]
    r_child = c_child[r_rows]
    r_date = np.minimum(contacts["date"][r_rows] + rng.integers(0, 4, r_child.size), clock.start - 1)
    referrals = {
        "child": r_child,
        "date": r_date,
        "source": src[r_rows],
        "nfa": rng.random(r_child.size) < 0.1,
        "count12": 1 + rng.poisson(0.3, r_child.size),
    }
    a_mask = ~referrals["nfa"] & (rng.random(r_child.size) < 0.9)
    a_child, a_start = r_child[a_mask], r_date[a_mask]
    # most assessments are authorised within 45 working days (63 calendar days); some run late
    late = rng.random(a_child.size) < 0.15
    a_end = _maybe(
        a_start + np.where(late, rng.integers(66, 110, a_child.size), rng.integers(8, 62, a_child.size)),
        clock,
    )
    assessments = {"child": a_child, "start": a_start, "end": a_end, "seen": rng.random(a_child.size) < 0.95}

    s_mask = rng.random(a_child.size) < np.where(cohort[a_child], 0.3, 0.2)
    s_child = a_child[s_mask]
    s_date = np.minimum(a_start[s_mask] + rng.integers(0, 6, s_child.size), clock.start - 1)
    # conferences within 15 working days (21 calendar days) for most; a few later
    icpc = _maybe(s_date + np.where(rng.random(s_child.size) < 0.2, rng.integers(22, 40, s_child.size),
                                    rng.integers(8, 21, s_child.size)), clock)  # fmt: skip
    icpc = np.where(rng.random(s_child.size) < 0.4, icpc, NO_DATE)
    s47 = {
        "child": s_child,
        "date": s_date,
        "icpc": icpc,
        "plan": (icpc != NO_DATE) & (rng.random(s_child.size) < 0.8),
    }

    cp_child = np.union1d(pick(rng, young & ~cohort, 0.0045), pick(rng, cohort, 0.15))
    cp_child = np.union1d(cp_child, s_child[s47["plan"]])
    cp_start = _after_birth(clock.either(rng, cp_child.size, 0.4, years=1.5), cp_child, pop)
    from_icpc = dict(zip(s_child[s47["plan"]].tolist(), icpc[s47["plan"]].tolist(), strict=False))
    cp_start = np.array([from_icpc.get(int(c), int(d)) for c, d in zip(cp_child, cp_start, strict=True)])
    cp = {"child": cp_child, "start": cp_start, "end": _ends(rng, cp_start, clock, 0.25)}

    lac_child = np.union1d(pick(rng, young & ~cohort, 0.0065), pick(rng, cohort, 0.2))
    lac_child = lac_child[pop.age[lac_child] >= 0]
    lac_start = _after_birth(clock.either(rng, lac_child.size, 0.2, years=6), lac_child, pop)
    lac = {"child": lac_child, "start": lac_start, "end": _ends(rng, lac_start, clock, 0.1),
           "missing": missing_counts[lac_child]}  # fmt: skip

    cin_child = np.union1d(pick(rng, young & ~cohort, 0.025), pick(rng, cohort, 0.5))
    cin_child = np.union1d(cin_child, np.union1d(cp_child, lac_child))
    cin_start = _after_birth(clock.either(rng, cin_child.size, 0.3, years=4), cin_child, pop)
    cin = {"child": cin_child, "start": cin_start, "end": _ends(rng, cin_start, clock, 0.15)}

    leavers = {"child": np.flatnonzero(pop.care_leaver)}
    known = np.unique(np.concatenate([c_child, eh, cin_child, leavers["child"]]))
    return Involvement(contacts, early_help, referrals, assessments, s47, cin, cp, lac, leavers, known)


def _after_birth(dates: Any, child: Any, pop: Population) -> Any:
    """Dates moved to the birth date where they would fall before it."""
    return np.maximum(dates, pop.dob[child])


def _norm(p: Any) -> Any:
    arr = np.asarray(p, dtype=np.float64)
    return arr / arr.sum()


def _maybe(dates: Any, clock: Clock) -> Any:
    """Dates that would fall on or after the first day of fieldwork have not happened yet."""
    return np.where(dates < clock.start, dates, NO_DATE)


def _ends(rng: np.random.Generator, start: Any, clock: Clock, share: float) -> Any:
    """An end date inside the window for a share of episodes that started before it ends."""
    end = np.maximum(start + 1, clock.window(rng, start.size))
    return np.where((rng.random(start.size) < share) & (end < clock.start), end, NO_DATE)

"""Children's social care records beyond Annex A: the council's case management system."""

from __future__ import annotations

from typing import Any

import numpy as np

from jtai.synth import codes
from jtai.synth.annex_a import TEAMS, WORKERS, Involvement
from jtai.synth.partners import join_flags
from jtai.synth.population import Population
from jtai.synth.table import NO_DATE, Clock, Events, choose

MASH_OUTCOMES = (
    "No further action",
    "Information and advice",
    "Early help",
    "Referral to children's social care",
)
_SOURCE_NAMES = np.array([label.split(": ", 1)[-1] for label in codes.CONTACT_SOURCES], dtype=object)


def csc_events(
    rng: np.random.Generator,
    pop: Population,
    inv: Involvement,
    clock: Clock,
    flags: Any,
    missing: tuple[Any, Any],
) -> Events:
    """Person records of every child known, MASH decisions, strategy discussions, theme work.

    Args:
        missing: police missing episodes as (child, end date) arrays, for return interviews.
    """
    ev = Events("csc")
    ev.add(inv.known, "person", NO_DATE)
    c = inv.contacts
    # most contacts are decided the same or the next day; some wait longer (about 1 in 8)
    lag = rng.choice(np.arange(0, 6), size=c["child"].size, p=_norm((48, 30, 9, 6, 4, 3)))
    decided = np.minimum(c["date"] + lag, clock.start - 1)
    ev.add(
        c["child"],
        "mash_decision",
        decided,
        source=_SOURCE_NAMES[c["source"]],
        team="MASH",
        outcome=choose(rng, MASH_OUTCOMES, c["child"].size, (0.35, 0.2, 0.15, 0.3)),
        worker=choose(rng, WORKERS[:6], c["child"].size),
    )
    s = inv.s47
    ev.add(
        s["child"],
        "strategy_discussion",
        s["date"],
        flags=flags[s["child"]],
        team=TEAMS[1],
        outcome="Section 47 enquiry",
        worker=choose(rng, WORKERS, s["child"].size),
    )

    child, ended = missing
    offered = rng.random(child.size) < 0.7
    rhi = child[offered]
    when = ended[offered] + rng.choice(np.arange(0, 8), size=rhi.size, p=_norm((4, 6, 5, 3, 1, 1, 1, 1)))
    keep = when < clock.start
    ev.add(
        rhi[keep],
        "return_home_interview",
        when[keep],
        flags=join_flags("missing", flags[rhi[keep]]),
        team="Return Home Interview Service",
        worker=choose(rng, WORKERS, int(keep.sum())),
        outcome=choose(rng, ("Completed", "Declined by child", "Completed"), int(keep.sum())),
    )
    cohort = np.flatnonzero(pop.risk >= 0)
    screened = cohort[rng.random(cohort.size) < 0.8]
    ev.add(
        screened,
        "exploitation_screening",
        clock.window(rng, screened.size),
        flags=flags[screened],
        team="Exploitation Hub",
        outcome=choose(rng, ("High risk", "Medium risk", "Low risk"), screened.size),
    )
    met = cohort[rng.random(cohort.size) < 0.5]
    ev.add(
        met,
        "multi_agency_meeting",
        clock.window(rng, met.size),
        flags=flags[met],
        team="Exploitation Hub",
        details="Multi-agency child exploitation meeting",
    )
    in_care = np.isin(child, inv.lac["child"]) & (rng.random(child.size) < 0.5)
    ev.add(
        child[in_care],
        "missing_episode",
        ended[in_care] - 1,
        end_date=ended[in_care],
        flags=join_flags("missing", flags[child[in_care]]),
        team="Children in Care Team 1",
    )
    return ev


def _norm(p: Any) -> Any:
    arr = np.asarray(p, dtype=np.float64)
    return arr / arr.sum()

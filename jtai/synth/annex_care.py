"""Annex A lists 8 (children in care) and 9 (care leavers)."""

from __future__ import annotations

from typing import Any

import numpy as np

from jtai.synth import codes
from jtai.synth.annex_a import CARE_TEAMS, WORKERS, Involvement
from jtai.synth.annex_columns import List, child_columns, dates, either_or
from jtai.synth.population import Population
from jtai.synth.table import NO_DATE, Clock, choose

MISSING_HEADER = "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months"
ABSENT_HEADER = "Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months"
SECOND_PERIOD_HEADER = (
    "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"
)


def looked_after(rng: np.random.Generator, pop: Population, inv: Involvement, clock: Clock) -> List:
    """List 8: children looked after now, or who ceased to be in the window."""
    c = inv.lac
    k = c["child"].size
    start = c["start"]

    def recent() -> Any:
        return dates(np.maximum(start, clock.window(rng, k)))

    placement_start = np.maximum(start, clock.either(rng, k, 0.3, years=2))
    missing = c["missing"].astype(np.int64)
    ceased = c["end"] != NO_DATE
    cols = child_columns(pop, c["child"], rng)
    disability = cols.pop("Does the Child have a Disability")
    return cols | {
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))": choose(
            rng, codes.YES_NO, k, (0.05, 0.95)
        ),
        "Does the Child have a Disability": disability,
        "Date Started to be Looked After": dates(start),
        "Child's Category of Need": choose(rng, codes.CATEGORIES_OF_NEED, k, (0.7, 0.15, 0.15)),
        SECOND_PERIOD_HEADER: choose(rng, codes.YES_NO, k, (0.08, 0.92)),
        "Start date of current legal status": dates(start + rng.integers(0, 60, k)),
        "Child's Legal Status": choose(rng, codes.LEGAL_STATUSES, k, codes.LEGAL_SHARES),
        "Date of Latest Statutory Review": recent(),
        "Date of Last Social Work Visit": recent(),
        "What is the permanence plan for this child?": choose(rng, codes.PERMANENCE_PLANS, k),
        "Date of Last IRO Visit / Contact to the Child": recent(),
        "Date of Last Health Assessment": dates(np.maximum(start, clock.either(rng, k, 0.6, years=1))),
        "Date of Last Dental Check": dates(np.maximum(start, clock.either(rng, k, 0.5, years=1))),
        "Number of Placements in the Last 12 months": (1 + rng.poisson(0.4 + 0.6 * (missing > 0), k)).astype(
            object
        ),
        "Date Ceased to be Looked After": dates(c["end"]),
        "Reason Ceased to be Looked After": either_or(
            ceased, choose(rng, ("E13: Left care to live with parents", "E41: Residence order"), k), None
        ),
        "Start Date of Most Recent Placement": dates(np.minimum(placement_start, clock.start - 1)),
        "Placement Type": choose(rng, codes.PLACEMENT_TYPES, k, codes.PLACEMENT_SHARES),
        "Placement Provider": choose(
            rng, ("b) PR1 - Own provision", "e) PR4 - Private provision"), k, (0.6, 0.4)
        ),
        "Placement postcode": pop.old_postcode[c["child"]],
        "URN of Placement": either_or(
            rng.random(k) < 0.2,
            np.array([f"SC{v:06d}" for v in rng.integers(0, 999999, k)], dtype=object),
            None,
        ),
        "Placement Location": choose(rng, ("a) Inside LA boundary", "b) Outside LA boundary"), k, (0.7, 0.3)),
        "LA of Placement": choose(rng, ("Seaborough", "Other authority"), k, (0.7, 0.3)),
        MISSING_HEADER: missing.astype(object),
        ABSENT_HEADER: rng.poisson(0.3 + (missing > 0), k).astype(object),
        "Was the child offered a Return Interview after their last missing episode (Y/N)?": either_or(
            missing > 0, choose(rng, codes.YES_NO, k, (0.85, 0.15)), None
        ),
        "Did the child accept a Return Interview after their last missing episode (Y/N)?": either_or(
            missing > 0, choose(rng, codes.YES_NO, k, (0.6, 0.4)), None
        ),
        "Allocated Team": choose(rng, CARE_TEAMS, k),
        "Allocated Worker": choose(rng, WORKERS, k),
    }


def care_leavers(rng: np.random.Generator, pop: Population, inv: Involvement) -> List:
    """List 9: young people receiving leaving-care services."""
    idx = inv.leavers["child"]
    k = idx.size
    cols: List = child_columns(pop, idx, rng)
    cols.update(
        {
            "Allocated Team": np.full(k, "Care Leavers Team", dtype=object),
            "Allocated Worker": choose(rng, WORKERS, k),
            "Eligibility Category": choose(rng, codes.ELIGIBILITY, k, (0.1, 0.8, 0.1)),
            "LA in Touch": choose(rng, ("a) Yes", "b) No"), k, (0.9, 0.1)),
            "Type of Accommodation": choose(rng, codes.ACCOMMODATION, k),
            "Suitability of Accommodation": choose(rng, ("a) Suitable", "b) Unsuitable"), k, (0.9, 0.1)),
            "Activity Status": choose(rng, codes.ACTIVITY, k),
        }
    )
    return cols

"""Lay children's social care involvement out as the Annex A lists, header by header."""

from __future__ import annotations

from typing import Any

import numpy as np

from jtai.synth import codes
from jtai.synth.annex_a import TEAMS, WORKERS, Involvement
from jtai.synth.annex_care import care_leavers, looked_after
from jtai.synth.annex_columns import List, child_columns, dates, either_or
from jtai.synth.population import Population
from jtai.synth.table import NO_DATE, Clock, choose

EPO_HEADER = "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"


def lists(rng: np.random.Generator, pop: Population, inv: Involvement, clock: Clock) -> dict[str, List]:
    """Annex A lists 1-9, keyed by sheet name ("List 1" ...), rows ordered by date."""
    out: dict[str, List] = {}
    c = inv.contacts
    out["List 1"] = child_columns(pop, c["child"]) | {
        "Date of Contact": dates(c["date"]),
        "Contact Source": np.array(codes.CONTACT_SOURCES, dtype=object)[c["source"]],
    }
    e = inv.early_help
    out["List 2"] = child_columns(pop, e["child"]) | {
        "Assessment start date": dates(e["start"]),
        "Assessment completion date": dates(e["end"]),
        "Organisation completing assessment": choose(rng, codes.EARLY_HELP_ORGS, e["child"].size),
    }
    r = inv.referrals
    k = r["child"].size
    out["List 3"] = child_columns(pop, r["child"]) | {
        "Date of Referral": dates(r["date"]),
        "Referral Source": np.array(codes.CONTACT_SOURCES, dtype=object)[r["source"]],
        "Referral NFA?": np.where(r["nfa"], "a) Yes", "b) No").astype(object),
        "Number of Referrals in Last 12 Months": r["count12"].astype(object),
        "Allocated Team": np.full(k, "MASH", dtype=object),
        "Allocated Worker": choose(rng, WORKERS[:6], k),
    }
    a = inv.assessments
    k = a["child"].size
    authorised = a["end"] != NO_DATE
    out["List 4"] = child_columns(pop, a["child"], rng) | {
        "Continuous Assessment Start Date": dates(a["start"]),
        "Child Seen During Continuous Assessment": np.where(a["seen"], "a) Yes", "b) No").astype(object),
        "Continuous Assessment Date of Authorisation": dates(a["end"]),
        "Was the child assessed as requiring LA children's social care support?": either_or(
            authorised, choose(rng, codes.YES_NO, k, (0.6, 0.4)), None
        ),
        **_team(rng, k, TEAMS[1:3]),
    }
    s = inv.s47
    k = s["child"].size
    held = s["icpc"] != NO_DATE
    out["List 5"] = child_columns(pop, s["child"], rng) | {
        "Strategy discussion initiating Section 47 Enquiry Start Date": dates(s["date"]),
        "Was an Initial Child Protection Conference deemed unnecessary?": either_or(held, "b) No", "a) Yes"),
        "Date of Initial Child Protection Conference": dates(s["icpc"]),
        "Did the Initial Child Protection Conference Result in a Child Protection Plan": either_or(
            held, np.where(s["plan"], "a) Yes", "b) No"), None
        ),
        "Number of Section 47 Enquiries in the last 12 months": rng.poisson(0.3, k).astype(object),
        "Number of ICPCs in the last 12 months": rng.poisson(0.1, k).astype(object),
        **_team(rng, k, TEAMS[1:3]),
    }
    out["List 6"] = _cin(rng, pop, inv, clock)
    out["List 7"] = _cp(rng, pop, inv, clock)
    out["List 8"] = looked_after(rng, pop, inv, clock)
    out["List 9"] = care_leavers(rng, pop, inv)
    return out


def _team(rng: np.random.Generator, k: int, teams: tuple[str, ...]) -> List:
    return {"Allocated Team": choose(rng, teams, k), "Allocated Worker": choose(rng, WORKERS, k)}


def case_status(pop: Population, inv: Involvement) -> Any:
    """Each child's Annex A case status code index (first that applies), for every child."""
    status = np.full(pop.n, 4, dtype=np.int64)
    open_assessment = inv.assessments["child"][inv.assessments["end"] == NO_DATE]
    for value, children in (
        (3, open_assessment),
        (2, inv.cin["child"][inv.cin["end"] == NO_DATE]),
        (1, inv.cp["child"][inv.cp["end"] == NO_DATE]),
        (0, inv.lac["child"][inv.lac["end"] == NO_DATE]),
    ):
        status[children] = value
    return status


def _cin(rng: np.random.Generator, pop: Population, inv: Involvement, clock: Clock) -> List:
    c = inv.cin
    k = c["child"].size
    closed = c["end"] != NO_DATE
    status = np.array(codes.CASE_STATUSES, dtype=object)[case_status(pop, inv)[c["child"]]]
    return child_columns(pop, c["child"], rng) | {
        "CIN Start Date": dates(c["start"]),
        "Primary Need Code": choose(rng, codes.PRIMARY_NEEDS, k, codes.PRIMARY_NEED_SHARES),
        "Date Child Was Last Seen": dates(np.maximum(c["start"], clock.window(rng, k))),
        "CIN Closure Date": dates(c["end"]),
        "Reason for Closure": either_or(closed, choose(rng, codes.REASONS_FOR_CLOSURE[1:], k), None),
        "Case Status": status,
        **_team(rng, k, TEAMS[3:]),
    }


def _cp(rng: np.random.Generator, pop: Population, inv: Involvement, clock: Clock) -> List:
    c = inv.cp
    k = c["child"].size
    initial = choose(rng, codes.ABUSE_CATEGORIES, k, codes.ABUSE_SHARES)
    latest = np.where(rng.random(k) < 0.9, initial, choose(rng, codes.ABUSE_CATEGORIES, k)).astype(object)
    visit = np.maximum(c["start"], clock.window(rng, k))
    review = np.where(
        c["start"] < clock.start - 90, np.maximum(c["start"] + 90, clock.window(rng, k)), NO_DATE
    )
    return child_columns(pop, c["child"], rng) | {
        "Child Protection Plan Start Date": dates(c["start"]),
        "Initial Category of Abuse": initial,
        "Latest Category of Abuse": latest,
        "Date of the Last Statutory Visit": dates(visit),
        "Was the Child Seen Alone?": choose(rng, codes.YES_NO, k, (0.85, 0.15)),
        "Date of latest review conference": dates(np.minimum(review, clock.start - 1)),
        "Child Protection Plan End Date": dates(c["end"]),
        EPO_HEADER: choose(rng, codes.YES_NO, k, (0.03, 0.97)),
        "Number of Previous Child Protection Plans": rng.poisson(0.25, k).astype(object),
        **_team(rng, k, TEAMS[3:]),
    }

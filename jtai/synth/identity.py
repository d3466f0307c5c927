"""Agency person records: who each agency thinks the child is, with realistic noise.

Each agency holds one person record per child it knows (police sometimes two); every event
of the child in that agency carries the same identity. Noise is drawn per person record at
the rates of :data:`jtai.synth.config.RATES` and named in ``noise`` for the truth file.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jtai.synth import codes, names
from jtai.synth.config import SynthConfig
from jtai.synth.population import Population
from jtai.synth.table import NO_DATE

_ID_PREFIX = {"police": "PN", "health": "RH", "education": "ED", "yos": "YJ", "probation": "X"}
# Share of records holding the council's child id, among children known to the council.
_LA_ID_SHARE = {"csc": 1.0, "police": 0.25, "education": 0.4, "yos": 0.9, "probation": 0.3, "health": 0.0}
_UPN_SHARE = {"education": 1.0, "csc": 0.5, "yos": 0.4}
_ETHNICITY_BLANK = {"police": 0.2, "health": 0.05, "probation": 0.3}


def persons(
    rng: np.random.Generator,
    pop: Population,
    cfg: SynthConfig,
    agency: str,
    event_child: Any,
    event_type: Any,
    known_to_csc: Any,
    household_of_event: Any = None,
) -> tuple[dict[str, Any], Any]:
    """Person records of one agency and, for each event, the index of its person.

    Args:
        event_child: population index of each event's child.
        event_type: each event's type (arrests give police a PNC id).
        known_to_csc: boolean per child: the council knows the child (so may share its id).
        household_of_event: for probation, the household of each event (its adult's CRN).

    Returns:
        Person columns (``child``, identity fields, ``noise``) and each event's person index.
    """
    child, event_person = np.unique(event_child, return_inverse=True)
    extra_events = np.zeros(0, dtype=np.int64)
    if agency == "police":
        dup = np.flatnonzero(rng.random(child.size) < cfg.rates["police_duplicate"])
        base = child.size
        child = np.concatenate([child, child[dup]])
        # a random half of a duplicated child's events sit on the second record
        slot = np.full(base, -1, dtype=np.int64)
        slot[dup] = base + np.arange(dup.size)
        moved = (slot[event_person] >= 0) & (rng.random(event_person.size) < 0.5)
        moved[np.unique(event_person, return_index=True)[1]] = False  # the first record keeps one
        event_person = np.where(moved, slot[event_person], event_person)
        extra_events = base + np.arange(dup.size)  # each second record also has a person row
    k = child.size
    cols: dict[str, Any] = {"child": child, "noise": [[] for _ in range(k)]}
    cols["agency_person_id"] = _person_ids(
        rng, pop, agency, child, household_of_event, event_child, event_person
    )
    first = pop.first_name[child].copy()
    last = pop.last_name[child].copy()
    dob = pop.dob[child].copy()
    postcode = pop.postcode[child].copy()
    rates = cfg.rates
    noise = cols["noise"]

    eligible = np.array([f in names.NICKNAMES for f in first], dtype=bool)
    for i in _draw(rng, eligible, rates["nickname"], noise, "nickname"):
        first[i] = names.NICKNAMES[first[i]]
    for i in _draw(rng, np.ones(k, bool), rates["surname_change"], noise, "surname_change"):
        last[i] = names.SURNAMES[(names.SURNAMES.index(last[i]) + 1 + i % 400) % len(names.SURNAMES)]
    draws = rng.random((k, 2))
    for i in _draw(rng, np.ones(k, bool), rates["typo_first_name"], noise, "typo_first_name"):
        first[i] = names.typo(first[i], draws[i, 0], draws[i, 1])
    for i in _draw(rng, np.ones(k, bool), rates["typo_last_name"], noise, "typo_last_name"):
        last[i] = names.typo(last[i], draws[i, 1], draws[i, 0])
    days = dob.astype("datetime64[D]")
    month = days.astype("datetime64[M]")
    day = (days - month).astype(np.int64) + 1
    mon = month.astype(np.int64) % 12 + 1
    swap = _draw(rng, (day <= 12) & (day != mon), rates["dob_swap"], noise, "dob_swap")
    if swap.size:
        year = month[swap].astype("datetime64[Y]")
        dob[swap] = (year.astype("datetime64[M]") + (day[swap] - 1)).astype("datetime64[D]").astype(
            np.int64
        ) + (mon[swap] - 1)
    moved = _draw(rng, np.ones(k, bool), rates["postcode_move"], noise, "postcode_move")
    postcode[moved] = pop.old_postcode[child[moved]]

    nhs = pop.nhs_number[child].copy()
    missing = _draw(rng, np.ones(k, bool), rates[f"nhs_missing.{agency}"], noise, "nhs_missing")
    nhs[missing] = ""
    la_id = np.where(known_to_csc[child] & (rng.random(k) < _LA_ID_SHARE[agency]), pop.la_child_id[child], "")
    upn = np.where(rng.random(k) < _UPN_SHARE.get(agency, 0.0), pop.upn[child], "")
    arrested = np.zeros(k, dtype=bool)
    if agency in ("police", "yos"):
        arrested[np.unique(event_person[event_type == "arrest"])] = True
        if agency == "yos":
            arrested |= rng.random(k) < 0.6
    pnc = np.where(arrested, pop.pnc_id[child], "")
    ethnicity = np.array(codes.ETHNICITY_CODES, dtype=object)[pop.ethnicity[child]]
    ethnicity[rng.random(k) < _ETHNICITY_BLANK.get(agency, 0.0)] = ""

    cols.update(
        first_name=first,
        last_name=last,
        dob=dob,
        postcode=postcode,
        nhs_number=nhs,
        la_child_id=la_id.astype(object),
        upn=upn.astype(object),
        pnc_id=pnc.astype(object),
        sex=np.array(codes.SEX_CODES, dtype=object)[pop.sex[child]],
        ethnicity=ethnicity,
        extra_events=extra_events,
    )
    return cols, event_person


def _draw(rng: np.random.Generator, eligible: Any, rate: float, noise: list[list[str]], kind: str) -> Any:
    """Indices chosen at ``rate`` among the eligible ones; each is labelled with ``kind``."""
    idx = np.flatnonzero(eligible & (rng.random(eligible.size) < rate))
    for i in idx.tolist():
        noise[i].append(kind)
    return idx


def _person_ids(
    rng: np.random.Generator,
    pop: Population,
    agency: str,
    child: Any,
    household_of_event: Any,
    event_child: Any,
    event_person: Any,
) -> Any:
    k = child.size
    if agency == "csc":
        return pop.la_child_id[child].copy()
    if agency == "probation":
        # one supervised adult per household: its CRN, then the child's place in the list
        hh = np.zeros(k, dtype=np.int64)
        hh[event_person] = household_of_event
        crn = 100_000 + rng.permutation(900_000)[: int(pop.household.max()) + 1]
        order = np.argsort(child, kind="stable")
        seq = np.ones(k, dtype=np.int64)
        same = np.r_[False, hh[order][1:] == hh[order][:-1]]
        run = np.cumsum(~same)
        seq[order] = np.arange(k) - np.flatnonzero(~same)[run - 1] + 1
        return np.char.add(np.char.add(np.char.add("X", crn[hh].astype(str)), "-"), seq.astype(str)).astype(
            object
        )
    width = 7
    number = rng.choice(10**width - 10 ** (width - 1), size=k, replace=False) + 10 ** (width - 1)
    return np.char.add(_ID_PREFIX[agency], number.astype(str)).astype(object)


def dob_text(days: Any) -> Any:
    """Day numbers as ISO text ("" where there is no date)."""
    days = np.asarray(days, dtype=np.int64)
    out = np.datetime_as_string(np.where(days == NO_DATE, 0, days).astype("datetime64[D]")).astype(object)
    out[days == NO_DATE] = ""
    return out

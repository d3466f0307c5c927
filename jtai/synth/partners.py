"""Events of the partner agencies: police, health, education, youth justice and probation.

Background rates apply to every child; children of the theme cohort get the events their
risk brings (missing episodes, exploitation flags, sexual health contacts, exclusions...),
so that each agency that should know a child at risk does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jtai.synth.population import Population
from jtai.synth.table import Clock, Events, choose, pick, repeat_poisson


def join_flags(*parts: Any) -> Any:
    """Element-wise union of ``;``-joined flag lists (arrays or strings), sorted."""
    arrays = [np.asarray(p, dtype=object) for p in parts]
    sized = [a.size for a in arrays if a.ndim > 0]
    size = min(sized) if sized else 1
    arrays = [np.broadcast_to(a, (size,)) for a in arrays]
    out = np.empty(size, dtype=object)
    for i in range(size):
        found = {f for a in arrays for f in str(a[i]).split(";") if f}
        out[i] = ";".join(sorted(found))
    return out


def cohort_flags(rng: np.random.Generator, pop: Population, risk_types: dict[str, tuple[str, ...]]) -> Any:
    """Each cohort child's risk flags (the type's first flag, others at random); "" if none."""
    flags = np.full(pop.n, "", dtype=object)
    for i, name in enumerate(pop.risk_names):
        idx = np.flatnonzero(pop.risk == i)
        main, *others = risk_types[name]
        extra = [np.where(rng.random(idx.size) < 0.5, other, "") for other in others]
        flags[idx] = join_flags(main, *extra) if extra else main
    return flags


def strategy_partners(
    rng: np.random.Generator, s47: dict[str, Any], flags: Any, police: Events, health: Events
) -> None:
    """The police's and health's own records of the strategy discussions they took part in.

    The police join most discussions (about 9 in 10), health about half: the gap inspections
    often find. Each partner records the discussion on the day, or the day after.
    """
    child, day = s47["child"], s47["date"]
    for events, share, team in ((police, 0.9, "Public Protection Unit"), (health, 0.55, "Safeguarding Team")):
        took_part = rng.random(child.size) < share
        when = day[took_part] + (rng.random(int(took_part.sum())) < 0.2)
        events.add(child[took_part], "strategy_discussion", when, flags=flags[child[took_part]], team=team)


def police(rng: np.random.Generator, pop: Population, clock: Clock, flags: Any) -> Events:
    """Incidents, victims, arrests and missing reports."""
    ev = Events("police")
    child = np.arange(pop.n) < pop.n - int(pop.care_leaver.sum())
    known = pick(rng, child, 0.06)
    inc = repeat_poisson(rng, known, 0.5, 1)
    da = np.where(rng.random(inc.size) < 0.5, "domestic_abuse", "")
    ev.add(
        inc,
        "police_incident",
        clock.either(rng, inc.size, 0.5),
        flags=da,
        team="Response",
        source=choose(rng, ("999 call", "101 call", "Officer observation"), inc.size),
    )
    victims = pick(rng, child, 0.01)
    ev.add(victims, "crime_victim", clock.either(rng, victims.size, 0.5), team="CID")
    arrests = pick(rng, child & (pop.age >= 10), 0.006)
    ev.add(
        arrests,
        "arrest",
        clock.either(rng, arrests.size, 0.4),
        team="Custody",
        outcome=choose(rng, ("Released under investigation", "Charged", "No further action"), arrests.size),
    )

    cohort = np.flatnonzero(pop.risk >= 0)
    cme_type = np.char.find(flags[cohort].astype(str), "education") >= 0
    # children missing education go missing from home less often than the others at risk
    goes_missing = cohort[~cme_type | (rng.random(cohort.size) < 0.2)]
    episodes = repeat_poisson(rng, np.sort(goes_missing), 2.0, 1)
    start = clock.window(rng, episodes.size)
    ev.add(
        episodes,
        "missing_episode",
        start,
        end_date=start + rng.integers(0, 4, size=episodes.size),
        flags=join_flags("missing", flags[episodes]),
        team="Missing Persons Unit",
        outcome=choose(rng, ("Found", "Returned of own accord", "Found"), episodes.size),
    )
    concern = repeat_poisson(rng, cohort, 1.0, 1)
    ev.add(
        concern,
        "police_incident",
        clock.either(rng, concern.size, 0.8),
        flags=flags[concern],
        team="Child Exploitation Team",
        source="Intelligence report",
    )
    screened = pick(rng, np.isin(np.arange(pop.n), cohort), 0.3)
    ev.add(
        screened,
        "exploitation_screening",
        clock.window(rng, screened.size),
        flags=flags[screened],
        team="Child Exploitation Team",
    )
    ce = cohort[np.char.find(flags[cohort].astype(str), "criminal") >= 0]
    ce_arrest = ce[rng.random(ce.size) < 0.5]
    ev.add(
        ce_arrest,
        "arrest",
        clock.window(rng, ce_arrest.size),
        flags=flags[ce_arrest],
        team="Custody",
        outcome="Released under investigation",
    )
    cse = cohort[np.char.find(flags[cohort].astype(str), "cse") >= 0]
    cse_victim = cse[rng.random(cse.size) < 0.4]
    ev.add(
        cse_victim,
        "crime_victim",
        clock.window(rng, cse_victim.size),
        flags=join_flags("sexual_abuse", flags[cse_victim]),
        team="CID",
    )
    return ev


def health(rng: np.random.Generator, pop: Population, clock: Clock, flags: Any) -> Events:
    """GP, health visiting, school nursing, A&E, CAMHS and sexual health contacts."""
    ev = Events("health")
    everyone = np.arange(pop.n)
    gp = repeat_poisson(rng, everyone, 1.0)
    ev.add(gp, "gp_consultation", clock.window(rng, gp.size), source="Seaborough Medical Practice")
    gp_old = repeat_poisson(rng, everyone, 1.5)
    ev.add(gp_old, "gp_consultation", clock.history(rng, gp_old.size), source="Seaborough Medical Practice")
    hv = repeat_poisson(rng, np.flatnonzero(pop.age < 5), 1.2)
    ev.add(hv, "health_visiting", clock.window(rng, hv.size), team="Health Visiting North")
    sn = pick(rng, (pop.age >= 5) & (pop.age <= 16), 0.15)
    ev.add(sn, "school_nursing", clock.window(rng, sn.size), team="School Nursing")
    ae = repeat_poisson(rng, everyone, 0.25)
    ev.add(
        ae,
        "ae_attendance",
        clock.either(rng, ae.size, 0.5),
        source="Seaborough General Hospital",
        outcome=choose(rng, ("Discharged", "Admitted", "Referred to GP"), ae.size, (0.8, 0.1, 0.1)),
    )
    camhs = pick(rng, (pop.age >= 8) & (pop.age <= 17), 0.015)
    ev.add(camhs, "camhs_referral", clock.window(rng, camhs.size), flags="mental_health", team="CAMHS")
    sh = pick(rng, (pop.age >= 13) & (pop.age <= 17), 0.02)
    ev.add(sh, "sexual_health", clock.window(rng, sh.size), team="Sexual Health Clinic")

    cohort = np.flatnonzero(pop.risk >= 0)
    in_cohort = np.isin(everyone, cohort)
    cse = pick(rng, in_cohort & (np.char.find(flags.astype(str), "cse") >= 0), 0.6)
    cse = repeat_poisson(rng, cse, 1.0, 1)
    ev.add(cse, "sexual_health", clock.window(rng, cse.size), flags=flags[cse], team="Sexual Health Clinic")
    ae_c = repeat_poisson(rng, pick(rng, in_cohort, 0.4), 0.8, 1)
    harm = np.where(rng.random(ae_c.size) < 0.3, "self_harm", "")
    ev.add(
        ae_c,
        "ae_attendance",
        clock.window(rng, ae_c.size),
        flags=join_flags(harm, flags[ae_c]),
        source="Seaborough General Hospital",
        outcome="Discharged",
    )
    camhs_c = pick(rng, in_cohort, 0.3)
    ev.add(
        camhs_c,
        "camhs_referral",
        clock.window(rng, camhs_c.size),
        flags=join_flags("mental_health", flags[camhs_c]),
        team="CAMHS",
    )
    return ev


def education(rng: np.random.Generator, pop: Population, clock: Clock, flags: Any) -> Events:
    """Enrolments, persistent absence, exclusions and children missing education."""
    ev = Events("education")
    pupils = np.flatnonzero((pop.age >= 4) & (pop.age <= 17) & ~pop.care_leaver)
    secondary = pop.age[pupils] >= 11
    # secondary pupils carry their primary school enrolment too
    both = np.concatenate([pupils, pupils[secondary]])
    enrol_age = np.concatenate([np.where(secondary, 11, 4), np.full(int(secondary.sum()), 4)])
    school = np.where(enrol_age == 11, "Seaborough Academy", "Harbour Primary School").astype(object)
    ev.add(
        both,
        "school_enrolment",
        np.minimum(_september_after(pop.dob[both], enrol_age), clock.start - 1),
        source=school,
    )
    absence = pick(rng, np.isin(np.arange(pop.n), pupils), 0.06)
    ev.add(absence, "attendance_concern", clock.window(rng, absence.size), team="Attendance Service")
    excl = pick(rng, np.isin(np.arange(pop.n), pupils) & (pop.age >= 5), 0.015)
    ev.add(
        excl,
        "exclusion",
        clock.window(rng, excl.size),
        flags="exclusion",
        outcome=choose(rng, ("Suspension", "Permanent exclusion"), excl.size, (0.95, 0.05)),
    )

    in_cohort = (pop.risk >= 0) & (pop.age >= 5)
    cme_type = np.char.find(flags.astype(str), "child_missing_education") >= 0
    cme = np.concatenate([np.flatnonzero(in_cohort & cme_type), pick(rng, in_cohort & ~cme_type, 0.15)])
    cme.sort()
    ev.add(
        cme,
        "child_missing_education",
        clock.window(rng, cme.size),
        flags=join_flags("child_missing_education", flags[cme]),
        team="Children Missing Education",
    )
    absent_c = pick(rng, in_cohort, 0.5)
    ev.add(absent_c, "attendance_concern", clock.window(rng, absent_c.size), team="Attendance Service")
    ce_type = np.char.find(flags.astype(str), "criminal") >= 0
    excl_c = np.concatenate([pick(rng, in_cohort & ce_type, 0.4), pick(rng, in_cohort & ~ce_type, 0.15)])
    excl_c.sort()
    ev.add(excl_c, "exclusion", clock.window(rng, excl_c.size), flags="exclusion", outcome="Suspension")
    return ev


def yos(rng: np.random.Generator, pop: Population, clock: Clock, flags: Any) -> Events:
    """Youth justice interventions and orders (ages 10-17)."""
    ev = Events("yos")
    eligible = (pop.age >= 10) & (pop.age <= 17) & ~pop.care_leaver
    orders = ("Referral order", "Youth rehabilitation order", "Out of court disposal", "Youth caution")
    base = pick(rng, eligible, 0.004)
    ev.add(
        base, "yos_intervention", clock.either(rng, base.size, 0.6), details=choose(rng, orders, base.size)
    )
    ce = pick(rng, eligible & (pop.risk >= 0) & (np.char.find(flags.astype(str), "criminal") >= 0), 0.5)
    ev.add(
        ce,
        "yos_intervention",
        clock.window(rng, ce.size),
        flags=flags[ce],
        details=choose(rng, orders, ce.size),
    )
    other = pick(rng, eligible & (pop.risk >= 0) & (np.char.find(flags.astype(str), "criminal") < 0), 0.05)
    ev.add(other, "exploitation_screening", clock.window(rng, other.size), flags=flags[other])
    return ev


def probation(rng: np.random.Generator, pop: Population, clock: Clock, flags: Any) -> tuple[Events, Any]:
    """Supervised adults linked to children's households: one row per child of the household.

    Returns:
        The events, and for each event the household's supervised adult number (its CRN).
    """
    ev = Events("probation")
    n_hh = int(pop.household.max()) + 1 if pop.n else 0
    supervised = rng.random(n_hh) < 0.012
    cohort_hh = np.unique(pop.household[pop.risk >= 0])
    supervised[cohort_hh[rng.random(cohort_hh.size) < 0.15]] = True
    kids = np.flatnonzero(supervised[pop.household] & ~pop.care_leaver)
    start = clock.either(rng, n_hh, 0.4, years=3.0)[pop.household[kids]]
    relation = choose(
        rng, ("father", "mother", "mother's partner", "older brother"), n_hh, (0.5, 0.15, 0.25, 0.1)
    )
    offence = choose(rng, ("violence", "domestic abuse", "drugs", "acquisitive"), n_hh)
    da = np.where(offence == "domestic abuse", "domestic_abuse", "")
    hh = pop.household[kids]
    details = np.char.add(np.char.add("Supervised adult: ", relation[hh].astype(str)), "; offence: ")
    details = np.char.add(details, offence[hh].astype(str)).astype(object)
    ev.add(kids, "probation_supervision", start, flags=da[hh], details=details, team="Seaborough Probation")
    return ev, hh


def _september_after(dob: Any, years: Any) -> Any:
    """1 September of the school year a child starts at ``years`` old (day numbers)."""
    birthday = dob + (years * 365.2425).astype(np.int64)
    year = (birthday + 122).astype("datetime64[D]").astype("datetime64[Y]")  # born Sep-Dec: next year
    return (year.astype("datetime64[D]") + 243).astype(np.int64)

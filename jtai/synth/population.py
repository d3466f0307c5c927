"""The children of the fictional area: households, siblings, twins, namesakes, identifiers.

Everything is drawn with numpy from one generator, column by column, so 200,000 children
take well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from jtai.synth import codes, names
from jtai.synth.config import SynthConfig

DAYS_PER_YEAR = 365.2425
CARE_LEAVER_SHARE = 0.004  # extra young people aged 18-20 receiving leaving-care services
_HOUSEHOLD_SIZES = (1, 2, 3, 4, 5)
_HOUSEHOLD_SHARES = (0.42, 0.36, 0.15, 0.05, 0.02)
_POSTCODE_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


@dataclass
class Population:
    """One row per young person; arrays of equal length ``n``.

    ``dob`` holds days since 1970-01-01. ``twin_of`` / ``namesake_of`` hold the index of the
    other child or -1. ``risk`` indexes ``risk_names`` (-1: not in the theme cohort).
    """

    n: int
    child_id: Any
    household: Any
    sex: Any  # index into codes.SEX_CODES
    ethnicity: Any  # index into codes.ETHNICITIES
    dob: Any
    age: Any  # whole years on the first day of fieldwork
    first_name: Any
    last_name: Any
    postcode: Any
    old_postcode: Any
    nhs_number: Any
    upn: Any
    la_child_id: Any
    pnc_id: Any
    twin_of: Any
    namesake_of: Any
    care_leaver: Any
    risk: Any
    risk_names: tuple[str, ...]


def day_number(date: Any) -> int:
    """Days since 1970-01-01 of a ``datetime.date``."""
    return int(np.datetime64(date, "D").astype(np.int64))


def build(rng: np.random.Generator, cfg: SynthConfig) -> Population:
    """Draw the young people of the area."""
    n_children = cfg.children
    n_leavers = round(n_children * CARE_LEAVER_SHARE)
    n = n_children + n_leavers
    start = day_number(cfg.fieldwork_start)

    sizes = rng.choice(_HOUSEHOLD_SIZES, size=n_children + 1, p=_HOUSEHOLD_SHARES)
    household = np.repeat(np.arange(sizes.size), sizes)[:n_children]
    household = np.concatenate([household, household[-1] + 1 + np.arange(n_leavers)])
    n_households = int(household[-1]) + 1 if n else 0

    eth_p = np.array([e[2] for e in codes.ETHNICITIES])
    hh_eth = rng.choice(len(eth_p), size=n_households, p=eth_p / eth_p.sum())
    ethnicity = hh_eth[household]
    mixed = rng.random(n) < 0.03  # a few children differ from their household's recording
    ethnicity[mixed] = rng.choice(len(eth_p), size=int(mixed.sum()), p=eth_p / eth_p.sum())

    sex = rng.choice(3, size=n, p=codes.SEX_SHARES)
    age_days = rng.integers(1, int(18 * DAYS_PER_YEAR), size=n)
    age_days[n_children:] = rng.integers(int(18 * DAYS_PER_YEAR), int(21 * DAYS_PER_YEAR), size=n_leavers)
    dob = start - age_days

    surnames = np.array(names.SURNAMES, dtype=object)
    hh_surname = rng.choice(surnames.size, size=n_households, p=names.zipf_weights(surnames.size, 0.9))
    last_name = surnames[hh_surname][household]
    first_name = _sibling_names_differ(household, _first_names(rng, sex, ethnicity))

    hh_postcode = _postcodes(rng, n_households)
    hh_old = _postcodes(rng, n_households)
    twin_of = _make_twins(
        rng, household, dob, sex, first_name, ethnicity, round(cfg.rates["twins"] * n_children / 2)
    )
    namesake_of = _make_namesakes(rng, household, dob, sex, first_name, last_name, twin_of, cfg)
    dob = np.clip(dob, start - int(21 * DAYS_PER_YEAR), start - 1)  # namesakes are born, too
    age = _age_years(dob, cfg)

    risk_names = tuple(cfg.risk_types)
    risk = _cohort(rng, age, sex, cfg.rates["cohort"], n_children, risk_names, cfg.cohort_ages)
    care_leaver = np.zeros(n, dtype=bool)
    care_leaver[n_children:] = True
    return Population(
        n=n,
        child_id=np.array([f"T{i:07d}" for i in range(1, n + 1)], dtype=object),
        household=household,
        sex=sex,
        ethnicity=ethnicity,
        dob=dob,
        age=age,
        first_name=first_name,
        last_name=last_name,
        postcode=hh_postcode[household],
        old_postcode=hh_old[household],
        nhs_number=_nhs_numbers(rng, n),
        upn=_upns(rng, n),
        la_child_id=(1_000_000 + rng.choice(9 * max(n, 1000), size=n, replace=False))
        .astype(str)
        .astype(object),
        pnc_id=_pnc_ids(rng, n),
        twin_of=twin_of,
        namesake_of=namesake_of,
        care_leaver=care_leaver,
        risk=risk,
        risk_names=risk_names,
    )


def _age_years(dob: Any, cfg: SynthConfig) -> Any:
    days = dob.astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month_day = (days - days.astype("datetime64[Y]")).astype(np.int64)
    start = np.datetime64(cfg.fieldwork_start, "D")
    start_md = int((start - start.astype("datetime64[Y]")).astype(np.int64))
    # leap years shift month_day by one after February; a day's error at birthdays is harmless
    return cfg.fieldwork_start.year - years - (month_day > start_md)


def _first_names(rng: np.random.Generator, sex: Any, ethnicity: Any) -> Any:
    groups = np.array(codes.ETHNICITY_GROUPS)[ethnicity]
    girl = (sex == 1) | ((sex == 2) & (rng.random(sex.size) < 0.5))
    out = np.empty(sex.size, dtype=object)
    for pools, chosen in ((names.BOYS, ~girl), (names.GIRLS, girl)):
        for group, pool in pools.items():
            mask = chosen & (groups == group)
            idx = rng.choice(len(pool), size=int(mask.sum()), p=names.zipf_weights(len(pool), 0.7))
            out[mask] = np.array(pool, dtype=object)[idx]
    return out


def _sibling_names_differ(household: Any, first: Any) -> Any:
    """Siblings never share a first name: a repeat takes the next name of the same list.

    Names are drawn independently, so two brothers could both be William; parents do not do
    that. No random number is drawn, so the rest of the area stays as it was.
    """
    import pandas as pd

    repeated = np.flatnonzero(pd.DataFrame({"h": household, "f": first}).duplicated().to_numpy())
    if not repeated.size:
        return first
    pools = [pool for group in (names.BOYS, names.GIRLS) for pool in group.values()]
    # households are numbered in order, so each one's children sit side by side
    lows = np.searchsorted(household, household[repeated], side="left")
    highs = np.searchsorted(household, household[repeated], side="right")
    for i, low, high in zip(repeated, lows, highs, strict=True):
        siblings = set(first[low:high].tolist())
        pool = next((p for p in pools if first[i] in p), None)
        if pool is None:
            continue
        at = pool.index(first[i])
        free = [pool[(at + k) % len(pool)] for k in range(1, len(pool))]
        first[i] = next((name for name in free if name not in siblings), first[i])
    return first


def _postcodes(rng: np.random.Generator, k: int) -> Any:
    district = rng.integers(1, 25, size=k).astype(str)
    sector = rng.integers(0, 10, size=k).astype(str)
    unit = _POSTCODE_LETTERS[rng.integers(0, _POSTCODE_LETTERS.size, size=(k, 2))]
    codes_ = np.char.add(np.char.add(np.char.add("SB", district), " "), sector)
    return np.char.add(np.char.add(codes_, unit[:, 0]), unit[:, 1]).astype(object)


def _make_twins(
    rng: np.random.Generator, household: Any, dob: Any, sex: Any, first: Any, ethnicity: Any, pairs: int
) -> Any:
    twin_of = np.full(household.size, -1, dtype=np.int64)
    first_in_hh = np.flatnonzero(np.r_[True, household[1:] != household[:-1]])
    has_sibling = first_in_hh[(first_in_hh + 1 < household.size)]
    has_sibling = has_sibling[
        household[np.minimum(has_sibling + 1, household.size - 1)] == household[has_sibling]
    ]
    chosen = rng.choice(has_sibling, size=min(pairs, has_sibling.size), replace=False)
    chosen.sort()
    a, b = chosen, chosen + 1
    dob[b] = dob[a]
    ethnicity[b] = ethnicity[a]
    twin_of[a], twin_of[b] = b, a
    same = first[a] == first[b]
    for i, j in zip(a[same], b[same], strict=True):
        pool = names.GIRLS["w"] if sex[j] == 1 else names.BOYS["w"]
        first[j] = pool[(pool.index(first[i]) + 1) % len(pool)] if first[i] in pool else pool[0]
    return twin_of


def _make_namesakes(
    rng: np.random.Generator,
    household: Any,
    dob: Any,
    sex: Any,
    first: Any,
    last: Any,
    twin_of: Any,
    cfg: SynthConfig,
) -> Any:
    namesake_of = np.full(household.size, -1, dtype=np.int64)
    k = round(cfg.rates["namesakes"] * cfg.children)
    pool = np.flatnonzero(twin_of[: cfg.children] < 0)
    if k == 0 or pool.size < 2 * k:
        return namesake_of
    picked = rng.choice(pool, size=2 * k, replace=False)
    src, dst = picked[:k], picked[k:]
    ok = household[src] != household[dst]
    src, dst = src[ok], dst[ok]
    first[dst], last[dst], sex[dst] = first[src], last[src], sex[src]
    offset = rng.integers(1, 60, size=src.size) * rng.choice((-1, 1), size=src.size)
    dob[dst] = dob[src] + offset
    namesake_of[dst], namesake_of[src] = src, dst
    return namesake_of


def _cohort(
    rng: np.random.Generator,
    age: Any,
    sex: Any,
    rate: float,
    n_children: int,
    risk_names: tuple[str, ...],
    ages: tuple[int, int] = (10, 17),
) -> Any:
    """The theme cohort: a minority of the children, of the theme's ages, most in its upper middle."""
    risk = np.full(age.size, -1, dtype=np.int64)
    low, high = ages
    weight = np.where((age >= low) & (age <= high), 1.0, 0.0)
    # for ages 10-17 the peak is 13-16, as exploitation and going missing peak in the mid-teens
    peak_low, peak_high = low + (high - low + 1) * 3 // 8, low + (high - low + 1) * 7 // 8 - 1
    weight[(age >= peak_low) & (age <= peak_high)] = 3.0
    weight[n_children:] = 0.0
    k = min(round(rate * n_children), int((weight > 0).sum()))
    if k == 0 or not risk_names:
        return risk
    chosen = rng.choice(age.size, size=k, replace=False, p=weight / weight.sum())
    kinds = rng.integers(0, len(risk_names), size=k)
    # sexual exploitation risk is recorded mostly for girls, criminal exploitation for boys
    for i, name in enumerate(risk_names):
        if name in ("cse", "criminal_exploitation"):
            target = 1 if name == "cse" else 0
            wrong = (kinds == i) & (sex[chosen] != target) & (rng.random(k) < 0.7)
            kinds[wrong] = (i + 1) % len(risk_names)
    risk[chosen] = kinds
    return risk


def _nhs_numbers(rng: np.random.Generator, n: int) -> Any:
    # 999 numbers are reserved for testing: no real patient has one
    base = np.arange(1_000_000, dtype=np.int64)
    digits = np.stack([np.full(base.size, 9)] * 3 + [(base // 10**p) % 10 for p in range(5, -1, -1)], axis=1)
    total = (digits * np.arange(10, 1, -1)).sum(axis=1)
    check = (11 - total % 11) % 11
    valid = check != 10
    pick = rng.choice(np.flatnonzero(valid), size=n, replace=False)
    number = 999_000_000_0 + base[pick] * 10 + check[pick]
    return number.astype(str).astype(object)


def _upns(rng: np.random.Generator, n: int) -> Any:
    # Unique pupil numbers: check letter, LA 999 (no real authority), 9 unique digits
    serial = rng.choice(10**9, size=n, replace=False) if n < 10**6 else rng.permutation(n) + 10**8
    body = np.char.add("999", np.char.zfill(serial.astype(str), 9))
    chars = body.view("<U1").reshape(n, 12).astype(np.int64) if n else np.zeros((0, 12), dtype=np.int64)
    check = (chars * np.arange(2, 14)).sum(axis=1) % 23
    letters = np.array(list(_UPN_LETTERS))[check]
    return np.char.add(letters, body).astype(object)


def _pnc_ids(rng: np.random.Generator, n: int) -> Any:
    year = rng.integers(10, 18, size=n).astype(str)
    number = np.char.zfill(rng.integers(0, 10**7, size=n).astype(str), 7)
    letter = np.array(list(_UPN_LETTERS))[rng.integers(0, 23, size=n)]
    return np.char.add(np.char.add(np.char.add(year, "/"), number), letter).astype(object)

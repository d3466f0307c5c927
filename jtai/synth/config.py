"""The generator's settings: size, seed, dates, the theme and every noise rate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jtai.errors import UsageError

NOISE_AGENCIES = ("csc", "police", "health", "education", "yos", "probation")

# name -> (default, meaning). Documented in docs/synth.md; `--rate NAME=VALUE` changes one.
RATES: dict[str, tuple[float, str]] = {
    "typo_first_name": (0.03, "agency person records whose first name has one keyboard slip"),
    "typo_last_name": (0.03, "agency person records whose surname has one keyboard slip"),
    "nickname": (0.15, "records of a child with a common short form (Alexander/Alex) using it"),
    "dob_swap": (0.02, "records whose birth date has day and month swapped (where both are 1-12)"),
    "surname_change": (0.02, "records holding another surname (a step-parent's or the other parent's)"),
    "postcode_move": (0.08, "records holding the family's previous postcode after a move"),
    "police_duplicate": (0.05, "children known to police who have a second police person record"),
    "nhs_missing.csc": (0.10, "children's social care records without an NHS number"),
    "nhs_missing.police": (0.85, "police records without an NHS number"),
    "nhs_missing.health": (0.01, "health records without an NHS number"),
    "nhs_missing.education": (0.90, "education records without an NHS number"),
    "nhs_missing.yos": (0.40, "youth justice records without an NHS number"),
    "nhs_missing.probation": (0.80, "probation records without an NHS number"),
    "twins": (0.03, "children who have a twin (same surname, birth date, postcode): must NOT link"),
    "namesakes": (
        0.01,
        "children given the full name of an unrelated child born within 60 days: must NOT link",
    ),
    "cohort": (0.03, "children in the theme cohort (at risk of exploitation or going missing)"),
}


@dataclass(frozen=True)
class SynthConfig:
    """What to generate.

    Attributes:
        children: children aged 0-17 on the first day of fieldwork (care leavers are extra).
        seed: the random seed; the same config gives byte-identical files.
        fieldwork_start: first day of fieldwork; the window is the months before it.
        window_months: length of the inspection window.
        risk_types: theme cohort risk types (name -> risk flags), first flag is the main one.
        cohort_ages: the theme cohort's ages (both ends included), most of it in the middle.
        rates: noise rates by name (see :data:`RATES`).
        faults: inject the documented deliberate faults.
        area: the fictional area's name.
    """

    children: int
    seed: int
    fieldwork_start: dt.date = dt.date(2018, 3, 19)
    window_months: int = 6
    risk_types: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "cse": ("cse",),
            "criminal_exploitation": ("criminal_exploitation", "gang", "county_lines"),
            "missing": ("missing",),
            "missing_education": ("child_missing_education",),
        }
    )
    cohort_ages: tuple[int, int] = (10, 17)
    rates: dict[str, float] = field(default_factory=lambda: {k: v[0] for k, v in RATES.items()})
    faults: bool = True
    area: str = "Seaborough"

    @property
    def window_start(self) -> dt.date:
        """First day of the inspection window."""
        month = self.fieldwork_start.month - self.window_months
        year = self.fieldwork_start.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return dt.date(year, month, min(self.fieldwork_start.day, 28))


def parse_rates(pairs: list[str], *, noise: bool = True) -> dict[str, float]:
    """Turn ``["typo_first_name=0.1", ...]`` into the full rate table.

    Args:
        pairs: ``NAME=VALUE`` settings; names are the keys of :data:`RATES`.
        noise: false sets every identity noise rate to 0 (twins, namesakes and cohort stay).

    Raises:
        UsageError: an unknown name or a value that is not a number between 0 and 1.
    """
    rates = {k: v[0] for k, v in RATES.items()}
    if not noise:
        for key in rates:
            if key not in ("twins", "namesakes", "cohort"):
                rates[key] = 0.0
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or name not in RATES:
            raise UsageError(
                f"--rate {pair!r} is not NAME=VALUE with a known NAME.",
                hint="Known names: " + ", ".join(RATES) + ".",
            )
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not 0.0 <= number <= 1.0:
            raise UsageError(f"--rate {name}={value}: the rate must be a number from 0 to 1.")
        rates[name] = number
    return rates


def options_for(
    *,
    children: int,
    seed: int,
    framework: str | None = None,
    fieldwork_start: dt.date | None = None,
    rates: list[str] | None = None,
    noise: bool = True,
    faults: bool = True,
    area: str = "Seaborough",
) -> SynthConfig:
    """A :class:`SynthConfig` from command-line style settings.

    A framework sets the theme cohort's risk types (``sampling.tracked.risk_types``), its ages
    (``cohort.age``; exploitation is recorded from age 10), the window
    (``cohort.window_months``) and, unless given, fieldwork from 19 March of its year.

    Raises:
        UsageError: a bad rate, or a framework that cannot be found.
    """
    settings: dict[str, object] = {}
    if framework is not None:
        try:
            from jtai.frameworks import load_framework
        except ImportError as exc:  # the frameworks package is not installed yet
            if framework != "exploitation-2018":
                raise UsageError(f"--framework {framework}: frameworks cannot be read here.") from exc
        else:
            fw = load_framework(framework)
            settings["window_months"] = int(fw.cohort.window_months)
            settings["risk_types"] = {k: tuple(v) for k, v in fw.sampling.tracked.risk_types.items()}
            flags = {f for v in fw.sampling.tracked.risk_types.values() for f in v}
            youngest = fw.cohort.age.min
            if flags & {"cse", "criminal_exploitation", "gang", "county_lines", "trafficking"}:
                youngest = max(youngest, 10)
            settings["cohort_ages"] = (youngest, max(youngest, fw.cohort.age.max))
            if fieldwork_start is None:
                fieldwork_start = dt.date(int(fw.year), 3, 19)
    if fieldwork_start is not None:
        settings["fieldwork_start"] = fieldwork_start
    return SynthConfig(
        children=children,
        seed=seed,
        rates=parse_rates(rates or [], noise=noise),
        faults=faults,
        area=area,
        **settings,  # type: ignore[arg-type]
    )

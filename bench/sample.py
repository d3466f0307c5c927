"""Benchmark: draw tracked children and a front-door sample from a frame of 200,000.

Target: a draw from a frame of 200,000 children takes under 2 s. Also times building the
frame from 200,000 children's canonical records, for information.

Run: python bench/sample.py
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd

from jtai.sampling import (
    CohortRule,
    FrontDoorSpec,
    TrackedSpec,
    build_frame,
    build_front_door,
    draw_stratified,
)

CHILDREN = 200_000
TARGET_S = 2.0
RISK_TYPES = (
    ("cse", ("cse",)),
    ("criminal_exploitation", ("criminal_exploitation", "gang", "county_lines")),
    ("missing", ("missing",)),
    ("missing_education", ("child_missing_education",)),
)


def records(n: int, seed: int = 1) -> pd.DataFrame:
    """One canonical record per child, a date of birth and a source; a minority in the theme cohort."""
    rng = np.random.default_rng(seed)
    born = pd.Timestamp("2000-04-01") + pd.to_timedelta(rng.integers(0, 17 * 365 - 20, n), unit="D")
    seen = pd.Timestamp("2017-10-01") + pd.to_timedelta(rng.integers(0, 160, n), unit="D")
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "agency": rng.choice(["csc", "police", "health", "education"], n),
            "subject": "child",
            "agency_person_id": [f"P{i}" for i in range(n)],
            "la_child_id": pd.NA,
            "dob": born.strftime("%Y-%m-%d"),
            "sex": rng.choice(["male", "female", "unknown"], n, p=[0.49, 0.49, 0.02]),
            # most children known to services are not in the theme cohort: 2% go missing
            "event_type": rng.choice(["contact", "referral", "missing_episode"], n, p=[0.6, 0.38, 0.02]),
            "event_date": seen.strftime("%Y-%m-%d"),
            "end_date": pd.NA,
            "source": rng.choice(["q) 6: Police", "e) 2A", "g) 3A", "s) 8"], n),
            "outcome": rng.choice(["NFA", "Early help", "Single assessment", "Section 47", ""], n),
            # and about 4% carry a theme risk flag
            "flags": np.where(
                rng.random(n) < 0.04,
                rng.choice(["cse", "gang", "missing", "child_missing_education", "cse;missing"], n),
                "",
            ),
            "extra": pd.NA,
            "child_id": [f"child-{i:07d}" for i in range(n)],
        }
    ).astype({c: "string" for c in ("la_child_id", "end_date", "extra")})


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.2f} s")
    return result, elapsed


def main() -> None:
    data = records(CHILDREN)
    start = dt.date(2018, 3, 19)
    rule = CohortRule(
        start, 6, 0, 17, ("missing_episode",), ("cse", "gang", "missing", "child_missing_education")
    )
    spec = TrackedSpec(risk_types=RISK_TYPES)
    (frame, count), _ = timed(
        f"build the tracked frame from {CHILDREN:,} records", lambda: build_frame(data, rule, spec)
    )
    print(f"  {count.explain(rule)}")
    dims = list(spec.strata)
    _, elapsed = timed(
        f"draw 6 tracked children + reserves from a frame of {len(frame):,}",
        lambda: draw_stratified(
            frame,
            dimensions=dims,
            levels={d: spec.levels(d) for d in dims},
            n=6,
            reserves=2,
            seed=2018,
            hash_columns=("key", "age", "age_band", "sex", "risk_type", "agencies", "agencies_involved"),
            spread=True,
        ),
    )
    fd_spec = FrontDoorSpec(start)
    (fd, _), _ = timed(
        f"build the front-door frame from {CHILDREN:,} records", lambda: build_front_door(data, fd_spec)
    )
    _, fd_elapsed = timed(
        f"draw 40 contacts and referrals from {len(fd):,}",
        lambda: draw_stratified(
            fd,
            dimensions=["source", "outcome"],
            levels={},
            n=40,
            reserves=0,
            seed=2018,
            hash_columns=("key", "child_id", "source", "outcome"),
            spread=False,
            when_short="largest",
        ),
    )
    verdict = "PASS" if elapsed < TARGET_S and fd_elapsed < TARGET_S else "FAIL"
    print(
        f"{verdict}: tracked draw {elapsed:.2f} s, front-door draw {fd_elapsed:.2f} s (target < {TARGET_S} s)"
    )


if __name__ == "__main__":
    main()

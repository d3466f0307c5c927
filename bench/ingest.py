"""Benchmark: load 1,000,000 rows across six canonical agency CSVs.

Generates the files in a temporary folder (nothing is kept), then in the same run times
a bare ``pandas.read_csv`` of the same files and ``jtai`` ingest end to end (read, map,
validate, write to the store), each in a fresh process that reports its own peak memory.

Targets: at least 100,000 rows/s; no more than 3x the bare read; peak memory under 2 GB.

    python bench/ingest.py [--rows 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AGENCY_SHARE = {"csc": 0.25, "police": 0.2, "health": 0.25, "education": 0.15, "yos": 0.08, "probation": 0.07}
AGENCY_EVENTS = {
    "csc": ["contact", "referral", "assessment", "section_47", "child_in_need", "missing_episode"],
    "police": ["police_incident", "missing_episode", "crime_victim", "arrest", "strategy_discussion"],
    "health": ["ae_attendance", "sexual_health", "camhs_referral", "gp_consultation", "school_nursing"],
    "education": ["exclusion", "child_missing_education", "attendance_concern", "school_enrolment"],
    "yos": ["yos_intervention", "exploitation_screening"],
    "probation": ["probation_supervision"],
}
TARGET_ROWS_PER_S = 100_000
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 2048

_BARE = """
import json, resource, sys, time
import pandas as pd
paths = sys.argv[1:]
start = time.perf_counter()
rows = sum(len(pd.read_csv(p)) for p in paths)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "seconds": elapsed, "peak_mb": peak}))
"""

_JTAI = """
import datetime as dt, json, resource, sys, time
from collections import defaultdict
from pathlib import Path
from typing import Any
from jtai import workspace
from jtai.ingest import load_files, loader
from jtai.store import records
phases = defaultdict(float)
def timed(module, name, phase):
    inner = getattr(module, name)
    def run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            phases[phase] += time.perf_counter() - start
    setattr(module, name, run)
timed(loader, "_read", "read")
timed(loader, "validate", "validate")
timed(records, "add_records", "sqlite inserts")
root = Path(sys.argv[1])
ws = workspace.create(root, area="Bench", framework="exploitation-2018", fieldwork_start=dt.date(2018, 3, 19))
files = json.loads(sys.argv[2])
start = time.perf_counter()
read = accepted = quarantined = 0
for agency, path in files:
    result = load_files(ws, [path], agency=agency)
    for f in result.files:
        assert f.status == "loaded", f.message
    read += result.rows_read
    accepted += result.accepted
    quarantined += result.quarantined
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": read, "accepted": accepted, "quarantined": quarantined,
                  "seconds": elapsed, "peak_mb": peak, "phases": phases}))
"""


def generate(folder: Path, rows: int, seed: int) -> list[tuple[str, Path]]:
    """Write six canonical agency CSVs with ``rows`` rows in all; return (agency, path) pairs."""
    import numpy as np
    import pandas as pd

    from jtai.ingest.layouts import FIELDS

    rng = np.random.default_rng(seed)
    first = np.array(["Amelia", "Olivia", "Isla", "Jack", "Harry", "Noah", "Leo", "Mia", "Ava", "Oscar"])
    last = np.array(
        ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Khan", "Patel", "Ali"]
    )
    ethnic = np.array(["WBRI", "WOTH", "MWBC", "APKN", "BAFR", "CHNE", "OOTH", "NOBT"])
    flags = np.array(["", "", "", "", "missing", "cse", "criminal_exploitation;gang", "missing;cse"])
    out = []
    remaining = rows
    agencies = list(AGENCY_SHARE)
    for i, agency in enumerate(agencies):
        n = remaining if i == len(agencies) - 1 else int(rows * AGENCY_SHARE[agency])
        remaining -= n
        person = rng.integers(1, max(2, n // 4), n)
        nhs_body = rng.integers(100_000_000, 999_999_999, n)
        nhs = _nhs_numbers(nhs_body)
        dob = pd.Timestamp("2001-01-01") + pd.to_timedelta(rng.integers(0, 6000, n), unit="D")
        event = dob + pd.to_timedelta(rng.integers(1, 500, n), unit="D") + pd.Timedelta(days=365)
        frame = pd.DataFrame(
            {
                "agency_person_id": [f"{agency[:2].upper()}{p}" for p in person.tolist()],
                "la_child_id": person.astype(str) if agency == "csc" else "",
                "nhs_number": nhs,
                "upn": "",
                "pnc_id": "",
                "first_name": first[rng.integers(0, len(first), n)],
                "last_name": last[rng.integers(0, len(last), n)],
                "dob": dob.strftime("%Y-%m-%d"),
                "sex": np.array(["male", "female"])[rng.integers(0, 2, n)],
                "ethnicity": ethnic[rng.integers(0, len(ethnic), n)],
                "postcode": [f"SB{d} {d % 10}AB" for d in rng.integers(1, 30, n).tolist()],
                "event_type": np.array(AGENCY_EVENTS[agency])[rng.integers(0, len(AGENCY_EVENTS[agency]), n)],
                "event_date": event.strftime("%Y-%m-%d"),
                "end_date": "",
                "source": "",
                "outcome": "",
                "team": "Team " + pd.Series(rng.integers(1, 9, n)).astype(str),
                "worker": "",
                "flags": flags[rng.integers(0, len(flags), n)],
                "details": "",
            },
            columns=list(FIELDS),
        )
        path = folder / f"{agency}.csv"
        frame.to_csv(path, index=False)
        out.append((agency, path))
    return out


def _nhs_numbers(body: object) -> list[str]:
    """Valid NHS numbers: nine digits plus the Modulus 11 check digit (bodies giving 10 skipped)."""
    import numpy as np

    digits = np.array([list(f"{b:09d}") for b in np.asarray(body).tolist()], dtype=np.int64)
    check = 11 - (digits @ np.arange(10, 1, -1)) % 11
    check = np.where(check == 11, 0, check)
    numbers = []
    for row, c in zip(digits.tolist(), check.tolist(), strict=True):
        numbers.append("".join(map(str, row)) + str(c) if c != 10 else "")
    return numbers


def _child(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the fastest counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        files = generate(folder, args.rows, args.seed)
        size = sum(p.stat().st_size for _, p in files) / 1e6
        print(
            f"generated {args.rows:,} rows in 6 files ({size:.0f} MB) in {time.perf_counter() - start:.1f} s"
        )
        bare_runs, jtai_runs = [], []
        for i in range(args.repeat):
            bare_runs.append(_child(_BARE, *(str(p) for _, p in files)))
            jtai_runs.append(
                _child(_JTAI, str(folder / f"ws{i}"), json.dumps([(a, str(p)) for a, p in files]))
            )
        bare = min(bare_runs, key=lambda r: r["seconds"])
        jtai = min(jtai_runs, key=lambda r: r["seconds"])
    rate = jtai["rows"] / jtai["seconds"]
    ratio = jtai["seconds"] / bare["seconds"]
    for label, run in (("bare pandas.read_csv", bare), ("jtai ingest", jtai)):
        print(f"{label:<21}: {run['rows']:>9,} rows {run['seconds']:6.2f} s  peak {run['peak_mb']:6.0f} MB")
    print(f"jtai: {jtai['accepted']:,} accepted + {jtai['quarantined']:,} quarantined")
    phases = jtai["phases"]
    other = jtai["seconds"] - sum(phases.values())
    print("jtai phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()) + f", other {other:.2f} s")
    print(f"rate {rate:,.0f} rows/s (target >= {TARGET_ROWS_PER_S:,})")
    print(f"ratio to bare read {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x)")
    print(f"peak memory {jtai['peak_mb']:.0f} MB (target < {TARGET_PEAK_MB} MB)")
    ok = rate >= TARGET_ROWS_PER_S and ratio <= TARGET_RATIO and jtai["peak_mb"] < TARGET_PEAK_MB
    print("all targets met" if ok else "TARGETS MISSED")


if __name__ == "__main__":
    main()

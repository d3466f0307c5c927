"""Benchmark: generate a 200,000-child area (over a million records) with ``jtai synth``.

Runs the generator in a fresh process that reports its own time and peak memory, writing
into a temporary folder (nothing is kept), then prints rows, time, rows/s and peak memory.

Target: under 60 s for 200,000 children on a 2-core machine.

    python bench/synth.py [--children 200000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_SECONDS = 60.0

_RUN = """
import json, resource, sys, time
from pathlib import Path
from jtai.synth import generate, options_for
start = time.perf_counter()
result = generate(Path(sys.argv[1]), options_for(children=int(sys.argv[2]), seed=int(sys.argv[3])))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "records": result.records, "rows": result.rows, "peak_mb": peak}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "area"
        done = subprocess.run(
            [sys.executable, "-c", _RUN, str(out), str(args.children), str(args.seed)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
    seconds = figures["seconds"]
    print(f"children          {args.children:>12,}")
    print(f"records written   {figures['records']:>12,}")
    for name, rows in figures["rows"].items():
        print(f"  {name:<24}{rows:>10,}")
    print(f"output size       {size_mb:>12,.0f} MB")
    print(f"time              {seconds:>12.1f} s   (target < {TARGET_SECONDS:.0f} s)")
    print(f"rate              {figures['records'] / seconds:>12,.0f} records/s")
    print(f"peak memory       {figures['peak_mb']:>12,.0f} MB")
    ok = seconds < TARGET_SECONDS
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

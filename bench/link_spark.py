"""Benchmark: the Spark engine against the DuckDB engine on the same fictional area.

Generates a ``jtai synth`` area (by default 200,000 children, about 1,000,000 records),
loads it into two workspaces, then in fresh processes that each report their own peak
memory links one with ``jtai link`` on DuckDB and the other with ``jtai link --engine
spark`` in Spark's local mode on every core (``local[*]``). Prints each engine's time, peak
memory (the Spark figure is the Python driver's plus the JVM's resident memory), pairwise
precision and recall against the truth, and the agreement (pairwise F1) between the two
engines' clusters.

Local Spark on one machine is slower than DuckDB; the point of the Spark engine is that the
same command runs on a cluster (see docs/linkage.md). This benchmark shows the model gives
the same children on both engines and what it costs on one machine.

    python bench/link_spark.py [--children 200000] [--seed 7] [--master 'local[*]'] [--keep DIR]

``--keep DIR`` keeps the generated area there and reuses it; the workspaces are made anew.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

_SETUP = r"""
import datetime as dt, json, sys, time
from pathlib import Path
from jtai import workspace
from jtai.ingest import load_files
from jtai.synth import AGENCY_FILES, WORKBOOK, SynthConfig, generate
out, children, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
if not (out / "synth" / "truth" / "truth.csv").exists():  # --keep reuses the area, not the links
    generate(out / "synth", SynthConfig(children=children, seed=seed, faults=False))
for name in ("duckdb", "spark"):
    ws = workspace.create(out / name, area="Bench", framework="exploitation-2018",
                          fieldwork_start=dt.date(2018, 3, 19))
    extracts = out / "synth" / "extracts"
    for agency, file in AGENCY_FILES.items():
        load_files(ws, [extracts / file], agency=agency, today=dt.date(2018, 3, 19))
    load_files(ws, [extracts / WORKBOOK], agency="csc", today=dt.date(2018, 3, 19))
    if name == "spark":  # the engine and its master, as a user sets them in inspection.yaml
        text = ws.config_path.read_text(encoding="utf-8")
        spark = "linkage:\n  engine: spark\n  spark:\n    master: " + json.dumps(sys.argv[4]) + "\n"
        ws.config_path.write_text(text.replace("linkage:\n", spark, 1), encoding="utf-8")
"""

_LINK = """
import json, os, resource, sys, threading, time
from pathlib import Path
from jtai import workspace
from jtai.linkage import link

jvm_peak = [0.0]  # the JVM is not waited for, so RUSAGE_CHILDREN misses it: watch its VmHWM

def _watch():
    me = str(os.getpid())
    while True:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1] != me:
                    continue
                for line in open(f"/proc/{pid}/status"):
                    if line.startswith("VmHWM:"):
                        jvm_peak[0] = max(jvm_peak[0], int(line.split()[1]) / 1024)
            except (OSError, IndexError, ValueError):
                pass
        time.sleep(0.5)

threading.Thread(target=_watch, daemon=True).start()
ws = workspace.Workspace(Path(sys.argv[1]))
conn = ws.connect()
start = time.perf_counter()
summary = link(ws, conn)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak + jvm_peak[0], "records": summary.records,
                  "model_links": summary.model_links}))
"""


def _pairs(counter: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in counter.values())


def _links(root: Path) -> dict[str, str]:
    import sqlite3

    conn = sqlite3.connect(root / "jtai.db")
    rows = conn.execute(
        "SELECT f.name || '/' || r.sheet || '/' || r.source_row, r.child_id "
        "FROM records r JOIN files f ON f.id = r.file_id"
    )
    out = dict(rows)
    conn.close()
    return out


def _truth(out: Path) -> dict[str, str]:
    import csv

    with (out / "synth" / "truth" / "truth.csv").open(encoding="utf-8") as handle:
        return {f"{r['file']}/{r['sheet']}/{r['row']}": r["child_id"] for r in csv.DictReader(handle)}


def _agreement(a: dict[str, str], b: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of ``b`` against ``a``, over the rows both hold.

    A row the generator wrote but ingest quarantined has no record, so it is in ``a`` only.
    """
    rows = a.keys() & b.keys()
    common = _pairs(Counter((a[r], b[r]) for r in rows))
    precision = common / max(1, _pairs(Counter(b[r] for r in rows)))
    recall = common / max(1, _pairs(Counter(a[r] for r in rows)))
    return precision, recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--master", default="local[*]")
    parser.add_argument(
        "--keep", type=Path, help="keep the generated area here (reused if present; workspaces made anew)"
    )
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="jtai-bench-spark-"))
    print(f"Generating and loading {args.children:,} children in {base} ...", flush=True)
    for engine in ("duckdb", "spark"):  # fresh workspaces: a kept one would skip linking
        shutil.rmtree(base / engine, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-c", _SETUP, str(base), str(args.children), str(args.seed), args.master], check=True
    )
    truth = _truth(base)
    results = {}
    for engine in ("duckdb", "spark"):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _LINK, str(base / engine)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures["wall_s"] = time.perf_counter() - start
        links = _links(base / engine)
        precision, recall = _agreement(truth, links)
        figures.update(precision=precision, recall=recall, links=links)
        results[engine] = figures
        print(
            f"{engine:7} {figures['records']:>10,} records  {figures['seconds']:8.1f} s  "
            f"peak {figures['peak_mb']:7.0f} MB  precision {precision:.4f}  recall {recall:.4f}",
            flush=True,
        )
    p, r = _agreement(results["duckdb"]["links"], results["spark"]["links"])
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    ratio = results["spark"]["seconds"] / results["duckdb"]["seconds"]
    print(f"Spark / DuckDB time: {ratio:.1f}x; clusters agree at pairwise F1 {f1:.4f} (target >= 0.999)")


if __name__ == "__main__":
    main()

"""Benchmark: linkage on data jtai did not generate (the FEBRL data sets 1-3).

For each FEBRL deduplication set (``../shared/fixtures/linkage/``; ``--data`` for another
folder), as a new user would: ``jtai init``, ``jtai load FILE --agency health --mapping
bench/mappings/febrl.yaml``, ``jtai link --json``. Then, on the same file in the same run,
splink alone with a standard setup (names, date of birth, address, suburb and postcode; no
soc_sec_id) clustered at 0.5. Prints for each:

- blocking recall: the share of true pairs that at least one of jtai's blocking rules
  proposes (no threshold can link a pair that is never scored); with ``--missed``, the
  shape of each true pair no rule proposes (field by field how its records differ, never
  what they hold; see ``bench/febrl_pairs.py``);
- pairwise precision, recall and F1 before review, and with every review pair accepted;
- the true pairs that look like twins to jtai (same surname and date of birth, different
  first names: FEBRL replaces first names), how many were linked, wait for review or stay
  apart, and recall before review on the other true pairs, the figure the recall target
  is checked on (a twin-looking pair is never linked without a reviewer);
- pairs waiting for review (and their share of the records);
- time: each tool's whole process (start-up and imports included), and their ratio; with
  ``--repeat N`` the fastest of N runs of each (on a busy machine).

Truth: ``rec-N-org`` and every ``rec-N-dup-K`` are one person.

    python bench/link_outside.py [--sets 1 2 3] [--data DIR] [--keep DIR] [--missed] [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import febrl_pairs

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "bench" / "mappings" / "febrl.yaml"
DATA = ROOT.parent / "shared" / "fixtures" / "linkage"
# where the repository sits in a worktree beside the shared folder's parent
_ALTERNATIVES = (DATA, ROOT.parents[1] / "shared" / "fixtures" / "linkage")
TARGETS = {"blocking": 0.998, "precision": 0.995, "recall": 0.99, "review_share": 0.03, "time_ratio": 1.5}

_SPLINK = r"""
import json, sys, time
start = time.perf_counter()
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
frame = pd.read_csv(sys.argv[1], dtype=str, skipinitialspace=True, keep_default_na=False)
frame = frame.replace({"": None})
frame["unique_id"] = range(len(frame))
frame = frame.drop(columns=["soc_sec_id", "rec_id"])
settings = SettingsCreator(
    link_type="dedupe_only",
    comparisons=[
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
        cl.ExactMatch("street_number"),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("address_2", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
    ],
    blocking_rules_to_generate_predictions=[
        block_on("given_name", "surname"),
        block_on("surname", "date_of_birth"),
        block_on("given_name", "date_of_birth"),
        block_on("postcode"),
        block_on("suburb"),
    ],
    retain_matching_columns=False,
)
db_api = DuckDBAPI()
linker = Linker(db_api.register(frame), settings, log_level=None)
import logging; logging.getLogger("splink").setLevel(logging.ERROR)
linker.training.estimate_probability_two_random_records_match(
    [block_on("given_name", "surname", "date_of_birth")], recall=0.7)
linker.training.estimate_u_using_random_sampling(max_pairs=1_000_000, seed=42)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
pairs = linker.inference.predict(threshold_match_probability=0.5)
clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, 0.5).as_pandas_dataframe()
print(json.dumps({"seconds": time.perf_counter() - start,
                  "clusters": dict(zip(clusters["unique_id"].astype(int).tolist(),
                                       clusters["cluster_id"].astype(str).tolist()))}))
"""


def _jtai() -> str:
    here = Path(sys.executable).with_name("jtai")
    return str(here) if here.exists() else "jtai"


def _run(args: list[str], cwd: Path | None = None) -> tuple[str, float]:
    start = time.perf_counter()
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    done = subprocess.run(args, capture_output=True, text=True, check=False, cwd=cwd, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(
            f"{' '.join(args[:3])} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )
    return done.stdout, seconds


def _pairs(labels: dict[int, str]) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(labels.values()).values())


def _quality(truth: dict[int, str], predicted: dict[int, str]) -> tuple[float, float, float]:
    both = sum(n * (n - 1) // 2 for n in Counter((truth[r], predicted[r]) for r in truth).values())
    precision = both / max(_pairs({r: predicted[r] for r in truth}), 1)
    recall = both / max(_pairs(truth), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _truth(csv_path: Path) -> dict[int, str]:
    """Row number (as jtai numbers a sheet: header = 1) -> true person."""
    with csv_path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, skipinitialspace=True))
    return {i + 2: row[0].split("-")[1] for i, row in enumerate(rows[1:])}


def _merge_review(child: dict[int, str], review: list[tuple[int, int]]) -> dict[int, str]:
    """Child ids with every review pair accepted (their children joined)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in review:
        ra, rb = find(child[a]), find(child[b])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {r: find(c) for r, c in child.items()}


def _link_new(source: Path, ws: Path, number: int) -> tuple[str, float]:
    """A new workspace holding ``source``, then ``jtai link --json``: its output and time."""
    jtai = _jtai()
    _run([jtai, "init", str(ws), "--area", f"FEBRL {number}", "--framework", "exploitation-2018", "--force"])
    _run([jtai, "-w", str(ws), "load", str(source), "--agency", "health", "--mapping", str(MAPPING)])
    return _run([jtai, "-w", str(ws), "link", "--json"])


def run_set(number: int, data: Path, work: Path, missed: bool = False, repeat: int = 1) -> dict[str, float]:
    """Load and link one FEBRL set with jtai, and with splink alone; the figures.

    Each tool runs ``repeat`` times (jtai on a new workspace each time); the fastest time counts.
    """
    import sqlite3

    source = data / f"febrl-dataset{number}.csv"
    ws = work / f"febrl{number}"
    runs = [_link_new(source, ws, number) for _ in range(repeat)]
    out, jtai_seconds = runs[0][0], min(seconds for _out, seconds in runs)
    summary = json.loads(out)
    conn = sqlite3.connect(ws / "jtai.db")
    by_row = _truth(source)
    truth = {rid: by_row[row] for rid, row in conn.execute("SELECT id, source_row FROM records")}
    child = dict(conn.execute("SELECT id, child_id FROM records"))
    review = [
        (a, b) for a, b in conn.execute("SELECT left_id, right_id FROM link_pairs WHERE status = 'review'")
    ]
    before = _quality(truth, child)
    reviewed = _merge_review(child, review)
    accepted = _quality(truth, reviewed)
    ident = febrl_pairs.identities(ws / "jtai.db")
    pairs = febrl_pairs.true_pairs(truth)
    found = febrl_pairs.proposed(ident)
    not_proposed = [p for p in pairs if p not in found]
    if missed:
        print(f"FEBRL {number}: {len(not_proposed)} true pairs no blocking rule proposes, by shape:")
        for shape, count in febrl_pairs.shapes(ident, not_proposed).most_common():
            print(f"  {count:>3}  {shape}")
    twins = febrl_pairs.twin_looking(ident, pairs, child, reviewed)
    alone_runs = [_run([sys.executable, "-c", _SPLINK, str(source)]) for _ in range(repeat)]
    out, splink_seconds = alone_runs[0][0], min(seconds for _out, seconds in alone_runs)
    alone = json.loads(out)
    rows_truth = {i: by_row[i + 2] for i in range(len(by_row))}
    splink = _quality(rows_truth, {int(k): v for k, v in alone["clusters"].items()})
    return {
        "set": number,
        "records": len(truth),
        "blocking": 1 - len(not_proposed) / max(len(pairs), 1),
        "twin_pairs": twins.pairs,
        "twin_linked": twins.linked,
        "twin_review": twins.review,
        "twin_apart": twins.apart,
        "other_recall": twins.other_recall,
        "precision": before[0],
        "recall": before[1],
        "f1": before[2],
        "precision_accepted": accepted[0],
        "recall_accepted": accepted[1],
        "f1_accepted": accepted[2],
        "review": summary["review_pairs"],
        "seconds": jtai_seconds,
        "link_seconds": min(json.loads(o)["seconds"] for o, _seconds in runs),
        "splink_precision": splink[0],
        "splink_recall": splink[1],
        "splink_f1": splink[2],
        "splink_seconds": splink_seconds,
        "splink_inner_seconds": min(json.loads(o)["seconds"] for o, _seconds in alone_runs),
    }


def _met(r: dict[str, float]) -> list[str]:
    """The targets this set misses."""
    missed = []
    if r["blocking"] < TARGETS["blocking"]:
        missed.append("blocking recall")
    if r["precision"] < TARGETS["precision"]:
        missed.append("precision")
    if r["other_recall"] < min(TARGETS["recall"], r["splink_recall"]):
        missed.append("recall (not twin-looking)")
    if r["review"] > TARGETS["review_share"] * r["records"]:
        missed.append("review pairs")
    if r["seconds"] > TARGETS["time_ratio"] * r["splink_seconds"]:
        missed.append("time")
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--data", type=Path, help="folder holding febrl-dataset{1,2,3}.csv")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each tool this many times and count the fastest (a busy machine)",
    )
    parser.add_argument(
        "--missed", action="store_true", help="print the shape of each true pair no blocking rule proposes"
    )
    args = parser.parse_args()
    data = args.data or next((d for d in _ALTERNATIVES if d.exists()), DATA)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        print(
            "set | records | blocking recall | jtai P / R / F1 before review | with review accepted | "
            "twin-looking true pairs: linked / review / apart | recall before review, other pairs | "
            "review pairs | jtai s | splink alone P / R / F1 | splink s | ratio | targets"
        )
        for number in args.sets:
            r = run_set(number, data, work, args.missed, max(args.repeat, 1))
            missed = _met(r)
            print(
                f"FEBRL {number} | {r['records']:,} | {r['blocking']:.4f} | "
                f"{r['precision']:.4f} / {r['recall']:.4f} / {r['f1']:.4f} | "
                f"{r['precision_accepted']:.4f} / {r['recall_accepted']:.4f} / {r['f1_accepted']:.4f} | "
                f"{r['twin_pairs']}: {r['twin_linked']} / {r['twin_review']} / {r['twin_apart']} | "
                f"{r['other_recall']:.4f} | "
                f"{r['review']:,} ({r['review'] / r['records']:.1%}) | {r['seconds']:.1f} "
                f"(link {r['link_seconds']:.1f}) | "
                f"{r['splink_precision']:.4f} / {r['splink_recall']:.4f} / {r['splink_f1']:.4f} | "
                f"{r['splink_seconds']:.1f} | {r['seconds'] / r['splink_seconds']:.2f} | "
                + ("met" if not missed else "MISSED: " + ", ".join(missed)),
                flush=True,
            )


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"(bench wall time {time.perf_counter() - start:.0f} s)")

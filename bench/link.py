"""Benchmark: link about 1,000,000 records (about 200,000 children over six agencies).

Generates a fictional area with ``jtai synth`` (the Annex A workbook and six agency
extracts, with the true child of every row), loads it with ``jtai load``'s library, then in
fresh processes that each report their own peak memory:

1. ``jtai link`` end to end on a store with no child ids yet: read the store, normalise,
   deterministic pass, splink model (train and predict), must-not-link clusters, stable ids,
   write every child id; then again on the unchanged data (ids carried over, nothing written);
2. incremental: the police extract (about 5% of the records) is unloaded and the rest linked;
   it is loaded again and ``jtai link`` scores only the pairs involving its records with the
   saved model; then ``jtai link --full`` on the same records (retraining), timed in the same
   process, with both runs' precision and recall;
3. splink alone on the same records: the same settings trained and run on every record
   (registered straight from the store, normalised the same way), with no jtai step.

Prints the time, peak memory, pairwise precision and recall against the truth, and the
ratio of jtai's time to splink's. Targets: under 120 s and under 4 GB peak for step 1; the
unchanged re-run under 10% of the first run; the incremental run under 25% of the full run.

    python bench/link.py [--children 200000] [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 120
TARGET_PEAK_MB = 4096
TARGET_RERUN = 0.10  # re-run on unchanged data / first run
TARGET_INCREMENTAL = 0.25  # incremental run / full run on the same records
HELD_BACK = "police"  # the extract loaded last (about 5% of the records)

_SETUP = """
import datetime as dt, json, sys, time
from pathlib import Path
from jtai import workspace
from jtai.ingest import load_files
from jtai.synth import AGENCY_FILES, WORKBOOK, SynthConfig, generate
out, children, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
start = time.perf_counter()
generate(out / "synth", SynthConfig(children=children, seed=seed, faults=False))
synth_s = time.perf_counter() - start
ws = workspace.create(out / "ws", area="Bench", framework="exploitation-2018",
                      fieldwork_start=dt.date(2018, 3, 19))
start = time.perf_counter()
extracts = out / "synth" / "extracts"
for agency, name in AGENCY_FILES.items():
    load_files(ws, [extracts / name], agency=agency, today=dt.date(2018, 3, 19))
load_files(ws, [extracts / WORKBOOK], agency="csc", today=dt.date(2018, 3, 19))
print(json.dumps({"synth_s": synth_s, "load_s": time.perf_counter() - start}))
"""

_LINK = """
import json, resource, sqlite3, sys, time
from pathlib import Path
from jtai import workspace
from jtai.linkage import link
ws = workspace.Workspace(Path(sys.argv[1]))
with sqlite3.connect(ws.db_path) as raw:  # start from scratch: no child ids, no previous run
    raw.execute("UPDATE records SET child_id = NULL")
    for table in ("link_pairs", "link_runs", "link_model", "link_decisions"):
        raw.execute(f"DELETE FROM {table}")
conn = ws.connect()
start = time.perf_counter()
summary = link(ws, conn)
elapsed = time.perf_counter() - start
start = time.perf_counter()
again = link(ws, conn)
rerun = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rerun_seconds": rerun, "peak_mb": peak, **summary.as_dict()}))
"""

_INCREMENTAL = """
import datetime as dt, json, sqlite3, sys, time
from pathlib import Path
from jtai import workspace
from jtai.ingest import load_files
from jtai.ingest.unload import unload_files
from jtai.linkage import link
from jtai.synth import AGENCY_FILES
ws, extract = workspace.Workspace(Path(sys.argv[1])), Path(sys.argv[2])
unload_files(ws, [AGENCY_FILES[sys.argv[3]]], force=True)
conn = ws.connect()
link(ws, conn)  # the rest, in full (an unload always links in full)
load_files(ws, [extract], agency=sys.argv[3], today=dt.date(2018, 3, 19))
start = time.perf_counter()
incremental = link(ws, conn)
incremental_s = time.perf_counter() - start
ids = dict(conn.execute("SELECT id, child_id FROM records"))
start = time.perf_counter()
full = link(ws, conn, full=True)
full_s = time.perf_counter() - start
json.dump(ids, open(sys.argv[4], "w"))
print(json.dumps({"incremental": {**incremental.as_dict(), "seconds": incremental_s},
                  "full": {**full.as_dict(), "seconds": full_s}}))
"""

_SPLINK = """
import json, resource, sqlite3, sys, time
from pathlib import Path
import pandas as pd
from jtai.linkage.probabilistic import SEED, U_MAX_PAIRS, EM_MAX_PAIRS, settings, _floored_em
from jtai.linkage.comparisons import fields_in_use, model_columns, usable_rules
from jtai.linkage.normalise import identity_frame
from splink import DuckDBAPI, Linker, block_on
start = time.perf_counter()
conn = sqlite3.connect(Path(sys.argv[1]) / "jtai.db")
cols = ["id", "subject", "agency", "agency_person_id", "la_child_id", "nhs_number", "upn", "pnc_id",
        "first_name", "last_name", "dob", "sex", "postcode"]
raw = pd.DataFrame(conn.execute(f"SELECT {', '.join(cols)} FROM records").fetchall(), columns=cols)
for c in cols[1:]:
    raw[c] = raw[c].astype("string")
ident = identity_frame(raw)
fields = fields_in_use(ident)
frame = ident[["id", *model_columns(fields)]].rename(columns={"id": "unique_id"})
db_api = DuckDBAPI()
model = settings(fields, usable_rules(frame, fields))
model.unique_id_column_name = "unique_id"  # splink's clustering needs its default id name
linker = Linker(db_api.register(frame, dataset_display_name="records"), model, log_level=None)
_floored_em().__enter__()  # the same splink 5.0.0 EM work-around jtai uses
linker.training.estimate_probability_two_random_records_match(
    [block_on("subject", "first_name", "last_name", "dob")], recall=0.7)
linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
for rule in (("dob", "postcode"), ("first_name", "last_name", "postcode"), ("first_name", "dob")):
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("subject", *rule),
                                                                       max_pairs=EM_MAX_PAIRS)
pairs = linker.inference.predict(threshold_match_probability=0.95, warning_mode="never")
clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, 0.95)
ids = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
elapsed = time.perf_counter() - start
ids.to_parquet(Path(sys.argv[2]))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "records": len(ids)}))
"""


def _run(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _pairwise(truth: dict[int, str], predicted: dict[int, object]) -> tuple[float, float]:
    from collections import Counter

    def pairs(counter: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    both = pairs(Counter((truth[r], predicted[r]) for r in truth))
    return both / max(pairs(Counter(predicted[r] for r in truth)), 1), both / max(
        pairs(Counter(truth.values())), 1
    )


def _truth(out: Path) -> dict[int, str]:
    """Each record id's true child, joining truth.csv to the store by file, sheet and row."""
    import csv
    import sqlite3

    by_row: dict[tuple[str, str, int], str] = {}
    with (out / "synth" / "truth" / "truth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_row[(row["file"], row["sheet"], int(row["row"]))] = row["child_id"]
    conn = sqlite3.connect(out / "ws" / "jtai.db")
    query = "SELECT r.id, f.name, r.sheet, r.source_row FROM records r JOIN files f ON f.id = r.file_id"
    return {rid: by_row[(name, sheet or "", row)] for rid, name, sheet, row in conn.execute(query)}


def _incremental(out: Path) -> None:
    """Unload the held-back extract, link the rest, load it again: incremental run vs full run."""
    from jtai.synth import AGENCY_FILES

    extract = out / "synth" / "extracts" / AGENCY_FILES[HELD_BACK]
    runs = _run(_INCREMENTAL, str(out / "ws"), str(extract), HELD_BACK, str(out / "incremental.json"))
    truth = _truth(out)  # the held-back records have new ids
    incremental_ids = {int(k): v for k, v in json.loads((out / "incremental.json").read_text()).items()}
    import sqlite3

    full_ids = dict(sqlite3.connect(out / "ws" / "jtai.db").execute("SELECT id, child_id FROM records"))
    inc, full = runs["incremental"], runs["full"]
    ratio = inc["seconds"] / full["seconds"]
    share = inc["new_records"] / inc["records"]
    for name, run, ids in (("incremental", inc, incremental_ids), ("full", full, full_ids)):
        precision, recall = _pairwise(truth, ids)
        print(
            f"  {name} ({run['mode']}): {run['seconds']:.1f} s (splink part {run['model_seconds']:.1f} s), "
            f"{run['scored_pairs']:,} pairs scored; precision {precision:.4f}, recall {recall:.4f}; "
            f"{run['review_pairs']:,} pairs for review"
        )
    print(
        f"incremental run after loading {inc['new_records']:,} records ({share:.1%}): "
        f"{inc['seconds']:.1f} s, {ratio:.1%} of a full run on the same records "
        f"[target < {TARGET_INCREMENTAL:.0%}: {'met' if ratio < TARGET_INCREMENTAL else 'MISSED'}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (reused if present)")
    parser.add_argument("--no-splink", action="store_true", help="skip timing splink alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        if not (out / "ws" / "jtai.db").exists():
            setup = _run(_SETUP, str(out), str(args.children), str(args.seed))
            print(f"synth {setup['synth_s']:.1f} s, load {setup['load_s']:.1f} s")
        import sqlite3

        truth = _truth(out)
        jtai = _run(_LINK, str(out / "ws"))
        conn = sqlite3.connect(out / "ws" / "jtai.db")
        predicted = dict(conn.execute("SELECT id, child_id FROM records"))
        precision, recall = _pairwise(truth, predicted)
        ok = jtai["seconds"] < TARGET_SECONDS and jtai["peak_mb"] < TARGET_PEAK_MB
        print(
            f"jtai link: {jtai['records']:,} records -> {jtai['children']:,} children "
            f"in {jtai['seconds']:.1f} s "
            f"(splink part {jtai['model_seconds']:.1f} s), peak {jtai['peak_mb']:.0f} MB; "
            f"precision {precision:.4f}, recall {recall:.4f}; {jtai['review_pairs']:,} pairs for review; "
            f"[target < {TARGET_SECONDS} s, < {TARGET_PEAK_MB} MB: {'met' if ok else 'MISSED'}]"
        )
        rerun = jtai["rerun_seconds"] / jtai["seconds"]
        print(
            f"re-run on unchanged data: {jtai['rerun_seconds']:.1f} s, {rerun:.1%} of the first run "
            f"[target < {TARGET_RERUN:.0%}: {'met' if rerun < TARGET_RERUN else 'MISSED'}]"
        )
        _incremental(out)
        if args.no_splink:
            return
        import pandas as pd

        alone = _run(_SPLINK, str(out / "ws"), str(out / "splink.parquet"))
        ids = pd.read_parquet(out / "splink.parquet")
        # the incremental step loaded the held-back extract again, under new record ids
        sp_precision, sp_recall = _pairwise(
            _truth(out), dict(zip(ids["unique_id"], ids["cluster_id"], strict=True))
        )
        print(
            f"splink alone: {alone['records']:,} records in {alone['seconds']:.1f} s, "
            f"peak {alone['peak_mb']:.0f} MB; "
            f"precision {sp_precision:.4f}, recall {sp_recall:.4f}"
        )
        print(f"ratio jtai / splink alone: {jtai['seconds'] / alone['seconds']:.2f}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"(bench wall time {time.perf_counter() - start:.0f} s)")

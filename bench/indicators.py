"""Benchmark: every indicator over a synthetic area, for all children and the theme cohort.

Generates an area with `jtai synth` (200,000 children by default), loads its extracts, gives
each record its true child (as a perfect linkage would), then times `compute` for the `all`
and `theme` cohorts, with and without the breakdown by agency.

Run: python bench/indicators.py [CHILDREN]
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from jtai import workspace
from jtai.indicators import compute, indicators_for
from jtai.ingest import load_files
from jtai.synth import AGENCY_FILES, WORKBOOK, generate, options_for
from jtai.workspace import workspace_framework

FIELDWORK = dt.date(2018, 3, 19)


def main() -> None:
    children = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        generate(root / "synth", options_for(children=children, seed=7, framework="exploitation-2018"))
        ws = workspace.create(
            root / "ws", area="Seaborough", framework="exploitation-2018", fieldwork_start=FIELDWORK
        )
        load_files(ws, [root / "synth" / "extracts" / WORKBOOK], agency="csc", today=FIELDWORK)
        for agency, name in AGENCY_FILES.items():
            load_files(ws, [root / "synth" / "extracts" / name], agency=agency, today=FIELDWORK)
        with (root / "synth" / "truth" / "truth.csv").open(encoding="utf-8") as handle:
            truth = {(r["file"], r["sheet"], int(r["row"])): r["child_id"] for r in csv.DictReader(handle)}
        conn = sqlite3.connect(ws.root / "jtai.db")
        rows = conn.execute(
            "SELECT r.id, f.name, r.sheet, r.source_row FROM records r JOIN files f ON f.id = r.file_id"
        ).fetchall()
        conn.executemany(
            "UPDATE records SET child_id = ? WHERE id = ?",
            [(truth[(name, sheet or "", row)], rid) for rid, name, sheet, row in rows],
        )
        conn.commit()
        conn.close()
        ready = time.perf_counter() - start
        print(f"area of {children:,} children, {len(rows):,} records, ready in {ready:.1f} s")
        fw = workspace_framework(ws)
        definitions = indicators_for(ws.root)
        conn = ws.connect()
        try:
            for cohort in ("all", "theme"):
                for by_agency in (False, True):
                    start = time.perf_counter()
                    found = compute(conn, fw, FIELDWORK, definitions, cohort=cohort, by_agency=by_agency)
                    elapsed = time.perf_counter() - start
                    size = f", {found.children:,} children" if found.children is not None else ""
                    what = f"{len(found.results)} indicators, cohort {cohort}{size}, by agency {by_agency}"
                    print(f"{what}: {elapsed:.2f} s")
                    if cohort == "all" and not by_agency:
                        for r in found.results:
                            print(f"  {r.indicator.id}: {r.overall.text()}")
        finally:
            conn.close()


if __name__ == "__main__":
    main()

"""Guard benchmark: the share of identifying variants refused, and of ordinary text refused.

    python bench/guard.py [--areas 5] [--children 3000]

1. Variants: :data:`jtai.anonymity.corpus.VARIANTS` (names, near misses, spaced and broken
   names, markup, entities, digits for letters, identifiers, dates of birth, postcodes) against
   an index holding the corpus child and the names of every synthetic area: all must be refused.
2. Ordinary text: :data:`jtai.anonymity.corpus.PROSE`, the demo's three reports, and the
   three reports rendered by running the demo's whole job (load, link, sample, judgements,
   findings, reports) on ``--areas`` areas of ``--children`` children made by `jtai synth`
   with different seeds: none may be refused. The demo's findings name cases by their place in
   the samples, so on a synthetic area their judgements differ and `jtai findings check` may
   find a finding contradicted; the bench measures the guard, so there the letter is rendered
   without that check (the guard runs as always), and the problems are counted.

Prints both rates and the time each area took.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path


def _area(tmp: Path, seed: int, children: int) -> Path:
    """A folder laid out like sample_data/, with a synthetic area's extracts."""
    from jtai.sample_area import sample_data_dir
    from jtai.synth import generate, options_for

    data = tmp / f"data{seed}"
    generate(data, options_for(children=children, seed=seed, framework="exploitation-2018"))
    shutil.copy(sample_data_dir() / "inspection.yaml", data / "inspection.yaml")
    shutil.copytree(sample_data_dir() / "demo", data / "demo")
    return data


def _without_findings_check() -> None:
    """Render the letter without `jtai findings check` (the guard still runs first)."""
    import jtai.report.letter as letter

    def count_only(ws, fw, doc):  # type: ignore[no-untyped-def]
        from jtai.scoring.findings_file import check

        conn = ws.connect()
        problems = check(conn, fw, doc, key=ws.key)
        conn.close()
        if problems:
            print(f"  (findings check: {len(problems)} problem(s) on this area, not a guard matter)")

    letter.require_checked = count_only


def main() -> None:
    """Run the benchmark and print the two rates."""
    from jtai import workspace
    from jtai.anonymity.corpus import PROSE, VARIANTS, corpus_index, rates
    from jtai.demo import run_demo
    from jtai.errors import IdentifyingDataError
    from jtai.store import report as queries

    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=5)
    parser.add_argument("--children", type=int, default=3000)
    args = parser.parse_args()
    reports_passed = reports_refused = 0
    names: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        areas = [("demo", None)] + [(f"synth seed {s}", s) for s in range(1, args.areas + 1)]
        for label, seed in areas:
            start = time.perf_counter()
            data = None if seed is None else _area(tmp, seed, args.children)
            if seed is not None:
                _without_findings_check()
            try:
                result = run_demo(tmp / f"run-{label.replace(' ', '-')}", data=data)
            except IdentifyingDataError as exc:
                reports_refused += 1
                print(f"{label}: REFUSED by the guard: {exc}")
                continue
            reports_passed += len({name for name, _ in result.outputs})
            conn = workspace.find(explicit=result.root).connect()
            names += [(f or "", s or "") for f, s in queries.full_names(conn)]
            conn.close()
            print(
                f"{label}: {len(result.outputs)} report files rendered, none refused by the guard, "
                f"in {time.perf_counter() - start:.1f} s"
            )
    start = time.perf_counter()
    ix = corpus_index(names)
    built = time.perf_counter() - start
    refused, false = rates(ix)
    total_text = len(PROSE) + reports_passed + reports_refused
    false_all = (false * len(PROSE) + reports_refused) / total_text
    print(f"variants refused: {refused:.0%} of {len(VARIANTS)}")
    print(f"(index of {len(names):,} people and the corpus child built in {built:.2f} s)")
    print(
        f"ordinary text refused: {false_all:.0%} of {total_text} "
        f"({len(PROSE)} prose lines and {reports_passed + reports_refused} reports)"
    )


if __name__ == "__main__":
    main()

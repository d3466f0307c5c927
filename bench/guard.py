"""Guard benchmark: the share of variants of loaded values refused, and of ordinary text refused.

    python bench/guard.py [--areas 5] [--children 3000]

Variants and prose come from :mod:`jtai.anonymity.corpus`; the index also holds the names of
``--areas`` synthetic areas (`jtai synth`, different seeds). Prints both rates and the time
to build the index and scan the corpora.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    """Run the benchmark and print the two rates."""
    import pandas as pd

    from jtai.anonymity.corpus import PROSE, VARIANTS, corpus_index, rates
    from jtai.synth.config import options_for
    from jtai.synth.generator import generate

    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=5)
    parser.add_argument("--children", type=int, default=3000)
    args = parser.parse_args()
    names: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.areas):
            out = Path(tmp) / f"area{seed}"
            generate(out, options_for(children=args.children, seed=seed))
            truth = next(out.rglob("*truth*.csv"), None)
            if truth is not None:
                frame = pd.read_csv(truth, dtype=str)
                cols = [c for c in frame.columns if "first" in c.lower()], [c for c in frame.columns if "last" in c.lower() or "surname" in c.lower()]
                if cols[0] and cols[1]:
                    names += list(zip(frame[cols[0][0]].fillna(""), frame[cols[1][0]].fillna(""), strict=True))
    start = time.perf_counter()
    ix = corpus_index(names)
    built = time.perf_counter() - start
    start = time.perf_counter()
    refused, false = rates(ix)
    scanned = time.perf_counter() - start
    print(f"names loaded: {len(names):,} from {args.areas} synthetic areas of {args.children:,} children")
    print(f"variants refused: {refused:.0%} of {len(VARIANTS)}")
    print(f"ordinary prose refused: {false:.0%} of {len(PROSE)} lines")
    print(f"index built in {built:.2f} s; corpora scanned in {scanned:.3f} s")


if __name__ == "__main__":
    main()

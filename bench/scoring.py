"""Benchmark: judgements at the scale of a large self-assessment.

Creates a workspace in a temporary folder (nothing is kept), then times, through the
command line each in its own process:

1. ``jtai score import`` of CASES cases x every criterion and agency of exploitation-2018,
   rated by two inspectors (two files, imported one after the other);
2. ``jtai audit verify`` over the whole log;
3. ``jtai findings --json`` and ``jtai moderate --json``.

Targets: import at least 5,000 judgements/s; verify, findings and moderate each under 5 s
for 40,000 judgements.

    python bench/scoring.py [--cases 300]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jtai.frameworks import load_framework
from jtai.scoring.judgement_files.workspace_io import applicable

GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]


def _write(path: Path, cases: int, seed: int) -> int:
    rng = random.Random(seed)
    questions = [
        (c, a) for c, a, _ in applicable(load_framework("exploitation-2018")) if c != "case_question"
    ]
    rows = ["case,criterion,agency,grade,note"]
    for i in range(cases):
        base = rng.randrange(4)
        for criterion, agency in questions:
            grade = GRADES[min(3, max(0, base + rng.choice([-1, 0, 0, 0, 1])))]
            rows.append(f"C-{i:04d}-BNCH,{criterion},{agency},{grade},seen in the case file")
        rows.append(f"C-{i:04d}-BNCH,case_question,all,{rng.choice(['yes', 'partly', 'no'])},narrative")
    path.write_text("\n".join(rows) + "\n")
    return len(rows) - 1


def _jtai(root: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from jtai.cli import main; main()", "-w", str(root), *args],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        subprocess.run(
            [sys.executable, "-c", "from jtai.cli import main; main()", "init", str(root), "--area", "Bench",
             "--framework", "exploitation-2018"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        total = 0
        took = 0.0
        for n, name in enumerate(("Ann", "Bob")):
            path = Path(tmp) / f"{name}.csv"
            total += _write(path, options.cases, seed=n)
            took += _jtai(
                root,
                "score",
                "import",
                str(path),
                "--new-cases",
                "--inspector",
                name,
                "--inspectorate",
                "ofsted",
            )
        print(f"import: {total:,} judgements in {took:.2f} s ({total / took:,.0f}/s)")
        for label, args in (
            ("audit verify", ("audit", "verify")),
            ("findings", ("findings", "--json")),
            ("moderate", ("moderate", "--json")),
        ):
            print(f"{label}: {_jtai(root, *args):.2f} s")


if __name__ == "__main__":
    main()

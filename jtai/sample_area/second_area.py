"""The demo's second fictional area, beside the demo folder, for `jtai overview`.

It is a `jtai synth` area of another seed, judged from the same demo judgements with some
grades a step apart, and its findings are the candidates its grades suggest.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from jtai.canonical import AGENCIES
from jtai.errors import JtaiError
from jtai.files import write_private
from jtai.workspace import workspace_framework

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.scoring.findings import Candidate
    from jtai.workspace import Workspace

SECOND_AREA = "Northmoor"
SECOND_SEED = 2019
SECOND_CHILDREN = 300


def second_area_root(root: Path) -> Path:
    """Where the demo builds its second area: beside the demo folder, named after the area."""
    return root.with_name(f"{root.name}-{SECOND_AREA.lower()}")


def load_synth_extracts(ws: Workspace) -> None:
    """Generate the second area's extracts with `jtai synth` and load each agency's file.

    Raises:
        JtaiError: an extract did not load.
    """
    from jtai.ingest import load_files
    from jtai.synth import AGENCY_FILES, WORKBOOK, SynthConfig, generate

    with tempfile.TemporaryDirectory(prefix="jtai-demo-") as scratch:
        generate(Path(scratch) / "synth", SynthConfig(children=SECOND_CHILDREN, seed=SECOND_SEED))
        extracts = Path(scratch) / "synth" / "extracts"
        for agency, name in [*AGENCY_FILES.items(), ("csc", WORKBOOK)]:
            loaded = load_files(ws, [extracts / name], agency=agency)
            for problem in loaded.errors + loaded.rejected:
                raise JtaiError(
                    f"{problem.name}: the second area's extract did not load ({problem.message})."
                )


def write_candidate_findings(ws: Workspace) -> Path:
    """Write the second area's findings.yaml from the candidates its grades suggest."""
    from jtai.scoring.findings import aggregate, candidates
    from jtai.scoring.findings_file import findings_path

    fw = workspace_framework(ws)
    conn = ws.connect()
    try:
        suggested = candidates(fw, aggregate(conn, fw))
    finally:
        conn.close()
    write_private(findings_path(ws.root), _candidate_findings(fw, suggested), error=None)
    return findings_path(ws.root)


def _candidate_findings(fw: Framework, suggested: list[Candidate]) -> str:
    """A findings.yaml for the second area: one finding per kind and criterion the grades suggest."""
    import yaml

    grouped: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in suggested:
        grouped.setdefault((candidate.kind, candidate.criterion), []).append(candidate)
    findings = []
    for (kind, criterion), items in sorted(grouped.items()):
        agencies = sorted({c.agency for c in items if c.agency in AGENCIES})
        why = "; ".join(f"{c.agency}: {c.why}" for c in items)
        findings.append(
            {
                "kind": kind,
                "criteria": [criterion],
                "agencies": agencies,
                "text": f"Inspectors' grades for {criterion} show this ({why}).",
            }
        )
    header = f"# The demo's second area, {SECOND_AREA}: findings from the candidates its grades suggest.\n"
    return header + str(
        yaml.safe_dump(
            {
                "headline": [f"A fictional second area for the demo's overview: {fw.title}."],
                "findings": findings,
            },
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
    )

"""Benchmark: the letter (target under 5 s) and the evidence pack for 7 tracked and 40
front-door cases (target under 15 s), each beside a bare WeasyPrint render of the same HTML.

The workspace is built from sample_data/ (load, link, draw 7 tracked children and 40
front-door contacts, then every applicable criterion judged for every case by a seeded
random inspector, with a note on every low grade). "jtai" times the whole command's work:
read the workspace, build the content, render HTML, run the anonymity guard, render the
tagged PDF/UA-1 through the asset-only fetcher, write both files. "bare" times
``weasyprint.HTML(string=...).write_pdf()`` alone on the same paged HTML.

Run: python bench/report.py
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

TARGETS = {"letter": 5.0, "evidence pack": 15.0}
GRADES = ["outstanding", "good", "good", "good", "requires_improvement", "inadequate"]


def build(root: Path) -> object:
    from jtai import workspace
    from jtai.ingest import load_files
    from jtai.linkage import link
    from jtai.sample_area import sample_data_dir
    from jtai.sampling import draw_front_door, draw_tracked
    from jtai.scoring.judgement_files.workspace_io import import_file
    from jtai.workspace import workspace_framework

    data = sample_data_dir()
    ws = workspace.create(root, area="Seaborough", framework="exploitation-2018")
    ws.config_path.write_text((data / "inspection.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    ws = workspace.Workspace(ws.root)
    for path in sorted((data / "extracts").iterdir()):
        agency = "csc" if path.stem == "annex_a" else path.stem
        load_files(ws, [path], agency=agency)
    conn = ws.connect()
    link(ws, conn)
    tracked = draw_tracked(ws, n=7, seed=1)
    front = draw_front_door(ws, n=40, seed=1)
    fw = workspace_framework(ws)
    rng = random.Random(1)
    lines, seen = ["judgements:"], set()
    for sample, sections in ((tracked, ("deep_dive", "leadership")), (front, ("front_door",))):
        for member in sample.picks:
            for section in fw.sections:
                if section.id not in sections:
                    continue
                for criterion in section.criteria:
                    for agency in criterion.agencies:
                        slot = (member.pseudonym, criterion.id, agency)
                        if slot in seen:
                            continue
                        seen.add(slot)
                        grade = rng.choice(GRADES)
                        note = "Plans were not reviewed when risk rose." if grade in GRADES[4:] else ""
                        lines.append(
                            f"  - {{case: {member.pseudonym}, criterion: {criterion.id}, agency: {agency}, "
                            f"grade: {grade}, inspector: Ruth Treloar, note: '{note}'}}"
                        )
    for member in tracked.picks:
        answer = rng.choice(["yes", "partly", "no"])
        lines.append(
            f"  - {{case: {member.pseudonym}, criterion: case_question, agency: all, "
            f"grade: '{answer}', inspector: Ruth Treloar, note: 'Outcome noted.'}}"
        )
    judgements = root / "bench-judgements.yaml"
    judgements.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(conn, fw, judgements, key=ws.key, team=ws.config.get("team") or [])
    conn.close()
    (ws.root / "findings.yaml").write_text(_findings(data / "demo" / "findings.yaml"), encoding="utf-8")
    picks = f"{len(tracked.picks)} tracked, {len(front.picks)} front-door picks"
    print(f"workspace: {picks}, {len(lines) - 1} judgements, the demo findings (resting on other evidence)")
    return ws


def _findings(demo: Path) -> str:
    """The demo's findings, resting on other evidence instead of cases.

    The random grades above may contradict a finding's cases, and the letter refuses
    findings that ``jtai findings check`` faults; the text, and so the letter's length, is kept.
    """
    import yaml

    doc = yaml.safe_load(demo.read_text(encoding="utf-8"))
    for finding in doc.get("findings", []):
        finding.pop("cases", None)
        finding["evidence"] = ["benchmark judgements"]
    doc.pop("case_studies", None)
    return str(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


def bare(html: str) -> float:
    from jtai.report.assets import import_weasyprint, templates_dir

    weasyprint = import_weasyprint()
    started = time.perf_counter()
    # the same stylesheets and fonts, WeasyPrint's own fetcher, no tagging
    weasyprint.HTML(string=html, base_url=templates_dir().as_uri() + "/").write_pdf()
    return time.perf_counter() - started


def main() -> None:
    from jtai.report.evidence import evidence_html, evidence_parts, write_evidence
    from jtai.report.letter import letter_html, write_letter
    from jtai.report.letter_context import letter_from_workspace
    from jtai.workspace import workspace_framework

    with tempfile.TemporaryDirectory() as folder:
        ws = build(Path(folder) / "ws")
        out = Path(folder)
        bare(letter_html(letter_from_workspace(ws), paged=True))  # warm the font cache
        results = []

        started = time.perf_counter()
        write_letter(ws, pdf=out / "letter.pdf", html=out / "letter.html")
        ours = time.perf_counter() - started
        results.append(("letter", ours, bare(letter_html(letter_from_workspace(ws), paged=True))))

        started = time.perf_counter()
        write_evidence(ws, pdf=out / "evidence.pdf", html=out / "evidence.html")
        ours = time.perf_counter() - started
        fw = workspace_framework(ws)
        conn = ws.connect()
        html = evidence_html(ws, evidence_parts(ws, fw, conn), fw, paged=True)
        conn.close()
        results.append(("evidence pack", ours, bare(html)))

        from pypdf import PdfReader

        pages = {
            "letter": len(PdfReader(out / "letter.pdf").pages),
            "evidence pack": len(PdfReader(out / "evidence.pdf").pages),
        }
        guard_at_scale(out)
    print(f"{'report':<15}{'pages':>6}{'jtai (s)':>10}{'bare (s)':>10}{'ratio':>7}{'target':>9}  result")
    for name, ours, plain in results:
        verdict = "PASS" if ours < TARGETS[name] else "FAIL"
        figures = f"{pages[name]:>6}{ours:>10.2f}{plain:>10.2f}{ours / plain:>7.2f}"
        print(f"{name:<15}{figures}{TARGETS[name]:>8.0f}s  {verdict}")


def guard_at_scale(folder: Path, children: int = 200_000) -> None:
    """Build the anonymity guard's index from a store of ``children`` children and scan a letter."""
    from jtai import workspace
    from jtai.store.records import insert_records
    from jtai.store.report import index_from_store

    ws = workspace.create(folder / "big", area="Seaborough", framework="exploitation-2018")
    rng = random.Random(2)
    rows = [
        {
            "first_name": f"First{rng.randrange(5000)}",
            "last_name": f"Last{rng.randrange(40000)}",
            "dob": f"{rng.randrange(2000, 2018)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "postcode": f"SB{rng.randrange(1, 30)} {rng.randrange(10)}{_letters(rng)}",
            "nhs_number": f"999{n:07d}",
            "la_child_id": f"LA{n:08d}",
            "child_id": f"k{n}",
        }
        for n in range(children)
    ]
    conn = ws.connect()
    insert_records(conn, rows, agency="csc")
    started = time.perf_counter()
    index = index_from_store(conn)
    built = time.perf_counter() - started
    conn.close()
    html = (folder / "letter.html").read_text(encoding="utf-8")
    started = time.perf_counter()
    hits = index.scan_html(html)
    scanned = time.perf_counter() - started
    print(
        f"guard: index of {children:,} children built in {built:.2f} s; the letter "
        f"({len(html):,} characters) scanned in {scanned * 1000:.0f} ms, {len(hits)} hits"
    )


def _letters(rng: random.Random) -> str:
    return "".join(chr(65 + rng.randrange(26)) for _ in range(2))


if __name__ == "__main__":
    main()

"""The committed Seaborough sample: what `jtai synth` writes, and it loads with only its faults."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from jtai.ingest import load_files
from jtai.store import field_issues, records
from jtai.synth import AGENCY_FILES, WORKBOOK, generate, options_for
from jtai.workspace import Workspace

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
# fault kind -> the rule the loader gives it (a row quarantined, or a field issue of a record kept)
RULES = {
    "impossible_date": "unparseable_date",
    "unknown_event_type": "unknown_code",
    "duplicate_row": "duplicate_row",
    "missing_person_id": "missing_required",
    "birth_after_event": "birth_after_event",
    "unknown_flag": "unknown_code",
    "unknown_code": "unknown_code",
    "unparseable_date": "unparseable_date",
}


def test_sample_data_is_what_synth_writes(tmp_path: Path) -> None:
    """Regenerating with the documented command gives the committed bytes."""
    generate(tmp_path, options_for(children=500, seed=2018, framework="exploitation-2018"))
    for part in ("extracts", "truth"):
        for path in sorted((SAMPLE / part).iterdir()):
            assert (tmp_path / part / path.name).read_bytes() == path.read_bytes(), path.name
    assert (tmp_path / "manifest.json").read_bytes() == (SAMPLE / "manifest.json").read_bytes()


def test_sample_extracts_load_with_only_the_injected_faults(ws: Workspace) -> None:
    """Every extract loads; the quarantine and the field issues hold exactly the 8 faults, at their rows."""
    today = dt.date(2018, 3, 19)
    counts = {}
    for agency, name in AGENCY_FILES.items():
        result = load_files(ws, [SAMPLE / "extracts" / name], agency=agency, today=today)
        (file,) = result.files
        assert file.status == "loaded", file.message
        counts[name] = [(s.rows_read, s.accepted, s.quarantined) for s in file.sheets]
    result = load_files(ws, [SAMPLE / "extracts" / WORKBOOK], agency="csc", today=today)
    counts[WORKBOOK] = [(s.sheet, s.rows_read, s.accepted, s.quarantined) for s in result.files[0].sheets]
    assert counts == {
        "csc.csv": [(247, 247, 0)],
        "police.csv": [(142, 141, 1)],
        "health.csv": [(1545, 1544, 1)],
        "education.csv": [(646, 645, 1)],
        "yos.csv": [(4, 3, 1)],
        "probation.csv": [(20, 20, 0)],
        WORKBOOK: [
            ("List 1", 94, 94, 0),
            ("List 2", 8, 8, 0),
            ("List 3", 34, 33, 1),
            ("List 4", 29, 29, 0),
            ("List 5", 9, 9, 0),
            ("List 6", 29, 29, 0),
            ("List 7", 6, 6, 0),
            ("List 8", 7, 7, 0),
            ("List 9", 2, 2, 0),
        ],
    }
    manifest = json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))
    expected = sorted((f["file"], f["sheet"], f["row"], RULES[f["kind"]]) for f in manifest["faults"])
    conn = ws.connect()
    try:
        found = [(r["file"], r["sheet"], r["source_row"], r["rule"]) for r in records.quarantined(conn)]
        found += [(r["file"], r["sheet"], r["source_row"], r["rule"]) for r in field_issues.issues(conn)]
        found.sort()
    finally:
        conn.close()
    assert found == expected

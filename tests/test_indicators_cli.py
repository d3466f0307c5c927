"""`jtai indicators` over a synthetic area, checked against an independent pandas count."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from jtai import workspace
from jtai.ingest import load_files
from jtai.synth import AGENCY_FILES, WORKBOOK, generate, options_for

FIELDWORK = dt.date(2018, 3, 19)
PERIOD = (pd.Timestamp("2017-09-19"), pd.Timestamp("2018-03-19"))


@pytest.fixture(scope="module")
def area(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic area of 1,500 children, loaded, each record given its true child."""
    root = tmp_path_factory.mktemp("indicators")
    generate(root / "synth", options_for(children=1500, seed=7, framework="exploitation-2018"))
    ws = workspace.create(
        root / "ws", area="Seaborough", framework="exploitation-2018", fieldwork_start=FIELDWORK
    )
    load_files(ws, [root / "synth" / "extracts" / WORKBOOK], agency="csc", today=FIELDWORK)
    for agency, name in AGENCY_FILES.items():
        load_files(ws, [root / "synth" / "extracts" / name], agency=agency, today=FIELDWORK)
    truth = pd.read_csv(root / "synth" / "truth" / "truth.csv", dtype=str, keep_default_na=False)
    conn = sqlite3.connect(ws.root / "jtai.db")
    rows = conn.execute(
        "SELECT r.id, f.name, r.sheet, r.source_row FROM records r JOIN files f ON f.id = r.file_id"
    ).fetchall()
    by_place = {(t.file, t.sheet, int(t.row)): t.child_id for t in truth.itertuples()}
    conn.executemany(
        "UPDATE records SET child_id = ? WHERE id = ?",
        [(by_place[(name, sheet or "", row)], rid) for rid, name, sheet, row in rows],
    )
    conn.commit()
    conn.close()
    return ws.root


def _records(root: Path) -> pd.DataFrame:
    conn = sqlite3.connect(root / "jtai.db")
    try:
        df = pd.read_sql_query("SELECT * FROM records", conn)
    finally:
        conn.close()
    df["start"] = pd.to_datetime(df["event_date"], errors="coerce")
    df["end"] = pd.to_datetime(df["end_date"], errors="coerce")
    return df


def _in_period(when: pd.Series) -> pd.Series:
    return (when >= PERIOD[0]) & (when < PERIOD[1])


def _bank_holidays() -> list[np.datetime64]:
    import holidays

    days = holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2019))
    return [np.datetime64(d) for d in days]


def expected(df: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """The indicators counted here with pandas, following docs/indicators.md."""
    out: dict[str, tuple[int, int]] = {}
    # return home interviews within 72 hours of the return, before the next episode
    ep = df[df["event_type"] == "missing_episode"].assign(back=lambda d: d["end"].fillna(d["start"]))
    ep = ep[["child_id", "back"]].drop_duplicates().sort_values(["child_id", "back"])
    ep["next"] = ep.groupby("child_id")["back"].shift(-1)
    counted = ep[_in_period(ep["back"])].reset_index(drop=True).reset_index(names="episode")
    rhi = df.loc[df["event_type"] == "return_home_interview", ["child_id", "start"]]
    pairs = counted.merge(rhi, on="child_id", how="left")
    pairs = pairs[
        (pairs["start"] >= pairs["back"]) & (pairs["next"].isna() | (pairs["start"] < pairs["next"]))
    ]
    first = pairs.groupby("episode")["start"].min()
    gap = first - counted.set_index("episode").loc[first.index, "back"]
    out["rhi_72h"] = (int((gap <= pd.Timedelta(hours=72)).sum()), len(counted))
    # children missing on three or more days in the 12 months before fieldwork
    missing = df[df["event_type"] == "missing_episode"]
    missing = missing[(missing["start"] >= pd.Timestamp("2017-03-19")) & (missing["start"] < PERIOD[1])]
    days = missing[["child_id", "start"]].drop_duplicates().groupby("child_id").size()
    out["missing_3plus"] = (int((days >= 3).sum()), len(days))
    # contacts with a decision on the day or the next working day
    contacts = df[(df["event_type"] == "contact") & (df["agency"] == "csc") & _in_period(df["start"])]
    contacts = contacts[["child_id", "start"]].drop_duplicates().reset_index(drop=True)
    contacts = contacts.reset_index(names="contact")
    decisions = df.loc[df["event_type"] == "mash_decision", ["child_id", "start"]]
    joined = contacts.merge(decisions, on="child_id", suffixes=("", "_d"))
    joined = joined[joined["start_d"] >= joined["start"]]
    decided = joined.groupby("contact").agg(start=("start", "first"), when=("start_d", "min"))
    holidays_ = _bank_holidays()
    lag = np.busday_count(
        decided["start"].to_numpy().astype("datetime64[D]") + 1,
        decided["when"].to_numpy().astype("datetime64[D]") + 1,
        holidays=holidays_,
    )
    out["contact_decision_1wd"] = (int((lag <= 1).sum()), len(contacts))
    # assessments authorised within 45 working days of their start
    a = df[(df["event_type"] == "assessment") & (df["agency"] == "csc") & _in_period(df["start"])]
    a = a.drop_duplicates(["child_id", "start"])
    a = a[a["end"].notna()]
    lag = np.busday_count(
        a["start"].to_numpy().astype("datetime64[D]") + 1,
        a["end"].to_numpy().astype("datetime64[D]") + 1,
        holidays=holidays_,
    )
    out["assessment_45wd"] = (int((lag <= 45).sum()), len(a))
    # children missing education among children with an education record in the period
    education = df[(df["agency"] == "education") & _in_period(df["start"])]
    known = set(
        education.loc[
            education["event_type"].isin(
                ["school_enrolment", "attendance_concern", "exclusion", "child_missing_education"]
            ),
            "child_id",
        ]
    )
    cme = set(education.loc[education["event_type"] == "child_missing_education", "child_id"]) & known
    out["children_missing_education"] = (len(cme), len(known))
    return out


def test_json_matches_an_independent_pandas_count(area: Path, run: Any) -> None:
    """Numerators and denominators of five indicators agree with pandas on 1,500 children."""
    result = run("--workspace", str(area), "indicators", "--json")
    assert result.exit_code == 0, result.output
    found = {i["id"]: i for i in json.loads(result.stdout)["indicators"]}
    want = expected(_records(area))
    got = {k: (found[k]["numerator"], found[k]["denominator"]) for k in want}
    assert got == want
    for key, (hits, n) in want.items():
        assert n > 0, key
        assert found[key]["rate"] == pytest.approx(hits / n, abs=1e-6)
        low, high = found[key]["ci95"]
        assert low <= hits / n <= high


def test_cohorts_breakdown_and_comparators(area: Path, run: Any, tmp_path: Path) -> None:
    """The theme cohort is a subset; --by agency splits; comparators show; tracked needs a sample."""
    figures = tmp_path / "published.yaml"
    figures.write_text(
        "comparators:\n  rhi_72h:\n"
        "    - {value: 61.5, year: 2017, source: Regional benchmark, label: Region}\n",
        encoding="utf-8",
    )
    everyone = json.loads(run("-w", str(area), "indicators", "--json").stdout)
    theme = json.loads(
        run("-w", str(area), "indicators", "--json", "--cohort", "theme", "--by", "agency",
            "--comparators", str(figures)).stdout
    )  # fmt: skip
    assert 0 < theme["children"] < 1500
    for mine, all_ in zip(theme["indicators"], everyone["indicators"], strict=True):
        if mine["available"] and all_["available"]:
            assert mine["denominator"] <= all_["denominator"], mine["id"]
    rhi = next(i for i in theme["indicators"] if i["id"] == "rhi_72h")
    assert set(rhi["by_agency"]) <= {"police", "csc"} and rhi["by_agency"]
    assert rhi["comparators"] == [
        {"value": 61.5, "year": 2017, "source": "Regional benchmark", "label": "Region"}
    ]
    tracked = json.loads(run("-w", str(area), "indicators", "--json", "--cohort", "tracked").stdout)
    assert {i["reason"] for i in tracked["indicators"]} == {"no tracked children have been drawn yet."}
    shown = run("-w", str(area), "indicators", "--comparators", str(figures))
    assert "Region (2017)" in shown.stdout and "61.5%" in shown.stdout
    bad = run("-w", str(area), "indicators", "--cohort", "everyone")
    assert bad.exit_code == 2 and "--cohort everyone" in bad.stderr
    assert run("-w", str(area), "indicators", "--by", "team").exit_code == 2


def test_theme_and_tracked_cohorts_match_the_samples(area: Path, run: Any) -> None:
    """The theme cohort is the tracked sample's frame; the tracked cohort is the children it picked."""
    theme = json.loads(run("-w", str(area), "indicators", "--json", "--cohort", "theme").stdout)
    drawn = run("-w", str(area), "sample", "tracked", "--seed", "11", "--json")
    assert drawn.exit_code == 0, drawn.output
    sample = json.loads(drawn.stdout)
    assert sample["frame_size"] == theme["children"]
    tracked = json.loads(run("-w", str(area), "indicators", "--json", "--cohort", "tracked").stdout)
    assert tracked["children"] == len([m for m in sample["members"] if m["role"] == "pick"])
    rhi = next(i for i in tracked["indicators"] if i["id"] == "rhi_72h")
    assert rhi["reason"] is None or "these children" in rhi["reason"]

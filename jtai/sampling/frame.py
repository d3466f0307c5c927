"""The tracked-children frame: one row per child of the theme cohort, with its strata.

Input is a DataFrame of canonical records (columns as the ``records`` table). A child is
its linkage ``child_id``; a record that linkage has not reached stands for a child of its
own, named by the local authority's child id or else the agency's person id (so nothing is
dropped, and the output says that linkage has not run).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from jtai.sampling.spec import (
    AGENCY_LABELS,
    EVENT_FLAGS,
    MULTI_AGENCY,
    OTHER_AGES,
    OTHER_RISK,
    SINGLE_AGENCY,
    CohortRule,
    TrackedSpec,
    band_label,
)

if TYPE_CHECKING:
    import pandas as pd

FRAME_COLUMNS = (
    "key",
    "child_id",
    "age",
    "age_band",
    "sex",
    "risk_type",
    "agencies",
    "agencies_involved",
    "reason",
)
_RISK_LABELS = {"cse": "CSE", OTHER_RISK: "other theme concern"}


@dataclass(frozen=True)
class CohortCount:
    """How many children were considered and why each was left out.

    Attributes:
        children: distinct children in the records.
        matched_rule: children with a theme event or flag in the window.
        no_dob: of those, children with no date of birth on any record.
        outside_age: of those, children whose age on fieldwork_start is outside the range.
        excluded: children removed by the user's exclusion list.
        eligible: children the sample is drawn from.
        unlinked_records: records with no child id (linkage has not reached them).
    """

    children: int
    matched_rule: int
    no_dob: int
    outside_age: int
    excluded: int
    eligible: int
    unlinked_records: int

    def to_dict(self) -> dict[str, int]:
        """The counts as a dict (stored with the sample)."""
        return asdict(self)

    def explain(self, rule: CohortRule) -> str:
        """One sentence: how many are eligible and why the others are not."""
        window = f"{rule.window_start.isoformat()} to {rule.fieldwork_start - dt.timedelta(days=1)}"
        parts = [
            f"{self.eligible:,} of {self.children:,} children are eligible",
            f"{self.matched_rule:,} had a theme event or risk flag from {window}",
        ]
        if self.no_dob:
            parts.append(f"{self.no_dob:,} of those have no date of birth")
        if self.outside_age:
            parts.append(
                f"{self.outside_age:,} are outside ages {rule.age_min}-{rule.age_max} "
                f"on {rule.fieldwork_start.isoformat()}"
            )
        if self.excluded:
            parts.append(f"{self.excluded:,} were excluded by your list")
        return "; ".join(parts) + "."


def child_keys(records: pd.DataFrame) -> pd.Series:
    """The child each record stands for: its child id, or an unlinked key of its own."""
    import pandas as pd

    la = records["la_child_id"].astype("string")
    person = records["agency_person_id"].astype("string")
    agency = records["agency"].astype("string")
    rid = records["id"].astype("string")
    unlinked = ("la:" + la).where(la.notna(), agency + ":" + person)
    unlinked = unlinked.where(unlinked.notna(), "record:" + rid)
    child = records["child_id"].astype("string")
    return pd.Series(child.where(child.notna(), unlinked), index=records.index, dtype="string")


def in_window(records: pd.DataFrame, start: dt.date, end: dt.date) -> tuple[pd.Series, pd.Series]:
    """Which records overlap ``[start, end)``, and which carry no date at all."""
    import pandas as pd

    begin = pd.to_datetime(records["event_date"], errors="coerce", format="%Y-%m-%d")
    finish = pd.to_datetime(records["end_date"], errors="coerce", format="%Y-%m-%d").fillna(begin)
    inside = begin.notna() & (begin < pd.Timestamp(end)) & (finish >= pd.Timestamp(start))
    return inside, begin.isna()


def build_frame(
    records: pd.DataFrame,
    rule: CohortRule,
    spec: TrackedSpec,
    *,
    exclude: set[str] | None = None,
) -> tuple[pd.DataFrame, CohortCount]:
    """The eligible children of the theme cohort, one row each, sorted by ``key``.

    Args:
        records: canonical records (the ``records`` table's columns).
        rule: the cohort rule.
        spec: the tracked settings (age bands, risk types, agency order).
        exclude: child keys to leave out.

    Returns:
        The frame (columns :data:`FRAME_COLUMNS`) and the counts that explain it.
    """
    import numpy as np
    import pandas as pd

    df = records
    if "subject" in df.columns:
        df = df[df["subject"].fillna("child") == "child"]
    df = df.assign(key=child_keys(df))
    inside, undated = in_window(df, rule.window_start, rule.fieldwork_start)
    current = df[inside | undated]

    flags = _flags(current, inside[inside | undated])
    theme_events = current[inside[inside | undated] & _isin(current["event_type"], set(rule.event_types))]
    matched = set(theme_events["key"].tolist()) | set(
        flags.loc[_isin(flags["flag"], set(rule.flags)), "key"].tolist()
    )

    all_keys = df["key"].nunique()
    unlinked_records = int(df["child_id"].isna().sum())
    # the rest concerns the cohort's children only (usually a small share of the records)
    df = df[_isin(df["key"], matched)]
    current = current[_isin(current["key"], matched)]
    frame = pd.DataFrame({"key": sorted(matched)}, dtype="string")
    frame["child_id"] = frame["key"].where(_isin(frame["key"], set(df["child_id"].dropna().tolist())), pd.NA)
    frame = frame.merge(_dob(df), on="key", how="left").merge(_sex(df), on="key", how="left")
    frame["sex"] = frame["sex"].fillna("unknown")
    frame["age"] = _ages(frame["dob"], rule.fieldwork_start)
    no_dob = int(frame["age"].isna().sum())
    frame = frame[frame["age"].notna()]
    in_range = (frame["age"] >= rule.age_min) & (frame["age"] <= rule.age_max)
    outside = int((~in_range).sum())
    frame = frame[in_range]
    excluded = 0
    if exclude:
        hit = _isin(frame["key"], exclude)
        excluded = int(hit.sum())
        frame = frame[~hit]

    frame = frame.assign(age=frame["age"].astype(int))
    frame["age_band"] = _bands(frame["age"], spec.age_bands)
    frame["risk_type"] = _risk_types(frame["key"], flags, spec)
    frame["agencies"] = frame["key"].map(_agencies(current, spec.agencies)).fillna("")
    count_agencies = frame["agencies"].str.count(",") + (frame["agencies"] != "").astype(int)
    frame["agencies_involved"] = np.where(count_agencies > 1, MULTI_AGENCY, SINGLE_AGENCY)
    frame["reason"] = [
        tracked_reason(r, b, s, a)
        for r, b, s, a in zip(
            frame["risk_type"].tolist(),
            frame["age_band"].tolist(),
            frame["sex"].tolist(),
            frame["agencies"].tolist(),
            strict=True,
        )
    ]
    frame = frame.sort_values("key", kind="stable").reset_index(drop=True)
    count = CohortCount(
        children=int(all_keys),
        matched_rule=len(matched),
        no_dob=no_dob,
        outside_age=outside,
        excluded=excluded,
        eligible=len(frame),
        unlinked_records=unlinked_records,
    )
    return frame.loc[:, list(FRAME_COLUMNS)], count


def tracked_reason(risk_type: str, age_band: str, sex: str, agencies: str) -> str:
    """``"criminal exploitation, 14-15, male; police, CSC, education involved"``."""
    risk = _RISK_LABELS.get(risk_type, risk_type.replace("_", " "))
    sex_text = "sex not recorded" if sex == "unknown" else sex
    who = f"{agencies} involved" if agencies else "no agency record in the window"
    return f"{risk}, {age_band}, {sex_text}; {who}"


def _flags(current: pd.DataFrame, inside: pd.Series) -> pd.DataFrame:
    """One row per (child, flag): recorded flags, and flags implied by window events."""
    import pandas as pd

    recorded = current[["key", "flags"]].dropna()
    recorded = recorded.assign(flag=recorded["flags"].str.split(";")).explode("flag")
    recorded["flag"] = recorded["flag"].str.strip().str.lower()
    implied = current.loc[inside & _isin(current["event_type"], set(EVENT_FLAGS)), ["key", "event_type"]]
    implied = implied.assign(flag=implied["event_type"].map(EVENT_FLAGS))
    both = pd.concat([recorded[["key", "flag"]], implied[["key", "flag"]]], ignore_index=True)
    return both[both["flag"].notna() & (both["flag"] != "")].drop_duplicates()


def _dob(df: pd.DataFrame) -> pd.DataFrame:
    """The date of birth most records agree on (the earliest on a tie)."""
    dobs = df.loc[df["dob"].notna(), ["key", "dob"]]
    counts = dobs.groupby(["key", "dob"]).size().reset_index(name="n")
    counts = counts.sort_values(["key", "n", "dob"], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("key")[["key", "dob"]]


def _sex(df: pd.DataFrame) -> pd.DataFrame:
    """The recorded sex most records agree on, ignoring 'unknown'."""
    known = df.loc[df["sex"].notna() & (df["sex"] != "unknown"), ["key", "sex"]]
    counts = known.groupby(["key", "sex"]).size().reset_index(name="n")
    counts = counts.sort_values(["key", "n", "sex"], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("key")[["key", "sex"]]


def _ages(dob: pd.Series, on: dt.date) -> pd.Series:
    """Age in whole years on ``on``; missing where the date of birth is missing or invalid."""
    import pandas as pd

    born = pd.to_datetime(dob, errors="coerce", format="%Y-%m-%d")
    before = (born.dt.month > on.month) | ((born.dt.month == on.month) & (born.dt.day > on.day))
    age = on.year - born.dt.year - before.astype(int)
    return age.where(born.notna()).astype("Int64")


def _bands(ages: pd.Series, bands: tuple[tuple[int, int], ...]) -> pd.Series:
    import pandas as pd

    out = pd.Series(OTHER_AGES, index=ages.index, dtype="string")
    for band in reversed(bands):
        out[(ages >= band[0]) & (ages <= band[1])] = band_label(band)
    return out


def _risk_types(keys: pd.Series, flags: pd.DataFrame, spec: TrackedSpec) -> pd.Series:
    """The first risk type, in the framework's order, whose flags the child carries."""
    import pandas as pd

    out = pd.Series(OTHER_RISK, index=keys.index, dtype="string")
    for name, names in reversed(spec.risk_types):
        holders = set(flags.loc[_isin(flags["flag"], set(names)), "key"].tolist())
        out[_isin(keys, holders)] = name
    return out


def _agencies(current: pd.DataFrame, order: tuple[str, ...]) -> dict[str, str]:
    """Child key -> agencies with a record in the window, e.g. ``"police, CSC, education"``."""
    pairs = current[["key", "agency"]].drop_duplicates()
    present: list[str] = sorted({str(a) for a in pairs["agency"].dropna().unique().tolist()})
    ordered = [a for a in order if a in present] + [a for a in present if a not in order]
    bit = {a: 1 << i for i, a in enumerate(ordered)}
    masks = pairs.assign(bit=pairs["agency"].map(bit).fillna(0).astype("int64")).groupby("key")["bit"].sum()
    labels = {
        int(m): ", ".join(AGENCY_LABELS.get(a) or a for a in ordered if int(m) & bit[a])
        for m in masks.unique().tolist()
    }
    return dict(zip(masks.index.tolist(), [labels[int(m)] for m in masks.tolist()], strict=True))


def _isin(values: pd.Series, wanted: set[str]) -> pd.Series:
    """``values.isin(wanted)``, but quick on Arrow-backed strings."""
    import pandas as pd

    return pd.Series([v in wanted for v in values.tolist()], index=values.index, dtype=bool)

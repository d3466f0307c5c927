"""The front-door frame: contacts and referrals in the window, by source and outcome.

Sources follow the Annex A code list (``q) 6: Police``, ``6``, ``e) 2A``, ``g) 3A`` ...),
grouped as police, schools (2A schools, 2B education services), health (3A-3F) and other.
The outcome is read from the record; when it is not recorded it is derived from what
happened next to the same child within :data:`FOLLOW_UP_DAYS` days (a section 47 enquiry,
an assessment, early help), and otherwise taken as no further action.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

from jtai.sampling.frame import child_keys, in_window
from jtai.sampling.spec import FrontDoorSpec

if TYPE_CHECKING:
    import pandas as pd

SOURCES = ("police", "schools", "health", "other")
OUTCOMES = ("no further action", "early help", "assessment", "section 47")  # least to most intensive
NFA = OUTCOMES[0]
RECORDED = "recorded"
LATER = "later records"
NO_LATER_STEP = "no later step"
FOLLOW_UP_DAYS = 45
FRONT_DOOR_COLUMNS = (
    "key",
    "child_id",
    "record_id",
    "event_type",
    "event_date",
    "source",
    "outcome",
    "outcome_basis",
    "reason",
)

# What the front-door frame is built from: the sampled record types for any framework
# (contacts, referrals and the other front-door types a framework may name) and what follows.
FRONT_DOOR_INPUT_COLUMNS = (
    "agency",
    "agency_person_id",
    "la_child_id",
    "event_type",
    "event_date",
    "end_date",
    "source",
    "outcome",
    "extra",
    "child_id",
)
_CODE = re.compile(r"^\s*(?:([a-u])\)\s*)?(?:(\d{1,2}[a-f]?)(?![0-9a-z]))?", re.IGNORECASE)
_LETTER_SOURCE = {"e": "schools", "f": "schools", "q": "police", **dict.fromkeys("ghijkl", "health")}
_HEALTH_WORDS = ("health", "gp", "hospital", "a&e", "a & e", "nurse", "midwi", "camhs", "nhs", "doctor")
# Later events that show what a contact or referral led to, most intensive first.
_NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "section 47": ("section_47", "strategy_discussion", "icpc", "child_protection_plan"),
    "assessment": ("assessment", "child_in_need", "looked_after"),
    "early help": ("early_help",),
}

FRONT_DOOR_INPUT_EVENTS: tuple[str, ...] = (
    "contact",
    "referral",
    "mash_decision",
    *(event for events in _NEXT_STEPS.values() for event in events),
)


def source_group(value: object) -> str:
    """``"q) 6: Police"`` -> ``police``; ``"e) 2A"`` -> ``schools``; ``"3C"`` -> ``health``."""
    if value is None or (isinstance(value, float) and value != value):
        return "other"
    text = str(value).strip().lower()
    match = _CODE.match(text)
    if match and match.group(2):
        code = match.group(2)
        if code == "6":
            return "police"
        if code in ("2a", "2b"):
            return "schools"
        if code[0] == "3" and code[1:] in ("a", "b", "c", "d", "e", "f"):
            return "health"
        return "other"
    if match and match.group(1) and match.group(1) in _LETTER_SOURCE:
        return _LETTER_SOURCE[match.group(1)]
    if "police" in text:
        return "police"
    if any(word in text for word in _HEALTH_WORDS) or re.search(r"\bgp\b", text):
        return "health"
    if "school" in text or "education" in text:
        return "schools"
    return "other"


def outcome_group(value: object) -> str | None:
    """The outcome a recorded text names, or None when it names none."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = re.sub(r"^\s*[a-z]\)\s*", "", str(value).strip().lower())
    if not text:
        return None
    if re.search(r"section\s*47|\bs\.?\s*47\b|strategy|child protection", text):
        return "section 47"
    if "early help" in text or text in ("eh", "step down", "stepped down"):
        return "early help"
    if re.search(r"\bnfa\b|no further action|no action|advice|signpost|closed", text):
        return "no further action"
    if re.search(r"assessment|child in need|\bcin\b|referr|social care|social work", text):
        return "assessment"
    return None


def build_front_door(records: pd.DataFrame, spec: FrontDoorSpec) -> tuple[pd.DataFrame, dict[str, int]]:
    """Contacts and referrals in the window, one row each, sorted by ``key``.

    ``key`` is the record reference ``R<id>`` zero-padded so the order is stable; the
    child the record belongs to is in ``child_id`` (its unlinked key when linkage has not
    reached it).

    Returns:
        The frame (columns :data:`FRONT_DOOR_COLUMNS`) and counts: ``in_window``,
        ``no_source`` (source not recorded, counted as other), ``from_later_records``
        (outcome taken from what happened next), ``no_later_step`` (no outcome and no next
        step: counted as no further action), ``undated`` (no date, left out).
    """
    import pandas as pd

    df = records.assign(child=child_keys(records))
    inside, undated = in_window(df, spec.window_start, spec.fieldwork_start)
    kind = df["event_type"].isin(spec.event_types)
    rows = df[kind & inside].copy()
    recorded = [outcome_group(v) for v in rows["outcome"].tolist()]
    nfa = rows["extra"].tolist() if "extra" in rows.columns else [None] * len(rows)
    floors = [None if r else _nfa_column(x) for r, x in zip(recorded, nfa, strict=True)]
    recorded = [r or (f if f == NFA else None) for r, f in zip(recorded, floors, strict=True)]
    later = _later_outcomes(df, rows[[r is None for r in recorded]])
    outcomes, basis = [], []
    for rid, own, floor in zip(rows["id"].tolist(), recorded, floors, strict=True):
        found = later.get(int(rid))
        if own:
            outcomes.append(own)
            basis.append(RECORDED)
        elif found or floor:
            outcomes.append(max((o for o in (found, floor) if o), key=OUTCOMES.index))
            basis.append(LATER)
        else:
            outcomes.append(NFA)
            basis.append(NO_LATER_STEP)
    frame = pd.DataFrame(
        {
            "key": ["R" + str(int(i)).zfill(12) for i in rows["id"].tolist()],
            "child_id": rows["child"].tolist(),
            "record_id": [int(i) for i in rows["id"].tolist()],
            "event_type": rows["event_type"].tolist(),
            "event_date": rows["event_date"].tolist(),
            "source": [source_group(v) for v in rows["source"].tolist()],
            "outcome": outcomes,
            "outcome_basis": basis,
        },
        dtype=object,
    )
    frame["reason"] = [
        front_door_reason(e, s, o, b)
        for e, s, o, b in zip(
            frame["event_type"], frame["source"], frame["outcome"], frame["outcome_basis"], strict=True
        )
    ]
    frame = frame.sort_values("key", kind="stable").reset_index(drop=True)
    counts = {
        "in_window": len(frame),
        "no_source": int(rows["source"].isna().sum()),
        "from_later_records": basis.count(LATER),
        "no_later_step": basis.count(NO_LATER_STEP),
        "undated": int((kind & undated).sum()),
    }
    return frame.loc[:, list(FRONT_DOOR_COLUMNS)], counts


def front_door_reason(event_type: str, source: str, outcome: str, basis: str) -> str:
    """``"referral from police; section 47 (from later records)"``."""
    src = "other source" if source == "other" else source
    how = {LATER: " (from later records)", NO_LATER_STEP: " (no later step recorded)"}.get(basis, "")
    return f"{event_type.replace('_', ' ')} from {src}; {outcome}{how}"


def _nfa_column(extra: Any) -> str | None:
    """Annex A List 3's "Referral NFA?" column, kept in ``extra`` by ingest.

    Returns ``no further action`` for yes, ``assessment`` (the least a referral that was
    not closed led to) for no, else None.
    """
    if not isinstance(extra, str) or "nfa" not in extra.lower():
        return None
    try:
        data = json.loads(extra)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for name, value in data.items():
        if "nfa" in str(name).lower():
            answer = re.sub(r"^\s*[a-z]\)\s*", "", str(value).strip().lower())
            if answer in ("yes", "y"):
                return NFA
            if answer in ("no", "n"):
                return "assessment"
    return None


def _later_outcomes(df: pd.DataFrame, rows: pd.DataFrame) -> dict[int, str]:
    """Record id -> the most intensive next step of the same child within the follow-up days.

    Next steps are section 47 work, assessments, early help, and the outcome of a MASH
    decision; for a contact, a referral counts as leading to an assessment.
    """
    import pandas as pd

    if rows.empty:
        return {}
    step_of = {event: step for step, events in _NEXT_STEPS.items() for event in events}
    later = df.loc[df["event_type"].isin([*step_of, "mash_decision", "referral"])]
    steps = [
        (outcome_group(o) if e == "mash_decision" else step_of.get(e, "assessment"))
        for e, o in zip(later["event_type"].tolist(), later["outcome"].tolist(), strict=True)
    ]
    later = later.assign(
        step=pd.Series(steps, index=later.index, dtype=object),
        when=pd.to_datetime(later["event_date"], errors="coerce", format="%Y-%m-%d"),
    ).dropna(subset=["when", "step"])
    base = rows[["id", "child", "event_type"]].rename(columns={"event_type": "own_type"})
    base = base.assign(start=pd.to_datetime(rows["event_date"], errors="coerce", format="%Y-%m-%d"))
    joined = base.merge(
        later[["id", "child", "event_type", "step", "when"]], on="child", suffixes=("", "_next")
    )
    limit = joined["start"] + pd.Timedelta(days=FOLLOW_UP_DAYS)
    keep = (
        (joined["when"] >= joined["start"]) & (joined["when"] <= limit) & (joined["id"] != joined["id_next"])
    )
    keep &= (joined["event_type"] != "referral") | (joined["own_type"] == "contact")
    joined = joined[keep]
    if joined.empty:
        return {}
    joined = joined.assign(r=joined["step"].map(OUTCOMES.index)).sort_values(
        ["id", "r"], ascending=[True, False]
    )
    best = joined.drop_duplicates("id")
    return {int(i): str(s) for i, s in zip(best["id"].tolist(), best["step"].tolist(), strict=True)}


def explain(counts: dict[str, int], spec: FrontDoorSpec) -> str:
    """One sentence on the frame: how many, and how sources and outcomes were filled in."""
    parts = [f"{counts['in_window']:,} {' and '.join(spec.event_types)} records from {window_text(spec)}"]
    if counts["no_source"]:
        parts.append(f"{counts['no_source']:,} have no source recorded (counted as other)")
    if counts["from_later_records"]:
        parts.append(f"{counts['from_later_records']:,} outcomes are taken from what happened next")
    if counts["no_later_step"]:
        parts.append(
            f"{counts['no_later_step']:,} have no outcome and no later step within {FOLLOW_UP_DAYS} days "
            "(counted as no further action)"
        )
    return "; ".join(parts) + "."


def window_text(spec: FrontDoorSpec) -> str:
    """``"2017-09-19 to 2018-03-18"``."""
    return f"{spec.window_start.isoformat()} to {(spec.fieldwork_start - dt.timedelta(days=1)).isoformat()}"

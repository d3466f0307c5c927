"""Deliberate faults, so that loading shows its quarantine at work.

Each fault is injected once, into a fixed place, whatever the size of the area (as long as
the file has rows to hold it). Every faulty row is named in ``truth.csv`` (column ``fault``)
and listed in ``manifest.json``. docs/synth.md documents what each should lead to.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# (agency or sheet, fault kind, what it is) in the order they are injected.
FAULTS: tuple[tuple[str, str, str], ...] = (
    ("police", "impossible_date", "event_date 2018-02-30, a day that does not exist"),
    ("health", "unknown_event_type", "event_type 'ae_visit', not in the vocabulary"),
    ("education", "duplicate_row", "a row repeated exactly, straight after the original"),
    ("yos", "missing_person_id", "agency_person_id left empty (a required field)"),
    ("csc", "birth_after_event", "date of birth 30 days after the event date"),
    ("probation", "unknown_flag", "flags 'cse_risk', not a known risk flag"),
    ("List 1", "unknown_code", "Gender 'e) Other', not an Annex A gender code"),
    ("List 3", "unparseable_date", "Date of Referral written as the text '31/02/2018'"),
)


def inject_csv(agency: str, name: str, table: dict[str, Any]) -> list[dict[str, Any]]:
    """Put this agency's fault into ``table`` (in place); return what was done."""
    done = []
    for where, kind, what in FAULTS:
        if where != agency:
            continue
        k = len(table["child"])
        dated = np.flatnonzero(table["event_date"] != "")
        if k == 0 or dated.size == 0:
            continue
        row = int(dated[dated.size // 2])
        if kind == "impossible_date":
            table["event_date"][row] = "2018-02-30"
            table["end_date"][row] = ""
        elif kind == "unknown_event_type":
            table["event_type"][row] = "ae_visit"
        elif kind == "duplicate_row":
            for key, column in table.items():
                table[key] = np.insert(column, row + 1, column[row])
            row += 1
        elif kind == "missing_person_id":
            table["agency_person_id"][row] = ""
        elif kind == "birth_after_event":
            import datetime as dt

            event = dt.date.fromisoformat(table["event_date"][row])
            table["dob"][row] = (event + dt.timedelta(days=30)).isoformat()
        elif kind == "unknown_flag":
            table["flags"][row] = "cse_risk"
        table["fault"][row] = kind
        done.append({"file": name, "sheet": "", "row": row + 2, "kind": kind, "what": what})
    return done


def inject_workbook(
    name: str, sheets: dict[str, dict[str, Any]], marks: dict[str, Any]
) -> list[dict[str, Any]]:
    """Put the Annex A faults into ``sheets``; mark the rows in ``marks`` (sheet -> fault column)."""
    done = []
    for where, kind, what in FAULTS:
        cols = sheets.get(where)
        if cols is None:
            continue
        k = len(cols["Child Unique ID"])
        if k == 0:
            continue
        row = k // 2
        if kind == "unknown_code":
            cols["Gender"][row] = "e) Other"
        elif kind == "unparseable_date":
            cols["Date of Referral"][row] = "31/02/2018"
        marks[where][row] = kind
        done.append({"file": name, "sheet": where, "row": row + 2, "kind": kind, "what": what})
    return done

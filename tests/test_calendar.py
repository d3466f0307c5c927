"""The inspection timetable (`jtai calendar`): working days across Easter and Christmas, and ICS."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from jtai.errors import ConfigError
from jtai.frameworks import load_framework
from jtai.timetable import timetable, to_ics
from jtai.workdays import working_days_before

D = dt.date
FW = load_framework("exploitation-2018")


def dates(config: dict[str, object], fw=FW) -> dict[str, tuple[dt.date, dt.date]]:
    """Milestone id -> (first day, last day)."""
    return {m.id: (m.start, m.end) for m in timetable(config, fw).milestones}


def test_milestones_across_easter_counted_by_hand() -> None:
    """Notified Mon 5 March 2018: Good Friday and Easter Monday push the accuracy check and publication."""
    got = dates({"area": "Seaborough", "notification_date": D(2018, 3, 5)})
    assert got == {
        "notification": (D(2018, 3, 5), D(2018, 3, 5)),
        "data_due": (D(2018, 3, 6), D(2018, 3, 6)),  # day 2
        "children_selected": (D(2018, 3, 7), D(2018, 3, 7)),  # day 3
        "audits_due": (D(2018, 3, 14), D(2018, 3, 14)),  # day 8
        "fieldwork": (D(2018, 3, 19), D(2018, 3, 23)),  # days 11 to 15
        "feedback": (D(2018, 3, 23), D(2018, 3, 23)),
        # 10 working days after Fri 23 March: 26-29 March, then 3-6 and 9-10 April
        "accuracy_check": (D(2018, 4, 10), D(2018, 4, 17)),
        # 20 working days after fieldwork: 11-13, 16-20 and 23-24 April after the 10th
        "publication": (D(2018, 4, 24), D(2018, 4, 24)),
        # 70 after 24 April: 4 in April, 21 in May (7 and 28 May holidays), 21 June, 22 July, 2 August
        "statement_of_action": (D(2018, 8, 2), D(2018, 8, 2)),
    }


def test_milestones_across_christmas_counted_by_hand() -> None:
    """Notified Wed 16 Dec 2020: 25 and 28 December (Boxing Day's substitute) and 1 January are skipped."""
    table = timetable({"notification_date": D(2020, 12, 16)}, FW)
    got = {m.id: (m.start, m.end, m.day) for m in table.milestones}
    assert got["data_due"] == (D(2020, 12, 17), D(2020, 12, 17), 2)
    assert got["children_selected"] == (D(2020, 12, 18), D(2020, 12, 18), 3)
    # days 4-7 are 21-24 December; day 8 is Tuesday 29 December
    assert got["audits_due"] == (D(2020, 12, 29), D(2020, 12, 29), 8)
    # day 9 is 30 December, 10 is 31 December, 11 is Monday 4 January
    assert got["fieldwork"] == (D(2021, 1, 4), D(2021, 1, 8), 11)
    assert got["feedback"][2] == 15


def test_counted_back_from_fieldwork_start() -> None:
    """Without a notification date, day 1 is 10 working days before fieldwork (back across Christmas)."""
    table = timetable({"fieldwork_start": D(2021, 1, 4)}, FW)
    assert table.milestone("notification").start == D(2020, 12, 16)
    assert "working days before fieldwork_start" in table.milestone("notification").basis
    assert working_days_before(D(2018, 4, 3), 1) == D(2018, 3, 29)  # back over Easter Monday, Good Friday


def test_notification_day_zero_and_dates_that_move() -> None:
    """Day 0 counts from the next working day; set dates win and move what depends on them."""
    zero = FW.model_copy(update={"calendar": FW.calendar.model_copy(update={"notification_day": 0})})
    # notified Wed 23 Dec 2020 as day 0: day 1 is Thu 24, day 2 is Tue 29 December
    assert dates({"notification_date": D(2020, 12, 23)}, zero)["data_due"][0] == D(2020, 12, 29)
    moved = dates(
        {
            "notification_date": D(2018, 3, 5),
            "fieldwork_start": D(2018, 3, 26),
            "fieldwork_end": D(2018, 3, 29),
            "publication_date": D(2018, 5, 9),
        }
    )
    assert moved["fieldwork"] == (D(2018, 3, 26), D(2018, 3, 29))
    assert moved["feedback"] == (D(2018, 3, 29), D(2018, 3, 29))
    assert moved["accuracy_check"][0] == D(2018, 4, 16)  # 10 working days after 29 March, Easter skipped
    assert moved["statement_of_action"][0] == D(2018, 8, 16)  # the Southend letter: 70 after 9 May
    note = timetable({"notification_date": D(2018, 3, 5), "fieldwork_start": D(2018, 3, 26)}, FW).notes
    assert note and "is day 16" in note[0]


def test_bad_or_missing_dates_refused() -> None:
    """A notification on a bank holiday, or no date at all, is one clear error naming inspection.yaml."""
    with pytest.raises(ConfigError, match=r"notification_date 2018-03-30 \(Friday\) is not a working day"):
        timetable({"notification_date": D(2018, 3, 30)}, FW)
    with pytest.raises(ConfigError, match="neither notification_date nor fieldwork_start is set"):
        timetable({"area": "Seaborough"}, FW)


def test_framework_calendar_order_is_checked() -> None:
    """A framework whose audits fall due after fieldwork starts is refused with the setting named."""
    from jtai.frameworks import parse_framework

    text = Path(__file__).resolve().parents[1].joinpath("jtai/frameworks/front-door-2022.yaml").read_text()
    broken = text.replace("audits_due_day: 8 ", "audits_due_day: 12 ")
    with pytest.raises(
        ConfigError, match="fieldwork_first_day \\(11\\) must come after audits_due_day \\(12\\)"
    ):
        parse_framework(broken, "broken.yaml")


def test_local_audits_criterion_is_checked() -> None:
    """A local_audits.criterion that is not a criterion of the framework is refused."""
    from jtai.frameworks import parse_framework

    text = Path(__file__).resolve().parents[1].joinpath("jtai/frameworks/front-door-2022.yaml").read_text()
    with pytest.raises(ConfigError, match=r"local_audits\.criterion: 'LG9' is not a criterion"):
        parse_framework(text.replace("  criterion: LG2", "  criterion: LG9"), "broken.yaml")


def test_ics_round_trip_with_stable_uids() -> None:
    """The ICS parses with icalendar: all-day events, exclusive ends, the same UIDs after a date moves."""
    import icalendar

    config: dict[str, object] = {"area": "Seaborough, East", "notification_date": D(2018, 3, 5)}
    first = timetable(config, FW)
    stamp = dt.datetime(2018, 3, 5, 9, 0, tzinfo=dt.UTC)
    text = to_ics(first, stamp=stamp)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    parsed = icalendar.Calendar.from_ical(text)
    events = parsed.walk("VEVENT")
    assert len(events) == len(first.milestones) == 9
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == 9
    fieldwork = next(e for e in events if str(e["UID"]).startswith("fieldwork-"))
    assert fieldwork.decoded("DTSTART") == D(2018, 3, 19)
    assert fieldwork.decoded("DTEND") == D(2018, 3, 24)  # the day after the last day on site
    assert not isinstance(fieldwork.decoded("DTSTART"), dt.datetime)  # all-day
    assert str(fieldwork["SUMMARY"]) == "JTAI Seaborough, East: Fieldwork on site"
    later = timetable({**config, "notification_date": D(2018, 4, 9)}, FW)
    again = icalendar.Calendar.from_ical(to_ics(later, stamp=stamp))
    moved = {str(e["UID"]): e.decoded("DTSTART") for e in again.walk("VEVENT")}
    assert set(moved) == set(by_uid)  # a re-export updates the same events
    assert moved[str(fieldwork["UID"])] == D(2018, 4, 23)


def test_cli_init_with_notification_date_and_calendar(run, tmp_path: Path) -> None:
    """`jtai init --notification-date` places fieldwork; `jtai calendar --json --ics` shows and writes it."""
    folder = tmp_path / "ws"
    result = run(
        "init", str(folder), "--area", "Seaborough", "--framework", "exploitation-2018",
        "--notification-date", "2020-12-16",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    settings = (folder / "inspection.yaml").read_text()
    assert "notification_date: 2020-12-16" in settings
    assert "fieldwork_start: 2021-01-04" in settings and "fieldwork_end: 2021-01-08" in settings
    ics = tmp_path / "jtai.ics"
    result = run("-w", str(folder), "calendar", "--json", "--ics", str(ics))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [m["id"] for m in data["milestones"]][:4] == [
        "notification", "data_due", "children_selected", "audits_due",
    ]  # fmt: skip
    assert data["notes"] == []
    assert ics.stat().st_mode & 0o777 == 0o600
    assert run("-w", str(folder), "calendar", "--ics", str(ics)).exit_code == 8  # exists: --force
    shown = run("-w", str(folder), "calendar", "--ics", str(ics), "--force")
    assert shown.exit_code == 0 and "Tue 29 Dec 2020" in shown.stdout
    holiday = run("-w", str(folder), "init", str(tmp_path / "b"), "--area", "X", "--framework",
                  "exploitation-2018", "--notification-date", "2020-12-25")  # fmt: skip
    assert holiday.exit_code == 6 and "is not a working day" in holiday.stderr

"""Write the corpus of bad (and awkward) extract files used by tests/test_ingest_corpus.py.

Run once from the repository root; the files are committed. The .xls file needs the
pure-Python ``xlwt`` package on sys.path (e.g. its wheel: PYTHONPATH=xlwt-1.3.0-py2.py3-none-any.whl).

    python tests/data/ingest/make_corpus.py
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "corpus"
HEADER = (
    "agency_person_id,nhs_number,first_name,last_name,dob,sex,postcode,event_type,event_date,end_date,flags"
)
GOOD = [
    "P1,9434765919,Jane,Smith,03/04/2005,F,SW1A 1AA,missing_episode,2018-01-02,,missing",
    "P2,,Tom,Jones,2006-01-01,male,,police_incident,2018-01-03,,",
]


def csv(name: str, *lines: str, header: str = HEADER, encoding: str = "utf-8", newline: str = "\n") -> None:
    text = newline.join([header, *lines]) + newline
    (OUT / name).write_bytes(text.encode(encoding))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "empty.csv").write_bytes(b"")
    rng = random.Random(3)
    (OUT / "binary.csv").write_bytes(bytes(rng.randrange(256) for _ in range(2048)) + b"\x00\x00")
    csv("header-only.csv")
    csv("no-header.csv", *GOOD, header="P0,x,y,z,2001-01-01,F,,arrest,2018-01-01,,")
    (OUT / "junk-header-rows.csv").write_text(
        "Police extract for Seaborough\nRun on 01/03/2018 by the data team\n,,,\n"
        + HEADER
        + "\n"
        + "\n".join(GOOD)
        + "\n",
        encoding="utf-8",
    )
    csv("blank-lines.csv", GOOD[0], "", ",,,,,,,,,,", GOOD[1])
    (OUT / "utf8-bom.csv").write_bytes(b"\xef\xbb\xbf" + (HEADER + "\n" + "\n".join(GOOD) + "\n").encode())
    csv(
        "cp1252.csv",
        "P3,,Zoë,O’Brien,2005-02-03,F,,arrest,2018-01-02,,",
        "P4,,José,Núñez,2005-02-04,M,,arrest,2018-01-02,,",
        encoding="cp1252",
        newline="\r\n",
    )
    csv("utf16.csv", *GOOD, encoding="utf-16")
    csv("semicolon.csv", *[g.replace(",", ";") for g in GOOD], header=HEADER.replace(",", ";"))
    csv("tab.tsv", *[g.replace(",", "\t") for g in GOOD], header=HEADER.replace(",", "\t"))
    csv("ragged.csv", GOOD[0], "P5,,A,B,2005-01-01,F,,arrest,2018-01-01,,,extra,fields", "P6,,A,B", GOOD[1])
    csv("unclosed-quote.csv", GOOD[0], 'P7,,"Unclosed,B,2005-01-01,F,,arrest,2018-01-01,,', GOOD[1])
    csv(
        "bad-dates.csv",
        GOOD[0],
        "P8,,A,B,31/02/2005,F,,arrest,2018-01-01,,",
        "P9,,A,B,2005-01-01,F,,arrest,yesterday,,",
    )
    csv("future-date.csv", GOOD[0], "P10,,A,B,2005-01-01,F,,arrest,2099-01-01,,")
    csv("date-too-early.csv", GOOD[0], "P11,,A,B,1850-01-01,F,,arrest,2018-01-01,,")
    csv("birth-after-event.csv", GOOD[0], "P12,,A,B,2019-01-01,F,,arrest,2018-01-01,,")
    csv("end-before-start.csv", GOOD[0], "P13,,A,B,2005-01-01,F,,missing_episode,2018-01-05,2018-01-01,")
    csv("unknown-event-type.csv", GOOD[0], "P14,,A,B,2005-01-01,F,,burglary,2018-01-01,,")
    csv("unknown-flag.csv", GOOD[0], "P15,,A,B,2005-01-01,F,,arrest,2018-01-01,,cse;dragons")
    csv("bad-sex.csv", GOOD[0], "P16,,A,B,2005-01-01,Q,,arrest,2018-01-01,,")
    csv(
        "missing-required.csv",
        GOOD[0],
        ",,A,B,2005-01-01,F,,arrest,2018-01-01,,",
        "P17,,A,B,2005-01-01,F,,,2018-01-01,,",
    )
    csv("missing-required-column.csv", "P1,Jane,2018-01-01", header="agency_person_id,first_name,event_date")
    csv("duplicate-rows.csv", GOOD[0], GOOD[1], GOOD[0], GOOD[0])
    csv(
        "bad-nhs.csv",
        GOOD[0],
        "P18,1234567890,A,B,2005-01-01,F,,arrest,2018-01-01,,",
        "P19,12345,A,B,2005-01-01,F,,arrest,2018-01-01,,",
    )
    csv("bad-postcode.csv", GOOD[0], "P20,,A,B,2005-01-01,F,NOT A POSTCODE,arrest,2018-01-01,,")
    _not_a_workbook()
    _damaged_xlsx()
    _encrypted()
    _xls_renamed()
    _annex_a_messy()


def _not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    (OUT / "not-a-workbook.xlsx").write_bytes(buffer.getvalue())


def _canonical_workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Extract"
    sheet.append(HEADER.split(","))
    for line in GOOD:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _damaged_xlsx() -> None:
    data = _canonical_workbook()
    (OUT / "damaged.xlsx").write_bytes(data[: len(data) // 2])


def _encrypted() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(_canonical_workbook())
    out = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", out)
    (OUT / "encrypted.xlsx").write_bytes(out.getvalue())


def _xls_renamed() -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Extract")
    for r, line in enumerate([HEADER, *GOOD]):
        for c, value in enumerate(line.split(",")):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    (OUT / "xls-renamed.xlsx").write_bytes(buffer.getvalue())


def _annex_a_messy() -> None:
    """Annex A as real files come: List_N names, title rows, renamed columns, mixed codes and dates."""
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["This workbook holds the Annex A lists for Seaborough."])
    one = book.create_sheet("List_1")
    one.append(["Annex A - List 1: Contacts"])
    one.append([])
    one.append(
        [
            "CHILD UNIQUE ID",
            "Sex",
            "ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            "Date of Contact",
            "Contact Source",
        ]
    )
    one.append([1001, "a) Male", "a) WBRI", dt.date(2010, 5, 1), 7, dt.date(2018, 1, 10), "q) 6: Police"])
    one.append(["1002.0", "Female", "WBRI", "02/03/2011", 6, "11/01/2018", "Police"])
    one.append(["  001003 ", "2", "b) WIRI", 40000, 8, 43111, "6"])  # Excel serials: 2009-07-06, 2018-01-11
    one.append(
        [1004, "b) Female", "a) WBRI", "31/02/2011", 6, "12/01/2018", "q) 6: Police"]
    )  # no 31 February
    one.append([1005, "Martian", "a) WBRI", "01/01/2011", 7, "12/01/2018", "q) 6: Police"])  # unknown code
    one.append(
        [1006, "a) Male", "a) WBRI", "01/01/2011", 7, "12/01/2018", "zz) 99: Pigeon"]
    )  # unknown source
    one.append([None, "a) Male", "a) WBRI", "01/01/2011", 7, "12/01/2018", "q) 6: Police"])  # no child id
    one.append(
        [1001, "a) Male", "a) WBRI", dt.date(2010, 5, 1), 7, dt.date(2018, 1, 10), "q) 6: Police"]
    )  # dup
    eight = book.create_sheet("List 8")
    eight.append(
        [
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age",
            "Date Started to be Looked After",
            "Date Ceased to be Looked After",
            "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months",
            "Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months",
            "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            "Did the child accept a Return Interview after their last missing episode (Y/N)?",
            "Placement postcode",
        ]
    )
    eight.append(
        [
            2001,
            "b) Female",
            "a) WBRI",
            dt.date(2003, 1, 1),
            15,
            dt.date(2017, 6, 1),
            None,
            3,
            1,
            "a) Yes",
            "b) No",
            "SB1 1AB",
        ]
    )
    eight.append(
        [2002, "a) Male", "k) APKN", dt.date(2004, 1, 1), 14, dt.date(2017, 7, 1), None, 0, 0, None, None, ""]
    )
    eight.append(
        [
            2003,
            "a) Male",
            "k) APKN",
            dt.date(2004, 1, 1),
            14,
            dt.date(2017, 7, 1),
            None,
            "lots",
            0,
            None,
            None,
            "",
        ]
    )  # not a number
    buffer = io.BytesIO()
    book.save(buffer)
    (OUT / "annex-a-messy.xlsx").write_bytes(buffer.getvalue())


if __name__ == "__main__":
    main()

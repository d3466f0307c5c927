"""Normalisation of canonical fields: identifiers, NHS numbers, postcodes, dates and codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jtai.ingest import codes, normalise


def _s(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def test_identifiers_lose_trailing_zero_decimals_and_padding() -> None:
    """123, 123.0, 000123 and ' 123 ' are the same identifier; text ids keep their form."""
    out = normalise.identifier(_s("123", "123.0", "000123", " 123 ", "0", "AB-007", ""))
    assert out.tolist() == ["123", "123", "123", "123", "0", "AB-007", ""]


def test_nhs_numbers_are_ten_digits_with_a_valid_check_digit() -> None:
    """Spaces and dashes go; a wrong check digit or length is flagged."""
    out, bad = normalise.nhs_number(
        _s("943 476 5919", "943-476-5919", "9434765918", "12345", "", "9434765919.0")
    )
    assert out.tolist()[:4] == ["9434765919", "9434765919", "", ""]  # a bad one is left empty
    assert bad.tolist() == [False, False, True, True, False, False]


def test_postcodes_are_upper_case_with_one_space() -> None:
    """Any spacing or case becomes 'AA9A 9AA'; another shape is flagged and kept as written."""
    out, bad = normalise.postcode(_s("sw1a1aa", " SW1A  1AA", "b1 1aa", "NOPE", ""))
    assert out.tolist()[:4] == ["SW1A 1AA", "SW1A 1AA", "B1 1AA", "NOPE"]  # linkage compares what is there
    assert bad.tolist() == [False, False, False, True, False]


def test_dates_read_uk_text_iso_excel_serials_and_declared_formats() -> None:
    """03/04/2018 is 3 April; serial 43193 is 2018-04-03; declared formats come first."""
    out, bad = normalise.dates(
        _s(
            "03/04/2018",
            "3.4.2018",
            "2018-04-03",
            "2018-04-03 10:15:00",
            "43193",
            "3 Apr 2018",
            "20180403",
            "",
            "31/02/2018",
            "03/04/18",
            "soon",
        )
    )
    assert out.tolist() == ["2018-04-03"] * 7 + ["", "", "", ""]
    assert bad.tolist() == [False] * 8 + [True, True, True]
    # shaped as a date, no such day: bad, whether or not other values need other forms
    out, bad = normalise.dates(_s("2018-02-30", "31/02/2018", "2018-04-03"))
    assert out.tolist() == ["", "", "2018-04-03"] and bad.tolist() == [True, True, False]
    declared, _ = normalise.dates(_s("04-03-2018"), ("%m-%d-%Y",))
    assert declared.tolist() == ["2018-04-03"]


def test_codes_match_with_or_without_letter_prefix() -> None:
    """'a) Male', 'Male', 'M' and '1' are one code; unknown values are flagged (and emptied) when strict."""
    out, bad = normalise.coded(
        _s("a) Male", "Male", "M", "1", "b) Female", "Neither", "Dragon", ""), codes.SEX, strict=True
    )
    assert out.tolist() == ["male", "male", "male", "male", "female", "neither", "", ""]
    assert bad.tolist() == [False] * 6 + [True, False]


def test_source_codes_take_the_code_whatever_the_label() -> None:
    """Annex A sources are matched on their code: 'j) 3D: Health services' is 3D."""
    out, _ = normalise.coded(
        _s("q) 6: Police", "6", "Police", "j) 3D: Health services"), codes.SOURCE, strict=True
    )
    assert out.tolist() == ["6: Police"] * 3 + ["3D: Health services - other primary health services"]


def test_text_collapses_white_space() -> None:
    """Non-breaking spaces, tabs and runs of spaces become one space."""
    assert normalise.text(_s(" Dustin\u00a0Hazlett ", "A\t B", "plain")).tolist() == [
        "Dustin Hazlett",
        "A B",
        "plain",
    ]


def test_a_column_emptied_or_filled_keeps_a_factorization_true_to_its_values() -> None:
    """Codes carried over from the column before: one code a value, each naming its value."""
    values = _s("F", "M", "", "X", "M", "unknown", "")
    with normalise.factor_cache():
        normalise.factorize(values)  # cached, as the normalisers leave it
        blank = normalise.blanked(values, np.array([False, False, False, True, False, False, False]))
        filled = normalise.filled(blank, "unknown")
        for column in (blank, filled):
            codes, uniques = normalise.factorize(column)
            assert [uniques[c] for c in codes] == column.tolist()
            assert len(set(codes.tolist())) == len(set(column.tolist()))
    assert blank.tolist() == ["F", "M", "", "", "M", "unknown", ""]
    assert filled.tolist() == ["F", "M", "unknown", "unknown", "M", "unknown", "unknown"]

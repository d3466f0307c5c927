"""Identifier normalisation, name groups, must-not-link clustering and stable child ids."""

from __future__ import annotations

import pandas as pd
import pytest

from jtai.linkage.clusters import (
    NHS_CONFLICT,
    REVIEWER_CONFLICT,
    SEX_CONFLICT,
    UPN_CONFLICT,
    ConstrainedUnionFind,
    stable_child_ids,
)
from jtai.linkage.nicknames import name_group
from jtai.linkage.normalise import (
    identity_frame,
    nhs_number,
    nhs_number_valid,
    plain_id,
    pnc_id,
    soundex,
    upn,
)
from jtai.store.linkage import CONTACT_COLUMNS, IDENTITY_COLUMNS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        ("9434765918", None),
        ("12345", None),
        (None, None),
    ],
)
def test_nhs_number_must_pass_modulus_11(raw: str | None, expected: str | None) -> None:
    """An NHS number counts only when its check digit is right."""
    assert nhs_number(raw) == expected


def test_nhs_check_digit_ten_is_never_valid() -> None:
    """A number whose check digit would be 10 is not issued, so it is invalid."""
    # 6 x weight 2 = 12, 12 mod 11 = 1, so the check digit would be 10 whatever is written
    assert not any(nhs_number_valid(f"000000006{d}") for d in range(10))
    assert nhs_number_valid("0000000051")  # 5 x 2 = 10 -> check 1


def test_upn_check_letter() -> None:
    """A UPN counts only when its check letter matches its digits."""
    assert upn("c999 873 778 848") == "C999873778848"
    assert upn("C999873778849") is None
    assert upn("C99987377884") is None


def test_identifiers_normalise() -> None:
    """PNC ids lose their century and leading zeros; council ids and UPNs their punctuation."""
    assert pnc_id("2018/0012345A") == "18/12345A"
    assert pnc_id("18/12345a") == "18/12345A"
    assert plain_id(" a123-456 ") == "A123456"
    assert soundex("ROBERT") == "R163"
    assert soundex("RUPERT") == "R163"
    assert soundex("ASHCRAFT") == "A261"


def test_name_groups_join_short_forms() -> None:
    """Short forms share a group with the full name; other names are their own group."""
    assert name_group("ALEXANDER") == name_group("ALEX") == "ALEX"
    assert name_group("WILLIAM") == name_group("BILL")
    assert name_group("ZEPHYRINE") == "ZEPHYRINE"
    assert name_group(None) is None


def test_identity_frame_normalises_fields() -> None:
    """Names upper case without punctuation, postcodes spaced, unrecorded sex as missing."""
    raw = pd.DataFrame(
        {
            "id": [1],
            "subject": ["child"],
            "agency": ["police"],
            "agency_person_id": [" P1 "],
            "la_child_id": [None],
            "nhs_number": ["943 476 5919"],
            "upn": [None],
            "pnc_id": [None],
            "first_name": ["o'Neil-Jo"],
            "last_name": ["  smith "],
            "dob": ["2005-02-03"],
            "sex": ["unknown"],
            "postcode": ["sb12ab"],
        }
    ).astype({c: "string" for c in IDENTITY_COLUMNS[1:] if c not in CONTACT_COLUMNS})
    row = identity_frame(raw).iloc[0]
    assert row["first_name"] == "ONEIL JO"
    assert row["last_name"] == "SMITH"
    assert row["postcode"] == "SB1 2AB"
    assert row["sex"] is None
    assert row["nhs_number"] == "9434765919"
    assert row["agency_person_id"] == "P1"
    assert row["dob_year"] == "2005"


def test_chain_cannot_join_two_nhs_numbers() -> None:
    """A~B and B~C do not merge A and C when they hold different NHS numbers."""
    uf = ConstrainedUnionFind(["9434765919", None, "4010232137"], [None, None, None])
    assert uf.union(0, 1) == (True, None)
    assert uf.union(1, 2) == (False, NHS_CONFLICT)
    assert uf.find(0) == uf.find(1) != uf.find(2)


def test_two_valid_upns_never_join() -> None:
    """Two different unique pupil numbers are two children, however alike the rest."""
    uf = ConstrainedUnionFind([None, None], [None, None], upn=["C999873778848", "H999444046046"])
    assert uf.union(0, 1) == (False, UPN_CONFLICT)


def test_recorded_sexes_and_reviewer_decisions_keep_apart() -> None:
    """Different recorded sexes and a reviewer's 'different' both stop a merge, through chains too."""
    uf = ConstrainedUnionFind([None] * 4, ["male", None, "female", None], cannot=[(1, 3)])
    assert uf.union(0, 1) == (True, None)
    assert uf.union(1, 2) == (False, SEX_CONFLICT)
    assert uf.union(0, 3) == (False, REVIEWER_CONFLICT)
    assert uf.union(2, 3) == (True, None)
    assert uf.union(1, 2) == (False, SEX_CONFLICT)


def test_stable_ids_carry_over_by_majority() -> None:
    """A cluster keeps the previous id most of its records held; a new cluster gets CH + its smallest id."""
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "cluster": [0, 0, 0, 1, 1, 2],
            "previous": ["CH0000009", "CH0000009", "CH0000004", "CH0000004", None, None],
        }
    )
    assert stable_child_ids(frame).tolist() == [
        "CH0000009", "CH0000009", "CH0000009", "CH0000004", "CH0000004", "CH0000006",
    ]  # fmt: skip


def test_new_id_never_reuses_an_old_one() -> None:
    """When a cluster splits, the part without the old id gets a fresh id that was never used."""
    frame = pd.DataFrame(
        {"id": [1, 2, 3], "cluster": [0, 1, 1], "previous": ["CH0000002", "CH0000002", "CH0000002"]}
    )
    assert stable_child_ids(frame).tolist() == ["CH0000001", "CH0000002", "CH0000002"]


def test_a_tie_for_an_old_id_does_not_depend_on_the_order_of_the_records() -> None:
    """Two clusters holding an old id equally: the smaller label keeps it, in any row order."""
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "cluster": [7, 7, 3, 3], "previous": ["CH0000001"] * 4})
    expected = ["CH0000001-2", "CH0000001-2", "CH0000001", "CH0000001"]
    assert stable_child_ids(frame).tolist() == expected
    assert stable_child_ids(frame.iloc[::-1]).tolist() == expected[::-1]

"""Identity fields for linkage: postcodes of any shape, contact fields, blocking rules and their budget."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jtai.ingest.checks import row_hashes
from jtai.linkage.comparisons import BlockingRule, blocking_rules, fields_in_use, pairs_proposed
from jtai.linkage.normalise import phone, postcode, postcode_district, postcode_sector


def test_postcodes_of_any_shape_are_kept() -> None:
    """A UK postcode gets its space; another shape is kept, with sector and district by its length."""
    assert postcode("sw1a1aa") == "SW1A 1AA"
    assert postcode(" 4011 ") == "4011"
    assert (postcode_sector("SW1A 1AA"), postcode_district("SW1A 1AA")) == ("SW1A 1", "SW1A")
    assert (postcode_sector("4011"), postcode_district("4011")) == ("401", "40")
    assert postcode("--") is None


def test_phone_numbers_compare_on_their_last_ten_digits() -> None:
    """+44 and a leading 0 give the same number; too few digits is no number."""
    assert phone("+44 7700 900123") == phone("07700 900123") == "7700900123"
    assert phone("12345") is None


def test_contact_fields_in_use_only_when_filled_in() -> None:
    """A field counts when at least 2% of identities hold it; rules needing another are left out."""
    nodes = pd.DataFrame(
        {"email": ["a@x"] + [None] * 99, "town": ["T"] * 50 + [None] * 50, "sex": [None] * 100}
    )
    assert fields_in_use(nodes) == ("town",)
    names = {r.name for r in blocking_rules(("town",))}
    assert "town and date of birth" in names and "email" not in names
    assert "date of birth and postcode" not in names  # no postcode in use


def test_pairs_proposed_counts_swapped_rules() -> None:
    """A rule's pair count: n(n-1)/2 per key, or left x right when the names swap."""
    nodes = pd.DataFrame(
        {
            "subject": ["child"] * 4,
            "first_sdx": ["A100", "A100", "A100", "B200"],
            "last_sdx": ["B200", "B200", "B200", "A100"],
        }
    )
    same = BlockingRule("same", ("first_sdx", "last_sdx"))
    swapped = BlockingRule("swapped", ("first_sdx", "last_sdx"), ("last_sdx", "first_sdx"))
    assert pairs_proposed(nodes, [same, swapped]) == [3, 3]


def test_empty_contact_columns_leave_old_row_hashes_unchanged() -> None:
    """Rows loaded before the contact fields existed hash the same when those fields are empty."""
    base = [(np.array([0, 1]), pd.Index(["a", "b"])), (np.array([0, -1]), pd.Index(["x"]))]
    empty = (np.array([-1, -1]), pd.Index([], dtype="str"))
    filled = (np.array([0, -1]), pd.Index(["SW1A 1AA"]))
    before = row_hashes(base)
    assert (row_hashes([*base, empty, empty], optional=2) == before).all()
    after = row_hashes([*base, filled, empty], optional=2)
    assert after[0] != before[0] and after[1] == before[1]


def _identities(*rows: dict[str, str]) -> pd.DataFrame:
    """Normalised identities of ``rows`` (identity fields as text; the rest left empty)."""
    from jtai.linkage.normalise import identity_frame
    from jtai.store.linkage import IDENTITY_COLUMNS

    filled = [{"id": i + 1, "subject": "child", "agency": "health", **r} for i, r in enumerate(rows)]
    raw = pd.DataFrame(filled, columns=list(IDENTITY_COLUMNS))
    for column in IDENTITY_COLUMNS[1:]:
        raw[column] = raw[column].astype("string")
    return identity_frame(raw)


def _rules_proposing(ident: pd.DataFrame) -> set[str]:
    """The names of the rules (over the fields filled in) that propose the pair of identities 1 and 2."""
    import sqlite3

    db = sqlite3.connect(":memory:")
    ident.astype(object).where(ident.notna(), None).to_sql("ident", db, index=False)
    out = set()
    for rule in blocking_rules(("postcode", "address_line_1", "address_line_2", "town")):
        sql = f"SELECT 1 FROM ident l JOIN ident r ON {rule.sql()} AND l.id = 1 AND r.id = 2"
        if db.execute(sql).fetchone():
            out.add(rule.name)
    return out


# One pair of records of one person per rule, with a typo or a change in nearly every field,
# that this rule alone proposes (the shapes of FEBRL duplicates no other rule proposed).
_TYPO_PAIRS = {
    "date of birth and postcode district": (
        {"first_name": "Amelia", "last_name": "Hobson", "dob": "2012-03-04", "postcode": "SW1A 1AA"},
        {"first_name": "Zara", "last_name": "Kowalski", "dob": "2012-03-04", "postcode": "SW1A 2BB"},
    ),
    "date of birth and the start of the town": (
        {"first_name": "Amelia", "last_name": "Hobson", "dob": "2012-03-04", "town": "Kellerberrin"},
        {"first_name": "Zara", "last_name": "Kowalski", "dob": "2012-03-04", "town": "Kelerberrin"},
    ),
    "surname and address": (
        {
            "first_name": "Amelia",
            "last_name": "Hobson",
            "dob": "2012-03-04",
            "address_line_1": "Forbes Street",
        },
        {"first_name": "Zara", "last_name": "Hobson", "dob": "2009-11-21", "address_line_1": "Forbes Street"},
    ),
    "the starts of the address and the town": (
        {
            "first_name": "Amelia",
            "last_name": "Hobson",
            "address_line_1": "Forbes Street",
            "town": "Kellerberrin",
        },
        {
            "first_name": "Zara",
            "last_name": "Kowalski",
            "address_line_1": "Forbse Street",
            "town": "Kellerberin",
        },
    ),
    "postcode sector and the start of the town": (
        {"first_name": "Amelia", "last_name": "Hobson", "postcode": "4510", "town": "Kellerberrin"},
        {"first_name": "Zara", "last_name": "Kowalski", "postcode": "4511", "town": "Kellerberin"},
    ),
    "postcode sector and the start of the address": (
        {
            "first_name": "Amelia",
            "last_name": "Hobson",
            "postcode": "4510",
            "address_line_1": "Forbes Street",
        },
        {
            "first_name": "Zara",
            "last_name": "Kowalski",
            "postcode": "4511",
            "address_line_1": "Forbse Street",
        },
    ),
    "names swapped (any date of birth)": (
        {"first_name": "Hobson", "last_name": "Amelia", "dob": "2012-03-04", "postcode": "4510"},
        {"first_name": "Amelia", "last_name": "Hobson", "dob": "2009-11-21", "postcode": "2602"},
    ),
    "first name Soundex and the start of the town": (
        {"first_name": "Sarah", "last_name": "Hobson", "dob": "2012-03-04", "town": "Kellerberrin"},
        {"first_name": "Sara", "last_name": "Kowalski", "dob": "2009-11-21", "town": "Kelerberrin"},
    ),
}


@pytest.mark.parametrize("rule", sorted(_TYPO_PAIRS))
def test_each_rule_for_damaged_records_proposes_a_pair_no_other_rule_does(rule: str) -> None:
    """Each rule for records damaged in nearly every field covers a pair no other rule proposes."""
    assert _rules_proposing(_identities(*_TYPO_PAIRS[rule])) == {rule}


def test_rules_on_the_start_of_a_field_count_their_pairs_and_need_that_field() -> None:
    """The start of the town counts as a key of its own (budget) and is left out without a town."""
    ident = _identities(
        {"first_name": "Sarah", "town": "Kellerberrin"},
        {"first_name": "Sara", "town": "Kelerberrin"},
        {"first_name": "Sally", "town": "Kalgoorlie"},
    )
    rule = next(
        r for r in blocking_rules(("town",)) if r.name == "first name Soundex and the start of the town"
    )
    assert pairs_proposed(ident, [rule]) == [1]
    assert rule.name not in {r.name for r in blocking_rules(("postcode",))}

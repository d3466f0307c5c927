"""Identity fields for linkage: postcodes of any shape, contact fields, blocking rules and their budget."""

from __future__ import annotations

import numpy as np
import pandas as pd

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

"""What the model compares, and which pairs of identities it scores (blocking).

The model compares the identity fields a workspace holds *and has filled in*: names, date
of birth, postcode and sex, and, where extracts carry them, address lines, town, email,
phone, a former surname and a previous postcode. A field filled in for too few identities
teaches the model nothing and is left out (:func:`fields_in_use`).

Candidate pairs come from several cheap blocking rules; a true pair needs only one of them
to be scored. Their union covers the errors real extracts hold: a changed or misspelt
surname, a misspelt first name, names written the wrong way round, a date of birth that is
mistyped, a few days or months out or wholly wrong, typos in both names, and a house move.
A record can carry a typo in nearly every field at once; the first three letters of a town
or of an address line survive a typo further on, so some rules block on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jtai.canonical import CONTACT_FIELDS

if TYPE_CHECKING:
    import pandas as pd

# Columns every model reads (besides ``node_id``), filled in or not.
BASE_COLUMNS: tuple[str, ...] = (
    "subject",
    "first_name",
    "first_group",
    "first_sdx",
    "last_name",
    "last_sdx",
    "dob",
    "dob_year",
    "dob_md",
    "dob_days",
    "dob_swapped",
    "sex",
    "postcode",
    "postcode_sector",
    "postcode_district",
)
# Fields compared only when filled in (the column a comparison is named after).
OPTIONAL_FIELDS: tuple[str, ...] = ("sex", "postcode", *CONTACT_FIELDS)
# A field filled in for fewer identities than this share is not compared.
MIN_FILLED = 0.02


@dataclass(frozen=True)
class BlockingRule:
    """Pairs whose left ``columns`` equal the right ``against`` (the same, unless names swap).

    A column may also be the start of a column (``town_start``: see :func:`_key`).
    """

    name: str
    columns: tuple[str, ...]
    against: tuple[str, ...] = ()

    @property
    def right(self) -> tuple[str, ...]:
        """The right-hand columns of each equality."""
        return self.against or self.columns

    def sql(self) -> str:
        """The rule as splink SQL (``l.`` and ``r.`` columns); the same subject always."""
        terms = ["l.subject = r.subject"]
        terms += [f"{_key(a, 'l.')} = {_key(b, 'r.')}" for a, b in zip(self.columns, self.right, strict=True)]
        return " AND ".join(terms)


# Blocking keys that are the start of a column (the column they read): a typo past the
# third letter of a town or an address line leaves them equal.
_STARTS = {"town_start": "town", "address_start": "address_line_1"}
START_LENGTH = 3


def _key(column: str, table: str = "") -> str:
    """SQL for one blocking key: ``table`` + the column, or the start of the column it reads."""
    if column in _STARTS:
        return f"substr({table}{_STARTS[column]}, 1, {START_LENGTH})"
    return f"{table}{column}"


BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("date of birth and first name group", ("dob", "first_group")),
    BlockingRule("date of birth and surname Soundex", ("dob", "last_sdx")),
    BlockingRule("name Soundexes and year of birth", ("first_sdx", "last_sdx", "dob_year")),
    BlockingRule("first name group, surname Soundex, year of birth", ("first_group", "last_sdx", "dob_year")),
    BlockingRule(
        "first name group, surname Soundex, day and month of birth", ("first_group", "last_sdx", "dob_md")
    ),
    BlockingRule("names as written (any date of birth)", ("first_name", "last_name")),
    BlockingRule(
        "names swapped, year of birth",
        ("first_sdx", "last_sdx", "dob_year"),
        ("last_sdx", "first_sdx", "dob_year"),
    ),
    BlockingRule("names swapped, date of birth", ("first_name", "dob"), ("last_name", "dob")),
    BlockingRule(
        "names swapped (any date of birth)", ("first_name", "last_name"), ("last_name", "first_name")
    ),
    BlockingRule("date of birth and postcode", ("dob", "postcode")),
    BlockingRule("postcode and first name group", ("postcode", "first_group")),
    BlockingRule("postcode, surname Soundex, year of birth", ("postcode", "last_sdx", "dob_year")),
    BlockingRule("postcode and surname Soundex", ("postcode", "last_sdx")),
    BlockingRule("address and postcode", ("address_line_1", "postcode")),
    BlockingRule("address and date of birth", ("address_line_1", "dob")),
    BlockingRule("address lines' Soundexes", ("street_sdx", "locality_sdx")),
    BlockingRule("street Soundex and town", ("street_sdx", "town")),
    BlockingRule("locality Soundex and town", ("locality_sdx", "town")),
    BlockingRule("town and date of birth", ("town", "dob")),
    BlockingRule("town and surname", ("town", "last_name")),
    BlockingRule("address, town and first name Soundex", ("address_line_1", "town", "first_sdx")),
    # For records with a typo in nearly every field. In one town (most areas) a rule on the
    # start of the town pairs on its other key alone, and the pair budget leaves it out when
    # that is too many pairs.
    BlockingRule("date of birth and postcode district", ("dob", "postcode_district")),
    BlockingRule("date of birth and the start of the town", ("dob", "town_start")),
    BlockingRule("surname and address", ("last_name", "address_line_1")),
    BlockingRule("the starts of the address and the town", ("address_start", "town_start")),
    BlockingRule("postcode sector and the start of the town", ("postcode_sector", "town_start")),
    BlockingRule("postcode sector and the start of the address", ("postcode_sector", "address_start")),
    BlockingRule("first name Soundex and the start of the town", ("first_sdx", "town_start")),
    BlockingRule("email", ("email",)),
    BlockingRule("phone", ("phone",)),
)


# A rule that would pair more identities than this (and more than PAIR_BUDGET_PER_NODE per
# identity) is left out: in a one-town area "town and date of birth" pairs nearly everyone
# born on one day, which is many millions of pairs at a million records.
PAIR_BUDGET = 1_000_000
PAIR_BUDGET_PER_NODE = 10
# The columns blocking reads besides the fields in use (derived from them).
_DERIVED = {"street_sdx": "address_line_1", "locality_sdx": "address_line_2"}


def pairs_proposed(nodes: pd.DataFrame, rules: Sequence[BlockingRule]) -> list[int]:
    """How many pairs of ``nodes`` each rule proposes (its left and right keys joined)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("nodes", nodes)
        out = []
        for rule in rules:
            left = _key_counts(rule.columns)
            if not rule.against:
                sql = f"SELECT SUM(n * (n - 1) / 2) FROM ({left})"
            else:
                right = _key_counts(rule.right)
                on = " AND ".join(f"l.k{i} = r.k{i}" for i in range(len(rule.columns) + 1))
                sql = f"SELECT SUM(l.n * r.n) / 2 FROM ({left}) l JOIN ({right}) r ON {on}"  # each pair twice
            out.append(int(con.execute(sql).fetchone()[0] or 0))  # type: ignore[index]
        return out
    finally:
        con.close()


def _key_counts(columns: Sequence[str]) -> str:
    """SQL: each combination of ``subject`` and ``columns`` (all filled in), and how many nodes hold it."""
    keys = [_key(c) for c in ("subject", *columns)]
    named = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys))
    filled = " AND ".join(f"{k} IS NOT NULL" for k in keys[1:])
    return f"SELECT {named}, COUNT(*) AS n FROM nodes WHERE {filled} GROUP BY ALL"


def usable_rules(nodes: pd.DataFrame, fields: Sequence[str]) -> list[BlockingRule]:
    """The rules over ``fields`` that stay within the pair budget on ``nodes``."""
    budget = max(PAIR_BUDGET, PAIR_BUDGET_PER_NODE * len(nodes))
    rules = blocking_rules(fields)
    return [r for r, n in zip(rules, pairs_proposed(nodes, rules), strict=True) if n <= budget]


def fields_in_use(nodes: pd.DataFrame) -> tuple[str, ...]:
    """The optional fields filled in for at least :data:`MIN_FILLED` of ``nodes``."""
    out = []
    for field in OPTIONAL_FIELDS:
        if field in nodes and nodes[field].notna().mean() >= MIN_FILLED:
            out.append(field)
    return tuple(out)


def model_columns(fields: Sequence[str]) -> tuple[str, ...]:
    """The node columns a model over ``fields`` reads."""
    extra = tuple(f for f in fields if f not in BASE_COLUMNS)
    derived = tuple(d for d, source in _DERIVED.items() if source in fields)
    return BASE_COLUMNS + extra + derived


def blocking_rules(fields: Sequence[str]) -> list[BlockingRule]:
    """The blocking rules whose columns are all in use (names and dates always are)."""
    used = (set(BASE_COLUMNS) - set(OPTIONAL_FIELDS)) | set(fields)
    used |= {derived for derived, source in (_DERIVED | _STARTS).items() if source in used}
    return [r for r in BLOCKING_RULES if set(r.columns) | set(r.right) <= used]


def comparisons(fields: Sequence[str]) -> list[Any]:
    """The splink comparisons: names and date of birth always, the other fields in use."""
    out = [_first_name(), _last_name("former_last_name" in fields), _dob()]
    if "postcode" in fields:
        out.append(_postcode("previous_postcode" in fields))
    if "sex" in fields:
        import splink.comparison_library as cl

        out.append(cl.ExactMatch("sex"))
    for field in ("address_line_1", "address_line_2", "town"):
        if field in fields:
            out.append(_text(field, field.replace("_", " ").capitalize()))
    if "email" in fields:
        out.append(_email())
    if "phone" in fields:
        out.append(_phone())
    return out


def _first_name() -> Any:
    """First names: exact, written as the other's surname, same group, spelling likeness."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="First name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.CustomLevel("first_name_l = last_name_r", label_for_charts="Written as the surname"),
            cll.ExactMatchLevel("first_group").configure(
                label_for_charts="Same name group (Alex / Alexander)"
            ),
            cll.JaroWinklerLevel("first_name", 0.92),
            cll.JaroWinklerLevel("first_name", 0.88),
            cll.JaroWinklerLevel("first_name", 0.7),
            cll.ElseLevel(),
        ],
    )


def _last_name(former: bool) -> Any:
    """Surnames: exact, written as the other's first name, a former surname, spelling likeness."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    levels: list[Any] = [
        cll.NullLevel("last_name"),
        cll.ExactMatchLevel("last_name", term_frequency_adjustments=True),
        cll.CustomLevel("last_name_l = first_name_r", label_for_charts="Written as the first name"),
    ]
    if former:
        levels.append(
            cll.CustomLevel(
                "former_last_name_l = last_name_r OR last_name_l = former_last_name_r",
                label_for_charts="One's former surname",
            )
        )
    levels += [
        cll.JaroWinklerLevel("last_name", 0.92),
        cll.JaroWinklerLevel("last_name", 0.88),
        cll.JaroWinklerLevel("last_name", 0.7),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name="last_name", comparison_description="Last name", comparison_levels=levels
    )


def _dob() -> Any:
    """Dates of birth: exact, one keystroke, day and month swapped, within a month, months out.

    Siblings other than twins are born at least nine months apart, so a date a few months
    out is an entry error and has a level of its own; so has a year mistyped (same day and
    month). Anything else is a different child.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(label_for_charts="Exact match on date of birth"),
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="One keystroke apart"),
            cll.CustomLevel("dob_swapped_l = dob_r", label_for_charts="Day and month swapped"),
            cll.CustomLevel("abs(dob_days_l - dob_days_r) <= 31", label_for_charts="Within a month"),
            cll.CustomLevel("abs(dob_days_l - dob_days_r) <= 250", label_for_charts="A few months out"),
            cll.CustomLevel("dob_md_l = dob_md_r", label_for_charts="Same day and month, another year"),
            cll.ElseLevel(),
        ],
    )


def _postcode(previous: bool) -> Any:
    """Postcodes: full, one's previous postcode, sector, district (any shape of postcode)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    levels: list[Any] = [
        cll.NullLevel("postcode"),
        cll.ExactMatchLevel("postcode").configure(label_for_charts="Full postcode"),
    ]
    if previous:
        levels.append(
            cll.CustomLevel(
                "previous_postcode_l = postcode_r OR postcode_l = previous_postcode_r",
                label_for_charts="One's previous postcode",
            )
        )
    levels += [
        cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same sector"),
        cll.ExactMatchLevel("postcode_district").configure(label_for_charts="Same district"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name="postcode", comparison_description="Postcode", comparison_levels=levels
    )


def _text(column: str, label: str) -> Any:
    """An address line or town: exact, then spelling likeness."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=label,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.JaroWinklerLevel(column, 0.9),
            cll.JaroWinklerLevel(column, 0.75),
            cll.ElseLevel(),
        ],
    )


def _email() -> Any:
    """Emails: exact, then the same part before the ``@``."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="email",
        comparison_description="Email",
        comparison_levels=[
            cll.NullLevel("email"),
            cll.ExactMatchLevel("email"),
            cll.CustomLevel(
                "split_part(email_l, '@', 1) = split_part(email_r, '@', 1)",
                label_for_charts="Same name before the @",
            ),
            cll.ElseLevel(),
        ],
    )


def _phone() -> Any:
    """Phone numbers (last 10 digits): exact, one keystroke apart."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="phone",
        comparison_description="Phone",
        comparison_levels=[
            cll.NullLevel("phone"),
            cll.ExactMatchLevel("phone"),
            cll.DamerauLevenshteinLevel("phone", 1).configure(label_for_charts="One keystroke apart"),
            cll.ElseLevel(),
        ],
    )

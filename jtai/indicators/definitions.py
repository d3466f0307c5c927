"""Indicator definitions as data: the built-in YAML file, an area's own, and comparators.

The built-in definitions are ``jtai/frameworks/indicators/standard.yaml``. A workspace may
hold ``indicators.yaml`` of the same shape: its indicators are added, and one with the id of a
built-in indicator replaces it. Comparators (published regional or national figures) come
from ``comparators.yaml`` in the workspace, or a file named on the command line.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from jtai import yamlfile
from jtai.errors import ConfigError

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
DateField = Annotated[str, StringConstraints(pattern=r"^(event_date|end_date|extra\.[A-Za-z0-9_]+)$")]
BUILTIN = "standard.yaml"
WORKSPACE_FILE = "indicators.yaml"
COMPARATORS_FILE = "comparators.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Select(_Model):
    """Which records an indicator counts.

    Attributes:
        event_types: the event types (any agency's records of them; empty: any type).
        agencies: only these agencies' records (empty: any agency).
        date: the date that places the record, the first one present: ``event_date``,
            ``end_date`` or ``extra.NAME`` (a column an extract carried beyond the layout).
        where: field -> accepted values (compared without case); a record must match all.
            For ``flags``, a record matches when any of its flags is accepted.
        label: what the records are, in words ("missing episodes"), for the reasons shown
            when the data lacks them.
    """

    event_types: list[Id] = []
    agencies: list[Id] = []
    date: list[DateField] = Field(default=["event_date"], min_length=1)
    where: dict[str, list[str]] = {}
    label: Text

    @model_validator(mode="after")
    def _something(self) -> Select:
        if not self.event_types and not self.where:
            raise ValueError("name the records with `event_types`, `where` or both")
        return self


class Within(_Model):
    """A time limit: exactly one of hours, days, working days (England) or months."""

    hours: int | None = Field(default=None, ge=0)
    days: int | None = Field(default=None, ge=0)
    working_days: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one(self) -> Within:
        given = [v for v in (self.hours, self.days, self.working_days, self.months) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of hours, days, working_days or months")
        return self

    def describe(self) -> str:
        """``72 hours``, ``15 working days``."""
        for name, value in (
            ("hours", self.hours),
            ("days", self.days),
            ("working days", self.working_days),
            ("months", self.months),
        ):
            if value is not None:
                return f"{value} {name[:-1] if value == 1 else name}"
        return ""  # pragma: no cover - the validator guarantees one


class Indicator(_Model):
    """One indicator. ``kind`` says how it is counted:

    - ``interval``: share of ``start`` records followed (``direction: after``), preceded
      (``before``) or accompanied (``around``) ``within`` the limit by an ``end`` record of the
      same child, or by the date ``end_field`` of the record itself;
    - ``repeat``: share of children with a ``start`` record who have ``at_least`` of them;
    - ``children``: share of children with a ``start`` record who also have an ``end`` record
      in the period;
    - ``field``: share of ``start`` records whose ``field`` holds one of ``values``.
    """

    id: Id
    title: Text
    kind: Literal["interval", "repeat", "children", "field"]
    definition: Text
    excludes: str = ""
    start: Select
    end: Select | None = None
    end_field: DateField | None = None
    direction: Literal["after", "before", "around"] = "after"
    within: Within | None = None
    until_next_start: bool = False
    no_end: Literal["miss", "exclude"] = "miss"
    at_least: int = Field(default=2, ge=1)
    field: str | None = None
    values: list[str] = []
    period_months: int | None = Field(default=None, gt=0, le=60)
    higher_is_better: bool = True

    @model_validator(mode="after")
    def _parts(self) -> Indicator:
        if self.kind == "interval" and (
            self.within is None or (self.end is None) == (self.end_field is None)
        ):
            raise ValueError("an interval indicator needs `within` and one of `end` or `end_field`")
        if self.kind == "children" and self.end is None:
            raise ValueError("a children indicator needs `end`")
        if self.kind == "field" and (self.field is None or not self.values):
            raise ValueError("a field indicator needs `field` and `values`")
        return self


class IndicatorFile(_Model):
    """An indicators file: a list of indicators."""

    indicators: list[Indicator] = []


class Comparator(_Model):
    """A published figure to compare with: a percentage, its year and where it comes from."""

    value: float = Field(ge=0, le=100)
    year: int = Field(ge=1990, le=2100)
    source: Text
    label: Text = "Published figure"


class ComparatorFile(_Model):
    """Comparators by indicator id."""

    comparators: dict[Id, list[Comparator]] = {}


def parse_indicators(source: str, filename: str) -> list[Indicator]:
    """Indicators from YAML text.

    Raises:
        ConfigError: not valid (the message names the file and the line).
    """
    data = _validate(IndicatorFile, source, filename)
    assert isinstance(data, IndicatorFile)
    seen: set[str] = set()
    for n, indicator in enumerate(data.indicators):
        if indicator.id in seen:
            raise ConfigError(f"indicators[{n}]: the id {indicator.id!r} appears twice.", file=filename)
        seen.add(indicator.id)
    return data.indicators


@functools.cache
def builtin_indicators() -> tuple[Indicator, ...]:
    """The indicators shipped with jtai."""
    entry = resources.files("jtai.frameworks") / "indicators" / BUILTIN
    return tuple(parse_indicators(entry.read_text(encoding="utf-8"), f"jtai/frameworks/indicators/{BUILTIN}"))


def indicators_for(root: Path) -> list[Indicator]:
    """The built-in indicators, then the workspace's own (``indicators.yaml``), by id."""
    chosen = {i.id: i for i in builtin_indicators()}
    own = root / WORKSPACE_FILE
    if own.is_file():
        for indicator in parse_indicators(_read(own), str(own)):
            chosen[indicator.id] = indicator
    return list(chosen.values())


def read_comparators(path: Path) -> dict[str, list[Comparator]]:
    """Comparators from a YAML file (``comparators: {indicator id: [{value, year, source}]}``).

    Raises:
        ConfigError: not valid.
    """
    data = _validate(ComparatorFile, _read(path), str(path))
    assert isinstance(data, ComparatorFile)
    return data.comparators


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("cannot be read as UTF-8 text.", file=str(path)) from exc


def _validate(model: type[_Model], source: str, filename: str) -> _Model:
    from pydantic import ValidationError

    data, root = yamlfile.parse(source, filename)
    try:
        return model.model_validate(data or {})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = tuple(first["loc"])
        raise ConfigError(
            f"{yamlfile.describe(loc)}: {yamlfile.explain(first)}",
            file=filename,
            line=yamlfile.line_at(root, loc),
            hint="See docs/indicators.md for the shape of the file.",
        ) from None

"""Mapping files: how one source layout becomes canonical records.

A mapping is YAML (see docs/ingest.md): which sheets to read, which source columns feed
which canonical field (with aliases), extra columns to keep, value recoding, date formats
and derived risk flags. Built-in mappings are package data in ``jtai/ingest/mappings``;
a user's own file is validated with pydantic and every error names the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from jtai import yamlfile
from jtai.canonical import EVENT_TYPES, FIELDS, RISK_FLAGS, SEXES
from jtai.errors import ConfigError

ExtraType = Literal["text", "number", "integer", "date", "code", "yesno"]
_CODED_FIELDS: dict[str, Collection[str]] = {"event_type": EVENT_TYPES, "sex": SEXES, "flags": RISK_FLAGS}
# A day whose day, month and year differ, to check that a date format reads all three.
_SAMPLE_DAY = dt.date(2018, 11, 23)


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(name: object) -> str:
    """Compare column and sheet names ignoring case, spacing, punctuation and quotes."""
    return _NOT_ALNUM.sub(" ", str(name).casefold()).strip()


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _date_format(value: str) -> str:
    """A ``strftime`` format that reads a whole date back (day, month and year).

    The format is tried as the loader uses it (pandas) and as Python reads it; any failure
    of either, whatever its kind (``re.error`` for a code given twice, ``ValueError`` for an
    unknown code), makes it an invalid format, never a crash.
    """
    import pandas as pd

    try:
        written = _SAMPLE_DAY.strftime(value)
        read = dt.datetime.strptime(written, value).date()
        parsed = pd.to_datetime(pd.Series([written], dtype="str"), format=value, errors="coerce")[0]
    except Exception as exc:  # every failure of trying a user's format is the same answer
        raise ValueError(
            f"the date format {value!r} cannot be read ({_reason(exc)}); "
            "use strftime codes such as '%d.%m.%Y'"
        ) from None
    if read != _SAMPLE_DAY or pd.isna(parsed) or parsed.date() != _SAMPLE_DAY:
        raise ValueError(
            f"the date format {value!r} does not give a day, a month and a year; "
            "use strftime codes such as '%d.%m.%Y'"
        )
    return value


def _reason(exc: Exception) -> str:
    """Why a date format failed, in the user's terms (a regular expression error is a code given twice)."""
    twice = re.match(r"redefinition of group name '(\w+)'", str(exc))
    if isinstance(exc, re.error) and twice:
        return f"the code '%{twice.group(1)}' is given twice"
    return str(exc).rstrip(".") or type(exc).__name__


DateFormat = Annotated[str, AfterValidator(_date_format)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ExtraColumn(_Strict):
    """A source column kept in ``records.extra`` under a stable key."""

    columns: list[str]
    type: ExtraType = "text"

    _list = field_validator("columns", mode="before")(_as_list)


class FlagRule(_Strict):
    """Set a risk flag when a field or extra value is above a number or in a list."""

    flag: str
    when: str
    above: float | None = None
    in_: list[str] | None = Field(default=None, alias="in")

    @field_validator("flag")
    @classmethod
    def _known_flag(cls, value: str) -> str:
        if value not in RISK_FLAGS:
            raise ValueError(f"unknown risk flag {value!r}; use one of: {', '.join(RISK_FLAGS)}")
        return value

    @model_validator(mode="after")
    def _one_test(self) -> FlagRule:
        if (self.above is None) == (self.in_ is None):
            raise ValueError("give exactly one of 'above' or 'in'")
        return self


class SheetMapping(_Strict):
    """How the rows of one sheet (or of a CSV file) become records."""

    sheet: list[str] = ["*"]
    title: str = ""
    event_type: str | None = None
    subject: Literal["child", "adult"] = "child"
    required: list[str] = []
    fields: dict[str, list[str]]
    extra: dict[str, ExtraColumn] = {}
    flags: list[FlagRule] = []
    keep_unmapped: bool = True

    _sheet = field_validator("sheet", mode="before")(_as_list)

    @field_validator("fields", mode="before")
    @classmethod
    def _aliases(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _as_list(v) for k, v in value.items()}
        return value

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name in value:
            _check_field(name)
        return value

    @field_validator("required")
    @classmethod
    def _known_required(cls, value: list[str]) -> list[str]:
        for name in value:
            _check_field(name)
        return value

    @field_validator("event_type")
    @classmethod
    def _known_event(cls, value: str | None) -> str | None:
        if value is not None and value not in EVENT_TYPES:
            raise ValueError(f"unknown event type {value!r}; see `jtai load --help` or docs/ingest.md")
        return value

    @model_validator(mode="after")
    def _has_event_type(self) -> SheetMapping:
        if self.event_type is None and "event_type" not in self.fields:
            raise ValueError("give a constant 'event_type' or map the 'event_type' field to a column")
        return self


class Mapping(_Strict):
    """A whole mapping file."""

    name: str
    title: str = ""
    agency: str | None = None
    header_search_rows: int = Field(default=30, ge=1, le=1000)
    date_formats: list[DateFormat] = []
    recode: dict[str, dict[str, str]] = {}
    strict_codes: list[str] = []
    strip_letter_prefix: list[str] = []
    sheets: list[SheetMapping]
    source: str = Field(default="", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _single_sheet(cls, data: Any) -> Any:
        # a mapping for a one-table file may give its sheet's keys (fields...) at the top level
        if isinstance(data, dict) and "sheets" not in data and _sheet_keys(data):
            data = dict(data)
            sheet = {k: data.pop(k) for k in list(data) if k in SheetMapping.model_fields}
            data["sheets"] = [sheet]
        return data

    @field_validator("recode")
    @classmethod
    def _recode_targets(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for name, table in value.items():
            _check_field(name)
            allowed = _CODED_FIELDS.get(name)
            for target in table.values():
                if allowed is not None and target not in allowed:
                    raise ValueError(
                        f"{name} cannot be recoded to {target!r}; use one of: {', '.join(allowed)}"
                    )
        return value

    @field_validator("strict_codes", "strip_letter_prefix")
    @classmethod
    def _known_strict(cls, value: list[str]) -> list[str]:
        for name in value:
            _check_field(name)
        return value

    def names_sheet(self, name: str) -> bool:
        """Whether a sheet mapping names ``name`` itself (``"*"`` names no sheet)."""
        key = header_key(name)
        return any(s != "*" and header_key(s) == key for sheet in self.sheets for s in sheet.sheet)

    def sheet_for(self, name: str) -> SheetMapping | None:
        """The sheet mapping whose names match ``name`` (``"*"`` matches any)."""
        key = header_key(name)
        for sheet in self.sheets:
            if any(s == "*" or header_key(s) == key for s in sheet.sheet):
                return sheet
        return None


def _sheet_keys(data: dict[Any, Any]) -> list[str]:
    """The keys of ``data`` that only a sheet has (``fields``, ``required``...), in file order."""
    return [k for k in data if k in SheetMapping.model_fields and k not in Mapping.model_fields]


def _check_field(name: str) -> None:
    if name not in FIELDS:
        raise ValueError(f"unknown canonical field {name!r}; use one of: {', '.join(FIELDS)}")


def builtin_names() -> list[str]:
    """Names of the mappings that ship with jtai."""
    from importlib.resources import files

    folder = files("jtai.ingest") / "mappings"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def load_builtin(name: str) -> Mapping:
    """A built-in mapping by name (``annex-a``, ``csc``, ``police``...)."""
    from importlib.resources import files

    resource = files("jtai.ingest") / "mappings" / f"{name}.yaml"
    if not resource.is_file():
        raise ConfigError(
            f"there is no built-in mapping {name!r}.",
            hint=f"Use one of: {', '.join(builtin_names())}, or the path of your own YAML file.",
        )
    return parse(resource.read_text(encoding="utf-8"), f"(built-in mapping {name})", name)


def load_mapping(ref: str) -> Mapping:
    """A mapping from a built-in name or a YAML file path.

    Raises:
        ConfigError: no such mapping, bad YAML, or invalid content (with file and line).
    """
    path = Path(ref).expanduser()
    if ref.endswith((".yaml", ".yml")) or path.is_file():
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"the mapping file cannot be read ({exc.strerror}).", file=str(path)) from exc
        except UnicodeDecodeError as exc:
            raise ConfigError("the mapping file is not UTF-8 text.", file=str(path)) from exc
        return parse(content, str(path), str(path))
    return load_builtin(ref)


def parse(content: str, file: str, source: str) -> Mapping:
    """Validate YAML text as a mapping; errors name ``file`` and the line."""
    data = yamlfile.load(content, file)
    if not isinstance(data, dict):
        raise ConfigError(
            "a mapping file must be a YAML mapping with 'name' and 'sheets' (or 'fields').", file=file
        )
    # top-level keys starting with "_" hold YAML anchors (shared column lists) only
    data = {k: v for k, v in data.items() if not str(k).startswith("_")}
    data.setdefault("source", source)
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        # an unknown key first: a misspelt 'fields' also leaves 'sheets' missing
        first = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        loc = tuple(first["loc"])
        if "sheets" not in data and loc[:2] == ("sheets", 0):
            loc = loc[2:]  # a one-table mapping gives the sheet's keys at the top level
        where = ".".join(str(p) for p in loc) or "(top level)"
        message, line_loc = _message(first, loc, data)
        raise ConfigError(
            f"{where}: {message}.",
            file=file,
            # the node tree gives the line; built only when there is an error to place
            line=yamlfile.line_at(yamlfile.compose(content), line_loc),
            hint="See docs/ingest.md, 'Mapping files'.",
        ) from exc


def _message(error: Any, loc: tuple[Any, ...], data: dict[Any, Any]) -> tuple[str, tuple[Any, ...]]:
    """The sentence for one validation error, and the location of the line to show."""
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key (check its spelling and indentation)"
        if len(loc) == 1 and loc[0] in SheetMapping.model_fields:
            message = "a key of a sheet: give it under each entry of 'sheets'"
    elif error["type"] == "missing" and loc == ("sheets",):
        message = "give 'fields' (for a one-table file) or 'sheets' (for a workbook)"
    elif error["type"] == "missing" and loc[-1:] == ("fields",):
        sheet = data if loc == ("fields",) else None
        given = _sheet_keys(sheet) if sheet is not None else []
        message = (
            "missing; give the source columns for each canonical field, "
            "e.g. fields: {agency_person_id: [Person ID], event_type: [Event]}"
        )
        if "required" in (given or _at(data, loc[:-1])):
            message += "; 'required' only says which of those fields must have a value"
        if given:  # a one-table mapping: show the first of its sheet's keys
            return message, (given[0],)
        return message, loc[:-1]
    # the key an error message quotes, when the node there holds it, is the line to show
    named = re.search(r"'([^']+)'", message)
    return message, ((*loc, named.group(1)) if named else loc)


def _at(data: Any, loc: tuple[Any, ...]) -> Any:
    """The value at ``loc`` in the raw mapping data, or an empty dict when there is none."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return {}
    return data

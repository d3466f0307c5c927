"""Mapping files: every mistake in one is a mapping error naming the file and line, never a crash."""

from __future__ import annotations

import pytest

from jtai.errors import ConfigError
from jtai.ingest import load_mapping


@pytest.mark.parametrize(
    ("fmt", "reason"),
    [
        ("%Y %Y-%m-%d", "the code '%Y' is given twice"),
        ("%d %B %Y %B", "the code '%B' is given twice"),
        ("%", "stray % in format '%'"),
        ("%U %Y %m %d", "Cannot use '%W' or '%U' without day and year"),
        ("%d.%m.%Y %z", "time data '23.11.2018 ' does not match format '%d.%m.%Y %z'"),
    ],
)
def test_any_date_format_that_fails_is_a_mapping_error(tmp_path, fmt, reason) -> None:
    """Every way a date format can fail, Python's or pandas', is a ConfigError naming it, not a crash."""
    path = tmp_path / "m.yaml"
    path.write_text(
        f"name: m\nfields: {{agency_person_id: ID, event_type: T}}\ndate_formats: ['{fmt}']\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_mapping(str(path))
    assert str(caught.value) == (
        f"{path}, line 3: date_formats.0: the date format {fmt!r} cannot be read ({reason}); "
        "use strftime codes such as '%d.%m.%Y'. See docs/ingest.md, 'Mapping files'."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: m\nrequired: [agency_person_id]\n",
            "line 2: fields: missing; give the source columns for each canonical field, e.g. fields: "
            "{agency_person_id: [Person ID], event_type: [Event]}; 'required' only says which of those "
            "fields must have a value.",
        ),
        (
            "name: m\nsheets:\n  - sheet: A\n    event_type: arrest\n    required: [agency_person_id]\n",
            "line 3: sheets.0.fields: missing; give the source columns for each canonical field, "
            "e.g. fields: {agency_person_id: [Person ID], event_type: [Event]}; "
            "'required' only says which of those fields must have a value.",
        ),
        (
            "name: m\nrequired: [agency_person_id]\n"
            "sheets:\n  - {event_type: arrest, fields: {agency_person_id: ID}}\n",
            "line 2: required: a key of a sheet: give it under each entry of 'sheets'.",
        ),
    ],
)
def test_mapping_without_fields_says_fields_are_needed(tmp_path, text, message) -> None:
    """'required' is a known key: without 'fields' the error says 'fields' is missing, not 'unknown key'."""
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_mapping(str(path))
    assert str(caught.value) == f"{path}, {message} See docs/ingest.md, 'Mapping files'."

"""The shared reading of YAML files: parsing, lines of pydantic locations, error wording."""

from __future__ import annotations

import datetime as dt

import pytest

from jtai import yamlfile
from jtai.errors import ConfigError

SOURCE = """\
name: demo
sheets:
  - fields:
      sex: [Gender]
    recode:
      1: male
  - title: second
"""


def test_parse_gives_data_and_root() -> None:
    """The data and the root node come back; an empty document has neither."""
    data, root = yamlfile.parse(SOURCE, "m.yaml")
    assert data["sheets"][1] == {"title": "second"}
    assert root is not None and root.start_mark.line == 0
    assert yamlfile.parse("# only a comment\n", "m.yaml") == (None, None)


def test_invalid_yaml_names_file_line_and_problem() -> None:
    """Bad YAML is a ConfigError with the file, the line and, by default, the parser's reason."""
    with pytest.raises(ConfigError) as info:
        yamlfile.parse("a: [1, 2\nb: 3\n", "m.yaml")
    assert str(info.value).startswith("m.yaml, line 2: is not valid YAML (expected ',' or ']'")
    with pytest.raises(ConfigError, match=r"^m.yaml, line 2: is not valid YAML\.$"):
        yamlfile.parse("a: [1, 2\nb: 3\n", "m.yaml", detail=False)
    with pytest.raises(ConfigError, match=r"^m.yaml, line 2: is not valid YAML \(.*expected ',' or ']'\)\.$"):
        yamlfile.load("a: [1, 2\nb: 3\n", "m.yaml")


def test_line_at_follows_keys_and_items() -> None:
    """A location maps to the line of its key or list item, else of its deepest parent."""
    root = yamlfile.compose(SOURCE)
    assert yamlfile.line_at(root, ()) == 1
    assert yamlfile.line_at(root, ("sheets", 0, "fields", "sex")) == 4
    assert yamlfile.line_at(root, ("sheets", 0, "recode", 1)) == 6
    assert yamlfile.line_at(root, ("sheets", 1)) == 7
    assert yamlfile.line_at(root, ("sheets", 1, "title", "[key]")) == 7
    assert yamlfile.line_at(root, ("sheets", 5, "fields")) == 2
    assert yamlfile.line_at(root, ("nowhere",)) == 1
    assert yamlfile.line_at(None, ("sheets",)) is None


def test_line_at_takes_the_last_copy_of_a_key() -> None:
    """A key given twice maps to its last copy, the one the data holds."""
    root = yamlfile.compose("a: 1\nb: 2\na: 3\n")
    assert yamlfile.line_at(root, ("a",)) == 3


def test_describe_and_explain() -> None:
    """Locations read as dotted paths with indexes; missing and unknown settings read plainly."""
    assert yamlfile.describe(("sections", 0, "criteria", 2, "agencies")) == "sections[0].criteria[2].agencies"
    assert yamlfile.describe(()) == "file"
    assert yamlfile.explain({"type": "missing", "msg": "Field required"}) == "this setting is missing."
    assert yamlfile.explain({"type": "extra_forbidden", "msg": "x"}).startswith("unknown setting (")
    assert yamlfile.explain({"type": "int_parsing", "msg": "Input should be a valid integer"}) == (
        "input should be a valid integer."
    )


def test_control_character_is_a_config_error() -> None:
    """A control character pasted into YAML is one clear error, not a parser traceback."""
    import pytest

    from jtai import yamlfile
    from jtai.errors import ConfigError

    with pytest.raises(ConfigError, match=r"f.yaml.*is not valid YAML"):
        yamlfile.parse("a: \x07b\n", "f.yaml")
    with pytest.raises(ConfigError, match=r"f.yaml.*is not valid YAML"):
        yamlfile.load("a: \x07b\n", "f.yaml")


@pytest.mark.parametrize("read", [yamlfile.load, lambda s, f: yamlfile.parse(s, f)[0]], ids=["load", "parse"])
def test_a_duplicate_key_is_refused_with_its_lines(read) -> None:  # type: ignore[no-untyped-def]
    """A key given twice, at any depth, is a ConfigError naming both lines; merged keys may be overridden."""
    with pytest.raises(ConfigError) as info:
        read("a: 1\nb:\n  - c: 1\n    d: 2\n    c: 3\n", "f.yaml")
    assert str(info.value) == (
        "f.yaml, line 5: the key 'c' is given twice (on lines 3 and 5). "
        "Remove one, or merge them: only one would be read."
    )
    with pytest.raises(ConfigError, match=r"^f.yaml, line 1: the key 'k' is given twice \(on line 1\)"):
        read("{k: 1, k: 2}\n", "f.yaml")
    merged = "_base: &base {p: 1, q: 2}\nm:\n  <<: *base\n  p: 3\nn: *base\n"
    assert read(merged, "f.yaml") == {"_base": {"p": 1, "q": 2}, "m": {"p": 3, "q": 2}, "n": {"p": 1, "q": 2}}
    assert read('1: a\n"1": b\n', "f.yaml") == {1: "a", "1": "b"}


@pytest.mark.parametrize("read", [yamlfile.load, lambda text, file: yamlfile.parse(text, file)[0]])
def test_a_date_that_does_not_exist_is_a_config_error(read) -> None:  # type: ignore[no-untyped-def]
    """YAML reads 2018-02-30 as a date Python cannot hold: one error with its line, no crash."""
    text = "a: &x {when: 2018-02-28}\nb: [*x, *x]\nsheets:\n  - when: 2018-02-30\n"
    with pytest.raises(ConfigError) as caught:
        read(text, "m.yaml")
    assert caught.value.line == 4
    assert "sheets.0.when is 2018-02-30, a date that does not exist: February 2018 has 28 days." in str(
        caught.value
    )
    assert read("when: 2018-02-28\n", "m.yaml") == {"when": dt.date(2018, 2, 28)}

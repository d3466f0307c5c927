"""Frameworks as data: the built-in files, the schema and errors with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jtai.canonical import AGENCIES, EVENT_TYPES, RISK_FLAGS
from jtai.errors import ConfigError, ExitCode, NotFoundError
from jtai.frameworks import builtin_ids, list_frameworks, load_framework, parse_framework

SOURCE = (Path(__file__).resolve().parents[1] / "jtai" / "frameworks" / "exploitation-2018.yaml").read_text()


def _line_of(text: str, snippet: str) -> int:
    return text[: text.index(snippet)].count("\n") + 1


def test_exploitation_2018_shape() -> None:
    """The 2018 theme has the agreed attribute-style shape and content."""
    fw = load_framework("exploitation-2018")
    assert [s.id for s in fw.sections] == ["front_door", "deep_dive", "leadership"]
    assert [i.id for i in fw.inspectorates] == ["ofsted", "cqc", "hmicfrs", "hmip"]
    assert fw.inspectorates[3].name == "HM Inspectorate of Probation"
    assert fw.agencies == ["csc", "police", "health", "probation", "yos", "education"]
    assert fw.scale.grades[0].id == "outstanding"
    assert fw.sampling.tracked.n == 6
    assert fw.sampling.tracked.risk_types["missing"] == ["missing"]
    assert fw.sampling.tracked.age_bands[0] == (0, 9)
    assert fw.sampling.front_door.event_types == ["contact", "referral"]
    assert fw.cohort.window_months == 6
    assert fw.letter.statement_of_action_working_days == 70
    assert "LSCB" in fw.sections[2].title
    assert "paraphrase" in fw.note


def test_every_builtin_is_valid_and_speaks_the_vocabulary() -> None:
    """Each built-in file validates, says it paraphrases, and uses known agencies, events and flags."""
    ids = builtin_ids()
    assert len(ids) >= 7
    assert {"exploitation-2018", "front-door-2022"} <= set(ids)
    for fw in list_frameworks():
        assert fw.id in ids, fw.id  # the file is named after its id
        assert "paraphrase" in fw.note, fw.id
        assert set(fw.agencies) <= set(AGENCIES)
        assert set(fw.cohort.event_types) <= set(EVENT_TYPES)
        assert set(fw.cohort.flags) <= set(RISK_FLAGS)
        assert fw.cohort.event_types or fw.cohort.flags, fw.id
        for flags in fw.sampling.tracked.risk_types.values():
            assert set(flags) <= set(RISK_FLAGS)
        assert len(list(fw.criteria())) >= 8, fw.id


def test_user_file_works_like_an_id(tmp_path: Path) -> None:
    """A user's own YAML file loads wherever a built-in id does."""
    own = tmp_path / "own.yaml"
    own.write_text(SOURCE.replace("id: exploitation-2018", "id: our-own"))
    assert load_framework(str(own)).id == "our-own"
    assert load_framework("own.yaml", base=tmp_path).id == "our-own"


@pytest.mark.parametrize(
    ("old", "new", "line_snippet", "message"),
    [
        ("  window_months: 6", "  window_months: six", "  window_months: six", "cohort.window_months: input"),
        ("    reserves: 2\n", "", "  tracked:", "sampling.tracked.reserves: this setting is missing."),
        (
            "agencies: [yos, probation, police]",
            "agencies: [yos, probation, constabulary]",
            "agencies: [yos, probation, constabulary]",
            "sections[1].criteria[6].agencies[2]: agency 'constabulary' is not in the framework's agencies.",
        ),
        (
            "  flags: [cse,",
            "  flags: [cse_risk,",
            "  flags: [cse_risk,",
            "cohort.flags[0]: unknown risk flag",
        ),
        (
            "      - id: DD2\n",
            "      - id: DD1\n",
            "      - id: DD1\n        text: >-\n          Missing",
            "sections[1].criteria[1].id: criterion 'DD1' appears twice.",
        ),
        ("year: 2018", "year: 2018\ncolour: blue", "colour: blue", "colour: unknown setting"),
    ],
)
def test_schema_errors_name_file_and_line(old: str, new: str, line_snippet: str, message: str) -> None:
    """A schema error names the file, the line and the setting."""
    text = SOURCE.replace(old, new, 1)
    assert text != SOURCE
    with pytest.raises(ConfigError) as info:
        parse_framework(text, "own.yaml")
    assert str(info.value).startswith(f"own.yaml, line {_line_of(text, line_snippet)}: ")
    assert message in str(info.value)


def test_bad_yaml_names_line() -> None:
    """Broken YAML syntax gives the line."""
    with pytest.raises(ConfigError, match=r"^own.yaml, line 2: is not valid YAML"):
        parse_framework("id: x\ntitle: a: b\n", "own.yaml")


def test_unknown_framework() -> None:
    """An unknown id that is not a file lists the built-in ids."""
    with pytest.raises(NotFoundError, match="exploitation-2018"):
        load_framework("no-such-theme")


def test_cli_list_and_show(run, tmp_path: Path) -> None:
    """`jtai framework list` and `show` print the frameworks; show validates a user's file."""
    listed = run("framework", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert "exploitation-2018" in [f["id"] for f in json.loads(listed.stdout)]
    shown = run("framework", "show", "exploitation-2018", "--json")
    assert json.loads(shown.stdout)["sections"][0]["criteria"][0]["id"] == "FD1"
    text = run("framework", "show", "front-door-2022")
    assert text.exit_code == 0 and "Statement of action: 70 working days" in text.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(SOURCE.replace("  window_months: 6", "  window_months: -1"))
    result = run("framework", "show", str(bad))
    assert result.exit_code == ExitCode.CONFIG
    assert f"bad.yaml, line {_line_of(SOURCE, '  window_months')}: cohort.window_months" in result.stderr

"""inspection.yaml checked setting by setting: every error names the file and the line."""

from __future__ import annotations

import datetime as dt

import pytest

from jtai import workspace
from jtai.errors import ConfigError, ExitCode


def _edit(ws: workspace.Workspace, old: str, new: str) -> None:
    text = ws.config_path.read_text(encoding="utf-8")
    assert old in text
    ws.config_path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(ws: workspace.Workspace, start: str) -> int:
    lines = ws.config_path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(start))


FW = "exploitation-2018"
SIGNER = "signatories:\n  - inspectorate: Fire Service\n    name: A. Person"
INSPECTOR = "team:\n  - name: A. Inspector\n    inspectorate: nobody"


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ("team: []", "team: 5", "team:", "team is 5; it must be a list of entries, each with name."),
        ("addressees:\n", "addressees: 5\nold:\n", "old:", "'old' is not a setting."),
        ("fieldwork_end: 2018-03-23", "fieldwork_end: 2018-03-01", "fieldwork_end:",
         "fieldwork_end (2018-03-01) is before fieldwork_start (2018-03-19)."),
        ("agencies: [csc, police", "agencies: [fire, police", "agencies:",
         "agencies[0] is 'fire', not an agency jtai knows."),
        ('area: "Seaborough"', 'area: ""', "area:", "area is empty."),
        ('area: "Seaborough"', "area: [Seaborough]", "area:", "area is ['Seaborough']; it must be text."),
        ("signatories: []", SIGNER, "  - inspectorate",
         f"signatories[0].inspectorate is 'Fire Service', not an inspectorate of the framework {FW}."),
        ("signatories: []", "signatories:\n  - name: A. Person", "  - name",
         "signatories[0]: inspectorate is missing."),
        ("team: []", INSPECTOR, "    inspectorate",
         f"team[0].inspectorate is 'nobody', not an inspectorate of the framework {FW}."),
        ("  - role: Chief Executive\n", "  - role: 5\n", "  - role: 5",
         "addressees[1].role is 5; it must be text."),
        ("lower: 0.50", "lower: 0.99", "  lower:", "linkage.lower (0.99) is above linkage.upper (0.95)."),
        ("fieldwork_start: 2018-03-19", "fieldwork_start: 2018-02-30", "fieldwork_start:",
         "fieldwork_start is 2018-02-30, a date that does not exist: February 2018 has 28 days."),
        ("fieldwork_start: 2018-03-19", 'fieldwork_start: "2018-02-29"', "fieldwork_start:",
         "fieldwork_start is 2018-02-29, a date that does not exist: February 2018 has 28 days."),
        ("publication_date:\n", "publication_date: 2018-13-01\n", "publication_date:",
         "publication_date is 2018-13-01, a date that does not exist: months run from 01 to 12, not 13."),
        ("notification_date:\n", "notification_date: 2018-03-20\n", "notification_date:",
         "notification_date (2018-03-20) is after fieldwork_start (2018-03-19)."),
    ],
)  # fmt: skip
def test_a_wrong_setting_names_file_and_line(
    ws: workspace.Workspace, run, old: str, new: str, at: str, message: str
) -> None:
    """Each wrong setting is a configuration error (exit 6) on its own line, not a crash later."""
    _edit(ws, old, new)
    with pytest.raises(ConfigError) as caught:
        workspace.read_config(ws.config_path)
    assert caught.value.message == f"{ws.config_path}, line {_line(ws, at)}: {message}"
    result = run("-w", str(ws.root), "link")
    assert result.exit_code == ExitCode.CONFIG
    assert result.stderr.splitlines()[-1].startswith(
        f"Error: {ws.config_path}, line {_line(ws, at)}: {message}"
    )


def test_good_settings_are_read_as_written(ws: workspace.Workspace) -> None:
    """Signatories and team are matched to the framework by name or id, in any case, and kept."""
    _edit(
        ws,
        "signatories: []",
        "signatories:\n  - inspectorate: ofsted\n    name: A. Person\n    title: Regional Director\n"
        "  - inspectorate: Care Quality Commission\n    name: B. Person",
    )
    _edit(ws, "team: []", "team:\n  - name: A. Inspector\n    inspectorate: local\n  - name: B. Inspector")
    config = workspace.read_config(ws.config_path)
    assert config["signatories"][1] == {"inspectorate": "Care Quality Commission", "name": "B. Person",
                                        "title": None}  # fmt: skip
    assert config["team"][1] == {"name": "B. Inspector", "inspectorate": None}
    assert config["fieldwork_end"] == dt.date(2018, 3, 23)


def test_a_second_signatory_for_one_inspectorate_is_refused(ws: workspace.Workspace) -> None:
    """Two signatories for the same inspectorate (by name and by id) cannot both sign."""
    _edit(ws, "signatories: []", "signatories:\n  - inspectorate: Ofsted\n  - inspectorate: OFSTED")
    with pytest.raises(ConfigError) as caught:
        workspace.read_config(ws.config_path)
    assert caught.value.message.endswith(
        f"line {_line(ws, '  - inspectorate: OFSTED')}: signatories[1] is a second signatory for Ofsted "
        "(signatories[0] is the first)."
    )


def test_an_unreadable_framework_leaves_the_signatories_to_the_framework_error(
    ws: workspace.Workspace,
) -> None:
    """With a framework that cannot be read, the settings still read; the framework's error comes later."""
    (ws.root / "mine.yaml").write_text("sections: [", encoding="utf-8")
    _edit(ws, 'framework: "exploitation-2018"', "framework: mine.yaml")
    _edit(ws, "signatories: []", "signatories:\n  - inspectorate: Anyone")
    assert workspace.read_config(ws.config_path)["framework"] == "mine.yaml"


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ('framework: "exploitation-2018"', "framework: nope", "framework:",
         "framework is 'nope', neither a built-in framework nor a file. Use one of: "),
        ("agencies: [csc, police, health, probation, yos, education]", "agencies: csc", "agencies:",
         'agencies is \'csc\'; it must be a list, e.g. ["csc", "police"]. Write the agencies in brackets'),
        ('area: "Seaborough"', "area:", "area:", "area is empty. Write its value after the colon."),
        ('area: "Seaborough"', "area: 2018-01-01", "area:", "area is 2018-01-01; it must be text. Put it"),
        ('area: "Seaborough"', "area: yes", "area:", "area is yes; it must be text. Put it in quotes."),
    ],
)  # fmt: skip
def test_a_setting_is_named_as_written_at_its_line(
    ws: workspace.Workspace, run, old: str, new: str, at: str, message: str
) -> None:
    """An unknown framework, a lone agency, an empty or non-text area: exit 6 at the setting's line."""
    _edit(ws, old, new)
    result = run("-w", str(ws.root), "link")
    assert result.exit_code == ExitCode.CONFIG, result.output
    assert " ".join(result.stderr.split()).startswith(
        f"Error: {ws.config_path}, line {_line(ws, at)}: {message}"
    )

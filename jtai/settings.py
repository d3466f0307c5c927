"""The settings in ``inspection.yaml``, read and checked: every error names the file and line.

The file is parsed with the fast loader; only when a setting is wrong is it composed again
into nodes, to find the line the setting is on. Signatories and team members are checked
against the inspectorates of the workspace's framework; a framework that cannot be read is
reported by the commands that use it, not here; one that is neither a built-in id nor a
file is reported here, with its line.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from jtai import yamlfile
from jtai.audit_keys import check_setting
from jtai.canonical import AGENCIES, LOCAL
from jtai.errors import ConfigError, JtaiError, UsageError, WorkspaceError

if TYPE_CHECKING:
    import yaml

    from jtai.frameworks import Framework

DATES = ("notification_date", "fieldwork_start", "fieldwork_end", "publication_date", "letter_date")
LINK_ENGINES = ("duckdb", "spark")
KNOWN = ("area", "framework", *DATES, "agencies", "addressees", "signatories", "team", "linkage", "audit_key")

# The settings each list item may hold, the first of them required.
_ITEMS = {
    "addressees": ("role", "name"),
    "signatories": ("inspectorate", "name", "title"),
    "team": ("name", "inspectorate"),
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD.

    Raises:
        ValueError: the text is not in that form (``is not a date in the form YYYY-MM-DD``),
            or names a day that does not exist (``does not exist: February 2018 has 28 days``).
    """
    found = _ISO_DATE.fullmatch(text.strip())
    if found is None:
        raise ValueError("is not a date in the form YYYY-MM-DD")
    year, month, day = (int(part) for part in found.groups())
    why = yamlfile.missing_day(year, month, day)
    if why:
        raise ValueError(f"does not exist: {why}")
    return dt.date(year, month, day)


def cli_date(option: str, text: str | None) -> dt.date | None:
    """The date an option such as ``--fieldwork-start`` gives, None when it is not given.

    Raises:
        UsageError: the text is not YYYY-MM-DD, or the day does not exist.
    """
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise UsageError(
            f"{option} {text} {exc}.", hint="Give a day of the calendar as YYYY-MM-DD, e.g. 2018-03-19."
        ) from None


def read_settings(path: Path) -> dict[str, Any]:
    """Read and check ``inspection.yaml``; dates become :class:`datetime.date`.

    Raises:
        WorkspaceError: the file cannot be read.
        ConfigError: bad YAML, an unknown setting, or a setting of the wrong type or value,
            with the file and line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError("is not UTF-8 text.", file=str(path)) from exc
    except OSError as exc:
        raise WorkspaceError(f"{path}: cannot be read ({exc.strerror}).") from exc
    check = _Check(path, text)
    data = yamlfile.load(text, str(path))
    check.check(data)
    assert isinstance(data, dict)
    return data


class _Check:
    """Checks one file's data, finding lines only when something is wrong."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self._root: yaml.Node | None = None

    def fail(self, loc: tuple[Any, ...], message: str, hint: str | None = None) -> NoReturn:
        if self._root is None:
            self._root = yamlfile.compose(self.text)
        line = yamlfile.line_at(self._root, loc) if loc else 1
        raise ConfigError(message, file=str(self.path), line=line, hint=hint)

    def check(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.fail((), "must be a mapping of settings (`area: ...`, `framework: ...`).")
        for key in data:
            if key not in KNOWN:
                self.fail((key,), f"{key!r} is not a setting.", hint=f"Settings: {', '.join(KNOWN)}.")
        for key in ("area", "framework"):
            if key not in data:
                self.fail((), f"the setting {key!r} is missing.", hint=f"Add a line `{key}: ...`.")
            data[key] = self.text_of((key,), data[key], key, required=True)
        self.framework(str(data["framework"]))
        self.dates(data)
        self.agencies(data.get("agencies"))
        for key in _ITEMS:
            data[key] = self.items(key, data.get(key))
        self.inspectorates(data)
        self.linkage(data.get("linkage"))
        self.audit_key(data)

    def text_of(self, loc: tuple[Any, ...], value: Any, name: str, *, required: bool = False) -> str | None:
        if value is None and not required:
            return None
        if value is None or (isinstance(value, str) and required and not value.strip()):
            self.fail(loc, f"{name} is empty.", hint="Write its value after the colon.")
        if not isinstance(value, str):
            self.fail(
                loc, f"{name} is {self.written(loc, value)}; it must be text.", hint="Put it in quotes."
            )
        return value.strip()

    def written(self, loc: tuple[Any, ...], value: Any) -> str:
        """A scalar value as the file writes it (``2018-01-01``, ``yes``), else its repr."""
        import yaml

        if self._root is None:
            self._root = yamlfile.compose(self.text)
        node = self._root
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in reversed(node.value) if k.value == str(part)), None)
            elif isinstance(node, yaml.SequenceNode) and part in range(len(node.value)):
                node = node.value[part]
            else:
                node = None
            if node is None:
                return repr(value)
        return str(node.value) if isinstance(node, yaml.ScalarNode) else repr(value)

    def framework(self, ref: str) -> None:
        """A built-in framework id, or a framework file that exists (read later, by its users)."""
        from jtai.frameworks.loader import builtin_ids

        ids = builtin_ids()
        path = Path(ref).expanduser()
        if ref in ids or (path if path.is_absolute() else self.path.parent / path).is_file():
            return
        self.fail(
            ("framework",),
            f"framework is {ref!r}, neither a built-in framework nor a file.",
            hint=f"Use one of: {', '.join(ids)} (see `jtai framework list`), or the path of a framework "
            "file (a relative path is read from the workspace folder).",
        )

    def dates(self, data: dict[str, Any]) -> None:
        for key in DATES:
            value = data.get(key)
            if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
                continue
            if isinstance(value, dt.datetime):
                data[key] = value.date()
                continue
            try:
                data[key] = parse_date(str(value))
            except ValueError as exc:
                if str(exc).startswith("does not exist"):
                    self.fail(
                        (key,), f"{key} is {value}, a date that {exc}.", hint="Write a day of the calendar."
                    )
                self.fail((key,), f"{key} is {value!r}, not a date.", hint="Write it as YYYY-MM-DD.")
        start, end = data.get("fieldwork_start"), data.get("fieldwork_end")
        if start is not None and end is not None and end < start:
            self.fail(
                ("fieldwork_end",),
                f"fieldwork_end ({end}) is before fieldwork_start ({start}).",
                hint="Fieldwork ends on or after the day it starts.",
            )
        notified = data.get("notification_date")
        if notified is not None and start is not None and start < notified:
            self.fail(
                ("notification_date",),
                f"notification_date ({notified}) is after fieldwork_start ({start}).",
                hint="The area is notified before fieldwork starts; fix one of the two dates.",
            )

    def agencies(self, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.fail(
                ("agencies",),
                f"agencies is {value!r}; it must be a list, e.g. " + '["csc", "police"].',
                hint="Write the agencies in brackets, or one per line as `  - csc`.",
            )
        for n, agency in enumerate(value):
            if agency not in AGENCIES:
                self.fail(
                    ("agencies", n),
                    f"agencies[{n}] is {agency!r}, not an agency jtai knows.",
                    hint=f"Use some of: {', '.join(AGENCIES)}.",
                )

    def items(self, key: str, value: Any) -> list[dict[str, Any]]:
        fields = _ITEMS[key]
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail((key,), f"{key} is {value!r}; it must be a list of entries, each with {fields[0]}.")
        for n, item in enumerate(value):
            where = f"{key}[{n}]"
            if not isinstance(item, dict):
                self.fail(
                    (key, n), f"{where} is {item!r}; it must be a mapping ({': ..., '.join(fields)}: ...)."
                )
            for name in item:
                if name not in fields:
                    self.fail(
                        (key, n, name),
                        f"{where}: {name!r} is not a setting.",
                        hint=f"Use {', '.join(fields)}.",
                    )
            if item.get(fields[0]) is None:
                self.fail((key, n), f"{where}: {fields[0]} is missing.")
            for name in fields:
                item[name] = self.text_of(
                    (key, n, name), item.get(name), f"{where}.{name}", required=name == fields[0]
                )
        return value

    def inspectorates(self, data: dict[str, Any]) -> None:
        """Each signatory and team member belongs to an inspectorate of the framework."""
        wanted = [("signatories", n, s) for n, s in enumerate(data["signatories"])]
        wanted += [("team", n, m) for n, m in enumerate(data["team"]) if m.get("inspectorate")]
        if not wanted:
            return
        fw = _framework(str(data["framework"]), self.path.parent)
        if fw is None:
            return
        choices = ", ".join(i.name for i in fw.inspectorates)
        signed: dict[str, int] = {}
        for key, n, item in wanted:
            name = str(item["inspectorate"])
            found = fw.inspectorate(name)
            if found is None and not (key == "team" and name.lower() == LOCAL):
                self.fail(
                    (key, n, "inspectorate"),
                    f"{key}[{n}].inspectorate is {name!r}, not an inspectorate of the framework {fw.id}.",
                    hint=f"Use one of: {choices}" + (f", or {LOCAL}." if key == "team" else "."),
                )
            if key == "signatories" and found is not None:
                if found.id in signed:
                    self.fail(
                        (key, n, "inspectorate"),
                        f"signatories[{n}] is a second signatory for {found.name} "
                        f"(signatories[{signed[found.id]}] is the first).",
                        hint="Give one signatory per inspectorate.",
                    )
                signed[found.id] = n

    def audit_key(self, data: dict[str, Any]) -> None:
        """``audit_key``: ``env:NAME`` or a key file outside the workspace (read when used)."""
        value = self.text_of(("audit_key",), data.get("audit_key"), "audit_key")
        if value:
            problem = check_setting(value, self.path.parent)
            if problem:
                self.fail(
                    ("audit_key",), problem, hint="Write env:NAME or the path of a key file outside it."
                )
        data["audit_key"] = value or None

    def linkage(self, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            self.fail(("linkage",), "linkage must be a mapping with upper and lower.")
        for name in value:
            if name == "engine":
                if value[name] not in (None, *LINK_ENGINES):
                    self.fail(
                        ("linkage", name),
                        f"linkage.engine is {value[name]!r}; it must be one of {', '.join(LINK_ENGINES)}.",
                    )
                continue
            if name == "spark":
                self.spark(value[name])
                continue
            if name not in ("upper", "lower"):
                self.fail(
                    ("linkage", name),
                    f"linkage: {name!r} is not a setting.",
                    hint="Use upper, lower, engine and spark.",
                )
            number = value[name]
            if number is None:
                continue
            if isinstance(number, bool) or not isinstance(number, int | float) or not 0 <= number <= 1:
                self.fail(
                    ("linkage", name),
                    f"linkage.{name} is {number!r}; it must be a match probability from 0 to 1.",
                )
        upper, lower = value.get("upper"), value.get("lower")
        if upper is not None and lower is not None and lower > upper:
            self.fail(
                ("linkage", "lower"),
                f"linkage.lower ({lower}) is above linkage.upper ({upper}).",
                hint="Set lower to at most upper.",
            )

    def spark(self, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            self.fail(("linkage", "spark"), "linkage.spark must be a mapping with master and config.")
        for name, setting in value.items():
            if name == "master" and not isinstance(setting, str):
                self.fail(("linkage", "spark", name), "linkage.spark.master must be text, e.g. local[2].")
            elif name == "config" and not isinstance(setting, dict):
                self.fail(
                    ("linkage", "spark", name),
                    "linkage.spark.config must be a mapping of Spark settings, e.g. spark.driver.memory: 4g.",
                )
            elif name not in ("master", "config"):
                self.fail(
                    ("linkage", "spark", name),
                    f"linkage.spark: {name!r} is not a setting.",
                    hint="Use master and config.",
                )


def _framework(ref: str, base: Path) -> Framework | None:
    from jtai.frameworks import load_framework

    try:
        return load_framework(ref, base=base)
    except JtaiError:
        return None

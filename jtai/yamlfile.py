"""YAML files checked by pydantic, with errors that name the file and the line.

The YAML is parsed with the safe loader and its node tree kept, so the location of a
pydantic error (``("sections", 0, "criteria")``) maps back to the line it came from.
A mapping that gives the same key twice is refused with both lines: YAML itself would
keep the last copy without a word. A date that does not exist (``2018-02-30``) is refused
with its setting, its line and why.
pyyaml is imported inside the functions: importing this module stays cheap.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from jtai.errors import ConfigError

if TYPE_CHECKING:
    import yaml

_YAML_DATE = re.compile(r"(\d{4})-(\d\d?)-(\d\d?)")  # how YAML writes a date (and a time's date)


def parse(source: str, file: str, *, detail: bool = True) -> tuple[Any, yaml.Node | None]:
    """The data of a YAML document and its root node (``None`` for an empty document).

    Args:
        source: the YAML text.
        file: the name errors give for it.
        detail: say what the YAML parser found wrong, in brackets.

    Raises:
        ConfigError: the text is not valid YAML (with the line, when the parser knows it).
    """
    import yaml

    try:
        # the loader checks the characters as it is created: a control character fails here
        loader = yaml.SafeLoader(source)
    except yaml.YAMLError as exc:
        raise _invalid(exc, file, detail) from None
    try:
        root = loader.get_single_node()
        _refuse_duplicate_keys(root, file)
        data = _construct(loader, root, file)
    except yaml.YAMLError as exc:
        raise _invalid(exc, file, detail) from None
    finally:
        loader.dispose()
    return data, root


def load(source: str, file: str) -> Any:
    """The data of a YAML document, read by the faster C loader when there is one.

    Raises:
        ConfigError: the text is not valid YAML (with the line, when the parser knows it),
            or a mapping gives the same key twice.
    """
    import yaml

    try:
        # the C loader is the same safe loader, several times faster
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(source)
    except yaml.YAMLError as exc:
        raise _invalid(exc, file, True) from None
    try:
        root = loader.get_single_node()
        _refuse_duplicate_keys(root, file)
        return _construct(loader, root, file)
    except yaml.YAMLError as exc:
        raise _invalid(exc, file, True) from None
    finally:
        loader.dispose()


def missing_day(year: int, month: int, day: int) -> str | None:
    """Why year-month-day is no day of the calendar (``February 2018 has 28 days``), or None."""
    import calendar

    if not 1 <= year <= 9999:
        return f"years run from 1 to 9999, not {year}"
    if not 1 <= month <= 12:
        return f"months run from 01 to 12, not {month:02d}"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{calendar.month_name[month]} {year} has {last} days"
    return None


def _construct(loader: Any, root: yaml.Node | None, file: str) -> Any:
    """The data of ``root``; a date YAML reads but that does not exist is a ConfigError.

    YAML reads ``2018-02-30`` as a date, and building it fails without a line: the nodes are
    then searched for it, to name its setting, its line and why the day does not exist.
    """
    import yaml

    if root is None:
        return None
    try:
        return loader.construct_document(root)
    except (ValueError, OverflowError):
        pass
    pending: list[tuple[tuple[Any, ...], yaml.Node]] = [((), root)]
    seen: set[int] = set()
    while pending:
        loc, node = pending.pop(0)
        if id(node) in seen:  # an anchor used again (or within itself) is checked once
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            pending += [((*loc, key.value), value) for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            pending += [((*loc, n), item) for n, item in enumerate(node.value)]
        elif node.tag == "tag:yaml.org,2002:timestamp":
            found = _YAML_DATE.match(str(node.value))
            why = missing_day(*(int(p) for p in found.groups())) if found else None
            if why:
                name = ".".join(str(part) for part in loc) or "the file"
                raise ConfigError(
                    f"{name} is {node.value}, a date that does not exist: {why}.",
                    file=file,
                    line=node.start_mark.line + 1,
                    hint="Write a day of the calendar as YYYY-MM-DD.",
                )
    raise ConfigError("holds a date or number that cannot be read (out of range).", file=file)


def _refuse_duplicate_keys(root: yaml.Node | None, file: str) -> None:
    """Refuse a mapping that gives a key twice: YAML readers keep the last copy without a word.

    Keys are compared as written, with their type (``1`` and ``"1"`` differ, as they do
    in the data). Keys brought in by a merge (``<<: *anchor``) may be overridden: only
    the keys written in the mapping itself count.

    Raises:
        ConfigError: the second copy's line, and the first's.
    """
    import yaml

    todo = [root] if root is not None else []
    done: set[int] = set()
    while todo:
        node = todo.pop()
        if id(node) in done:  # an anchor used more than once is checked once
            continue
        done.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: dict[tuple[str, str], int] = {}
            for key, value in node.value:
                todo.append(value)
                if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                    continue
                line, name = key.start_mark.line + 1, (key.tag, key.value)
                if name not in seen:
                    seen[name] = line
                else:
                    first = seen[name]
                    lines = f"on line {line}" if first == line else f"on lines {first} and {line}"
                    raise ConfigError(
                        f"the key {key.value!r} is given twice ({lines}).",
                        file=file,
                        line=line,
                        hint="Remove one, or merge them: only one would be read.",
                    )
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)


def compose(source: str) -> yaml.Node | None:
    """The root node of YAML text already known to be valid (``None`` when empty)."""
    import yaml

    return yaml.compose(source, Loader=yaml.SafeLoader)


def _invalid(exc: Exception, file: str, detail: bool) -> ConfigError:
    mark = getattr(exc, "problem_mark", None)
    reason = f" ({getattr(exc, 'problem', None) or exc})" if detail else ""
    return ConfigError(
        f"is not valid YAML{reason}.", file=file, line=mark.line + 1 if mark is not None else None
    )


def line_at(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the node at ``loc``, or of its deepest parent in the file.

    A mapping key is matched by its text (``1`` finds the key ``1:``) and a key given twice
    by its last copy, the one the data holds; a key's line is the line of the key itself.
    """
    import yaml

    if root is None:
        return None
    node, line = root, root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next((p for p in reversed(node.value) if p[0].value == str(part)), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def describe(loc: tuple[Any, ...]) -> str:
    """``sections[0].criteria[2].agencies`` from a location tuple (``file`` when empty)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"


def explain(error: Any) -> str:
    """One pydantic error as a sentence: missing and unknown settings in plain words."""
    kind = error["type"]
    if kind == "missing":
        return "this setting is missing."
    if kind == "extra_forbidden":
        return "unknown setting (check its spelling and indentation)."
    text = str(error["msg"])
    return text[0].lower() + text[1:] + ("" if text.endswith(".") else ".")

"""YAML files checked by pydantic, with errors that name the file and the line.

The YAML is parsed with the safe loader and its node tree kept, so the location of a
pydantic error (``("sections", 0, "criteria")``) maps back to the line it came from.
A mapping that gives the same key twice is refused with both lines: YAML itself would
keep the last copy without a word.
pyyaml is imported inside the functions: importing this module stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jtai.errors import ConfigError

if TYPE_CHECKING:
    import yaml


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


def _construct(loader: Any, root: yaml.Node | None, file: str) -> Any:
    """The data of ``root``; a value YAML reads but Python cannot hold is a ConfigError.

    YAML reads ``2018-02-30`` as a date, which does not exist: Python raises ValueError.
    """
    import yaml

    if root is None:
        return None
    try:
        return loader.construct_document(root)
    except (ValueError, OverflowError):
        pass
    todo: list[yaml.Node] = [root]
    seen: set[int] = set()
    while todo:
        node = todo.pop(0)
        if id(node) in seen:  # an anchor used again (or within itself) is checked once
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                yaml.SafeLoader("").construct_yaml_timestamp(node)
            except (ValueError, OverflowError) as exc:
                raise ConfigError(
                    f"{node.value!r} is not a date that exists ({exc}).",
                    file=file,
                    line=node.start_mark.line + 1,
                    hint="Write a real date as YYYY-MM-DD.",
                ) from None
        elif isinstance(node, yaml.MappingNode):
            todo.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
    raise ConfigError("holds a value that cannot be read (a number or date out of range).", file=file)


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

"""Read framework files: the built-in ones (package data) and users' own YAML files.

Errors name the file and the line: the YAML is composed into nodes first, so every key and
list item keeps the line it came from, and a pydantic error location maps back to it.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from jtai import yamlfile
from jtai.errors import ConfigError, NotFoundError
from jtai.frameworks.consistency import problems
from jtai.frameworks.schema import Framework

_SUFFIX = ".yaml"


def builtin_ids() -> list[str]:
    """Ids of the frameworks shipped with jtai, sorted."""
    folder = resources.files("jtai.frameworks")
    return sorted(entry.name[: -len(_SUFFIX)] for entry in folder.iterdir() if entry.name.endswith(_SUFFIX))


def list_frameworks() -> list[Framework]:
    """The built-in frameworks, sorted by year then id."""
    return sorted((load_framework(i) for i in builtin_ids()), key=lambda fw: (fw.year, fw.id))


def load_framework(ref: str | Path, *, base: Path | None = None) -> Framework:
    """A framework from a built-in id (``exploitation-2018``) or the path of a YAML file.

    Args:
        ref: built-in id or file path.
        base: folder a relative path is read from (e.g. the workspace); default the
            current folder.

    Raises:
        NotFoundError: no built-in framework has that id and no such file exists.
        ConfigError: the file is not valid (message names the file and line).
    """
    text = str(ref)
    if text in builtin_ids():
        return _load_builtin(text)
    path = Path(text).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.is_file():
        raise NotFoundError(
            f"No framework {text!r}: it is neither a built-in id nor a file.",
            hint=f"Built-in frameworks: {', '.join(builtin_ids())} (see `jtai framework list`).",
        )
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("cannot be read as UTF-8 text.", file=str(path)) from exc
    return parse_framework(source, str(path))


@functools.cache
def _load_builtin(framework_id: str) -> Framework:
    entry = resources.files("jtai.frameworks") / f"{framework_id}{_SUFFIX}"
    return parse_framework(entry.read_text(encoding="utf-8"), f"jtai/frameworks/{framework_id}{_SUFFIX}")


def parse_framework(source: str, filename: str) -> Framework:
    """Validate framework YAML text.

    Raises:
        ConfigError: the first problem, with file and line; the hint counts the others.
    """
    from pydantic import ValidationError

    data, root = yamlfile.parse(source, filename)
    if root is None:
        raise ConfigError("is empty; a framework needs id, title, sections and more.", file=filename)
    try:
        fw = Framework.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        loc = tuple(first["loc"])
        raise ConfigError(
            f"{yamlfile.describe(loc)}: {yamlfile.explain(first)}",
            file=filename,
            line=yamlfile.line_at(root, loc),
            hint=_more(len(errors)),
        ) from None
    found = problems(fw)
    if found:
        loc, message = found[0]
        raise ConfigError(
            f"{yamlfile.describe(loc)}: {message}" if loc else message,
            file=filename,
            line=yamlfile.line_at(root, loc),
            hint=_more(len(found)),
        )
    return fw


def _more(count: int) -> str:
    if count > 1:
        return f"Fix it and check again: {count - 1} more problem(s) were found in the file."
    return "Fix it and check again with `jtai framework show FILE`."

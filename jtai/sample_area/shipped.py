"""The sample data shipped with jtai: where it is, and reading its YAML files."""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

from jtai.errors import JtaiError


def sample_data_dir() -> Path:
    """The shipped sample data: installed package data, else the source tree's ``sample_data/``.

    Raises:
        JtaiError: neither place holds it (a broken installation).
    """
    packaged = Path(str(importlib.resources.files("jtai") / "_sample_data"))
    for folder in (packaged, Path(__file__).resolve().parents[2] / "sample_data"):
        if (folder / "inspection.yaml").is_file():
            return folder.resolve()
    raise JtaiError(
        "The sample data is missing from this installation of jtai.",
        hint="Reinstall jtai: pip install --force-reinstall jtai",
    )


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from the sample data.

    Raises:
        JtaiError: the file is not a mapping (a damaged installation).
    """
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise JtaiError(f"{path}: the sample data file is damaged.", hint="Reinstall jtai.")
    return data

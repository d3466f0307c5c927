"""`jtai report self-assessment --compare`: the workspace compared with must be another one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _report_helpers import make_workspace


@pytest.mark.parametrize("written", [".", "{root}", "{root}/", "{root}/../ws", "link"])
def test_cli_compare_with_itself_refused(
    run, tmp_path: Path, written: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """--compare naming the workspace itself, however written: exit 2 and nothing written."""
    ws = make_workspace(tmp_path / "ws")
    (tmp_path / "link").symlink_to(ws.root, target_is_directory=True)
    monkeypatch.chdir(tmp_path if written == "link" else ws.root)
    compare = written.format(root=ws.root)
    out = tmp_path / "sa.html"
    result = run(
        "--workspace", str(ws.root), "report", "self-assessment", "--html", str(out), "--compare", compare
    )
    assert result.exit_code == 2, result.output
    message = " ".join(result.stderr.split())
    assert f"Error: --compare names this workspace itself ({ws.root}): there is no change to show." in message
    assert not out.exists()
    assert os.listdir(ws.reports_dir) == []

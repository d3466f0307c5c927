"""The area's audit returns filled in from the demo's rows, as each agency's auditors would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jtai.files import write_private


def fill_return(form: Path, agency: str, rows: list[dict[str, Any]], refs: dict[str, str]) -> Path:
    """Fill an agency's YAML audit return from the demo's rows; the filled copy beside it.

    Args:
        form: the return as `jtai audits request` wrote it.
        agency: the agency whose auditors fill it in.
        rows: the demo's audit rows (case by sample position, criterion, agency, auditor, grade).
        refs: sample positions to this workspace's pseudonyms.
    """
    import yaml

    filled = yaml.safe_load(form.read_text(encoding="utf-8"))
    mine = [r for r in rows if r["agency"] == agency]
    for child in filled["children"]:
        given = {str(r["criterion"]): r for r in mine if refs.get(str(r["case"])) == child["case"]}
        for grade in child["grades"]:
            row = given.get(grade["criterion"])
            if row is not None:
                child["auditor"] = str(row["auditor"])
                grade["grade"], grade["note"] = str(row["grade"]), str(row.get("note", ""))
    returned = form.with_name(f"{form.stem}-returned.yaml")
    write_private(returned, yaml.safe_dump(filled, sort_keys=False, allow_unicode=True), error=None)
    return returned

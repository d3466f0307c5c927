"""The audit request as YAML, for areas that prefer text to a workbook; read back the same way.

A problem in a returned YAML file names the child (as the workbook names the sheet), the
line, and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jtai import yamlfile
from jtai.errors import ConfigError
from jtai.scoring.local_audits.forms import AuditForm
from jtai.scoring.local_audits.returned import Problem, Returned, ReturnedChild, ReturnedGrade
from jtai.scoring.local_audits.workbook import instructions


def yaml_text(form: AuditForm) -> str:
    """The request for ``form`` as commented YAML."""
    import yaml

    labels = ", ".join(label for _, label in form.grades)
    head = [*instructions(form)[:1], f"grade: one of {labels} (or its id, e.g. {form.grades[0][0]})."]
    head += instructions(form)[2:]
    data: dict[str, Any] = {
        "framework": form.framework,
        "agency": form.agency,
        "tracked_sample": form.sample_id,
        "area": form.area,
        "children": [
            {
                "case": child.case,
                "identifiers": dict(child.identifiers),
                "auditor": "",
                "grades": [
                    {"criterion": c.id, "text": c.text, "grade": "", "note": ""} for c in form.criteria
                ],
            }
            for child in form.children
        ],
    }
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return "".join(f"# {line}\n" for line in head) + body


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_yaml(path: Path) -> Returned:
    """Read a returned YAML file; problems are listed, never raised."""
    name = path.name
    try:
        data, root = yamlfile.parse(path.read_text(encoding="utf-8"), name)
    except (OSError, UnicodeDecodeError) as exc:
        return Returned(
            name, "", "", None, problems=[Problem(name, f"cannot be read ({type(exc).__name__}).")]
        )
    except ConfigError as exc:
        return Returned(name, "", "", None, problems=[Problem(name, str(exc))])
    if not isinstance(data, dict) or not isinstance(data.get("children"), list):
        return Returned(
            name,
            "",
            "",
            None,
            problems=[Problem(name, "is not an audit return: it has no list of children.")],
        )

    def line(*loc: Any) -> int | None:
        return yamlfile.line_at(root, loc)

    sample = _text(data.get("tracked_sample"))
    returned = Returned(name, _text(data.get("framework")), _text(data.get("agency")), None)
    returned.sample_id = int(sample) if sample.isdigit() else None
    returned.where_agency = (None, line("agency"), "agency")
    for n, item in enumerate(data["children"]):
        if not isinstance(item, dict):
            returned.problems.append(Problem(name, "each child must be a mapping.", row=line("children", n)))
            continue
        case = _text(item.get("case"))
        child = ReturnedChild(
            case or f"children[{n}]",
            case,
            line("children", n, "case"),
            _text(item.get("auditor")),
            line("children", n, "auditor"),
            "auditor",
        )
        grades = item.get("grades")
        if not isinstance(grades, list):
            child.header_found = False
            returned.children.append(child)
            continue
        for g, entry in enumerate(grades):
            entry = entry if isinstance(entry, dict) else {}
            child.grades.append(
                ReturnedGrade(
                    _text(entry.get("criterion")),
                    _text(entry.get("grade")),
                    _text(entry.get("note")),
                    line("children", n, "grades", g, "grade") or 0,
                    "grade",
                    "note",
                    line("children", n, "grades", g, "note"),
                )
            )
        returned.children.append(child)
    return returned

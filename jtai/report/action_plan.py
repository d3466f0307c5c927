"""The partnership's action plan: ``action-plan.yaml`` in the workspace, read by the self-assessment.

Each action names what will be done, who leads it, by when, the criteria it answers and the
measures that will show it worked: an indicator (see docs/indicators.md) and its target.

```yaml
actions:
  - action: Offer every child a return home interview within 72 hours of coming home.
    priority: high                  # high | medium | low
    lead: Head of Service, Children in Care
    by: 2018-09-30
    criteria: [DD2]
    agencies: [csc]                 # optional
    measures:
      - {indicator: rhi_72h, target: 80}   # a percentage
```
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from jtai import yamlfile
from jtai.errors import ConfigError

if TYPE_CHECKING:
    from jtai.frameworks import Framework
    from jtai.indicators import Indicators

FILE = "action-plan.yaml"
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Measure(_Model):
    """How the partnership will know an action worked: an indicator and its target (a percentage)."""

    indicator: Id
    target: float = Field(ge=0, le=100)


class Action(_Model):
    """One action of the plan."""

    action: Text
    priority: Literal["high", "medium", "low"] = "medium"
    lead: Text
    by: dt.date
    criteria: list[Id] = []
    agencies: list[Id] = []
    measures: list[Measure] = []


class ActionPlan(_Model):
    """The whole plan."""

    actions: list[Action] = []


def read_action_plan(root: Path, fw: Framework, indicator_ids: set[str]) -> ActionPlan | None:
    """The workspace's ``action-plan.yaml``, or None when there is none.

    Raises:
        ConfigError: not valid, or naming a criterion or an indicator that does not exist
            (the message names the file and the line).
    """
    from pydantic import ValidationError

    path = root / FILE
    if not path.is_file():
        return None
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("cannot be read as UTF-8 text.", file=str(path)) from exc
    data, tree = yamlfile.parse(source, str(path))
    try:
        plan = ActionPlan.model_validate(data or {})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = tuple(first["loc"])
        raise ConfigError(
            f"{yamlfile.describe(loc)}: {yamlfile.explain(first)}",
            file=str(path),
            line=yamlfile.line_at(tree, loc),
            hint="Each action needs `action`, `lead` and `by` (YYYY-MM-DD); see docs/reports.md.",
        ) from None
    for n, action in enumerate(plan.actions):
        for m, criterion in enumerate(action.criteria):
            if fw.criterion(criterion) is None:
                loc = ("actions", n, "criteria", m)
                raise ConfigError(
                    f"{yamlfile.describe(loc)}: no criterion {criterion!r} in {fw.title}.",
                    file=str(path),
                    line=yamlfile.line_at(tree, loc),
                )
        for m, measure in enumerate(action.measures):
            if measure.indicator not in indicator_ids:
                loc = ("actions", n, "measures", m, "indicator")
                raise ConfigError(
                    f"{yamlfile.describe(loc)}: no indicator {measure.indicator!r}.",
                    file=str(path),
                    line=yamlfile.line_at(tree, loc),
                    hint=f"Indicators: {', '.join(sorted(indicator_ids))}.",
                )
    return plan


def measure_text(measure: Measure, found: Indicators | None) -> str:
    """``Return home interviews within 72 hours: now 51% (22 of 43), target 80%``."""
    result = found.get(measure.indicator) if found is not None else None
    if result is None:
        return f"{measure.indicator}: target {measure.target:g}%"
    rate = result.overall
    if rate.value is None:
        now = "not available now" if not rate.available else "none in the period now"
    else:
        now = f"now {rate.value:.0%} ({rate.numerator:,} of {rate.denominator:,})"
    return f"{result.indicator.title}: {now}, target {measure.target:g}%"


def action_dict(action: Action, found: Indicators | None) -> dict[str, Any]:
    """Plain data for ``--json``: the action with each measure's indicator now and its target."""
    out = action.model_dump(mode="json")
    for item, measure in zip(out["measures"], action.measures, strict=True):
        result = found.get(measure.indicator) if found is not None else None
        item["now"] = result.overall.as_dict() if result is not None else None
    return out

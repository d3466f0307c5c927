"""Where a local area stands against each criterion, and the rule that puts it there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jtai.report import area_results
from jtai.report.pack_blocks import Part, Table

if TYPE_CHECKING:
    from jtai.frameworks import Framework


# Each position's id, given in JSON beside the words the self-assessment prints.
POSITION_IDS = {
    "Priority for action": "priority_action",
    "Area for improvement": "improvement",
    "Strength": "strength",
    "Mixed": "mixed",
    "Too few judgements": "too_few",
    "Not audited yet": "not_audited",
}


@dataclass(frozen=True)
class Standing:
    """One criterion's audited judgements: counts, the position and the rule behind it."""

    n: int
    good: int  # good or better
    poor: int  # requires improvement or worse
    inadequate: int  # the lowest grade
    position: str
    rule: str

    def share(self, count: int) -> float:
        """``count`` as a share of the judgements (0 when there are none)."""
        return count / self.n if self.n else 0.0

    def cell(self, count: int) -> str:
        """``3 of 4 (75%)``, or empty when nothing was judged."""
        return f"{count:,} of {self.n:,} ({self.share(count):.0%})" if self.n else ""

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "judgements": self.n,
            "good_or_better": self.good,
            "requires_improvement_or_worse": self.poor,
            "inadequate": self.inadequate,
            "share_good_or_better": round(self.share(self.good), 4) if self.n else None,
            "position": POSITION_IDS[self.position],
            "position_label": self.position,
            "rule": self.rule,
        }


def criterion_standing(fw: Framework, graded: list[area_results.Graded]) -> dict[str, Standing]:
    """Per criterion: the counts and a position from the framework's findings thresholds.

    "Priority for action" when the inadequate share reaches its threshold, else "Area for
    improvement" when the share requiring improvement or worse does, else "Strength" when
    the share good or better does, else "Mixed"; "Too few judgements" below ``min_cases``
    and "Not audited yet" when no audit judged the criterion. ``rule`` says which share and
    threshold decided it.
    """
    rule = fw.findings
    ranks = {g.id: g.rank for g in fw.scale.grades}
    good_rank = fw.rank("good") or sorted(ranks.values())[len(ranks) // 2]
    worst = min(ranks.values())
    result = {}
    for _, criterion in fw.criteria():
        values = [ranks[g.value] for g in graded if g.criterion == criterion.id and g.value in ranks]
        n = len(values)
        good = sum(v >= good_rank for v in values)
        poor = n - good
        bad = sum(v == worst for v in values)
        if n == 0:
            position, why = "Not audited yet", "no audit judged it"
        elif n < rule.min_cases:
            position, why = "Too few judgements", f"{n} of at least {rule.min_cases} needed"
        elif bad / n >= rule.priority_min_share_inadequate:
            position = "Priority for action"
            why = f"{bad} of {n} inadequate ({bad / n:.0%}; {rule.priority_min_share_inadequate:.0%} or more)"
        elif poor / n >= rule.improvement_min_share_poor:
            position = "Area for improvement"
            why = (
                f"{poor} of {n} require improvement or worse ({poor / n:.0%}; "
                f"{rule.improvement_min_share_poor:.0%} or more)"
            )
        elif good / n >= rule.strength_min_share_good:
            position = "Strength"
            why = f"{good} of {n} good or better ({good / n:.0%}; {rule.strength_min_share_good:.0%} or more)"
        else:
            position, why = "Mixed", "no threshold reached"
        result[criterion.id] = Standing(n, good, poor, bad, position, why)
    return result


def standing_part(fw: Framework, standing: dict[str, Standing]) -> Part:
    """Where the area stands against each criterion, one table per framework section."""
    tables = []
    for section in fw.sections:
        rows = []
        for criterion in section.criteria:
            s = standing[criterion.id]
            rows.append(
                (
                    criterion.id,
                    " ".join(criterion.text.split()),
                    s.cell(s.good),
                    s.cell(s.poor),
                    s.cell(s.inadequate),
                    s.position,
                    s.rule,
                )
            )
        tables.append(
            Table.build(
                section.title,
                (
                    "Criterion",
                    "What good looks like",
                    "Good or better",
                    "Requires improvement or worse",
                    "Inadequate",
                    "Where we stand",
                    "Why",
                ),
                rows,
                numeric=(2, 3, 4),
            )
        )
    rule = fw.findings
    text = (
        f"A criterion is a priority for action when at least {rule.priority_min_share_inadequate:.0%} of "
        f"its audited judgements are inadequate; otherwise an area for improvement when at least "
        f"{rule.improvement_min_share_poor:.0%} require improvement or worse; otherwise a strength when "
        f"at least {rule.strength_min_share_good:.0%} are good or better. Fewer than {rule.min_cases} "
        'judgements are too few to say; "not audited yet" means no audit judged the criterion. Each '
        'share is given with the judgements it rests on, and "Why" names the share that decided the '
        "position.",
    )
    return Part("standing", "Where we stand against each criterion", text, tuple(tables))

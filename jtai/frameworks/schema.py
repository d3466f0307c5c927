"""The framework schema: a pydantic model of one JTAI framework file, with its field-level rules.

Rules that relate one part of the file to another (a criterion naming an agency that is not in
scope) are in :mod:`jtai.frameworks.consistency`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

# The id a judgement row uses for the case-level question; no criterion may take it.
CASE_QUESTION_ID = "case_question"
# The agency a case-question answer is recorded against (it is about the whole case).
ALL_AGENCIES = "all"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Inspectorate(_Model):
    """One inspectorate taking part, and the agencies it judges (empty: not said)."""

    id: Id
    name: Text
    agencies: list[Id] = []


class Grade(_Model):
    """An ordinal grade; a higher rank is better."""

    id: Id
    label: Text
    rank: int


class OtherGrade(_Model):
    """A judgement outside the ordinal scale (excluded from statistics)."""

    id: Id
    label: Text


class Scale(_Model):
    """The judgement scale: ordinal grades best to worst, then the others."""

    grades: list[Grade] = Field(min_length=2)
    other: list[OtherGrade] = []
    note_required: list[Id] = []


class Answer(_Model):
    """One answer to the case question."""

    id: Id
    label: Text


class CaseQuestion(_Model):
    """The question asked of every case, answered with a short narrative."""

    text: Text
    answers: list[Answer] = Field(min_length=2)
    # answers that mean the child is not safer: they drive candidate priority actions
    not_safer: list[Id] = ["no"]


class Criterion(_Model):
    """One evaluation criterion, judged per agency."""

    id: Id
    text: Text
    agencies: list[Id] = Field(min_length=1)
    evidence: list[Text] = []


class Section(_Model):
    """A part of the inspection: the front door, the deep dive, leadership and governance."""

    id: Id
    title: Text
    criteria: list[Criterion] = Field(min_length=1)


class AgeRange(_Model):
    """Ages in whole years, both ends included."""

    min: int = Field(ge=0, le=25)
    max: int = Field(ge=0, le=25)


class Cohort(_Model):
    """The theme cohort that sampling draws tracked children from."""

    window_months: int = Field(gt=0, le=120)
    age: AgeRange
    event_types: list[Id] = []
    flags: list[Id] = []


class Tracked(_Model):
    """Defaults for the tracked children (the in-depth sample)."""

    n: int = Field(gt=0, le=100)
    reserves: int = Field(ge=0, le=100)
    strata: list[Id] = []
    age_bands: list[tuple[int, int]] = []
    risk_types: dict[Id, list[Id]] = {}


class FrontDoor(_Model):
    """Defaults for the front-door sample of contacts and referrals."""

    n: int = Field(gt=0, le=1000)
    months: int = Field(gt=0, le=60)
    event_types: list[Id] = Field(min_length=1)


class Sampling(_Model):
    """Sampling defaults."""

    tracked: Tracked
    front_door: FrontDoor


class FindingsRule(_Model):
    """Thresholds that turn grades into candidate findings (shares from 0 to 1)."""

    strength_min_share_good: float = Field(ge=0, le=1)
    improvement_min_share_poor: float = Field(ge=0, le=1)
    priority_min_share_inadequate: float = Field(ge=0, le=1)
    # a criterion x agency needs at least this many graded cases to be proposed at all
    min_cases: int = Field(default=2, ge=1)
    # `jtai findings check`: a strength is contradicted when more than this share of the
    # judgements under its criteria is below good; an area for improvement or priority action
    # when at least this share is good or better (both need ``min_cases`` graded judgements)
    strength_max_share_poor: float = Field(default=0.34, ge=0, le=1)
    improvement_max_share_good: float = Field(default=0.9, ge=0, le=1)


class AddresseeRole(_Model):
    """A role a letter of the framework's era is sent to."""

    role: Text
    # words that show inspection.yaml already addresses this role (default: the role itself)
    match: str = ""


class Letter(_Model):
    """The letter of findings: its sections, addressees and the statement-of-action deadline."""

    sections: list[Id] = Field(min_length=1)
    statement_of_action_working_days: int = Field(gt=0, le=365)
    addressees: list[AddresseeRole] = Field(default_factory=list)


class Calendar(_Model):
    """The inspection's timetable, in England's working days (see ``jtai calendar``).

    Days are numbered from the notification: the day the area is told is day
    ``notification_day`` (1, or 0 where the framework counts from the next working day).
    The defaults follow the published three-week shape of a JTAI (notice 10 working days
    before a week on site); the framework files name their source beside each setting.
    """

    notification_day: int = Field(default=1, ge=0, le=1)
    data_due_day: int = Field(default=2, ge=0, le=60)
    children_selected_day: int = Field(default=3, ge=0, le=60)
    audits_due_day: int = Field(default=8, ge=0, le=60)
    fieldwork_first_day: int = Field(default=11, ge=1, le=60)
    fieldwork_days: int = Field(default=5, ge=1, le=20)
    # working days after the last day of fieldwork
    accuracy_check_after_fieldwork: int = Field(default=10, ge=0, le=120)
    accuracy_check_working_days: int = Field(default=5, ge=1, le=60)
    publication_after_fieldwork: int = Field(default=20, ge=1, le=200)


class LocalAudits(_Model):
    """When the area's own audits of the tracked children suggest a leadership finding."""

    # the leadership criterion the finding is about (leaders know front-line practice)
    criterion: Id | None = None
    # mean grade steps by which the area's grades exceed the inspectors' agreed grades
    generous_min_steps: float = Field(default=0.5, gt=0, le=10)
    # graded items (child x criterion) compared for one agency, at least
    min_items: int = Field(default=4, ge=1)


class Framework(_Model):
    """One JTAI framework (a theme and version)."""

    id: Id
    title: Text
    theme: Text
    year: int = Field(ge=2000, le=2100)
    note: Text
    inspectorates: list[Inspectorate] = Field(min_length=1)
    agencies: list[Id] = Field(min_length=1)
    scale: Scale
    case_question: CaseQuestion
    sections: list[Section] = Field(min_length=1)
    cohort: Cohort
    sampling: Sampling
    findings: FindingsRule
    letter: Letter
    calendar: Calendar = Calendar()
    local_audits: LocalAudits = LocalAudits()
    _by_id: dict[str, Criterion] | None = PrivateAttr(default=None)

    def criteria(self) -> Iterator[tuple[Section, Criterion]]:
        """Every criterion with its section, in file order."""
        for section in self.sections:
            for criterion in section.criteria:
                yield section, criterion

    def criterion(self, criterion_id: str) -> Criterion | None:
        """The criterion with this id (case-insensitive), or None."""
        if self._by_id is None:
            self._by_id = {c.id.lower(): c for _, c in self.criteria()}
        return self._by_id.get(criterion_id.lower())

    @property
    def grade_ids(self) -> list[str]:
        """Ordinal grade ids, best first."""
        return [g.id for g in self.scale.grades]

    @property
    def scale_ids(self) -> list[str]:
        """Every value a judgement may take: the grades, then the other values."""
        return self.grade_ids + [o.id for o in self.scale.other]

    def rank(self, grade: str) -> int | None:
        """The ordinal rank of a grade, or None for a value outside the ordinal scale."""
        for g in self.scale.grades:
            if g.id == grade:
                return g.rank
        return None

    def label(self, value: str) -> str:
        """The label of a grade, other value or case-question answer."""
        labels = {g.id: g.label for g in self.scale.grades}
        labels.update({o.id: o.label for o in self.scale.other})
        labels.update({a.id: a.label for a in self.case_question.answers})
        return labels.get(value, value)

    @property
    def good_or_better(self) -> list[str]:
        """The better half of the grades (for 4 grades: the top two)."""
        half = (len(self.scale.grades) + 1) // 2
        return self.grade_ids[:half]

    @property
    def poor(self) -> list[str]:
        """The grades below the better half."""
        return self.grade_ids[len(self.good_or_better) :]

    @property
    def worst(self) -> str:
        """The lowest grade (``inadequate`` on the default scale)."""
        return self.grade_ids[-1]

    def judges(self, inspectorate: str, agency: str) -> bool | None:
        """Whether an inspectorate (id or name) judges an agency; None when the framework does not say."""
        found = self.inspectorate(inspectorate)
        if found is None or not found.agencies:
            return None
        return agency in found.agencies

    def inspectorate(self, name: str) -> Inspectorate | None:
        """The inspectorate with this id or name (case-insensitive), or None."""
        for item in self.inspectorates:
            if name.strip().lower() in (item.id.lower(), item.name.lower()):
                return item
        return None

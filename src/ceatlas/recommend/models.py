"""What a recommendation returns: every item explains itself."""

from __future__ import annotations

import shlex
from decimal import Decimal

from pydantic import BaseModel, Field

from ceatlas.recommend.matching import ConditionMatch
from ceatlas.search.results import CourseInfo, SessionInfo

DEFAULT_RADIUS_MILES = 50.0
KM_PER_MILE = 1.609344


class ComplaintReading(BaseModel):
    """How one complaint of the caseload was read."""

    complaint: str
    clients_per_month: float
    condition_id: str | None = Field(
        None, description="The condition it counts for; None until the user picks one."
    )
    confidence: float | None = None
    needs_choice: bool = Field(
        False, description="Too uncertain: pick one of the candidates (or another condition)."
    )
    candidates: list[ConditionMatch] = []


class ConditionLoad(BaseModel):
    """One condition of the caseload, its clients a month and the KB's cautions."""

    condition_id: str
    name: str
    clients_per_month: float
    complaints: list[str]
    techniques: list[str] = Field(description="KB technique ids commonly taught for it.")
    cautions: list[str]


class Share(BaseModel):
    condition_id: str
    name: str
    clients_per_month: float


class TechniqueRecommendation(BaseModel):
    technique_id: str
    name: str
    clients_per_month: float
    share: float = Field(description="Fraction of the resolved caseload it addresses.")
    conditions: list[Share]
    explanation: str
    courses: list[str] = Field(
        default_factory=list, description="Keys of the best-value courses teaching it."
    )
    cautions: list[str] = Field(
        default_factory=list,
        description="The KB's contraindications, cautions and red flags of the technique.",
    )


class CourseRecommendation(BaseModel):
    course: CourseInfo
    session: SessionInfo = Field(description="The best-value session that fits.")
    sessions_fitting: int
    clients_per_month: float
    conditions: list[Share]
    techniques: list[str] = Field(description="Recommended techniques the course teaches.")
    price: Decimal | None = None
    ce_hours: Decimal | None = None
    clients_per_100_dollars: float | None = Field(
        None, description="Clients a month covered per $100 (None when free or unpriced)."
    )
    clients_per_hour: float | None = None
    distance_miles: float | None = None
    focus: int = Field(
        2,
        description=(
            "How directly the course serves the caseload: 0 mainly about one of its "
            "conditions, 1 covers one in part, 2 mainly about a recommended technique, "
            "3 teaches one in part. Courses are ranked by focus first, then by value."
        ),
    )
    explanation: str


class PlannerGoal(BaseModel):
    """The plain handover to ``ceatlas.planner``: what to learn, for which conditions."""

    techniques: list[str]
    conditions: list[str]


class PlannerHandover(PlannerGoal):
    """The planner goal with the ``ceatlas plan`` command line that continues from it."""

    command: str


class Recommendations(BaseModel):
    matcher: str
    clients_per_month: float = Field(description="Clients a month whose complaint was resolved.")
    unresolved_clients_per_month: float = 0
    readings: list[ComplaintReading]
    conditions: list[ConditionLoad]
    techniques: list[TechniqueRecommendation]
    courses: list[CourseRecommendation]
    uncovered: list[Share] = Field(
        default_factory=list, description="Conditions no KB technique addresses."
    )
    warnings: list[str] = []
    constraints: dict[str, object] = {}

    def planner_goal(self) -> PlannerGoal:
        """Technique ids (ranked) and condition ids to hand to the planner."""
        return PlannerGoal(
            techniques=[t.technique_id for t in self.techniques],
            conditions=[c.condition_id for c in self.conditions],
        )

    def planner_handover(self) -> PlannerHandover:
        """:meth:`planner_goal` with :meth:`planner_command` (the JSON answers carry it)."""
        return PlannerHandover(**self.planner_goal().model_dump(), command=self.planner_command())

    def planner_command(self) -> str:
        """The ``ceatlas plan`` command that continues from these recommendations.

        The caseload goal is the resolved conditions: the planner covers each one with any
        of its KB techniques (or a course about it) at least cost. The therapist's
        constraints go along; the planner reads ``--budget`` as the whole plan's budget.
        """
        goal = self.planner_goal()
        parts = ["ceatlas", "plan"]
        if goal.conditions:
            parts += ["--caseload", ",".join(goal.conditions)]
        c = self.constraints
        if c.get("budget") is not None:
            parts += ["--budget", _number(c["budget"])]
        if c.get("near"):
            parts += ["--near", str(c["near"])]
            miles = c.get("radius_miles") or DEFAULT_RADIUS_MILES
            parts += ["--max-km", _number(round(float(str(miles)) * KM_PER_MILE))]
        for option, key in (("--mode", "modes"), ("--days", "days"), ("--times", "time_of_day")):
            value = c.get(key)
            if isinstance(value, list) and value:
                parts += [option, ",".join(map(str, value))]
        return " ".join(shlex.quote(p) for p in parts)


def _number(value: object) -> str:
    text = str(value)
    return text.removesuffix(".0") if "." in text and text.endswith(".0") else text

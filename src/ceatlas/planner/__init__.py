"""The pathway planner: goals and constraints in, an optimal plan of sessions out (CP-SAT)."""

from ceatlas.planner.problem import (
    OBJECTIVES,
    Candidate,
    Constraints,
    Meeting,
    Objective,
    Problem,
    Requirement,
    Weights,
)
from ceatlas.planner.solve import Plan, PlannedSession, PlanResult, solve

__all__ = [
    "OBJECTIVES",
    "Candidate",
    "Constraints",
    "Meeting",
    "Objective",
    "Plan",
    "PlanResult",
    "PlannedSession",
    "Problem",
    "Requirement",
    "Weights",
    "solve",
]

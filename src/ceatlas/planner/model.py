"""The CP-SAT model builder: plain data in, model out. Pure (no database, no solving).

One Boolean per candidate session. Constraints: at most one session per course; budget;
sessions per month; no two sessions with overlapping meetings; a prerequisite course's
session ends before the dependent session starts; every requirement reaches its need
(with capped units, e.g. online hours over a limit, counted at most up to the cap).
Objective (minimised): cost in cents, finish day, number of trips, or a weighted mix.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ceatlas.planner.problem import Candidate, Constraints, Objective, Requirement, Weights


@dataclass
class Built:
    model: cp_model.CpModel
    chosen: dict[str, cp_model.IntVar]
    candidates: list[Candidate]
    scale: int
    finish: cp_model.IntVar
    origin: dt.date
    #: with ``soft``: per requirement id, whether the plan meets it; each requirement left
    #: unmet costs ``penalty`` in the objective (more than any plan's cost, time and trips)
    met: dict[str, cp_model.IntVar] | None = None
    penalty: int = 0


def _ends_before(p: Candidate, s: Candidate) -> bool:
    """Prerequisite session ``p`` can be finished before dependent ``s`` starts."""
    if not p.meetings or not s.meetings:
        return True  # self-paced work fits before or after any dated session in the window
    last, first = p.meetings[-1], s.meetings[0]
    return (last.day, last.end) <= (first.day, first.start)


def _cliques(candidates: list[Candidate]) -> set[frozenset[int]]:
    """Sets of sessions meeting at one moment: at most one of each set can be chosen.

    Every pair of overlapping meetings shares the later one's start, so the cliques at
    every meeting start cover every conflict (and give CP-SAT a far tighter relaxation
    than pairwise exclusions).
    """
    by_day: dict[dt.date, list[tuple[int, int, int]]] = defaultdict(list)
    for index, c in enumerate(candidates):
        for m in c.meetings:
            by_day[m.day].append((m.start, m.end, index))
    cliques: set[frozenset[int]] = set()
    for meetings in by_day.values():
        for moment in {start for start, _, _ in meetings}:
            members = frozenset(i for start, end, i in meetings if start <= moment < end)
            if len(members) > 1:
                cliques.add(members)
    # drop cliques contained in another one
    ordered = sorted(cliques, key=len, reverse=True)
    kept: list[frozenset[int]] = []
    for clique in ordered:
        if not any(clique <= bigger for bigger in kept):
            kept.append(clique)
    return set(kept)


def build(
    candidates: list[Candidate],
    requirements: list[Requirement] | tuple[Requirement, ...],
    constraints: Constraints,
    objective: Objective = "cost",
    weights: Weights | None = None,
    soft: bool = False,
) -> Built:
    """The model; with ``soft`` requirements may be left unmet, as few as possible (then the
    objective as usual): the most a plan can meet within the limits."""
    weights = weights or Weights()
    model = cp_model.CpModel()
    x = {c.id: model.new_bool_var(f"x{i}") for i, c in enumerate(candidates)}
    by_course: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_course[c.course].append(c)
    for sessions in by_course.values():
        if len(sessions) > 1:
            model.add_at_most_one(x[c.id] for c in sessions)
    if constraints.budget is not None:
        model.add(sum(c.price * x[c.id] for c in candidates) <= constraints.budget)
    if constraints.per_month is not None:
        months: dict[tuple[int, int], list[str]] = defaultdict(list)
        for c in candidates:
            if c.meetings:
                months[(c.meetings[0].day.year, c.meetings[0].day.month)].append(c.id)
        for ids in months.values():
            if len(ids) > constraints.per_month:
                model.add(sum(x[i] for i in ids) <= constraints.per_month)
    for clique in _cliques(candidates):
        model.add_at_most_one(x[candidates[i].id] for i in sorted(clique))
    for s in candidates:
        for course in s.prerequisites:
            if course in constraints.completed_courses:
                continue
            before = [x[p.id] for p in by_course.get(course, []) if _ends_before(p, s)]
            if not before:
                model.add(x[s.id] == 0)
            else:
                model.add(sum(before) >= x[s.id])
    met: dict[str, cp_model.IntVar] = {}
    for r in requirements:
        plain = [(x[cid], n) for cid, n in r.amounts.items() if cid in x and cid not in r.capped]
        capped = [(x[cid], n) for cid, n in r.amounts.items() if cid in x and cid in r.capped]
        variables: list[cp_model.IntVar] = [v for v, _ in plain]
        factors: list[int] = [n for _, n in plain]
        if capped:
            bound = sum(n for _, n in capped)
            counted = model.new_int_var(0, min(bound, r.cap if r.cap is not None else bound), "")
            model.add(counted <= sum(v * n for v, n in capped))
            variables.append(counted)
            factors.append(1)
        total = cp_model.LinearExpr.weighted_sum(variables, factors)
        if soft:
            met[r.id] = model.new_bool_var(f"met{len(met)}")
            model.add(total >= r.need).only_enforce_if(met[r.id])
        else:
            model.add(total >= r.need)
    origin = constraints.date_from or min(
        (c.meetings[0].day for c in candidates if c.meetings), default=dt.date.today()
    )
    horizon = max(((c.meetings[-1].day - origin).days for c in candidates if c.meetings), default=0)
    finish = model.new_int_var(0, max(horizon, 0), "finish")
    for c in candidates:
        if c.meetings:
            day = max(0, (c.meetings[-1].day - origin).days)
            if day:
                model.add(finish >= day).only_enforce_if(x[c.id])
    cost = sum(c.price * x[c.id] for c in candidates)
    trips = sum(x[c.id] for c in candidates if c.is_trip)
    count = sum(x.values())
    # Lexicographic tie-breaks: primary metric, then cost (or finish), then fewest sessions.
    n = len(candidates) + 1
    cost_scale = (sum(c.price for c in candidates) + 1) * n
    expression: cp_model.LinearExprT
    if objective == "cost":
        scale = (horizon + 1) * n
        expression = cost * scale + finish * n + count
    elif objective == "finish":
        scale = cost_scale
        expression = finish * scale + cost * n + count
    elif objective == "trips":
        scale = cost_scale
        expression = trips * scale + cost * n + count
    else:
        scale = 1
        expression = (
            weights.cost * cost + 100 * weights.finish * finish + 100 * weights.trips * trips
        )
    penalty = 0
    if soft:
        total_weight = weights.cost + weights.finish + weights.trips + 100
        penalty = (sum(c.price for c in candidates) + 1) * (horizon + 1) * n * n * total_weight
        expression = penalty * (len(met) - sum(met.values())) + expression
    model.minimize(expression)
    return Built(model, x, candidates, scale, finish, origin, met if soft else None, penalty)

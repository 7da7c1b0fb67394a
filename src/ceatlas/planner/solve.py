"""Solve a planning problem: prune, build, solve with CP-SAT, alternatives, explanations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ortools.sat.python import cp_model

from ceatlas.planner.model import Built, build
from ceatlas.planner.problem import (
    MODES,
    Candidate,
    Constraints,
    Objective,
    Problem,
    Requirement,
)
from ceatlas.planner.prune import prune
from ceatlas.planner.reach import out_of_reach
from ceatlas.planner.words import hours_text, money

LABELS: dict[str, str] = {
    "cost": "cheapest",
    "finish": "earliest finish",
    "trips": "fewest trips",
    "mix": "best mix",
}
MODE_LABELS = {
    "in_person": "in-person",
    "hybrid": "hybrid",
    "live_online": "live-online",
    "self_paced_online": "self-paced",
}
MAX_WORKERS = 2
SUBSOLVERS = ("max_lp", "core")


@dataclass
class PlannedSession:
    candidate: Candidate
    serves: list[str]
    why: str


@dataclass
class Plan:
    label: str
    objective: Objective
    sessions: list[PlannedSession]
    cost: int
    hours: int
    days_away: int
    distance_km: float
    trips: int
    finish: dt.date | None
    optimal: bool
    gap: float | None
    value: int
    bound: int

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(s.candidate.id for s in self.sessions)


@dataclass
class PlanResult:
    status: Literal["optimal", "feasible", "infeasible", "nothing-to-do"]
    plan: Plan | None
    alternatives: list[Plan] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    #: the plan meets only part of the goals: the rest is out of reach or left out
    partial: bool = False


def _capacity(
    r: Requirement, candidates: list[Candidate], index: dict[str, Candidate] | None = None
) -> int:
    """An upper bound on what a requirement can get from ``candidates`` (one session per
    course), exact when no cap binds. Only ever used to prove a plan impossible, so it must
    never be below the true maximum: each course gives at most its best session, and
    capped units add at most the cap on top of the best uncapped ones.

    ``index`` (``candidates`` by id) lets a requirement that counts few sessions look at
    those alone instead of at every candidate."""
    plain: dict[str, int] = defaultdict(int)
    best: dict[str, int] = defaultdict(int)
    if index is not None and len(r.amounts) < len(candidates):
        counted = [index[i] for i in r.amounts if i in index]
    else:
        counted = candidates
    amounts, capped = r.amounts, r.capped
    for c in counted:
        n = amounts.get(c.id, 0)
        if n <= 0:
            continue
        course = c.course
        if n > best[course]:
            best[course] = n
        if n > plain[course] and c.id not in capped:
            plain[course] = n
    total = sum(best.values())
    if r.cap is None:
        return total
    return min(total, sum(plain.values()) + r.cap)


def _shortfalls(requirements: list[Requirement], candidates: list[Candidate]) -> list[str]:
    out = []
    for r in requirements:
        have = _capacity(r, candidates)
        if have < r.need:
            if r.unit == "hours":
                out.append(
                    f"{r.label}: at most {hours_text(have)} of {hours_text(r.need)} available"
                )
            else:
                out.append(f"{r.label}: no session available")
    return out


def _solver(time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = MAX_WORKERS
    # With 2 workers CP-SAT's default portfolio runs one LP worker whose bound stalled at 0
    # on hour-covering models; the max-LP and core workers prove those optimal in < 1 s.
    solver.parameters.subsolvers.extend(SUBSOLVERS)
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    return solver


def _run(
    candidates: list[Candidate],
    requirements: list[Requirement],
    constraints: Constraints,
    objective: Objective,
    problem: Problem,
    time_limit: float,
    exclude: list[frozenset[str]] | None = None,
) -> Plan | None:
    built = build(candidates, requirements, constraints, objective, problem.weights)
    for ids in exclude or []:
        chosen = [built.chosen[i] for i in ids if i in built.chosen]
        if len(chosen) == len(ids):
            built.model.add(sum(chosen) <= len(ids) - 1)
    solver = _solver(time_limit)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return _plan(built, solver, status == cp_model.OPTIMAL, requirements, objective)


def _most_within_limits(
    candidates: list[Candidate],
    requirements: list[Requirement],
    problem: Problem,
    time_limit: float,
) -> tuple[Plan, list[Requirement]] | None:
    """The plan meeting the most requirements within the limits (then the objective), and
    the requirements it leaves out; ``None`` when it meets none."""
    built = build(
        candidates,
        requirements,
        problem.constraints,
        problem.objective,
        problem.weights,
        soft=True,
    )
    solver = _solver(time_limit)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or built.met is None:
        return None
    met = {rid for rid, var in built.met.items() if solver.boolean_value(var)}
    if not met:
        return None
    kept = [r for r in requirements if r.id in met]
    plan = _plan(built, solver, status == cp_model.OPTIMAL, kept, problem.objective)
    return plan, [r for r in requirements if r.id not in met]


def _plan(
    built: Built,
    solver: cp_model.CpSolver,
    optimal: bool,
    requirements: list[Requirement],
    objective: Objective,
) -> Plan:
    picked = [c for c in built.candidates if solver.boolean_value(built.chosen[c.id])]
    picked.sort(
        key=lambda c: (c.first_day or built.origin, c.meetings[0].start if c.meetings else 0)
    )
    chosen_courses = {c.course: c for c in picked}
    sessions: list[PlannedSession] = []
    for c in picked:
        serves = [r.label for r in requirements if r.amounts.get(c.id, 0) > 0]
        dependents = [d.title for d in picked if c.course in d.prerequisites]
        why_parts = []
        if serves:
            why_parts.append("needed for " + "; ".join(serves))
        if dependents:
            why_parts.append("prerequisite of " + ", ".join(dependents))
        if not c.meetings and dependents:
            why_parts.append("self-paced: finish it before the sessions that need it")
        sessions.append(PlannedSession(c, serves, "; ".join(why_parts)))
    del chosen_courses
    value = round(solver.objective_value)
    bound = round(solver.best_objective_bound)
    if built.met is not None:
        # take out the penalty for requirements left unmet: the plan's own objective
        missed = sum(1 for v in built.met.values() if not solver.boolean_value(v))
        value -= built.penalty * missed
        bound = max(0, bound - built.penalty * missed)
    primary, primary_bound = value // built.scale, bound // built.scale
    gap = None if optimal else (primary - primary_bound) / max(1, abs(primary))
    days = [c.last_day for c in picked if c.last_day]
    return Plan(
        label=LABELS[objective],
        objective=objective,
        sessions=sessions,
        cost=sum(c.price for c in picked),
        hours=sum(c.hours for c in picked),
        days_away=sum(c.days_away for c in picked),
        distance_km=round(sum(2 * (c.distance_km or 0.0) for c in picked if c.is_trip), 1),
        trips=sum(1 for c in picked if c.is_trip),
        finish=max(days) if days else None,
        optimal=optimal,
        gap=gap,
        value=primary,
        bound=primary_bound,
    )


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    alternatives: int = 2,
    explain: bool = True,
    max_per_course: int | None = None,
    max_pool: int | None = None,
    give_up: Callable[[list[Requirement]], bool] | None = None,
) -> PlanResult:
    """The best plan for ``problem``, up to ``alternatives`` different ones, or why none.

    ``give_up`` is asked about the requirements no candidate can meet; when it says yes, the
    result is returned at once ("infeasible", with those requirements in ``stats``), before
    pruning and solving: a caller that will plan again anyway does not wait for a plan it
    throws away."""
    started = time.perf_counter()
    everything = list(problem.candidates)
    unmet: list[str] = []
    unmet_requirements: list[Requirement] = []
    requirements: list[Requirement] = []
    completed_free = [
        c for c in everything if c.course not in problem.constraints.completed_courses
    ]
    index = {c.id: c for c in completed_free}
    for r in problem.requirements:
        if r.need <= 0:
            continue
        have = _capacity(r, completed_free, index)
        if have < r.need:
            unmet_requirements.append(r)
            unmet.append(
                f"{r.label}: the catalog has no session that covers it"
                if r.unit == "sessions"
                else f"{r.label}: the catalog offers only {hours_text(have)} of "
                f"{hours_text(r.need)}"
            )
        else:
            requirements.append(r)
    notes = list(problem.notes)
    if unmet:
        notes.append("planned without the requirements the catalog cannot meet (listed as unmet)")
    if give_up is not None and give_up(unmet_requirements):
        return PlanResult(
            "infeasible",
            None,
            unmet=unmet,
            notes=notes,
            stats={
                "candidates": len(everything),
                "seconds": time.perf_counter() - started,
                "unmet_requirements": unmet_requirements,
                "given_up": True,
            },
        )
    if not requirements:
        return PlanResult(
            "nothing-to-do" if not unmet else "infeasible",
            None,
            unmet=unmet,
            notes=notes,
            stats={
                "candidates": len(everything),
                "seconds": time.perf_counter() - started,
                "unmet_requirements": unmet_requirements,
            },
        )
    pruned = prune(everything, requirements, problem.constraints, max_per_course, max_pool)
    if pruned.reduced:
        notes.append(
            f"the candidate pool was reduced to the {len(pruned.candidates)} most promising "
            "sessions; 'optimal' means optimal over that pool"
        )
    stats: dict[str, Any] = {
        "unmet_requirements": unmet_requirements,
        "candidates": len(everything),
        "after_pruning": len(pruned.candidates),
        "dropped": pruned.dropped,
    }
    reach = {r.id: _capacity(r, pruned.candidates) for r in requirements}
    short = [r for r in requirements if reach[r.id] < r.need]
    if short and len(short) < len(requirements):
        # Plan what can be reached; say what is out of reach and what would bring it in.
        for r in short:
            unmet.append(out_of_reach(r, everything, problem.constraints, reach[r.id]))
        requirements = [r for r in requirements if r not in short]
        notes.append(
            "planned the rest; what your limits put out of reach is listed as unmet, with the "
            "nearest session that would meet it"
        )
    shortfalls = _shortfalls(requirements, pruned.candidates)
    plan = None
    primary_started = time.perf_counter()
    if not shortfalls:
        plan = _run(
            pruned.candidates,
            requirements,
            problem.constraints,
            problem.objective,
            problem,
            time_limit,
        )
    stats["prune_seconds"] = primary_started - started
    stats["primary_seconds"] = time.perf_counter() - primary_started
    if plan is None:
        explanation = []
        if shortfalls:
            explanation += [f"within your constraints, {s}" for s in shortfalls]
        if explain:
            explanation += _explain(problem, requirements, max_per_course, max_pool, time_limit)
        partial = None
        if not shortfalls and len(requirements) > 1:
            partial = _most_within_limits(pruned.candidates, requirements, problem, time_limit)
        stats["seconds"] = time.perf_counter() - started
        if partial is None:
            return PlanResult("infeasible", None, [], explanation, unmet, notes, stats)
        plan, left_out = partial
        unmet += [f"{r.label}: left out to stay within your limits" for r in left_out]
        # the caller may plan again over every session, to explain in full
        stats["unmet_requirements"] = [*unmet_requirements, *left_out]
        notes.append(
            "no plan meets everything within your limits (the reasons are given with the "
            "plan); this plan meets as much as they allow"
        )
        status: Literal["optimal", "feasible"] = "optimal" if plan.optimal else "feasible"
        return PlanResult(status, plan, [], explanation, unmet, notes, stats, partial=True)
    found = [plan]
    order: tuple[Objective, ...] = ("cost", "finish", "trips")
    wanted = [o for o in order if o != problem.objective]
    for objective in wanted[:alternatives]:
        alt = _run(
            pruned.candidates,
            requirements,
            problem.constraints,
            objective,
            problem,
            time_limit / 2,
        )
        if alt is not None and any(alt.ids == p.ids for p in found):
            same = next(p for p in found if alt.ids == p.ids)
            alt = _run(
                pruned.candidates,
                requirements,
                problem.constraints,
                objective,
                problem,
                time_limit / 2,
                exclude=[p.ids for p in found],
            )
            if alt is not None:
                # the best plan for this objective is one already shown: this is the best
                # with other sessions, and may be worse on it ("earliest finish" finishing
                # later than the first plan)
                alt.label = (
                    f"another choice with other sessions (the {same.label} plan is also "
                    f"the one with the {LABELS[objective]})"
                )
        if alt is not None and all(alt.ids != p.ids for p in found):
            found.append(alt)
    stats["seconds"] = time.perf_counter() - started
    return PlanResult(
        "optimal" if plan.optimal else "feasible",
        plan,
        found[1:],
        [],
        unmet,
        notes,
        stats,
        partial=bool(unmet),
    )


def _relaxations(k: Constraints) -> list[tuple[str, Constraints, str]]:
    out: list[tuple[str, Constraints, str]] = []
    if k.modes is not None and set(k.modes) != set(MODES):
        extra = [MODE_LABELS[m] for m in MODES if m not in k.modes]
        out.append(
            (
                "modes",
                dataclasses.replace(k, modes=None),
                f"allowing {' and '.join(extra)} sessions",
            )
        )
    if k.max_km is not None:
        out.append(("distance", dataclasses.replace(k, max_km=None), "travelling any distance"))
    if k.days is not None:
        out.append(("days", dataclasses.replace(k, days=None), "allowing every day of the week"))
    if k.times is not None:
        out.append(("times", dataclasses.replace(k, times=None), "allowing any time of day"))
    if k.per_month is not None:
        out.append(
            (
                "per_month",
                dataclasses.replace(k, per_month=None),
                "dropping the sessions-per-month limit",
            )
        )
    if k.date_to is not None:
        out.append(
            (
                "window",
                dataclasses.replace(k, date_to=None),
                f"finishing after {k.date_to.isoformat()}",
            )
        )
    return out


def _explain(
    problem: Problem,
    requirements: list[Requirement],
    max_per_course: int | None,
    max_pool: int | None,
    time_limit: float,
) -> list[str]:
    k = problem.constraints
    limit = max(0.5, time_limit / 4)

    def cheapest(constraints: Constraints) -> Plan | None:
        pool = prune(
            problem.candidates, requirements, constraints, max_per_course, max_pool
        ).candidates
        if _shortfalls(requirements, pool):
            return None
        return _run(pool, requirements, constraints, "cost", problem, limit)

    lines: list[str] = []
    head = "no plan"
    if k.budget is not None:
        head = f"no plan under {money(k.budget)}"
        unbudgeted = cheapest(dataclasses.replace(k, budget=None))
        if unbudgeted is not None:
            lines.append(f"{head}: the cheapest needs {money(unbudgeted.cost)}")
        else:
            lines.append(f"{head}, and none even without the budget limit")
    for _name, relaxed, words in _relaxations(k):
        plan = cheapest(relaxed)
        if plan is not None:
            lines.append(f"{words} gives one at {money(plan.cost)}")
    if len(lines) <= (1 if k.budget is not None else 0):
        everything = Constraints(completed_courses=k.completed_courses)
        plan = cheapest(everything)
        if plan is not None:
            lines.append(
                "no single change is enough; without any limit the cheapest plan costs "
                f"{money(plan.cost)}"
            )
        elif not lines:
            lines.append(f"{head}: the catalog's sessions cannot be combined to meet every goal")
    return lines

"""Property: on small random catalogs every plan satisfies every constraint, and its cost
equals the optimum found by exhaustive search over all subsets of sessions."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceatlas.planner import (
    Candidate,
    Constraints,
    Meeting,
    Objective,
    Problem,
    Requirement,
    solve,
)

START = dt.date(2027, 3, 1)
ITEMS = ("technique:a", "technique:b", "competency:c", "category:ethics")
MODES = ("in_person", "hybrid", "live_online", "self_paced_online")


@st.composite
def candidates(draw: st.DrawFn) -> list[Candidate]:
    n_courses = draw(st.integers(1, 4))
    out: list[Candidate] = []
    for course in range(n_courses):
        covers = frozenset(draw(st.lists(st.sampled_from(ITEMS), max_size=2)))
        prereqs: tuple[str, ...] = ()
        if course and draw(st.booleans()):
            prereqs = (f"C{draw(st.integers(0, course - 1))}",)
        hours = draw(st.sampled_from((200, 300, 600, 1200)))
        for index in range(draw(st.integers(1, 3))):
            mode = draw(st.sampled_from(MODES))
            meetings: tuple[Meeting, ...] = ()
            if mode != "self_paced_online":
                first = START + dt.timedelta(days=draw(st.integers(0, 45)))
                length = draw(st.integers(1, 2))
                begin = draw(st.sampled_from((9 * 60, 13 * 60, 18 * 60)))
                meetings = tuple(
                    Meeting(first + dt.timedelta(days=d), begin, begin + 180) for d in range(length)
                )
            out.append(
                Candidate(
                    id=f"C{course}-S{index}",
                    course=f"C{course}",
                    title=f"Course {course}",
                    mode=mode,
                    price=draw(st.integers(0, 40)) * 1000,
                    hours=hours,
                    meetings=meetings,
                    covers=covers,
                    prerequisites=prereqs,
                    in_person_hours=hours if mode == "in_person" else 0,
                    distance_km=float(draw(st.integers(0, 300)))
                    if mode in ("in_person", "hybrid")
                    else None,
                )
            )
    return out


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    pool = draw(candidates())
    requirements = []
    for item in draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=3, unique=True)):
        requirements.append(
            Requirement(
                id=item,
                goal="g",
                label=item,
                need=1,
                amounts={c.id: 1 for c in pool if item in c.covers},
            )
        )
    if draw(st.booleans()):
        cap = draw(st.sampled_from((None, 300, 600)))
        requirements.append(
            Requirement(
                id="hours",
                goal="g",
                label="hours",
                need=draw(st.sampled_from((300, 600, 1200))),
                amounts={c.id: c.hours for c in pool},
                unit="hours",
                capped=frozenset(c.id for c in pool if c.online) if cap else frozenset(),
                cap=cap,
            )
        )
    if draw(st.booleans()):
        requirements.append(
            Requirement(
                id="in-person",
                goal="g",
                label="in-person hours",
                need=300,
                amounts={c.id: c.in_person_hours for c in pool if c.in_person_hours},
                unit="hours",
            )
        )
    courses = sorted({c.course for c in pool})
    constraints = Constraints(
        budget=draw(st.one_of(st.none(), st.integers(0, 80).map(lambda d: d * 1000))),
        date_from=START,
        date_to=draw(st.one_of(st.none(), st.just(START + dt.timedelta(days=30)))),
        days=draw(st.one_of(st.none(), st.just(frozenset({5, 6})), st.just(frozenset(range(5))))),
        times=draw(st.one_of(st.none(), st.just(frozenset({"morning", "afternoon"})))),
        modes=draw(
            st.one_of(st.none(), st.sets(st.sampled_from(MODES), min_size=1).map(frozenset))
        ),
        home=(27.9, -82.4),
        max_km=draw(st.one_of(st.none(), st.just(150.0))),
        per_month=draw(st.one_of(st.none(), st.integers(1, 2))),
        completed_courses=frozenset(draw(st.lists(st.sampled_from(courses), max_size=1))),
    )
    objectives: tuple[Objective, ...] = ("cost", "cost", "finish", "trips")
    objective = draw(st.sampled_from(objectives))
    return Problem(tuple(pool), tuple(requirements), constraints, objective)


# --- an independent checker -------------------------------------------------------------


def _parts(m: Meeting) -> set[str]:
    parts = set()
    if m.start < 720:
        parts.add("morning")
    if m.start < 1020 and m.end > 720:
        parts.add("afternoon")
    if m.end > 1020:
        parts.add("evening")
    return parts


def allowed(c: Candidate, k: Constraints) -> bool:
    if c.course in k.completed_courses:
        return False
    if k.modes is not None and c.mode not in k.modes:
        return False
    if k.budget is not None and c.price > k.budget:
        return False
    for m in c.meetings:
        if (k.date_from and m.day < k.date_from) or (k.date_to and m.day > k.date_to):
            return False
        if k.days is not None and m.day.weekday() not in k.days:
            return False
        if k.times is not None and not _parts(m) <= k.times:
            return False
    if c.mode in ("in_person", "hybrid") and k.max_km is not None:
        return c.distance_km is not None and c.distance_km <= k.max_km
    return True


def feasible(
    plan: Sequence[Candidate], problem: Problem, requirements: Sequence[Requirement]
) -> bool:
    k = problem.constraints
    if not all(allowed(c, k) for c in plan):
        return False
    if len({c.course for c in plan}) != len(plan):
        return False
    if k.budget is not None and sum(c.price for c in plan) > k.budget:
        return False
    if k.per_month is not None:
        months: dict[tuple[int, int], int] = {}
        for c in plan:
            if c.meetings:
                key = (c.meetings[0].day.year, c.meetings[0].day.month)
                months[key] = months.get(key, 0) + 1
        if any(v > k.per_month for v in months.values()):
            return False
    for a, b in itertools.combinations(plan, 2):
        for ma in a.meetings:
            for mb in b.meetings:
                if ma.day == mb.day and ma.start < mb.end and mb.start < ma.end:
                    return False
    for s in plan:
        for course in s.prerequisites:
            if course in k.completed_courses:
                continue
            if not any(
                p.course == course
                and (
                    not p.meetings
                    or not s.meetings
                    or (p.meetings[-1].day, p.meetings[-1].end)
                    <= (s.meetings[0].day, s.meetings[0].start)
                )
                for p in plan
            ):
                return False
    for r in requirements:
        plain = sum(r.amounts.get(c.id, 0) for c in plan if c.id not in r.capped)
        capped = sum(r.amounts.get(c.id, 0) for c in plan if c.id in r.capped)
        if r.cap is not None:
            capped = min(capped, r.cap)
        if plain + capped < r.need:
            return False
    return True


def trips(plan: Sequence[Candidate]) -> int:
    return sum(1 for c in plan if c.mode in ("in_person", "hybrid"))


def finish(plan: Sequence[Candidate]) -> int:
    return max(((c.meetings[-1].day - START).days for c in plan if c.meetings), default=0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_plans_are_feasible_and_optimal(problem: Problem) -> None:
    result = solve(problem, time_limit=5.0, alternatives=1, explain=False)
    requirements = [
        r
        for r in problem.requirements
        if not any(u.startswith(f"{r.label}:") for u in result.unmet)
    ]
    pool = list(problem.candidates)
    metric = {"cost": lambda p: sum(c.price for c in p), "finish": finish, "trips": trips}[
        problem.objective
    ]
    best = None
    for size in range(len(pool) + 1):
        for subset in itertools.combinations(pool, size):
            if feasible(subset, problem, requirements):
                value = metric(subset)
                best = value if best is None else min(best, value)
    if not requirements:
        assert result.plan is None
        return
    if best is None:
        assert result.status == "infeasible", result
        assert result.plan is None
        return
    assert result.status == "optimal"
    assert result.plan is not None
    chosen = [s.candidate for s in result.plan.sessions]
    assert feasible(chosen, problem, requirements)
    assert metric(chosen) == best
    assert result.plan.cost == sum(c.price for c in chosen)
    assert result.plan.trips == trips(chosen)
    for alternative in result.alternatives:
        assert feasible([s.candidate for s in alternative.sessions], problem, requirements)
        assert alternative.ids != result.plan.ids

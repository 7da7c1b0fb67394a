"""Candidate pruning before the model is built. Pure.

Unary filters (window, modes, days, times, distance, budget, completed courses) drop
sessions that can never be chosen; relevance drops sessions that serve no requirement
and are no prerequisite of one that does; sessions whose prerequisite has no session
left are dropped; and a session is dropped when another session of the same course is at
least as good in every respect the model can see (exact dominance), so pruning never
changes the optimum. When a pool is still larger than ``max_per_course`` sessions per
course, the rest is cut to the Pareto front on price, finish, travel (a reduction that is
reported, since the plan is then optimal only over the reduced pool).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ceatlas.planner.problem import Candidate, Constraints, Meeting, Requirement

MORNING_END = 12 * 60
EVENING_START = 17 * 60
_EPOCH = dt.date(1970, 1, 1)


def parts_of_day(meeting: Meeting) -> set[str]:
    parts = set()
    if meeting.start < MORNING_END:
        parts.add("morning")
    if meeting.start < EVENING_START and meeting.end > MORNING_END:
        parts.add("afternoon")
    if meeting.end > EVENING_START:
        parts.add("evening")
    return parts


def unary_reason(c: Candidate, k: Constraints) -> str | None:
    """Why constraint set ``k`` rules ``c`` out on its own, or ``None``."""
    if c.course in k.completed_courses:
        return "completed"
    if k.modes is not None and c.mode not in k.modes:
        return "mode"
    if k.budget is not None and c.price > k.budget:
        return "budget"
    if c.meetings:
        if k.date_from is not None and c.meetings[0].day < k.date_from:
            return "window"
        if k.date_to is not None and c.meetings[-1].day > k.date_to:
            return "window"
        if k.days is not None and any(m.day.weekday() not in k.days for m in c.meetings):
            return "days"
        if k.times is not None and any(not parts_of_day(m) <= k.times for m in c.meetings):
            return "times"
    far = c.distance_km is None or (k.max_km is not None and c.distance_km > k.max_km)
    if c.is_trip and k.max_km is not None and k.home is not None and far:
        return "distance"
    return None


def _dominates(a: Candidate, b: Candidate) -> bool:
    """``a`` can replace ``b`` in any plan without making anything worse (same course)."""
    if a.mode != b.mode and (a.online or b.online or a.is_trip != b.is_trip):
        return False
    if a.price > b.price or a.days_away > b.days_away:
        return False
    if (a.distance_km or 0.0) > (b.distance_km or 0.0) and a.is_trip:
        return False
    if a.in_person_hours < b.in_person_hours or a.supervised_hours < b.supervised_hours:
        return False
    if a.approvers != b.approvers or a.covers != b.covers or a.hours != b.hours:
        return False
    if not a.meetings or not b.meetings:
        return not a.meetings and not b.meetings
    first_a, first_b = a.meetings[0], b.meetings[0]
    if (first_a.day.year, first_a.day.month) != (first_b.day.year, first_b.day.month):
        return False
    if (first_a.day, first_a.start) < (first_b.day, first_b.start):
        return False
    last_a, last_b = a.meetings[-1], b.meetings[-1]
    if (last_a.day, last_a.end) > (last_b.day, last_b.end):
        return False
    # every meeting of a lies inside a meeting of b: a conflicts with a subset of b's conflicts
    slots = defaultdict(list)
    for m in b.meetings:
        slots[m.day].append((m.start, m.end))
    return all(any(s <= m.start and m.end <= e for s, e in slots[m.day]) for m in a.meetings)


@dataclass
class Pruned:
    candidates: list[Candidate]
    dropped: dict[str, int] = field(default_factory=dict)
    reduced: bool = False


def prune(
    candidates: list[Candidate] | tuple[Candidate, ...],
    requirements: list[Requirement] | tuple[Requirement, ...],
    constraints: Constraints,
    max_per_course: int | None = None,
    max_pool: int | None = None,
) -> Pruned:
    dropped: dict[str, int] = defaultdict(int)
    kept: list[Candidate] = []
    for c in candidates:
        reason = unary_reason(c, constraints)
        if reason:
            dropped[reason] += 1
        else:
            kept.append(c)
    useful = {cid for r in requirements for cid, amount in r.amounts.items() if amount > 0}
    by_course: dict[str, list[Candidate]] = defaultdict(list)
    for c in kept:
        by_course[c.course].append(c)
    relevant_courses = {c.course for c in kept if c.id in useful}
    frontier = list(relevant_courses)
    while frontier:
        course = frontier.pop()
        for c in by_course.get(course, []):
            for p in c.prerequisites:
                if p not in relevant_courses and p not in constraints.completed_courses:
                    relevant_courses.add(p)
                    frontier.append(p)
    before = len(kept)
    kept = [c for c in kept if c.course in relevant_courses]
    dropped["not needed"] += before - len(kept)
    # prerequisites without any session left: drop dependents until nothing changes
    while True:
        courses = {c.course for c in kept}
        ok = [
            c
            for c in kept
            if all(p in courses or p in constraints.completed_courses for p in c.prerequisites)
        ]
        if len(ok) == len(kept):
            break
        dropped["prerequisite unavailable"] += len(kept) - len(ok)
        kept = ok
    # exact dominance within a course
    grouped: dict[str, list[Candidate]] = defaultdict(list)
    for c in kept:
        grouped[c.course].append(c)
    result: list[Candidate] = []
    reduced = False
    for sessions in grouped.values():
        sessions.sort(key=lambda c: (c.price, c.last_day or c.first_day or _EPOCH, c.id))
        survivors: list[Candidate] = []
        for c in sessions:
            if any(_dominates(s, c) for s in survivors):
                dropped["dominated"] += 1
                continue
            survivors.append(c)
        if max_per_course is not None and len(survivors) > max_per_course:
            reduced = True
            dropped["reduced"] += len(survivors) - max_per_course
            survivors = _front(survivors, max_per_course)
        result.extend(survivors)
    if max_pool is not None and len(result) > max_pool:
        before = len(result)
        result = _reduce(result, requirements, max_pool)
        dropped["reduced"] += before - len(result)
        reduced = True
    return Pruned(result, dict(dropped), reduced)


def _by_value(amounts: dict[str, int]) -> Callable[[Candidate], tuple[float, int, str]]:
    """Sort key: price per unit of the requirement counted by ``amounts``, then price."""
    return lambda c: (c.price / amounts[c.id], c.price, c.id)


def _finish(c: Candidate) -> tuple[dt.date, int, str]:
    """Sort key: the last day (self-paced: 1970), then price."""
    return (c.last_day or _EPOCH, c.price, c.id)


def _reduce(
    pool: list[Candidate], requirements: list[Requirement] | tuple[Requirement, ...], limit: int
) -> list[Candidate]:
    """The most promising sessions for each requirement (value, finish, no travel), with
    the sessions of the prerequisite courses they need."""
    share = max(6, limit // max(1, 2 * len(requirements)))
    keep: set[str] = set()
    index = {c.id: c for c in pool}
    for r in requirements:
        # whichever is shorter to walk; the order does not matter, every ranking is total
        if len(r.amounts) < len(pool):
            useful = [index[i] for i, n in r.amounts.items() if n > 0 and i in index]
        else:
            useful = [c for c in pool if r.amounts.get(c.id, 0) > 0]
        value = _by_value(r.amounts)
        # the first few of each ranking (ids make every key unique: no ties to break)
        keep.update(c.id for c in heapq.nsmallest(max(2, share), useful, key=value))
        keep.update(c.id for c in heapq.nsmallest(max(2, share // 3), useful, key=_finish))
        home = (c for c in useful if not c.is_trip)
        keep.update(c.id for c in heapq.nsmallest(max(2, share // 3), home, key=value))
    by_course: dict[str, list[Candidate]] = defaultdict(list)
    for c in pool:
        by_course[c.course].append(c)
    frontier = [c for c in pool if c.id in keep]
    while frontier:
        for course in frontier.pop().prerequisites:
            sessions = by_course.get(course, [])
            picks = sorted(sessions, key=lambda c: (c.price, c.id))[:3]
            picks += sorted(sessions, key=lambda c: (c.last_day or _EPOCH, c.id))[:2]
            for p in picks:
                if p.id not in keep:
                    keep.add(p.id)
                    frontier.append(p)
    return [c for c in pool if c.id in keep]


def _front(sessions: list[Candidate], limit: int) -> list[Candidate]:
    """Up to ``limit`` sessions: cheapest, earliest finish, no-trip, then by price."""
    picks: list[Candidate] = []
    picked: set[str] = set()  # ids: comparing whole candidates field by field is slow

    def add(c: Candidate | None) -> None:
        if c is not None and c.id not in picked and len(picks) < limit:
            picks.append(c)
            picked.add(c.id)

    add(min(sessions, key=lambda c: (c.price, c.id)))
    dated = [c for c in sessions if c.meetings]
    add(min(dated, key=lambda c: (c.meetings[-1].day, c.price)) if dated else None)
    add(min((c for c in sessions if not c.is_trip), key=lambda c: (c.price, c.id), default=None))
    for c in sorted(sessions, key=lambda c: (c.price, c.last_day or _EPOCH, c.id)):
        add(c)
    return picks

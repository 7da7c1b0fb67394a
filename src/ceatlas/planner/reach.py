"""What would bring a requirement back within reach: the nearest session the therapist's
limits rule out, and which limit. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ceatlas.planner.problem import Candidate, Constraints, Requirement
from ceatlas.planner.prune import unary_reason
from ceatlas.planner.words import hours_text, money

MODE_WORDS = {
    "in_person": "in person",
    "hybrid": "hybrid",
    "live_online": "live online",
    "self_paced_online": "self-paced online",
}


def describe(c: Candidate) -> str:
    """``Oncology Massage Foundations, Orlando, FL, Mar 6, 2027, 24 h, $650``."""
    parts = [c.title, c.location if c.is_trip and c.location else MODE_WORDS.get(c.mode, c.mode)]
    if c.first_day:
        parts.append(f"{c.first_day:%b} {c.first_day.day}, {c.first_day.year}")
    parts += [hours_text(c.hours), money(c.price)]
    return ", ".join(parts)


def _why(c: Candidate, k: Constraints) -> str:
    reason = unary_reason(c, k)
    if reason == "distance" and c.distance_km is not None and k.max_km is not None:
        return f"{c.distance_km:,.0f} km from home; you travel up to {k.max_km:,.0f} km"
    if reason == "budget" and k.budget is not None:
        return f"over your {money(k.budget)} budget"
    if reason == "mode" and c.mode in k.needs_home:
        return "in-person sessions are planned only with your home ZIP code or town"
    if reason == "mode":
        return f"{MODE_WORDS.get(c.mode, c.mode)} is not among your ways of learning"
    if reason == "window":
        return "outside the dates you plan for"
    if reason == "days":
        return "on days you are not free"
    if reason == "times":
        return "at times of day you are not free"
    return "not within your limits"


def out_of_reach(
    requirement: Requirement, everything: Iterable[Candidate], k: Constraints, have: int
) -> str:
    """``<label>: out of reach within your limits; nearest: <session> (<limit it breaks>)``."""
    options = [
        c
        for c in everything
        if requirement.amounts.get(c.id, 0) > 0
        and c.course not in k.completed_courses
        and unary_reason(c, k) is not None
    ]
    head = f"{requirement.label}: out of reach within your limits"
    if requirement.unit == "hours":
        head += f" (at most {hours_text(have)} of {hours_text(requirement.need)})"
    if not options:
        return head
    if k.home is None:
        # with no home there is no distance: the cheapest, then the earliest
        pick = min(options, key=lambda c: (c.price, c.first_day or dt.date.max, c.id))
        return f"{head}; for example: {describe(pick)} ({_why(pick, k)})"
    nearest = min(
        options,
        key=lambda c: (
            c.distance_km if c.is_trip and c.distance_km is not None else 0.0,
            c.price,
            c.first_day.toordinal() if c.first_day else 0,
        ),
    )
    return f"{head}; nearest: {describe(nearest)} ({_why(nearest, k)})"

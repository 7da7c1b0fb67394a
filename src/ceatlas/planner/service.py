"""The planner service: a therapist's goals and limits -> candidates -> solved plan.

Defaults come from the therapist's profile (home ZIP, budget, travel, days, times, ways
of learning) and CE record (completed catalog courses, license deadlines); options given
explicitly win. The CLI and the web app call :meth:`Planner.plan`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ceatlas.accounts.models import TherapistProfile
from ceatlas.compliance.service import CeRecords
from ceatlas.kb import KnowledgeBase
from ceatlas.planner.candidates import WEEKDAYS, course_facts, load_candidates
from ceatlas.planner.gcpause import cycle_collector_paused
from ceatlas.planner.goals import GoalError, GoalSpec, build_goals, resolve_items, wanted_items
from ceatlas.planner.problem import (
    MODES,
    OBJECTIVES,
    Candidate,
    Constraints,
    Objective,
    Problem,
    Requirement,
    Weights,
)
from ceatlas.planner.solve import PlanResult, solve

DAY_ALIASES = {
    "weekend": ("saturday", "sunday"),
    "weekdays": WEEKDAYS[:5],
    **{d[:3]: (d,) for d in WEEKDAYS},
    **{d: (d,) for d in WEEKDAYS},
}
TIMES = ("morning", "afternoon", "evening")
MODE_ALIASES = {
    "in-person": "in_person",
    "in person": "in_person",
    "live online": "live_online",
    "self paced": "self_paced_online",
    "self-paced online": "self_paced_online",
    "online": "live_online",
    "live-online": "live_online",
    "self-paced": "self_paced_online",
    "self_paced": "self_paced_online",
}
DEFAULT_HORIZON_DAYS = 365


@dataclass
class PlanOptions:
    """The therapist's limits as entered; ``None`` falls back to the profile."""

    budget: Decimal | str | float | None = None
    date_from: dt.date | str | None = None
    date_to: dt.date | str | None = None
    days: list[str] | None = None
    times: list[str] | None = None
    modes: list[str] | None = None
    near: str | None = None
    max_km: float | None = None
    per_month: int | None = None
    objective: str = "cost"
    weights: Weights = field(default_factory=Weights)
    time_limit: float = 10.0
    alternatives: int = 2
    max_per_course: int | None = 6
    max_pool: int | None = 400
    use_profile: bool = True
    #: enforce each pathway's standards (a course mainly about the subject, its hours and
    #: delivery); False keeps the previous behaviour (items and hour totals only)
    standards: bool = True


@dataclass
class PlanOutcome:
    result: PlanResult
    spec: GoalSpec
    constraints: Constraints
    home_label: str | None
    deadlines: list[tuple[str, dt.date]]


def _date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise GoalError(f"{value!r} is not a date; use YYYY-MM-DD", name) from None


def parse_days(values: list[str]) -> frozenset[int]:
    out: set[int] = set()
    for value in values:
        for part in value.replace(" ", ",").split(","):
            key = part.strip().lower()
            if not key:
                continue
            if key not in DAY_ALIASES:
                raise GoalError(
                    f"unknown day {part!r}; use monday..sunday, weekend or weekdays", "days"
                )
            out |= {WEEKDAYS.index(d) for d in DAY_ALIASES[key]}
    return frozenset(out)


def parse_modes(values: list[str]) -> frozenset[str]:
    out = set()
    for value in values:
        for part in value.split(","):
            key = part.strip().lower()
            if not key:
                continue
            key = MODE_ALIASES.get(key, key)
            if key not in MODES:
                raise GoalError(
                    f"unknown way of learning {part!r}; use {', '.join(MODES)}", "modes"
                )
            out.add(key)
    return frozenset(out)


def parse_times(values: list[str]) -> frozenset[str]:
    out = set()
    for value in values:
        for part in value.split(","):
            key = part.strip().lower()
            if not key:
                continue
            if key not in TIMES:
                raise GoalError(f"unknown time of day {part!r}; use {', '.join(TIMES)}", "times")
            out.add(key)
    return frozenset(out)


class Planner:
    def __init__(self, engine: Engine, kb: KnowledgeBase, records: CeRecords) -> None:
        self.engine = engine
        self.kb = kb
        self.records = records

    def plan(
        self,
        user_id: int | None,
        spec: GoalSpec,
        options: PlanOptions,
        today: dt.date | None = None,
    ) -> PlanOutcome:
        with cycle_collector_paused():
            return self._plan(user_id, spec, options, today)

    def _plan(
        self,
        user_id: int | None,
        spec: GoalSpec,
        options: PlanOptions,
        today: dt.date | None,
    ) -> PlanOutcome:
        day = today or dt.date.today()
        if spec.empty:
            raise GoalError(
                "give at least one goal: a pathway, a license, competencies, techniques "
                "or a caseload",
                "goal",
            )
        spec = resolve_items(self.kb, spec)
        if options.objective not in OBJECTIVES:
            raise GoalError(f"objective must be one of {', '.join(OBJECTIVES)}", "objective")
        objective: Objective = options.objective
        profile = self._profile(user_id) if options.use_profile and user_id is not None else None
        constraints, home_label = self._constraints(options, profile, day)
        constraints, home_notes = _without_home(constraints)
        statuses = {}
        done: dict[str, str] = {}
        completed: set[str] = set()
        deadlines: list[tuple[str, dt.date]] = []
        courses = course_facts(self.engine)
        by_key = {c.key: c for c in courses}
        if user_id is not None:
            for status in self.records.status(user_id, day):
                statuses[status.jurisdiction] = status
                if status.cycle_end:
                    deadlines.append((f"{status.name} renewal", status.cycle_end))
            for entry in self.records.entries(user_id):
                if entry.course_key and entry.course_key in by_key:
                    completed.add(entry.course_key)
                    for item in by_key[entry.course_key].covers:
                        done.setdefault(item, entry.title)
        for code in spec.licenses:
            if code not in statuses:
                raise GoalError(f"no license or credential {code!r} in your CE record", "license")
        if constraints.date_to is None:
            ends = [statuses[c].cycle_end for c in spec.licenses if statuses[c].cycle_end]
            date_to = min(e for e in ends if e is not None) if ends else None
            date_to = date_to or day + dt.timedelta(days=DEFAULT_HORIZON_DAYS)
            constraints = _replace(constraints, date_to=date_to)
        constraints = _replace(constraints, completed_courses=frozenset(completed))
        items = wanted_items(self.kb, spec) | {
            f"category:{t}" for c in spec.licenses for t in self.kb.jurisdictions[c].mandated_topics
        }
        relevant = [c for c in courses if spec.licenses or c.covers & items]
        keys = {c.key for c in relevant}
        frontier = list(relevant)
        while frontier:
            for prereq in frontier.pop().prerequisites:
                if prereq in by_key and prereq not in keys:
                    keys.add(prereq)
                    frontier.append(by_key[prereq])
        assert constraints.date_from is not None
        courses_wanted = [by_key[k] for k in keys]

        loaded: dict[str, Candidate] = {}
        offered = {item for c in courses for item in c.covers}

        def narrowed_away(unmet: list[Requirement]) -> list[Requirement]:
            """Unmet requirements the catalog may still meet outside the limits."""
            return [r for r in unmet if not r.items or r.items & offered]

        def attempt(narrow: bool) -> PlanResult:
            assert constraints.date_from is not None
            candidates = load_candidates(
                self.engine,
                courses_wanted,
                date_from=constraints.date_from,
                date_to=constraints.date_to if narrow else None,
                home=constraints.home,
                modes=constraints.modes if narrow else None,
                max_price=constraints.budget if narrow else None,
                max_km=constraints.max_km if narrow else None,
                known=loaded,  # the second, wider load reuses the sessions of the first
            )
            loaded.update((c.id, c) for c in candidates)
            goals = build_goals(self.kb, spec, candidates, done, statuses, options.standards)
            problem = Problem(
                tuple(candidates),
                tuple(goals.requirements),
                constraints,
                objective,
                options.weights,
                tuple(home_notes + goals.notes),
            )
            return solve(
                problem,
                time_limit=options.time_limit,
                alternatives=options.alternatives,
                max_per_course=options.max_per_course,
                max_pool=options.max_pool,
                explain=not narrow,
                # the narrow attempt is planned again over every session when a requirement
                # is unmet that the catalog may meet: no need to finish it then
                give_up=(lambda unmet: bool(narrowed_away(unmet))) if narrow else None,
            )

        # First only the sessions the constraints allow (fast); when that leaves a goal
        # unmet or no plan, again over every session so that "not in the catalog" and the
        # explanation by relaxing one constraint at a time are right.
        result = attempt(narrow=True)
        if result.status == "infeasible" or narrowed_away(
            result.stats.get("unmet_requirements", [])
        ):
            result = attempt(narrow=False)
        result.stats.pop("unmet_requirements", None)
        return PlanOutcome(result, spec, constraints, home_label, deadlines)

    def _profile(self, user_id: int) -> TherapistProfile | None:
        with Session(self.engine) as session:
            profile = session.get(TherapistProfile, user_id)
            if profile is not None:
                session.expunge(profile)
            return profile

    def _constraints(
        self, o: PlanOptions, profile: TherapistProfile | None, today: dt.date
    ) -> tuple[Constraints, str | None]:
        budget_value = (
            o.budget if o.budget not in (None, "") else (profile.budget if profile else None)
        )
        budget = None
        if budget_value is not None:
            try:
                amount = Decimal(str(budget_value))
            except InvalidOperation:
                raise GoalError(f"{budget_value!r} is not an amount", "budget") from None
            if not amount.is_finite() or amount < 0:
                raise GoalError("the budget must be 0 or more", "budget")
            budget = int(amount * 100)
        date_from = _date(o.date_from, "date_from") or today
        date_to = _date(o.date_to, "date_to")
        if date_to is not None and date_to < date_from:
            raise GoalError("the end of the window is before its start", "date_to")
        days_list = o.days if o.days is not None else (profile.available_days if profile else [])
        times_list = (
            o.times if o.times is not None else (profile.available_times if profile else [])
        )
        modes_list = (
            o.modes if o.modes is not None else (profile.preferred_modes if profile else [])
        )
        near = o.near or (profile.home_postal_code if profile else None)
        max_km = (
            o.max_km
            if o.max_km is not None
            else (float(profile.max_travel_km) if profile and profile.max_travel_km else None)
        )
        if max_km is not None and max_km < 0:
            raise GoalError("the travel distance must be 0 or more", "max_km")
        if o.per_month is not None and o.per_month < 1:
            raise GoalError("allow at least 1 session per month", "per_month")
        home = None
        label = None
        if near:
            from ceatlas.search import SearchError, resolve_place

            try:
                place = resolve_place(near, None, None, None)
            except SearchError as error:
                raise GoalError(str(error), "near") from None
            home, label = (place.lat, place.lon), place.label
        elif max_km is not None:
            raise GoalError("give a home ZIP code or place to limit travel distance", "near")
        return (
            Constraints(
                budget=budget,
                date_from=date_from,
                date_to=date_to,
                days=parse_days(days_list) or None,
                times=parse_times(times_list) or None,
                modes=parse_modes(modes_list) or None,
                home=home,
                max_km=max_km,
                per_month=o.per_month,
            ),
            label,
        )


def _without_home(k: Constraints) -> tuple[Constraints, list[str]]:
    """With no home location, distances and trips cannot be told: in-person and hybrid
    sessions are left out (an error when they are the only ways of learning asked for)."""
    if k.home is not None:
        return k, []
    online = frozenset({"live_online", "self_paced_online"})
    if k.modes is not None and not k.modes & online:
        raise GoalError(
            "give your home ZIP code or town to plan in-person sessions (distances and "
            "trips are worked out from it)",
            "near",
        )
    asked = k.modes or frozenset(MODES)
    modes = asked & online
    note = (
        "no home location given: in-person sessions are left out; give your home ZIP code "
        "or town (or set it in your profile) to plan them with real distances"
    )
    return _replace(k, modes=modes, needs_home=asked - online), [note]


def _replace(k: Constraints, **changes: object) -> Constraints:
    import dataclasses

    return dataclasses.replace(k, **changes)  # type: ignore[arg-type]


__all__ = ["GoalError", "GoalSpec", "Objective", "PlanOptions", "PlanOutcome", "Planner"]

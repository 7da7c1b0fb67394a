"""The planner's plain data: candidate sessions, requirements, constraints, objective.

Everything here is frozen plain data with integer units (cents, hundredths of an hour,
day numbers, minutes), so the CP-SAT model builder is pure and easy to test.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Literal

Objective = Literal["cost", "finish", "trips", "mix"]
OBJECTIVES: tuple[Objective, ...] = ("cost", "finish", "trips", "mix")
IN_PERSON_MODES = frozenset({"in_person", "hybrid"})
ONLINE_MODES = frozenset({"live_online", "self_paced_online"})
MODES = ("in_person", "hybrid", "live_online", "self_paced_online")


@dataclass(frozen=True)
class Meeting:
    """One meeting of a session: a day and local start/end minutes (0..1440)."""

    day: dt.date
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    """A session that could go into a plan.

    ``covers`` are items such as ``technique:oncology-massage``, ``competency:pathology``,
    ``condition:sciatica`` or ``category:ethics``. ``hours`` are CE hours in hundredths.
    Self-paced sessions have no meetings and can be done at any time in the window.
    """

    id: str
    course: str
    title: str
    mode: str
    price: int
    hours: int
    meetings: tuple[Meeting, ...] = ()
    covers: frozenset[str] = frozenset()
    prerequisites: tuple[str, ...] = ()
    approvers: frozenset[str] = frozenset()
    in_person_hours: int = 0
    supervised_hours: int = 0
    distance_km: float | None = None
    location: str = ""
    url: str | None = None
    provider: str = ""
    latitude: float | None = None
    longitude: float | None = None
    timezone: str | None = None

    @property
    def dated(self) -> bool:
        return bool(self.meetings)

    @property
    def first_day(self) -> dt.date | None:
        return self.meetings[0].day if self.meetings else None

    @property
    def last_day(self) -> dt.date | None:
        return self.meetings[-1].day if self.meetings else None

    @property
    def is_trip(self) -> bool:
        return self.mode in IN_PERSON_MODES

    @functools.cached_property  # pruning asks for it many times per candidate
    def days_away(self) -> int:
        return len({m.day for m in self.meetings}) if self.is_trip else 0

    @property
    def online(self) -> bool:
        return self.mode in ONLINE_MODES


@dataclass(frozen=True)
class Requirement:
    """Something a goal needs: ``need`` units from sessions, counted by ``amounts``.

    ``amounts`` maps candidate id -> units that candidate contributes (1 for a coverage
    requirement, hundredths of an hour for an hours requirement). When ``capped`` is set,
    those candidates' units together count at most ``cap`` (an online limit).
    """

    id: str
    goal: str
    label: str
    need: int
    amounts: dict[str, int]
    unit: Literal["sessions", "hours"] = "sessions"
    capped: frozenset[str] = frozenset()
    cap: int | None = None
    items: frozenset[str] = frozenset()  # cover items that count (empty: hours requirement)


@dataclass(frozen=True)
class Constraints:
    """The therapist's limits. ``None`` means no limit."""

    budget: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    days: frozenset[int] | None = None  # weekday numbers 0=Monday..6=Sunday
    times: frozenset[str] | None = None  # morning, afternoon, evening
    modes: frozenset[str] | None = None
    home: tuple[float, float] | None = None
    max_km: float | None = None
    per_month: int | None = None
    completed_courses: frozenset[str] = frozenset()
    #: ways of learning left out only because no home location was given
    needs_home: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Weights:
    """Weights of the ``mix`` objective: per dollar, per day of finish, per trip."""

    cost: int = 1
    finish: int = 1
    trips: int = 50


@dataclass(frozen=True)
class Problem:
    candidates: tuple[Candidate, ...]
    requirements: tuple[Requirement, ...]
    constraints: Constraints = Constraints()
    objective: Objective = "cost"
    weights: Weights = Weights()
    notes: tuple[str, ...] = field(default=())

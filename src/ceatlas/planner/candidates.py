"""Candidate sessions from the catalog database, as plain planner data.

The loader applies only cheap, exact filters in SQL (date window, relevant courses);
everything else is left to :mod:`ceatlas.planner.prune`, so that the infeasibility
explanation can relax a constraint without reloading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from ceatlas.catalog.models import Course, CourseApproval, CourseSession, Provider, ProviderApproval
from ceatlas.catalog.places import distance_miles
from ceatlas.planner.problem import Candidate, Meeting

KM_PER_MILE = 1.609344
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_MEETINGS = 120


@dataclass(frozen=True)
class CourseFacts:
    id: int
    key: str
    covers: frozenset[str]
    prerequisites: tuple[str, ...]


def _hundredths(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 100)


def _minutes(value: dt.time | str | None, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        hour, _, minute = value.partition(":")
        return int(hour) * 60 + int(minute[:2] or 0)
    return value.hour * 60 + value.minute


def meetings_of(
    start_date: dt.date | None,
    end_date: dt.date | None,
    start_time: dt.time | None,
    end_time: dt.time | None,
    pattern: list[dict[str, Any]],
) -> tuple[Meeting, ...]:
    """Every meeting day of a dated session (from its meeting pattern, else every day)."""
    if start_date is None:
        return ()
    last = end_date or start_date
    out: list[Meeting] = []
    day = start_date
    default_start = _minutes(start_time, 9 * 60)
    default_end = _minutes(end_time, 17 * 60)
    if default_end <= default_start:
        default_end = min(24 * 60, default_start + 60)
    while day <= last and len(out) < MAX_MEETINGS:
        name = WEEKDAYS[day.weekday()]
        if pattern:
            for slot in pattern:
                days = [str(d).lower() for d in slot.get("days", [])]
                if not days or name in days:
                    start = _minutes(slot.get("start_time"), default_start)
                    end = _minutes(slot.get("end_time"), default_end)
                    out.append(Meeting(day, start, max(end, start + 1)))
        else:
            out.append(Meeting(day, default_start, default_end))
        day += dt.timedelta(days=1)
    if not out:  # a pattern that never falls inside the dates: keep the first day
        out.append(Meeting(start_date, default_start, default_end))
    return tuple(out)


def course_facts(engine: Engine) -> list[CourseFacts]:
    """Every course with what it covers and the course keys it requires."""
    columns = (
        Course.id,
        Course.key,
        Course.techniques,
        Course.competencies,
        Course.conditions,
        Course.ce_categories,
        Course.prerequisites,
    )
    out = []
    with engine.connect() as conn:
        for row in conn.execute(sa.select(*columns)):
            covers = frozenset(
                [f"technique:{t}" for t in row.techniques or []]
                + [f"competency:{c}" for c in row.competencies or []]
                + [f"condition:{c}" for c in row.conditions or []]
                + [f"category:{c}" for c in row.ce_categories or []]
            )
            prereqs = tuple(
                str(p["value"])
                for p in row.prerequisites or []
                if isinstance(p, dict) and p.get("kind") == "course" and p.get("value")
            )
            out.append(CourseFacts(row.id, row.key, covers, prereqs))
    return out


def load_candidates(
    engine: Engine,
    courses: Iterable[CourseFacts],
    *,
    date_from: dt.date,
    date_to: dt.date | None,
    home: tuple[float, float] | None = None,
) -> list[Candidate]:
    """Sessions of ``courses`` that start in the window (self-paced: open in the window)."""
    wanted = {c.id: c for c in courses}
    if not wanted:
        return []
    s = CourseSession
    approvals: dict[int, set[str]] = {}
    provider_approvals: dict[int, set[str]] = {}
    out: list[Candidate] = []
    with engine.connect() as conn:
        ids = list(wanted)
        for chunk in range(0, len(ids), 900):
            part = ids[chunk : chunk + 900]
            for row in conn.execute(
                sa.select(CourseApproval.course_id, CourseApproval.authority).where(
                    CourseApproval.course_id.in_(part)
                )
            ):
                approvals.setdefault(row.course_id, set()).add(row.authority)
        for row in conn.execute(
            sa.select(ProviderApproval.provider_id, ProviderApproval.authority)
        ):
            provider_approvals.setdefault(row.provider_id, set()).add(row.authority)
        dated = sa.and_(s.start_date.is_not(None), s.start_date >= date_from)
        if date_to is not None:
            dated = sa.and_(dated, sa.func.coalesce(s.end_date, s.start_date) <= date_to)
        open_self_paced = sa.and_(
            s.start_date.is_(None),
            sa.or_(s.registration_deadline.is_(None), s.registration_deadline >= date_from),
        )
        if date_to is not None:
            open_self_paced = sa.and_(
                open_self_paced,
                sa.or_(s.registration_opens.is_(None), s.registration_opens <= date_to),
            )
        columns = (
            s.key,
            s.course_id,
            s.mode,
            s.start_date,
            s.end_date,
            s.start_time,
            s.end_time,
            s.meeting_pattern,
            s.price,
            s.latitude,
            s.longitude,
            s.city,
            s.region,
            s.venue,
            s.registration_url,
            s.hands_on_hours,
            s.supervised_hours,
            s.workload_hours,
            s.timezone,
            Course.key.label("course_key"),
            Course.title,
            Course.ce_hours,
            Course.provider_id,
            Course.url.label("course_url"),
            Provider.name.label("provider_name"),
        )
        for chunk in range(0, len(ids), 900):
            part = ids[chunk : chunk + 900]
            query = (
                sa.select(*columns)
                .join(Course, Course.id == s.course_id)
                .outerjoin(Provider, Provider.id == Course.provider_id)
                .where(s.course_id.in_(part), sa.or_(dated, open_self_paced))
            )
            for row in conn.execute(query):
                facts = wanted[row.course_id]
                hours = _hundredths(row.ce_hours or row.workload_hours)
                mode = row.mode
                distance = None
                if home is not None and row.latitude is not None and row.longitude is not None:
                    distance = round(
                        distance_miles(home[0], home[1], row.latitude, row.longitude) * KM_PER_MILE,
                        1,
                    )
                in_person = (
                    hours
                    if mode == "in_person"
                    else _hundredths(row.hands_on_hours)
                    if mode == "hybrid"
                    else 0
                )
                where = ", ".join(v for v in (row.venue, row.city, row.region) if v)
                out.append(
                    Candidate(
                        id=row.key,
                        course=facts.key,
                        title=row.title,
                        mode=mode,
                        price=_hundredths(row.price),
                        hours=hours,
                        meetings=meetings_of(
                            row.start_date,
                            row.end_date,
                            row.start_time,
                            row.end_time,
                            row.meeting_pattern or [],
                        ),
                        covers=facts.covers,
                        prerequisites=facts.prerequisites,
                        approvers=frozenset(
                            approvals.get(row.course_id, set())
                            | provider_approvals.get(row.provider_id or -1, set())
                        ),
                        in_person_hours=in_person,
                        supervised_hours=_hundredths(row.supervised_hours),
                        distance_km=distance,
                        location=where or mode.replace("_", " "),
                        url=row.registration_url or row.course_url,
                        provider=row.provider_name or "",
                        latitude=row.latitude,
                        longitude=row.longitude,
                        timezone=row.timezone,
                    )
                )
    out.sort(key=lambda c: c.id)
    return out

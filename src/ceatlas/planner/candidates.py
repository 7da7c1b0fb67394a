"""Candidate sessions from the catalog database, as plain planner data.

The loader applies only cheap, exact filters in SQL (date window, relevant courses);
everything else is left to :mod:`ceatlas.planner.prune`, so that the infeasibility
explanation can relax a constraint without reloading.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from ceatlas.catalog.approval_review import COUNTING_STATUSES
from ceatlas.catalog.models import Course, CourseApproval, CourseSession, Provider, ProviderApproval
from ceatlas.catalog.places import distance_miles
from ceatlas.planner.problem import Candidate, Meeting

KM_PER_MILE = 1.609344
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_MEETINGS = 120
_MISSING = object()


@dataclass(frozen=True)
class CourseFacts:
    id: int
    key: str
    covers: frozenset[str]
    prerequisites: tuple[str, ...]
    title: str = ""
    ce_hours: int | None = None  # hundredths, as stored (None when the course gives none)
    provider_id: int | None = None
    provider_name: str | None = None
    url: str | None = None


def _hundredths(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 100)


def _minutes(value: dt.time | str | None, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        hour, _, minute = value.partition(":")
        return int(hour) * 60 + int(minute[:2] or 0)
    return value.hour * 60 + value.minute


Slot = tuple[frozenset[int] | None, int, int]


def _slots(
    pattern: list[dict[str, Any]], start_time: dt.time | None, end_time: dt.time | None
) -> tuple[Slot, ...]:
    default_start = _minutes(start_time, 9 * 60)
    default_end = _minutes(end_time, 17 * 60)
    if default_end <= default_start:
        default_end = min(24 * 60, default_start + 60)
    if not pattern:
        return ((None, default_start, default_end),)
    out: list[Slot] = []
    for slot in pattern:
        days = frozenset(
            WEEKDAYS.index(str(d).lower())
            for d in slot.get("days", []) or []
            if str(d).lower() in WEEKDAYS
        )
        begin = _minutes(slot.get("start_time"), default_start)
        end = _minutes(slot.get("end_time"), default_end)
        out.append((days or None, begin, max(end, begin + 1)))
    return tuple(out)


def _expand(
    start_date: dt.date | None, end_date: dt.date | None, slots: tuple[Slot, ...]
) -> tuple[Meeting, ...]:
    if start_date is None:
        return ()
    last = end_date or start_date
    out: list[Meeting] = []
    day = start_date
    one = dt.timedelta(days=1)
    while day <= last and len(out) < MAX_MEETINGS:
        weekday = day.weekday()
        for days, begin, end in slots:
            if days is None or weekday in days:
                out.append(Meeting(day, begin, end))
        day += one
    if not out:  # a pattern that never falls inside the dates: keep the first day
        out.append(Meeting(start_date, slots[0][1], slots[0][2]))
    return tuple(out)


def meetings_of(
    start_date: dt.date | None,
    end_date: dt.date | None,
    start_time: dt.time | None,
    end_time: dt.time | None,
    pattern: list[dict[str, Any]],
) -> tuple[Meeting, ...]:
    """Every meeting day of a dated session (from its meeting pattern, else every day)."""
    return _expand(start_date, end_date, _slots(pattern, start_time, end_time))


# Course facts per database, kept while the catalog version (bumped by triggers on every
# write to the catalog tables, migration 0007) stays the same.
_FACTS: dict[str, tuple[int, list[CourseFacts]]] = {}


def course_facts(engine: Engine) -> list[CourseFacts]:
    """Every course with what it covers (what the course reader found it teaches centrally
    or in part, never a term only mentioned in passing; its main subjects also as
    ``primary:<kind>:<id>``) and the course keys it requires.

    Read once per catalog version and process: a write by any process sharing the database
    changes the version, and the next call reads the courses again.
    """
    from ceatlas.search.accel import Accelerator

    with engine.connect() as conn:
        version = Accelerator.version(conn)
    key = str(engine.url)
    cached = _FACTS.get(key)
    if version is not None and cached is not None and cached[0] == version:
        return cached[1]
    facts = _read_course_facts(engine)
    if version is not None:
        _FACTS[key] = (version, facts)
    return facts


def _read_course_facts(engine: Engine) -> list[CourseFacts]:
    columns = (
        Course.id,
        Course.key,
        Course.covers_techniques,
        Course.covers_competencies,
        Course.covers_conditions,
        Course.covers_categories,
        Course.primary_terms,
        Course.prerequisites,
        Course.title,
        sa.type_coerce(Course.ce_hours, sa.BigInteger).label("ce_hours"),  # hundredths
        Course.provider_id,
        Course.url,
        Provider.name.label("provider_name"),
    )
    out = []
    query = sa.select(*columns).outerjoin(Provider, Provider.id == Course.provider_id)
    with engine.connect() as conn:
        for row in conn.execute(query):
            covers = frozenset(
                [f"technique:{t}" for t in row.covers_techniques or []]
                + [f"competency:{c}" for c in row.covers_competencies or []]
                + [f"condition:{c}" for c in row.covers_conditions or []]
                + [f"category:{c}" for c in row.covers_categories or []]
                + [_primary_item(term) for term in row.primary_terms or []]
            )
            prereqs = tuple(
                str(p["value"])
                for p in row.prerequisites or []
                if isinstance(p, dict) and p.get("kind") == "course" and p.get("value")
            )
            out.append(
                CourseFacts(
                    row.id,
                    row.key,
                    covers,
                    prereqs,
                    title=row.title,
                    ce_hours=None if row.ce_hours is None else int(row.ce_hours),
                    provider_id=row.provider_id,
                    provider_name=row.provider_name,
                    url=row.url,
                )
            )
    return out


_SINGULAR = {
    "techniques": "technique",
    "competencies": "competency",
    "conditions": "condition",
    "categories": "category",
    "regions": "region",
}


def _primary_item(term: str) -> str:
    """``techniques:oncology-massage`` (a course's main subject) as the cover item
    ``primary:technique:oncology-massage``."""
    kind, _, ident = term.partition(":")
    return f"primary:{_SINGULAR.get(kind, kind)}:{ident}"


# Candidate sessions per database, built without a home location (no distance), kept
# while the catalog version stays the same: a later plan reads only the keys of the rows
# its filters select and builds only the sessions it has not seen. Bounded, so a very
# large catalog keeps at most this many built sessions per database.
MAX_POOLED = 250_000


@dataclass
class _Pool:
    version: int | None
    #: session key -> the candidate without distance
    sessions: dict[str, Candidate]
    #: course id -> the course facts its sessions were built from
    courses: dict[int, CourseFacts]


_POOLS: dict[str, _Pool] = {}
_POOLS_LOCK = threading.Lock()


def _pool(engine: Engine, version: int | None) -> _Pool:
    """This database's pool at ``version`` (a fresh one when the catalog changed; a
    throwaway one where the catalog has no version to check against)."""
    if version is None:
        return _Pool(None, {}, {})
    key = str(engine.url)
    with _POOLS_LOCK:
        found = _POOLS.get(key)
        if found is None or found.version != version:
            found = _POOLS[key] = _Pool(version, {}, {})
        return found


def _located(
    c: Candidate, home: tuple[float, float] | None, distances: dict[tuple[float, float], float]
) -> Candidate:
    """``c`` with its distance from ``home`` in km (a copy; ``c`` itself when there is no
    home or no coordinates)."""
    if home is None or c.latitude is None or c.longitude is None:
        return c
    point = (c.latitude, c.longitude)
    distance = distances.get(point)
    if distance is None:
        miles = distance_miles(home[0], home[1], point[0], point[1])
        distance = distances[point] = round(miles * KM_PER_MILE, 1)
    # a shallow copy with one field changed; dataclasses.replace runs __init__ and the
    # frozen checks again, three times slower on the 50,000 in-person sessions of a plan
    copy = object.__new__(Candidate)
    copy.__dict__.update(c.__dict__)
    copy.__dict__["distance_km"] = distance
    return copy


def _conditions(
    date_from: dt.date,
    date_to: dt.date | None,
    home: tuple[float, float] | None,
    modes: frozenset[str] | None,
    max_price: int | None,
    max_km: float | None,
) -> list[sa.ColumnElement[bool]]:
    """The SQL filters of :func:`load_candidates` (apart from the courses)."""
    s = CourseSession
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
    narrow: list[sa.ColumnElement[bool]] = []
    if modes is not None:
        narrow.append(s.mode.in_(sorted(modes)))
    if max_price is not None:
        narrow.append(sa.or_(s.price.is_(None), s.price <= Decimal(max_price) / 100))
    if max_km is not None and home is not None:
        dlat = max_km / 110.0 + 0.01
        dlon = max_km / (111.32 * max(0.05, math.cos(math.radians(home[0])))) + 0.01
        narrow.append(
            sa.or_(
                s.mode.not_in(("in_person", "hybrid")),
                sa.and_(
                    s.latitude.between(home[0] - dlat, home[0] + dlat),
                    s.longitude.between(home[1] - dlon, home[1] + dlon),
                ),
            )
        )
    return [sa.or_(dated, open_self_paced), *narrow]


def load_candidates(
    engine: Engine,
    courses: Iterable[CourseFacts],
    *,
    date_from: dt.date,
    date_to: dt.date | None,
    home: tuple[float, float] | None = None,
    modes: frozenset[str] | None = None,
    max_price: int | None = None,
    max_km: float | None = None,
    known: dict[str, Candidate] | None = None,
) -> list[Candidate]:
    """Sessions of ``courses`` that start in the window (self-paced: open in the window),
    in session-key order.

    ``modes``, ``max_price`` (cents) and ``max_km`` (a box around ``home`` for in-person and
    hybrid sessions) narrow the rows read; exact checks are left to pruning. Only the keys
    of the selected rows are read; sessions already built at this catalog version (by an
    earlier call in this process) are reused, the others are read in full and built. Each
    is given its distance from ``home``. Sessions in ``known`` (by key, from an earlier load
    with the same home) are taken from there as they are.
    """
    from ceatlas.search.accel import Accelerator

    wanted = {c.id: c for c in courses}
    if not wanted:
        return []
    s = CourseSession
    with engine.connect() as conn:
        version = Accelerator.version(conn)
        pool = _pool(engine, version)
        if any(pool.courses.get(i, facts) is not facts for i, facts in wanted.items()):
            # courses described otherwise than when their sessions were built: start afresh
            pool = _pool(engine, None)
        where = _conditions(date_from, date_to, home, modes, max_price, max_km)
        ids = list(wanted)
        # Most of the catalog wanted (a license's general hours): one scan, courses picked
        # here; otherwise the wanted courses by id, 900 at a time (SQLite's parameter limit).
        scan = len(ids) > 900
        batches: list[list[int] | None] = (
            [None] if scan else [ids[i : i + 900] for i in range(0, len(ids), 900)]
        )
        passes = [where if batch is None else [s.course_id.in_(batch), *where] for batch in batches]
        selected: list[tuple[str, int]] = []
        for condition in passes:
            rows = conn.execute(sa.select(s.key, s.course_id).where(*condition))
            selected.extend(row for row in rows.tuples().fetchall() if row[1] in wanted)
        pooled = pool.sessions
        missing = {key: course_id for key, course_id in selected if key not in pooled}
        built: dict[str, Candidate] = {}
        if missing:
            # many rows: the same passes again beat reading keys 900 at a time
            built = _build(conn, wanted, missing, passes if len(missing) > 4000 else None)
            if len(pooled) + len(built) <= MAX_POOLED:
                pool.courses.update((i, wanted[i]) for i in set(missing.values()))
                pooled.update(built)
    seen = known or {}
    distances: dict[tuple[float, float], float] = {}
    out: list[Candidate] = []
    for key, _course_id in selected:
        found = seen.get(key)
        if found is None:
            base = built.get(key) or pooled.get(key)
            if base is None:  # the row went away between the two reads
                continue
            found = _located(base, home, distances)
        out.append(found)
    out.sort(key=lambda c: c.id)
    return out


def _build(
    conn: sa.Connection,
    wanted: dict[int, CourseFacts],
    missing: dict[str, int],
    passes: list[list[sa.ColumnElement[bool]]] | None,
) -> dict[str, Candidate]:
    """The sessions ``missing`` (key -> course id) read in full and built, with no distance:
    by key, or (``passes`` given, for many keys) by the loader's own queries again."""
    s = CourseSession
    approvals: dict[int, set[str]] = {}
    provider_approvals: dict[int, set[str]] = {}
    cache: dict[tuple[str, dt.time | None, dt.time | None], tuple[Slot, ...]] = {}

    def slots(raw: Any, start: dt.time | None, end: dt.time | None) -> tuple[Slot, ...]:
        # Many sessions share a meeting pattern: parse each text once.
        key = (raw if isinstance(raw, str) else json.dumps(raw), start, end)
        found = cache.get(key)
        if found is None:
            pattern = json.loads(raw) if isinstance(raw, str) else raw
            found = cache[key] = _slots(pattern or [], start, end)
        return found

    days: dict[Any, dt.date | None] = {None: None}
    clocks: dict[Any, dt.time | None] = {None: None}

    def day(value: Any) -> dt.date | None:
        found = days.get(value, _MISSING)
        if found is _MISSING:
            found = days[value] = (
                dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
            )
        return found  # type: ignore[return-value]

    def clock(value: Any) -> dt.time | None:
        found = clocks.get(value, _MISSING)
        if found is _MISSING:
            found = clocks[value] = (
                dt.time.fromisoformat(value) if isinstance(value, str) else value
            )
        return found  # type: ignore[return-value]

    # 100,000 sessions share far fewer approver sets, dates and places: build each once.
    approver_sets: dict[tuple[int, int | None], frozenset[str]] = {}
    meeting_runs: dict[tuple[Any, ...], tuple[Meeting, ...]] = {}
    places: dict[tuple[str | None, str | None, str | None, str], str] = {}

    def build(
        key: str,
        course_id: int,
        mode: str,
        raw_start_date: Any,
        raw_end_date: Any,
        raw_start_time: Any,
        raw_end_time: Any,
        meeting_pattern: Any,
        price: int | None,
        latitude: float | None,
        longitude: float | None,
        city: str | None,
        region: str | None,
        venue: str | None,
        registration_url: str | None,
        hands_on_hours: int | None,
        supervised_hours: int | None,
        workload_hours: int | None,
        timezone: str | None,
    ) -> Candidate:
        start_date = day(raw_start_date)
        end_date = day(raw_end_date)
        start_time = clock(raw_start_time)
        end_time = clock(raw_end_time)
        facts = wanted[course_id]
        hours = int(facts.ce_hours or workload_hours or 0)
        in_person = (
            hours if mode == "in_person" else int(hands_on_hours or 0) if mode == "hybrid" else 0
        )
        provider_id = facts.provider_id
        owners = (course_id, provider_id)
        approvers = approver_sets.get(owners)
        if approvers is None:
            approvers = approver_sets[owners] = frozenset(
                approvals.get(course_id, set()) | provider_approvals.get(provider_id or -1, set())
            )
        pattern = slots(meeting_pattern, start_time, end_time)
        run_key = (start_date, end_date, pattern)
        meetings = meeting_runs.get(run_key)
        if meetings is None:
            meetings = meeting_runs[run_key] = _expand(start_date, end_date, pattern)
        place = (venue, city, region, mode)
        where = places.get(place)
        if where is None:
            where = places[place] = ", ".join(
                v for v in (venue, city, region) if v
            ) or mode.replace("_", " ")
        return Candidate(
            id=key,
            course=facts.key,
            title=facts.title,
            mode=mode,
            price=int(price or 0),
            hours=hours,
            meetings=meetings,
            covers=facts.covers,
            prerequisites=facts.prerequisites,
            approvers=approvers,
            in_person_hours=in_person,
            supervised_hours=int(supervised_hours or 0),
            distance_km=None,
            location=where,
            url=registration_url or facts.url,
            provider=facts.provider_name or "",
            latitude=latitude,
            longitude=longitude,
            timezone=timezone,
        )

    courses = sorted(set(missing.values()))
    for chunk in range(0, len(courses), 900):
        part = courses[chunk : chunk + 900]
        for row in conn.execute(
            sa.select(CourseApproval.course_id, CourseApproval.authority).where(
                CourseApproval.course_id.in_(part),
                CourseApproval.status.in_(COUNTING_STATUSES),
            )
        ):
            approvals.setdefault(row.course_id, set()).add(row.authority)
    # an approval an administrator found rejected or expired never counts toward a license
    for row in conn.execute(
        sa.select(ProviderApproval.provider_id, ProviderApproval.authority).where(
            ProviderApproval.status.in_(COUNTING_STATUSES)
        )
    ):
        provider_approvals.setdefault(row.provider_id, set()).add(row.authority)
    columns = (
        s.key,
        s.course_id,
        s.mode,
        # raw values: text on SQLite (parsed once per distinct value below), date and
        # time objects from PostgreSQL's driver; SQLAlchemy's per-row parsing was a
        # fifth of the load time
        sa.type_coerce(s.start_date, sa.String).label("raw_start_date"),
        sa.type_coerce(s.end_date, sa.String).label("raw_end_date"),
        sa.type_coerce(s.start_time, sa.String).label("raw_start_time"),
        sa.type_coerce(s.end_time, sa.String).label("raw_end_time"),
        sa.type_coerce(s.meeting_pattern, sa.Text).label("meeting_pattern"),
        sa.type_coerce(s.price, sa.BigInteger).label("price"),
        s.latitude,
        s.longitude,
        s.city,
        s.region,
        s.venue,
        s.registration_url,
        sa.type_coerce(s.hands_on_hours, sa.BigInteger).label("hands_on_hours"),
        sa.type_coerce(s.supervised_hours, sa.BigInteger).label("supervised_hours"),
        sa.type_coerce(s.workload_hours, sa.BigInteger).label("workload_hours"),
        s.timezone,
    )
    fields = tuple(inspect.signature(build).parameters)
    keys = list(missing)
    conditions = passes or [[s.key.in_(keys[i : i + 900])] for i in range(0, len(keys), 900)]
    out: dict[str, Candidate] = {}
    for condition in conditions:
        result = conn.execute(sa.select(*columns).where(*condition))
        # build() takes the selected columns by position, in the order selected.
        assert tuple(result.keys()) == fields, tuple(result.keys())
        for row in result.tuples().fetchall():
            if row[0] in missing and row[1] in wanted:
                out[row[0]] = build(*row)
    return out

"""The sample catalog shipped with CE Atlas: fictional providers, courses, sessions, programs.

``build_sample(today)`` expands the compact data in ``ceatlas.catalog.sample_data`` into
schema.org JSON-LD documents (the shape ``schemaorg_write`` produces). Every session date is
placed relative to ``today`` (within the coming year); everything else depends only on the
data, so the same ``today`` always gives the same documents and session ids never change.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any
from zoneinfo import ZoneInfo

from ceatlas.catalog.places import Place, place
from ceatlas.catalog.sample_data import (
    courses_conditions,
    courses_medical,
    courses_required,
    courses_techniques,
    vocabulary,
)
from ceatlas.catalog.sample_data.programs import PROGRAMS
from ceatlas.catalog.sample_data.providers import PROVIDERS
from ceatlas.catalog.sample_data.specs import CourseSpec, ProgramSpec, ProviderSpec
from ceatlas.catalog.schemaorg_write import CONTEXT, TERM_SETS

BASE = "https://sample.ceatlas.example"
SAMPLE_NOTE = "Sample data: a fictional provider and course, for trying CE Atlas."
HORIZON_DAYS = 360  # every dated session ends within this many days of today

COURSES: tuple[CourseSpec, ...] = (
    courses_medical.COURSES
    + courses_required.COURSES
    + courses_techniques.COURSES
    + courses_conditions.COURSES
)

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_VENUES = (
    "Wellness Center",
    "Conference Center",
    "Massage Studio",
    "Community Health Center",
    "Hotel Conference Center",
    "Integrative Health Clinic",
)
_STREETS = ("Main St", "Oak Ave", "Park Blvd", "Market St", "Elm St", "Lake Dr", "Cedar Ln")
_MODE_WORDS = {
    "P": ["onsite"],
    "D": ["onsite"],
    "H": ["blended"],
    "L": ["online", "synchronous"],
    "S": ["online", "asynchronous"],
}


def course_id(slug: str) -> str:
    return f"{BASE}/courses/{slug}"


def provider_id(slug: str) -> str:
    return f"{BASE}/providers/{slug}"


def build_sample(today: dt.date) -> list[dict[str, Any]]:
    """The sample catalog as JSON-LD documents: one per course, then one per program."""
    check_data()
    providers = {p.slug: p for p in PROVIDERS}
    provider_docs = {p.slug: _provider(p, today) for p in PROVIDERS}
    codes: dict[str, int] = {}
    documents = []
    for spec in COURSES:
        number = codes[spec.provider] = codes.get(spec.provider, 100) + 1
        documents.append(
            _course(spec, providers[spec.provider], provider_docs[spec.provider], today, number)
        )
    documents.extend(_program(p, provider_docs[p.provider]) for p in PROGRAMS)
    return documents


def check_data() -> None:
    """Fail loudly when the sample data uses an id outside the fixed vocabulary."""
    providers = {p.slug for p in PROVIDERS}
    slugs = [c.slug for c in COURSES]
    if len(set(slugs)) != len(slugs):
        raise ValueError("sample data: duplicate course slugs")
    known = {
        "techniques": set(vocabulary.TECHNIQUES),
        "conditions": set(vocabulary.CONDITIONS),
        "competencies": set(vocabulary.COMPETENCIES),
        "categories": set(vocabulary.CATEGORIES),
    }
    for spec in COURSES:
        if spec.provider not in providers:
            raise ValueError(f"sample course {spec.slug}: unknown provider {spec.provider}")
        for kind in known:
            unknown = set(getattr(spec, kind)) - known[kind]
            if unknown:
                raise ValueError(f"sample course {spec.slug}: unknown {kind} {sorted(unknown)}")
        for item in spec.prereqs:
            if item.startswith("course:") and item[7:] not in set(slugs):
                raise ValueError(f"sample course {spec.slug}: unknown prerequisite {item}")
            if item.startswith("competency:") and item[11:] not in known["competencies"]:
                raise ValueError(f"sample course {spec.slug}: unknown prerequisite {item}")
        for key in spec.cities:
            place(key)
    for program in PROGRAMS:
        for group in program.groups:
            missing = set(group.courses) - set(slugs)
            if missing:
                raise ValueError(f"sample program {program.slug}: unknown courses {missing}")


# --- providers -----------------------------------------------------------------------------


def _address(street: str, where: Place) -> dict[str, Any]:
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "addressLocality": where.city,
        "addressRegion": where.state,
        "postalCode": where.zip_code,
        "addressCountry": "US",
    }


def _provider(spec: ProviderSpec, today: dt.date) -> dict[str, Any]:
    number = PROVIDERS.index(spec)
    approvals = []
    for authority, identifier, years in spec.approvals:
        approval: dict[str, Any] = {"@type": "ce:Approval", "ce:authority": authority}
        if identifier:
            approval["identifier"] = identifier
        if years is not None:
            approval["validThrough"] = dt.date(today.year + years, 12, 31).isoformat()
        approvals.append(approval)
    doc: dict[str, Any] = {
        "@type": "Person" if spec.person else "Organization",
        "@id": provider_id(spec.slug),
        "name": spec.name,
        "description": f"{spec.about} Sample data: this provider is fictional.",
        "url": f"https://{spec.slug}.example/",
        "email": f"info@{spec.slug}.example",
        "telephone": f"+1-800-555-01{number:02d}",
        "address": _address(spec.street, place(spec.home)),
        "ce:sample": True,
    }
    if approvals:
        doc["ce:approval"] = approvals
    return doc


# --- courses -------------------------------------------------------------------------------


def _terms(names: tuple[str, ...], kind: str) -> list[dict[str, Any]]:
    return [{"@type": "DefinedTerm", "name": n, "inDefinedTermSet": TERM_SETS[kind]} for n in names]


def _prerequisite(item: str) -> Any:
    if item.startswith("course:"):
        return {"@type": "Course", "@id": course_id(item[7:])}
    if item.startswith("competency:"):
        return _terms((item[11:],), "competencies")[0]
    return item


def _description(spec: CourseSpec) -> str:
    if spec.blurb:
        return f"{spec.blurb} {SAMPLE_NOTE}"
    topics = [t.replace("-", " ") for t in spec.techniques[:2] + spec.conditions[:3]]
    about = f" Topics: {', '.join(topics)}." if topics else ""
    return f"{spec.title}: {spec.hours:g} CE hours.{about} {SAMPLE_NOTE}"


def _course(
    spec: CourseSpec,
    provider: ProviderSpec,
    provider_doc: dict[str, Any],
    today: dt.date,
    number: int,
) -> dict[str, Any]:
    initials = "".join(w[0] for w in provider.slug.split("-")[:3]).upper()
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Course",
        "@id": course_id(spec.slug),
        "name": spec.title,
        "description": _description(spec),
        "courseCode": spec.code or f"{initials}-{number}",
        "url": course_id(spec.slug),
        "provider": provider_doc,
        "numberOfCredits": {
            "@type": "StructuredValue",
            "value": int(spec.hours) if spec.hours == int(spec.hours) else spec.hours,
            "unitText": "CE hours",
        },
        "educationalLevel": spec.level,
        "inLanguage": "en",
        "teaches": _terms(spec.techniques, "techniques")
        + _terms(spec.competencies, "competencies"),
        "about": [{"@type": "MedicalCondition", "name": c} for c in spec.conditions]
        + [{"@type": "AnatomicalStructure", "name": r} for r in spec.regions],
        "ce:category": list(spec.categories),
        "coursePrerequisites": [_prerequisite(p) for p in spec.prereqs],
    }
    if spec.credential:
        doc["educationalCredentialAwarded"] = spec.credential
    if spec.approval:
        doc["ce:approval"] = [
            {"@type": "ce:Approval", "ce:authority": "NCBTMB", "identifier": spec.approval}
        ]
    doc["hasCourseInstance"] = _sessions(spec, provider, today)
    return {k: v for k, v in doc.items() if v != []}


# --- sessions ------------------------------------------------------------------------------


def _money(amount: float) -> str:
    return f"{amount:.2f}"


def _round5(amount: float) -> int:
    return int(5 * round(amount / 5))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _moment(day: dt.date, minutes: int, zone: str) -> str:
    time = dt.time(minutes // 60, minutes % 60)
    return dt.datetime.combine(day, time, ZoneInfo(zone)).isoformat()


def _next(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _sessions(spec: CourseSpec, provider: ProviderSpec, today: dt.date) -> list[dict[str, Any]]:
    # Seeded by the course alone: places, prices and ids never depend on ``today``.
    rng = random.Random(f"ceatlas-sample:{spec.slug}")  # noqa: S311 (not for security)
    cities = list(spec.cities) + [c for c in provider.cities if c not in spec.cities]
    sessions = []
    located = 0
    position = 0
    for token in spec.schedule.split():
        kind, count = token[0], int(token[1:])
        for k in range(count):
            position += 1
            # Every draw happens whatever the outcome, so the sequence never shifts.
            draws = [rng.random() for _ in range(10)]
            where = None
            if kind in "PDH":
                where = place(cities[located % len(cities)])
                located += 1
            suffix = where.key if where else ("live" if kind == "L" else "online")
            key = f"{spec.slug}-{position:02d}-{suffix}"
            session: dict[str, Any] = {
                "@type": "CourseInstance",
                "@id": f"{BASE}/sessions/{key}",
                "courseMode": _MODE_WORDS[kind],
            }
            factor = {"L": 0.8, "S": 0.6}.get(kind, 1.0)
            price = _round5(spec.price * factor) if spec.price else 0
            offer: dict[str, Any] = {
                "@type": "Offer",
                "price": _money(price),
                "priceCurrency": "USD",
                "url": f"{BASE}/register/{key}",
            }
            offers = [offer]
            if kind == "S":
                offer["availabilityStarts"] = today.isoformat()
                offer["availabilityEnds"] = (today + dt.timedelta(days=364)).isoformat()
                session["ce:accessPeriod"] = "P365D" if spec.hours >= 10 else "P180D"
            else:
                zone = where.timezone if where else place(provider.home).timezone
                start = _dated(session, kind, spec, today, zone, k, count, draws)
                lead = 1 if kind == "L" else 7
                offer["availabilityEnds"] = max(today, start - dt.timedelta(days=lead)).isoformat()
                early_until = start - dt.timedelta(days=30)
                early_bird = kind != "L" and price >= 150 and draws[5] < 0.5
                if early_bird and early_until >= today + dt.timedelta(days=7):
                    offers.append(
                        {
                            "@type": "Offer",
                            "category": "early-bird",
                            "price": _money(_round5(price * 0.88)),
                            "priceCurrency": "USD",
                            "validThrough": early_until.isoformat(),
                        }
                    )
                _seats(session, kind, draws)
            if price >= 50 and draws[6] < 0.3:
                offers.append(
                    {
                        "@type": "Offer",
                        "category": "member",
                        "price": _money(_round5(price * 0.9)),
                        "priceCurrency": "USD",
                    }
                )
            if where is not None:
                session["location"] = _venue(spec, provider, where, draws)
            session["offers"] = offers
            team = provider.instructors
            session["instructor"] = [{"@type": "Person", "name": team[int(draws[7] * len(team))]}]
            session["courseWorkload"] = f"PT{spec.hours:g}H"
            if kind in "PDH":
                if spec.hands_on is not None:
                    session["ce:handsOnHours"] = spec.hands_on
                if spec.supervised is not None:
                    session["ce:supervisedHours"] = spec.supervised
            sessions.append(session)
    return sessions


def _seats(session: dict[str, Any], kind: str, draws: list[float]) -> None:
    sizes = (50, 100, 250) if kind == "L" else (12, 14, 16, 18, 20, 24, 30)
    total = sizes[int(draws[8] * len(sizes))]
    remaining = 0 if draws[9] < 0.07 else 1 + int(draws[4] * total)
    session["maximumAttendeeCapacity"] = total
    session["remainingAttendeeCapacity"] = min(total, remaining)


def _venue(
    spec: CourseSpec, provider: ProviderSpec, where: Place, draws: list[float]
) -> dict[str, Any]:
    if where.key == provider.home:
        room = ("Studio A", "Studio B", "Classroom 1", "Training Center")[int(draws[3] * 4)]
        name, street = f"{provider.name}, {room}", provider.street
        lat, lon = where.latitude, where.longitude
    else:
        name = f"{where.city} {_VENUES[int(draws[3] * len(_VENUES))]}"
        street = f"{100 + int(draws[4] * 4900)} {_STREETS[int(draws[2] * len(_STREETS))]}"
        lat = where.latitude + (draws[2] - 0.5) * 0.03
        lon = where.longitude + (draws[1] - 0.5) * 0.03
    return {
        "@type": "Place",
        "name": name,
        "address": _address(street, where),
        "geo": {"@type": "GeoCoordinates", "latitude": round(lat, 4), "longitude": round(lon, 4)},
    }


def _dated(
    session: dict[str, Any],
    kind: str,
    spec: CourseSpec,
    today: dt.date,
    zone: str,
    k: int,
    count: int,
    draws: list[float],
) -> dt.date:
    """Fill start/end dates and the weekly schedule; return the start date."""
    hours = spec.hours
    if kind == "L":
        if hours <= 4:
            meetings, per = 1, hours
        elif hours <= 24:
            meetings = math.ceil(hours / 3)
            per = hours / meetings
        else:
            meetings = math.ceil(hours / 6)
            per = hours / meetings
        saturday = hours > 24 or draws[0] < 0.2
        weekday = 5 if saturday else 1 + int(draws[1] * 3)  # Tue, Wed or Thu evenings
        first = 9 * 60 if saturday else (18 * 60 if draws[2] < 0.5 else 19 * 60)
        daily = int(round(per * 60 / 5) * 5)
        days = [weekday]
        span = 7 * (meetings - 1)
    else:
        in_person = (spec.hands_on or hours / 2) if kind == "H" else hours
        count_days = min(12 if kind == "H" else 5, max(1, math.ceil(in_person / 8)))
        per = in_person / count_days
        if kind == "D":
            weekday = 0 if count_days >= 3 else int(draws[1] * (6 - count_days))
        elif count_days >= 4:
            weekday = 0 if kind == "H" else 3
        else:
            weekday = {1: 5, 2: 5, 3: 4}[count_days]
            if count_days == 1 and draws[1] < 0.3:
                weekday = 6
        half_day = per <= 4 and draws[2] < 0.4
        first = 13 * 60 if half_day else 9 * 60
        daily = int(round((per + (1 if per > 5 else 0)) * 60 / 5) * 5)
        days = [(weekday + d) % 7 for d in range(count_days)]
        span = count_days - 1
        meetings = 1
    # Spread this mode's sessions over the year, then align to the weekday.
    low = 14 + (HORIZON_DAYS - 30 - span) * k // count
    high = 14 + (HORIZON_DAYS - 30 - span) * (k + 1) // count
    start = _next(today + dt.timedelta(days=low + int(draws[0] * max(1, high - low))), weekday)
    end = start + dt.timedelta(days=span)
    close = min(first + daily, 23 * 60 + 55)
    session["startDate"] = _moment(start, first, zone)
    session["endDate"] = _moment(end, close, zone)
    session["ce:timezone"] = zone
    names = [_WEEKDAYS[d] for d in dict.fromkeys(days)]
    if kind != "L" or meetings > 1:
        session["eventSchedule"] = [
            {
                "@type": "Schedule",
                "byDay": [f"https://schema.org/{n}" for n in names],
                "startTime": _clock(first),
                "endTime": _clock(close),
                "scheduleTimezone": zone,
            }
        ]
    return start


# --- programs ------------------------------------------------------------------------------


def _program(spec: ProgramSpec, provider_doc: dict[str, Any]) -> dict[str, Any]:
    groups = []
    for group in spec.groups:
        item: dict[str, Any] = {"@type": "ce:RequirementGroup", "name": group.name}
        if group.choose is not None:
            item["ce:choose"] = group.choose
        item["hasCourse"] = [{"@id": course_id(s)} for s in group.courses]
        groups.append(item)
    return {
        "@context": CONTEXT,
        "@type": "EducationalOccupationalProgram",
        "@id": f"{BASE}/programs/{spec.slug}",
        "name": spec.name,
        "description": f"{spec.blurb} {SAMPLE_NOTE}",
        "url": f"{BASE}/programs/{spec.slug}",
        "provider": provider_doc,
        "numberOfCredits": {"@type": "StructuredValue", "value": spec.hours, "unitText": "hours"},
        "educationalCredentialAwarded": spec.credential,
        "ce:requirementGroup": groups,
    }

"""Property tests: random small catalogs and random filters against a plain-Python reference."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from ceatlas.catalog.service import Catalog
from ceatlas.catalog.vocabulary import Resolver
from ceatlas.kb import load_kb
from ceatlas.search import SearchQuery, search

KB = load_kb()
TODAY = dt.date(2027, 1, 15)
TAMPA = (27.9614, -82.4597)
SPOTS = [
    ("Tampa", "FL", "33602", 27.95, -82.46),
    ("Orlando", "FL", "32801", 28.54, -81.38),
    ("Austin", "TX", "78701", 30.27, -97.74),
]
WORDS = ["zebra", "quokka", "walrus", "ocelot"]
DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
TECHNIQUES = ["swedish-massage", "myofascial-release", "manual-lymph-drainage"]
CONDITIONS = ["sciatica", "low-back-pain"]

sessions_st = st.fixed_dictionaries(
    {
        "mode": st.sampled_from(["onsite", "live", "selfpaced", "blended"]),
        "day": st.integers(0, 300),
        "length": st.integers(0, 9),
        "hour": st.sampled_from([8, 10, 13, 18]),
        "pattern": st.one_of(st.none(), st.lists(st.sampled_from(DAYS), min_size=1, max_size=3)),
        "spot": st.integers(0, len(SPOTS) - 1),
        "price": st.one_of(st.none(), st.sampled_from(["0", "50", "150", "300", "450", "800"])),
        "currency": st.sampled_from(["USD", "USD", "EUR"]),
        "seats": st.one_of(st.none(), st.integers(0, 5)),
        "deadline": st.one_of(st.none(), st.integers(-20, 20)),
    }
)
courses_st = st.lists(
    st.fixed_dictionaries(
        {
            "word": st.sampled_from(WORDS),
            "hours": st.sampled_from([2, 6, 12, 24]),
            "techniques": st.lists(st.sampled_from(TECHNIQUES), max_size=2, unique=True),
            "conditions": st.lists(st.sampled_from(CONDITIONS), max_size=1, unique=True),
            "level": st.sampled_from(["beginner", "advanced"]),
            "language": st.sampled_from(["en", "es"]),
            "provider": st.integers(0, 2),
            "sessions": st.lists(sessions_st, min_size=1, max_size=4),
        }
    ),
    min_size=1,
    max_size=4,
)
PROVIDERS = [
    {"name": "Provider One", "approvals": [("NCBTMB", "2028-12-31")]},
    {"name": "Provider Two", "approvals": [("state:TX", "2028-12-31"), ("NCBTMB", "2026-12-31")]},
    {"name": "Provider Three", "approvals": []},
]


def _document(index: int, course: dict[str, Any]) -> dict[str, Any]:
    prov = PROVIDERS[course["provider"]]
    provider = {
        "@type": "Organization",
        "@id": f"https://p.example/providers/{course['provider']}",
        "name": prov["name"],
        "ce:approval": [
            {"@type": "ce:Approval", "ce:authority": a, "identifier": f"N-{a}", "validThrough": v}
            for a, v in prov["approvals"]
        ],
    }
    instances = []
    for number, s in enumerate(course["sessions"]):
        start = dt.date(2027, 1, 1) + dt.timedelta(days=s["day"])
        end = start + dt.timedelta(days=s["length"])
        instance: dict[str, Any] = {
            "@type": "CourseInstance",
            "@id": f"https://p.example/sessions/{index}-{number}",
        }
        modes = {
            "onsite": ["onsite"],
            "live": ["online", "synchronous"],
            "selfpaced": ["online", "asynchronous"],
            "blended": ["blended"],
        }
        instance["courseMode"] = modes[s["mode"]]
        if s["mode"] != "selfpaced":
            instance["startDate"] = f"{start.isoformat()}T{s['hour']:02d}:00:00"
            instance["endDate"] = f"{end.isoformat()}T{s['hour'] + 3:02d}:00:00"
            instance["ce:timezone"] = "America/New_York"
            if s["pattern"]:
                instance["eventSchedule"] = [
                    {
                        "@type": "Schedule",
                        "byDay": [f"https://schema.org/{d}" for d in s["pattern"]],
                        "startTime": f"{s['hour']:02d}:00",
                        "endTime": f"{s['hour'] + 3:02d}:00",
                    }
                ]
        if s["mode"] in ("onsite", "blended"):
            city, region, zip_code, lat, lon = SPOTS[s["spot"]]
            instance["location"] = {
                "@type": "Place",
                "name": f"{city} studio",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": city,
                    "addressRegion": region,
                    "postalCode": zip_code,
                    "addressCountry": "US",
                },
                "geo": {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon},
            }
        if s["seats"] is not None:
            instance["maximumAttendeeCapacity"] = 10
            instance["remainingAttendeeCapacity"] = s["seats"]
        if s["price"] is not None:
            offer: dict[str, Any] = {
                "@type": "Offer",
                "price": s["price"],
                "priceCurrency": s["currency"],
            }
            if s["deadline"] is not None:
                offer["availabilityEnds"] = (TODAY + dt.timedelta(days=s["deadline"])).isoformat()
            instance["offers"] = [offer]
        instances.append(instance)
    return {
        "@context": ["https://schema.org/", {"ce": "https://w3id.org/ceatlas/ns#"}],
        "@type": "Course",
        "@id": f"https://p.example/courses/{index}",
        "name": f"Course {course['word']} studies",
        "description": "Synthetic course for property tests.",
        "provider": provider,
        "numberOfCredits": {"@type": "StructuredValue", "value": course["hours"]},
        "educationalLevel": course["level"],
        "inLanguage": course["language"],
        "teaches": [
            {
                "@type": "DefinedTerm",
                "name": t,
                "inDefinedTermSet": "https://w3id.org/ceatlas/kb/techniques",
            }
            for t in course["techniques"]
        ],
        "about": [{"@type": "MedicalCondition", "name": c} for c in course["conditions"]],
        "hasCourseInstance": instances,
    }


queries_st = st.fixed_dictionaries(
    {},
    optional={
        "q": st.sampled_from(WORDS),
        "max_price": st.sampled_from([Decimal(0), Decimal(100), Decimal(300), Decimal(500)]),
        "currency": st.sampled_from(["USD", "EUR"]),
        "date_from": st.dates(dt.date(2027, 1, 1), dt.date(2027, 10, 1)),
        "date_to": st.dates(dt.date(2027, 10, 2), dt.date(2027, 12, 31)),
        "days": st.sampled_from([["saturday", "sunday"], ["monday"], list(map(str.lower, DAYS))]),
        "time_of_day": st.lists(
            st.sampled_from(["morning", "afternoon", "evening"]), min_size=1, unique=True
        ),
        "include_self_paced": st.booleans(),
        "modes": st.lists(
            st.sampled_from(["self_paced_online", "live_online", "in_person", "hybrid"]),
            min_size=1,
            unique=True,
        ),
        "radius": st.sampled_from([(50.0, "mi"), (100.0, "km"), (1500.0, "km")]),
        "min_hours": st.sampled_from([Decimal(5), Decimal(12)]),
        "max_hours": st.sampled_from([Decimal(12), Decimal(30)]),
        "state": st.sampled_from(["FL", "TX"]),
        "techniques": st.sampled_from([[t] for t in TECHNIQUES]),
        "conditions": st.sampled_from([[c] for c in CONDITIONS]),
        "levels": st.sampled_from([["beginner"], ["advanced"]]),
        "languages": st.sampled_from([["en"], ["es"]]),
        "min_seats": st.integers(1, 3),
        "registration_open": st.booleans(),
        "group_by_course": st.booleans(),
        "sort": st.sampled_from(
            ["relevance", "price", "start_date", "distance", "hours_per_dollar"]
        ),
    },
)


def _rows(engine: Engine) -> list[dict[str, Any]]:
    meta = sa.MetaData()
    meta.reflect(engine, only=["course_session", "course", "provider", "provider_approval"])
    s, c = meta.tables["course_session"], meta.tables["course"]
    pa = meta.tables["provider_approval"]
    with engine.connect() as conn:
        approvals: dict[int, list[tuple[str, Any]]] = {}
        for row in conn.execute(sa.select(pa)):
            approvals.setdefault(row.provider_id, []).append((row.authority, row.valid_until))
        statement = sa.select(
            s,
            c.c.title,
            c.c.ce_hours,
            c.c.techniques,
            c.c.conditions,
            c.c.level,
            c.c.language,
            c.c.provider_id,
        ).join(c, c.c.id == s.c.course_id)
        out = []
        for row in conn.execute(statement):
            item = dict(row._mapping)
            item["approvals"] = approvals.get(item["provider_id"], [])
            out.append(item)
        return out


def _as_list(value: Any) -> list[Any]:
    import json

    return json.loads(value) if isinstance(value, str) else list(value or [])


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _minute(row: dict[str, Any]) -> int | None:
    t = row["start_time"]
    if t is not None:
        text = t.isoformat() if isinstance(t, dt.time) else str(t)
        return int(text[:2]) * 60 + int(text[3:5])
    pattern = _as_list(row["meeting_pattern"])
    if pattern and pattern[0].get("start_time"):
        text = pattern[0]["start_time"]
        return int(text[:2]) * 60 + int(text[3:5])
    return None


def _days(row: dict[str, Any]) -> set[int]:
    named = {DAYS.index(d) for m in _as_list(row["meeting_pattern"]) for d in m.get("days", [])}
    if named:
        return named
    start, end = _as_date(row["start_date"]), _as_date(row["end_date"])
    if start is None:
        return set()
    span = max(0, ((end or start) - start).days)
    return {(start + dt.timedelta(days=i)).isoweekday() % 7 for i in range(min(span, 6) + 1)}


def _miles(lat: float, lon: float) -> float:
    p1, p2 = math.radians(TAMPA[0]), math.radians(lat)
    dp, dl = p2 - p1, math.radians(lon - TAMPA[1])
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 3958.8 * math.asin(math.sqrt(a))


def _matches(row: dict[str, Any], q: dict[str, Any]) -> bool:
    self_paced = row["mode"] == "self_paced_online"
    start = _as_date(row["start_date"])
    price = None if row["price"] is None else Decimal(row["price"]) / 100
    hours = None if row["ce_hours"] is None else Decimal(row["ce_hours"]) / 100
    if "q" in q and q["q"] not in row["title"].lower().split():
        return False
    if "max_price" in q:
        currency = row["currency"] or "USD"
        if price is None:
            return False
        if price != 0 and not (price <= q["max_price"] and currency == q.get("currency", "USD")):
            return False
    include = q.get("include_self_paced", True)
    if not include and self_paced:
        return False
    schedule_free = self_paced and include
    if ("date_from" in q or "date_to" in q) and not schedule_free:
        if start is None:
            return False
        if start < q.get("date_from", TODAY):  # only date_to: from today on
            return False
        if "date_to" in q and start > q["date_to"]:
            return False
    no_dates = "date_from" not in q and "date_to" not in q
    if no_dates and not schedule_free and start is not None and start < TODAY:
        return False  # without dates, a session that has already started is not shown
    if "days" in q and not schedule_free:
        wanted = {DAYS.index(d.capitalize()) for d in q["days"]}
        met = _days(row)
        if not met or not met <= wanted:
            return False
    if "time_of_day" in q and not schedule_free:
        minute = _minute(row)
        bands = {"morning": (0, 720), "afternoon": (720, 1020), "evening": (1020, 1440)}
        if minute is None or not any(bands[t][0] <= minute < bands[t][1] for t in q["time_of_day"]):
            return False
    if "modes" in q and row["mode"] not in q["modes"]:
        return False
    if "radius" in q and row["mode"] not in ("self_paced_online", "live_online"):
        radius, unit = q["radius"]
        limit = radius / 1.609344 if unit == "km" else radius
        if row["latitude"] is None or _miles(row["latitude"], row["longitude"]) > limit:
            return False
    if "min_hours" in q and (hours is None or hours < q["min_hours"]):
        return False
    if "max_hours" in q and (hours is None or hours > q["max_hours"]):
        return False
    if "state" in q:
        accepted = KB.jurisdictions[q["state"]].accepted_approvers
        assert isinstance(accepted, list)
        if not any(
            a in accepted and (v is None or _as_date(v) >= TODAY)  # type: ignore[operator]
            for a, v in row["approvals"]
        ):
            return False
    if "techniques" in q and not set(q["techniques"]) & set(_as_list(row["techniques"])):
        return False
    if "conditions" in q and not set(q["conditions"]) & set(_as_list(row["conditions"])):
        return False
    if "levels" in q and row["level"] not in q["levels"]:
        return False
    if "languages" in q and row["language"] not in q["languages"]:
        return False
    seats = row["seats_remaining"]
    if "min_seats" in q and seats is not None and seats < q["min_seats"]:
        return False
    if q.get("registration_open"):
        deadline = _as_date(row["registration_deadline"])
        if deadline is not None and deadline < TODAY:
            return False
    return True


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(courses=courses_st, queries=st.lists(queries_st, min_size=1, max_size=4))
def test_search_matches_reference_filter(
    fresh_engine: Callable[[], Engine],
    resolver: Resolver | None,
    courses: list[dict[str, Any]],
    queries: list[dict[str, Any]],
) -> None:
    engine = fresh_engine()
    report = Catalog(engine, resolver).import_documents(
        [_document(i, c) for i, c in enumerate(courses)], "property"
    )
    assert report.records_rejected == 0, report.problems
    rows = _rows(engine)
    for spec in queries:
        params = dict(spec)
        if "radius" in params:
            params["radius"], params["unit"] = params["radius"]
            params["lat"], params["lon"] = TAMPA
        query = SearchQuery(per_page=100, **params)
        result = search(engine, query, KB, TODAY)
        expected = [r for r in rows if _matches(r, spec)]
        if query.group_by_course:
            got = {c.course.id for c in result.courses}
            assert got == {r["course_id"] for r in expected}, spec
            assert result.total == len(got)
        else:
            assert {h.session.key for h in result.results} == {r["key"] for r in expected}, spec
            assert result.total == len(expected)
            without_modes = {k: v for k, v in spec.items() if k != "modes"}
            modes: dict[str, int] = {}
            for r in rows:
                if _matches(r, without_modes):
                    modes[r["mode"]] = modes.get(r["mode"], 0) + 1
            assert {f.value: f.count for f in result.facets["mode"]} == modes, spec


@pytest.mark.parametrize("sort", ["price", "start_date"])
def test_sorted_results_are_ordered(catalog: Catalog, engine: Engine, sort: str) -> None:
    catalog.load_sample(TODAY)
    result = search(engine, SearchQuery.model_validate({"sort": sort, "per_page": 100}), KB, TODAY)
    values = [getattr(h.session, sort) for h in result.results]
    present = [v for v in values if v is not None]
    assert present == sorted(present)
    assert values[: len(present)] == present  # missing values last

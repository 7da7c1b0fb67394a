"""The shipped sample catalog: imports cleanly, covers the vocabulary, stays in the coming year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select

from ceatlas.catalog.places import BY_ZIP, distance_miles
from ceatlas.catalog.sample import build_sample
from ceatlas.catalog.sample_data.vocabulary import CONDITIONS, TECHNIQUES
from ceatlas.catalog.service import Catalog
from ceatlas.catalog.store import COURSES, PROGRAMS, PROVIDERS, SESSIONS

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    return build_sample(TODAY)


def _courses(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in docs if d["@type"] == "Course"]


def _sessions(docs: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for course in _courses(docs):
        for session in course["hasCourseInstance"]:
            yield course, session


def _rows(engine: Engine, table: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


def test_sample_imports_cleanly_and_reloads_unchanged(catalog: Catalog) -> None:
    first = catalog.load_sample(TODAY)
    assert first.problems == []
    assert first.records_rejected == 0
    second = catalog.load_sample(TODAY)
    assert second.problems == []
    totals = second.totals
    for counts in (totals.providers, totals.courses, totals.sessions, totals.programs):
        assert counts.inserted == 0
        assert counts.updated == 0
        assert counts.unchanged > 0


def test_sample_coverage_in_the_database(catalog: Catalog) -> None:
    assert catalog.load_sample(TODAY).problems == []
    stats = catalog.stats()
    assert stats.providers >= 15
    assert stats.courses >= 150
    assert stats.sessions >= 600
    assert stats.programs >= 3
    assert stats.cities >= 25
    assert stats.states >= 15
    assert set(stats.sessions_by_mode) == {
        "in_person",
        "live_online",
        "self_paced_online",
        "hybrid",
    }
    assert min(stats.sessions_by_mode.values()) >= 20

    providers = _rows(catalog.engine, PROVIDERS)
    assert all(p["is_sample"] for p in providers)
    assert any(p["kind"] == "person" for p in providers)

    courses = _rows(catalog.engine, COURSES)
    techniques = {t for c in courses for t in c["techniques"]}
    conditions = {t for c in courses for t in c["conditions"]}
    assert set(TECHNIQUES) <= techniques
    assert set(CONDITIONS) <= conditions
    hours = [c["ce_hours"] for c in courses]
    assert min(hours) <= 1
    assert max(hours) >= 135

    sessions = _rows(catalog.engine, SESSIONS)
    prices = [s["price"] for s in sessions if s["price"] is not None]
    assert min(prices) == 0
    assert Decimal(2500) <= max(prices) <= Decimal(3000)
    assert any(s["seats_remaining"] == 0 for s in sessions)
    assert any(s["early_price"] is not None for s in sessions)
    assert any(s["member_price"] is not None for s in sessions)
    horizon = TODAY + dt.timedelta(days=365)
    for s in sessions:
        if s["start_date"] is not None:
            assert TODAY <= s["start_date"] <= horizon
            assert s["end_date"] is None or s["end_date"] <= horizon
        if s["mode"] == "self_paced_online":
            assert s["registration_opens"] == TODAY

    programs = {p["name"]: p for p in _rows(catalog.engine, PROGRAMS)}
    apmt = programs["Advanced Professional Massage Therapy"]
    assert any(g["choose"] == 2 for g in apmt["structure"])
    keys = {k.rsplit("/", 1)[-1] for g in apmt["structure"] for k in g["courses"]}
    assert {"anatomy-review", "physiology-for-massage", "pathology-for-massage"} <= keys
    assert {"mld-basic", "mfr-1", "trigger-point-1"} <= keys


def test_every_provider_is_marked_and_described_as_sample(docs: list[dict[str, Any]]) -> None:
    providers = {c["provider"]["@id"]: c["provider"] for c in _courses(docs)}
    assert len(providers) >= 15
    for provider in providers.values():
        assert provider["ce:sample"] is True
        assert "Sample data" in provider["description"]
        assert provider["url"].split("/")[2].endswith(".example")
    kinds = {p["@type"] for p in providers.values()}
    assert kinds == {"Organization", "Person"}
    lapsed = [
        a
        for p in providers.values()
        for a in p.get("ce:approval", [])
        if "validThrough" in a and a["validThrough"] < TODAY.isoformat()
    ]
    assert lapsed, "some approvals should have lapsed"
    assert any("ce:approval" not in p for p in providers.values())


def _weekend_in_person_near(docs: list[dict[str, Any]], zip_code: str) -> list[str]:
    origin = BY_ZIP[zip_code]
    found = []
    wanted = {"sciatica", "piriformis-syndrome", "low-back-pain"}
    for course, session in _sessions(docs):
        names = {a["name"] for a in course.get("about", [])}
        if not names & wanted or session["courseMode"] != ["onsite"]:
            continue
        start = dt.date.fromisoformat(session["startDate"][:10])
        geo = session["location"]["geo"]
        miles = distance_miles(origin.latitude, origin.longitude, geo["latitude"], geo["longitude"])
        price = Decimal(session["offers"][0]["price"])
        if start.weekday() >= 5 and miles <= 50 and price < 400:
            found.append(session["@id"])
    return found


@pytest.mark.parametrize("zip_code", ["33602", "78701"])
def test_weekend_sciatica_course_near_tampa_and_austin(
    docs: list[dict[str, Any]], zip_code: str
) -> None:
    assert _weekend_in_person_near(docs, zip_code)


def test_oncology_in_several_cities_and_live_online(docs: list[dict[str, Any]]) -> None:
    cities = set()
    live = 0
    for course, session in _sessions(docs):
        taught = {t["name"] for t in course.get("teaches", [])}
        if "oncology-massage" not in taught:
            continue
        if "location" in session:
            cities.add(session["location"]["address"]["addressLocality"])
        if session["courseMode"] == ["online", "synchronous"]:
            live += 1
    assert len(cities) >= 5
    assert live >= 3


def test_florida_required_topics_online(docs: list[dict[str, Any]]) -> None:
    online: set[str] = set()
    for course, session in _sessions(docs):
        if session["courseMode"][0] == "online":
            online.update(course.get("ce:category", []))
    assert {"laws-and-rules", "medical-errors", "human-trafficking", "ethics"} <= online


def test_required_courses_from_the_brief(docs: list[dict[str, Any]]) -> None:
    by_slug = {c["@id"].rsplit("/", 1)[-1]: c for c in _courses(docs)}
    cdt = by_slug["cdt-lymphedema-certification"]
    assert cdt["numberOfCredits"]["value"] == 135
    assert all(s["ce:handsOnHours"] == 90 for s in cdt["hasCourseInstance"])
    onc = by_slug["oncology-foundations"]
    assert onc["numberOfCredits"]["value"] >= 24
    assert any(s.get("ce:supervisedHours") for s in onc["hasCourseInstance"])
    webinar = by_slug["ethics-one-hour-webinar"]
    assert webinar["numberOfCredits"]["value"] == 1
    assert all(Decimal(s["offers"][0]["price"]) <= 25 for s in webinar["hasCourseInstance"])


def test_same_day_same_documents_and_other_day_shifts_dates() -> None:
    assert build_sample(TODAY) == build_sample(TODAY)
    later = TODAY + dt.timedelta(days=40)
    a, b = build_sample(TODAY), build_sample(later)
    ids_a = [s["@id"] for _, s in _sessions(a)]
    ids_b = [s["@id"] for _, s in _sessions(b)]
    assert ids_a == ids_b  # stable session ids: reloading later updates in place
    starts_a = [s.get("startDate") for _, s in _sessions(a)]
    starts_b = [s.get("startDate") for _, s in _sessions(b)]
    assert starts_a != starts_b
    for start in filter(None, starts_b):
        assert later <= dt.date.fromisoformat(start[:10]) <= later + dt.timedelta(days=365)

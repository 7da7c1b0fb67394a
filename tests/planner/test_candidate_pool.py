"""Candidate sessions built once per catalog version and reused by later plans: each plan
gets the distances from its own home, and a change to the catalog is planned with at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ceatlas.catalog.service import Catalog
from ceatlas.compliance import CeRecords
from ceatlas.kb import KnowledgeBase, load_kb
from ceatlas.planner.goals import GoalSpec
from ceatlas.planner.service import Planner, PlanOptions

TODAY = dt.date(2027, 1, 4)
TAMPA = (27.9614, -82.4597)  # where "33602" resolves
SCHOOL = {"@type": "Organization", "@id": "https://pool.example/", "name": "Pool School"}


def _course(price: str, latitude: float, longitude: float) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": "https://pool.example/courses/mld",
        "name": "Manual Lymph Drainage Basics",
        "description": "A hands-on course in manual lymph drainage (MLD) technique for "
        "lymphedema: the strokes, the sequence and when not to treat.",
        "provider": SCHOOL,
        "timeRequired": "PT8H",
        "hasCourseInstance": {
            "@id": "https://pool.example/sessions/mld-march",
            "courseMode": "onsite",
            "startDate": "2027-03-06T09:00:00-05:00",
            "endDate": "2027-03-06T17:00:00-05:00",
            "location": {
                "@type": "Place",
                "name": "Pool School Studio",
                "address": {"addressLocality": "Brooksville", "addressRegion": "FL"},
                "geo": {"latitude": latitude, "longitude": longitude},
            },
            "offers": {"@type": "Offer", "price": price, "priceCurrency": "USD"},
        },
    }


def _plan(engine: Engine, kb: KnowledgeBase, tmp_path: Path, near: str) -> tuple[int, float]:
    """The planned session's price (cents) and distance from ``near`` (km)."""
    planner = Planner(engine, kb, CeRecords(engine, kb, tmp_path))
    outcome = planner.plan(
        None,
        GoalSpec(techniques=("manual-lymph-drainage",)),
        PlanOptions(date_from=TODAY, near=near, alternatives=0),
        TODAY,
    )
    plan = outcome.result.plan
    assert plan is not None, outcome.result
    assert [s.candidate.id for s in plan.sessions] == ["https://pool.example/sessions/mld-march"]
    found = plan.sessions[0].candidate
    assert found.distance_km is not None
    return found.price, found.distance_km


def test_each_plan_has_its_own_home_and_the_catalog_as_it_is_now(
    engine: Engine, tmp_path: Path
) -> None:
    kb = load_kb()
    catalog = Catalog(engine, kb)
    catalog.init()
    # one degree of latitude north of Tampa, same longitude: 3958.8 mi x pi/180 = 69.09 mi
    # = 111.2 km
    report = catalog.import_documents([_course("300", TAMPA[0] + 1, TAMPA[1])], "pool", TODAY)
    assert report.records_rejected == 0
    assert _plan(engine, kb, tmp_path, "33602") == (30000, 111.2)
    # the same sessions again, from Miami (25.7629, -80.1895): haversine with
    # dlat/2 = 1.59925 deg, dlon/2 = 1.1351 deg: a = 0.00077889 + 0.78798 x 0.00039243
    # = 0.00108812; 2 x 3958.8 mi x asin(sqrt(a)) = 261.22 mi = 420.4 km
    assert _plan(engine, kb, tmp_path, "33131") == (30000, 420.4)
    # and from Tampa again: the Miami distance was not kept on the shared session
    assert _plan(engine, kb, tmp_path, "33602") == (30000, 111.2)
    # the provider moves the session to Tampa itself and lowers the price to $250
    report = catalog.import_documents([_course("250", TAMPA[0], TAMPA[1])], "pool", TODAY)
    assert report.records_rejected == 0
    assert _plan(engine, kb, tmp_path, "33602") == (25000, 0.0)

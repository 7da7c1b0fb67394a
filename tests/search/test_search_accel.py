"""The in-memory accelerator gives exactly the SQL path's answers, and sees every write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from ceatlas.catalog.service import Catalog
from ceatlas.catalog.vocabulary import Resolver
from ceatlas.db import make_engine
from ceatlas.search import SearchQuery, SearchService
from ceatlas.search.accel import ACCELERATOR
from search.test_search_property import (
    KB,
    TAMPA,
    TODAY,
    WORDS,
    _document,
    courses_st,
    queries_st,
)

extras_st = st.fixed_dictionaries(
    {
        "per_page": st.sampled_from([1, 2, 5, 100]),
        "page": st.sampled_from([1, 1, 2, 3]),
    },
    optional={
        "q": st.sampled_from([*WORDS, "studies", "course zebra", "lymph drainage", "((", ""]),
        "providers": st.sampled_from([["Provider One"], ["provider two", "nobody"]]),
        "pathway": st.sampled_from(["manual-lymph-drainage", "relaxation-spa", "no-such-path"]),
        "state": st.sampled_from(["FL", "TX", "CA", "ZZ"]),
        "facets": st.booleans(),
        "any_words": st.booleans(),
    },
)


def _query(spec: dict[str, Any], extra: dict[str, Any]) -> SearchQuery:
    params = {**spec, **extra}
    if "radius" in params:
        params["radius"], params["unit"] = params["radius"]
        params["lat"], params["lon"] = TAMPA
    return SearchQuery(**params)


def _both(engine: Engine, query: SearchQuery) -> tuple[dict[str, Any], dict[str, Any]]:
    fast = SearchService(engine, KB, accelerate=True).search(query, TODAY)
    slow = SearchService(engine, KB, accelerate=False).search(query, TODAY)
    return fast.model_dump(), slow.model_dump()


def _accelerated(engine: Engine) -> bool:
    service = SearchService(engine, KB, accelerate=True)
    with engine.connect() as conn:
        return ACCELERATOR.snapshot(conn, service.backend.json_elements) is not None


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    courses=courses_st,
    queries=st.lists(st.tuples(queries_st, extras_st), min_size=1, max_size=4),
)
def test_accelerated_results_equal_sql_results(
    fresh_engine: Callable[[], Engine],
    resolver: Resolver | None,
    courses: list[dict[str, Any]],
    queries: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    engine = fresh_engine()
    report = Catalog(engine, resolver).import_documents(
        [_document(i, c) for i, c in enumerate(courses)], "property"
    )
    assert report.records_rejected == 0, report.problems
    assert _accelerated(engine)
    for spec, extra in queries:
        query = _query(spec, extra)
        fast, slow = _both(engine, query)
        assert fast == slow, (spec, extra)


def test_writes_by_another_engine_show_up(
    engine: Engine, database_url: str, resolver: Resolver | None
) -> None:
    """Another process (here: another engine on the same database) writes; the next
    accelerated search sees it without any in-process invalidation."""
    courses: list[dict[str, Any]] = [
        {
            "word": "zebra",
            "hours": 6,
            "techniques": ["swedish-massage"],
            "conditions": [],
            "level": "beginner",
            "language": "en",
            "provider": 0,
            "sessions": [
                {
                    "mode": "onsite",
                    "day": 30,  # after TODAY (2027-01-15): a session that has not started
                    "length": 0,
                    "hour": 10,
                    "pattern": None,
                    "spot": 0,
                    "price": "150",
                    "currency": "USD",
                    "seats": None,
                    "deadline": None,
                }
            ],
        }
    ]
    Catalog(engine, resolver).import_documents([_document(0, courses[0])], "first")
    query = SearchQuery(q="zebra", max_price=200)
    fast, slow = _both(engine, query)
    assert fast == slow
    assert fast["total"] == 1
    # A long-lived service (as in the web app) answers a repeated query from its cache...
    service = SearchService(engine, KB, accelerate=True)
    assert service.search(query, TODAY).model_dump() == fast
    assert service.search(query, TODAY).model_dump() == fast
    other = make_engine(database_url)
    try:
        second = {**courses[0], "sessions": [{**courses[0]["sessions"][0], "price": "300"}]}
        Catalog(other, resolver).import_documents([_document(0, second)], "price change")
        Catalog(other, resolver).import_documents([_document(1, courses[0])], "new course")
    finally:
        other.dispose()
    fast, slow = _both(engine, query)
    assert fast == slow
    assert [h["course"]["key"] for h in fast["results"]] == ["https://p.example/courses/1"]
    # ... and not after another process changed the catalog.
    assert service.search(query, TODAY).model_dump() == fast
    assert _both(engine, SearchQuery(q="zebra"))[0]["total"] == 2
    assert _accelerated(engine)


def test_sample_catalog_queries_agree(catalog: Catalog, engine: Engine) -> None:
    catalog.load_sample(TODAY)
    for params in (
        {},
        {"q": "sciatica"},
        {"q": "massage", "group_by_course": True, "sort": "price"},
        {"near": "Tampa, FL", "radius": 100, "sort": "distance"},
        {"days": ["saturday", "sunday"], "max_price": 400, "state": "FL"},
        {"time_of_day": ["evening"], "modes": ["live_online"], "sort": "hours_per_dollar"},
        {"q": "myofascial", "near": "Austin, TX", "radius": 250, "group_by_course": True},
        {"date_from": TODAY + dt.timedelta(days=30), "per_page": 7, "page": 3},
    ):
        fast, slow = _both(engine, SearchQuery.model_validate(params))
        assert fast == slow, params

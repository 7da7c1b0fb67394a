"""GET /api/v1/search: every SearchQuery field as a parameter; errors name the field."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ceatlas.search import SearchQuery, SearchResult

THERAPIST = {
    "q": "sciatica",
    "near": "33602",
    "radius": "50",
    "modes": "in_person",
    "days": "weekend",
    "max_price": "400",
}


def test_search_returns_results_with_facets_and_explanations(client: TestClient) -> None:
    response = client.get("/api/v1/search", params=THERAPIST)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    result = SearchResult.model_validate(response.json())
    assert result.total > 0
    assert result.results
    for hit in result.results:
        assert hit.session.mode == "in_person"
        assert hit.session.price is not None
        assert hit.session.price <= 400
        assert hit.distance_miles is not None
        assert hit.distance_miles <= 50
        assert hit.session.start_date is not None
        assert hit.session.start_date.strftime("%A") in ("Saturday", "Sunday")
        assert hit.explanation.matched_terms
        assert hit.explanation.distance
    assert {"mode", "price", "technique", "condition", "provider"} <= set(result.facets)
    assert "sciatica" in [f.value for f in result.facets["condition"]]
    assert result.interpretation.concepts
    assert result.place is not None
    assert "Tampa" in result.place.label


def test_lists_as_repeats_or_commas_and_blank_params_ignored(client: TestClient) -> None:
    commas = client.get("/api/v1/search?modes=in_person,live_online&per_page=100&facets=false")
    repeats = client.get(
        "/api/v1/search?modes=in_person&modes=live_online&per_page=100&facets=false&q=&near="
    )
    assert commas.status_code == repeats.status_code == 200
    assert commas.json() == repeats.json()
    assert {h["session"]["mode"] for h in commas.json()["results"]} <= {"in_person", "live_online"}


def test_every_query_field_is_accepted(client: TestClient) -> None:
    params: dict[str, Any] = {
        "q": "massage",
        "literal": "false",
        "any_words": "false",
        "max_price": "1000",
        "currency": "USD",
        "date_from": "2020-01-01",
        "date_to": "2100-01-01",
        "days": "saturday,sunday",
        "time_of_day": "morning",
        "include_self_paced": "true",
        "modes": "in_person",
        "lat": "27.95",
        "lon": "-82.46",
        "radius": "500",
        "unit": "mi",
        "min_hours": "1",
        "max_hours": "100",
        "state": "FL",
        "categories": "hands-on",
        "levels": "intermediate",
        "techniques": "neuromuscular-therapy",
        "conditions": "sciatica",
        "competencies": "anatomy",
        "providers": "Gulf Coast School of Massage",
        "languages": "en",
        "min_seats": "1",
        "registration_open": "true",
        "sort": "price",
        "page": "1",
        "per_page": "5",
        "group_by_course": "true",
        "facets": "true",
    }
    assert set(params) | {"near", "pathway"} == set(SearchQuery.model_fields)
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["grouped"] is True
    assert body["per_page"] == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("max_price=abc", "max_price"),
        ("per_page=1000", "per_page"),
        ("per_page=0", "per_page"),
        ("page=-1", "page"),
        ("modes=teleportation", "modes"),
        ("days=someday", "days"),
        ("radius=-5", "radius"),
        ("date_from=yesterday", "date_from"),
        ("date_from=2027-05-01&date_to=2027-01-01", "date_from"),
        ("min_hours=10&max_hours=2", "min_hours"),
        ("lat=95&lon=0", "lat"),
        ("lat=10", "lat"),
        ("sort=cheapest", "sort"),
        ("include_self_paced=maybe", "include_self_paced"),
        ("colour=blue", "colour"),
        ("q=a&q=b", "q"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    client: TestClient, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]
    assert error["errors"][0]["field"] == field


def test_unknown_place_is_400_on_near(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"near": "00000", "radius": "10"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "near"
    assert "00000" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        '"; DROP TABLE course; --',
        "\\x00\u0000null",
        "ü" * 2_000,
        "sciatica AND (NOT",
        "* ? % _ : ^",
    ],
)
def test_hostile_text_is_searched_safely(client: TestClient, text: str) -> None:
    response = client.get("/api/v1/search", params={"q": text})
    assert response.status_code == 200, response.text
    assert "total" in response.json()


def test_words_that_find_nothing_are_read_as_a_complaint(client: TestClient) -> None:
    """The API answers lay words as the page does: 'swollen arm after breast cancer
    surgery' names no course, and is how clients describe post-mastectomy lymphedema (the
    cancer is the history, the swollen arm the complaint). The answer is the search for
    that condition, and says so; literal=true keeps the words, which no course holds all of."""
    words = "swollen arm after breast cancer surgery"
    read = client.get("/api/v1/search", params={"q": words})
    assert read.status_code == 200
    reading = read.json()["read_as_complaint"]
    assert reading["condition"] == "post-mastectomy-lymphedema"
    assert reading["words"] == words
    assert "as read from" in reading["sentence"]
    by_condition = client.get("/api/v1/search", params={"conditions": reading["condition"]})
    assert read.json()["total"] == by_condition.json()["total"] > 0
    literal = client.get("/api/v1/search", params={"q": words, "literal": "true"}).json()
    assert literal["read_as_complaint"] is None
    assert literal["some_words_only"] is True  # no course holds every word as written

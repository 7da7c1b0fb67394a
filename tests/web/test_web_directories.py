"""``/providers``, ``/programs`` and ``GET /api/v1/providers|programs`` on a catalog worked by
hand (tests/small_catalog.py), with the app's clock set to its day."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ceatlas.catalog.service import Catalog
from ceatlas.config import Settings
from ceatlas.web.app import create_app
from small_catalog import TODAY, load_small_catalog


@pytest.fixture
def small(web_settings: Settings, catalog: Catalog) -> Iterator[TestClient]:
    load_small_catalog(catalog)
    app = create_app(web_settings)
    with TestClient(app) as test_client:
        app.state.ceatlas.today = lambda: TODAY
        yield test_client


def _text(page: str) -> str:
    return html.unescape(page)


def test_provider_directory_gives_the_facts_people_choose_by(small: TestClient) -> None:
    page = small.get("/providers")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Tampa, FL · 2 courses · 2 upcoming sessions" in text
    assert "Ways of teaching: In person, Live online" in text
    assert (
        "NCBTMB approved provider #451234 (declared by the provider); "
        "FSMTB approved provider (expired Thu Dec 31, 2026)" in text
    )
    assert "Place not published · 1 course · 1 upcoming session" in text
    assert "Ways of teaching: Self-paced online" in text
    for code in ("in_person", "live_online", "self_paced_online"):
        assert code not in text
    api = small.get("/api/v1/providers").json()
    assert (api["total"], api["page"], api["pages"], api["per_page"]) == (2, 1, 1, 50)
    gulf = api["rows"][0]
    assert {k: gulf[k] for k in ("name", "place", "courses", "upcoming_sessions")} == {
        "name": "Gulf Coast School",
        "place": "Tampa, FL",
        "courses": 2,
        "upcoming_sessions": 2,
    }
    assert gulf["modes"] == ["in_person", "live_online"]
    assert gulf["mode_labels"] == ["In person", "Live online"]
    assert [
        (a["authority"], a["number"], a["valid_until"], a["current"]) for a in gulf["approvals"]
    ] == [
        ("NCBTMB", "451234", "2028-01-31", True),
        ("FSMTB", None, "2026-12-31", False),
    ]
    assert small.get(gulf["url"]).status_code == 200
    other = api["rows"][1]
    assert (other["place"], other["approvals"], other["mode_labels"]) == (
        None,
        [],
        ["Self-paced online"],
    )


def test_program_directory_gives_structure_hours_prices_and_next_start(
    small: TestClient,
) -> None:
    text = _text(small.get("/programs").text)
    assert "Gulf Coast School · 2 required courses, choose 1 of 2 electives · Certificate" in text
    assert "40 hours, as the school publishes them · at least 21 CE hours" in text
    assert "Course fees $100–$250 at upcoming sessions; 1 course without a price" in text
    assert "Next start Mon Mar 1, 2027; self-paced courses start any time" in text
    # The program page's explanation of the two figures.
    assert (
        "The 40 hours the school publishes and the 21 CE hours of its courses (1 of them not "
        "in our catalog) differ: a program's total can include clinic practice, exams"
    ) in text
    api = small.get("/api/v1/programs", params={"q": "CERTIFICATE"}).json()
    assert api["total"] == 1
    (row,) = api["rows"]
    assert row["provider"]["name"] == "Gulf Coast School"
    assert {
        k: row[k]
        for k in (
            "total_hours",
            "course_hours",
            "required_courses",
            "elective_courses",
            "electives_to_choose",
            "missing_courses",
            "lowest_price",
            "highest_price",
            "unpriced_courses",
            "next_start",
            "starts_any_time",
        )
    } == {
        "total_hours": "40.00",
        "course_hours": "21.00",
        "required_courses": 2,
        "elective_courses": 2,
        "electives_to_choose": 1,
        "missing_courses": 1,
        "lowest_price": "100.00",
        "highest_price": "250.00",
        "unpriced_courses": 1,
        "next_start": "2027-03-01",
        "starts_any_time": True,
    }
    assert row["hours_note"].startswith("The 40 hours the school publishes")
    program = _text(small.get(row["url"]).text)
    assert "40 hours, as the school publishes them" in program


def test_directory_api_parameters(small: TestClient) -> None:
    """Public; q filters by name; an unknown parameter or a bad page is a 422 naming it; a
    page past the last gives the last page."""
    for path in ("/api/v1/providers", "/api/v1/programs"):
        unknown = small.get(path, params={"name": "gulf"})
        assert unknown.status_code == 422
        assert unknown.json()["error"]["field"] == "name"
        assert "unknown parameter" in unknown.json()["error"]["message"]
        for bad in ("0", "-1", "two", "100001"):
            answer = small.get(path, params={"page": bad})
            assert (answer.status_code, answer.json()["error"]["field"]) == (422, "page"), bad
        last = small.get(path, params={"page": "7"}).json()
        assert (last["page"], last["pages"]) == (1, 1)
        assert last["rows"]
    none = small.get("/api/v1/providers", params={"q": "nobody"}).json()
    assert (none["rows"], none["total"], none["page"], none["pages"]) == ([], 0, 1, 1)
    assert [
        r["name"] for r in small.get("/api/v1/providers", params={"q": "OTHER"}).json()["rows"]
    ] == ["Other School"]
    paths = small.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/providers", "/api/v1/programs"):
        get = paths[path]["get"]
        assert {p["name"] for p in get["parameters"]} == {"q", "page"}
        assert "ErrorResponse" in str(get["responses"]["422"])
        assert "security" not in get

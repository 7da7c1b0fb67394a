"""Courses, sessions, providers, programs and the knowledge base through /api/v1."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ceatlas.search import SearchQuery
from ceatlas.web.schemas import Course, KBEntry, KBList, Program, Provider, SessionDetail


def _course_id(client: TestClient, q: str = "sciatica") -> int:
    hits = client.get("/api/v1/search", params={"q": q, "facets": "false"}).json()["results"]
    return int(hits[0]["course"]["id"])


def test_course_with_sessions_approvals_and_provider(client: TestClient) -> None:
    course_id = _course_id(client)
    response = client.get(f"/api/v1/courses/{course_id}")
    assert response.status_code == 200
    course = Course.model_validate(response.json())
    assert course.id == course_id
    assert course.sessions
    assert all(s.course_id == course_id for s in course.sessions)
    assert course.provider is not None
    assert course.provider.url == f"/providers/{course.provider.id}"
    assert course.is_sample
    assert course.provider.is_sample
    assert course.approvals or course.provider_approvals
    assert any(t.url and t.url.startswith("/kb/conditions/") for t in course.conditions)
    dated = [s for s in course.sessions if s.start_date]
    assert dated == sorted(dated, key=lambda s: s.start_date or 0)
    assert all(s.ics_url == f"/sessions/{s.id}.ics" for s in dated)


def test_session_provider_and_program(client: TestClient) -> None:
    course = Course.model_validate(client.get(f"/api/v1/courses/{_course_id(client)}").json())
    session = SessionDetail.model_validate(
        client.get(f"/api/v1/sessions/{course.sessions[0].id}").json()
    )
    assert session.course.id == course.id
    assert session.provider is not None
    provider = Provider.model_validate(
        client.get(f"/api/v1/providers/{session.provider.id}").json()
    )
    assert course.id in [c.id for c in provider.courses]
    assert provider.approvals
    assert all(a.label for a in provider.approvals)

    programs = [
        p
        for pid in range(1, 10)
        if (r := client.get(f"/api/v1/programs/{pid}")).status_code == 200
        for p in [Program.model_validate(r.json())]
    ]
    assert programs, "the sample catalog has programs"
    program = programs[0]
    assert program.groups
    assert all(g.courses for g in program.groups)
    assert program.course_hours > 0
    assert all(item.course is not None for g in program.groups for item in g.courses)


@pytest.mark.parametrize("kind", ["courses", "sessions", "providers", "programs"])
def test_unknown_ids_are_404_and_bad_ids_422(client: TestClient, kind: str) -> None:
    missing = client.get(f"/api/v1/{kind}/999999")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"].endswith("not found")
    for bad in ("abc", "0", "1.5", "99999999999999999999999"):
        response = client.get(f"/api/v1/{kind}/{bad}")
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["error"]["field"].endswith("_id")


def test_knowledge_base(client: TestClient) -> None:
    listing = KBList.model_validate(client.get("/api/v1/kb/conditions").json())
    assert "sciatica" in [e.id for e in listing.entries]
    entry = KBEntry.model_validate(client.get("/api/v1/kb/conditions/sciatica").json())
    assert entry.name == "Sciatica"
    assert entry.courses, "sample courses are about sciatica"
    body = client.get("/api/v1/kb/condition/sciatica").json()
    assert body["entry"]["techniques"]
    assert body["entry"]["sources"]
    for kind in ("techniques", "competencies", "pathways", "jurisdictions", "categories"):
        first = client.get(f"/api/v1/kb/{kind}").json()["entries"][0]
        one = client.get(f"/api/v1/kb/{kind}/{first['id']}")
        assert one.status_code == 200, kind
        assert one.json()["entry"]["sources"]
    assert client.get("/api/v1/kb/unicorns").status_code == 404
    assert client.get("/api/v1/kb/unicorns").json()["error"]["field"] == "kind"
    assert client.get("/api/v1/kb/conditions/no-such-thing").status_code == 404


def test_openapi_describes_every_endpoint_and_search_parameter(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/search",
        "/api/v1/courses/{course_id}",
        "/api/v1/sessions/{session_id}",
        "/api/v1/providers/{provider_id}",
        "/api/v1/programs/{program_id}",
        "/api/v1/kb/{kind}",
        "/api/v1/kb/{kind}/{entry_id}",
    ):
        assert "get" in paths[path], path
        responses = paths[path]["get"]["responses"]
        assert "ErrorResponse" in str(responses["422"])
    search = paths["/api/v1/search"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert names == set(SearchQuery.model_fields)
    assert "SearchResult" in str(search["responses"]["200"])
    assert not any(p.startswith("/courses") or p == "/" for p in paths), "pages stay out"


def test_health_docs_and_unknown_api_path(client: TestClient) -> None:
    assert client.get("/healthz").text == "ok"
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "'unsafe-inline'" not in docs.headers["content-security-policy"]
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {
            "message": "Not found",
            "field": None,
            "errors": [{"message": "Not found", "field": None}],
        }
    }
    assert client.post("/api/v1/search").status_code == 405

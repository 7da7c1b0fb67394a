"""The API for e-mail choices, saved searches and the private calendar address: the same
services as the pages, private to their owner."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi.testclient import TestClient

from web.forms import sign_up


def _headers(client: TestClient) -> dict[str, str]:
    return {"x-csrf-token": client.get("/api/v1/me").json()["csrf_token"]}


def test_email_choices_searches_and_calendar_through_the_api(fresh_client: TestClient) -> None:
    anonymous = TestClient(fresh_client.app)
    assert anonymous.get("/api/v1/me/searches").status_code == 401
    sign_up(fresh_client, "ana@example.org")
    h = _headers(fresh_client)

    choices = fresh_client.get("/api/v1/me/email-choices").json()
    assert sorted(choices["enabled"]) == ["plan", "renewal", "saved_search"]
    assert set(choices["kinds"]) == {"plan", "renewal", "saved_search"}
    put = fresh_client.put("/api/v1/me/email-choices", json={"enabled": ["renewal"]}, headers=h)
    assert put.json()["enabled"] == ["renewal"]
    bad = fresh_client.put("/api/v1/me/email-choices", json={"enabled": ["spam"]}, headers=h)
    assert bad.status_code == 422
    assert fresh_client.put("/api/v1/me/email-choices", json={"enabled": []}).status_code == 403

    made = fresh_client.post(
        "/api/v1/me/searches",
        json={"name": "MLD near Tampa", "query": "q=lymph+drainage&near=33602&radius=100"},
        headers=h,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["query"] == {"near": "33602", "q": "lymph drainage", "radius": 100.0}
    assert body["in_words"] == ["words: lymph drainage", "near: 33602", "within 100 mi"]
    assert urlparse(body["feed_url"]).path == "/feeds/saved-search.atom"
    feed = anonymous.get(urlparse(body["feed_url"]).path + "?" + urlparse(body["feed_url"]).query)
    assert feed.status_code == 200
    everything = fresh_client.post("/api/v1/me/searches", json={"query": ""}, headers=h)
    assert everything.status_code == 400
    assert everything.json()["error"]["field"] == "query"
    unknown_place = fresh_client.post(
        "/api/v1/me/searches", json={"query": "q=mld&near=Atlantis%2C+ZZ&radius=10"}, headers=h
    )
    assert unknown_place.status_code == 400

    other = TestClient(fresh_client.app)
    sign_up(other, "bo@example.org")
    oh = _headers(other)
    assert other.get("/api/v1/me/searches").json() == []
    assert other.delete(f"/api/v1/me/searches/{body['id']}", headers=oh).status_code == 404
    assert other.post(f"/api/v1/me/searches/{body['id']}/feed", headers=oh).status_code == 404

    renewed = fresh_client.post(f"/api/v1/me/searches/{body['id']}/feed", headers=h).json()
    assert renewed["feed_url"] != body["feed_url"]
    assert fresh_client.delete(f"/api/v1/me/searches/{body['id']}", headers=h).status_code == 204
    assert fresh_client.get("/api/v1/me/searches").json() == []

    assert fresh_client.get("/api/v1/me/calendar").json() == {"address": None}
    address = fresh_client.post("/api/v1/me/calendar", headers=h).json()["address"]
    assert "/calendar/plan.ics?token=" in address
    local = urlparse(address).path + "?" + urlparse(address).query
    assert anonymous.get(local).status_code == 200
    assert fresh_client.delete("/api/v1/me/calendar", headers=h).status_code == 204
    assert anonymous.get(local).status_code == 404
    assert fresh_client.get("/api/v1/me/calendar").json() == {"address": None}

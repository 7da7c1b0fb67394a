"""The app over real HTTP: uvicorn in a thread, httpx as the client."""

from __future__ import annotations

import httpx


def test_real_http_round_trip(live_server: str) -> None:
    with httpx.Client(base_url=live_server, timeout=30) as http:
        assert http.get("/healthz").text == "ok"
        search = http.get(
            "/api/v1/search",
            params={"q": "sciatica", "near": "33602", "radius": 50, "modes": "in_person"},
        )
        assert search.status_code == 200
        hits = search.json()["results"]
        assert hits
        page = http.get("/", params={"q": "sciatica", "near": "33602", "radius": 50})
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        assert "courses found" in page.text
        assert page.headers["x-content-type-options"] == "nosniff"
        course = http.get(f"/courses/{hits[0]['course']['id']}")
        assert course.status_code == 200
        ics = http.get(f"/sessions/{hits[0]['session']['id']}.ics")
        assert ics.headers["content-type"].startswith("text/calendar")
        assert ics.text.startswith("BEGIN:VCALENDAR")
        bad = http.get("/api/v1/search", params={"max_price": "abc"})
        assert bad.status_code == 422
        assert bad.json()["error"]["field"] == "max_price"
        assert http.get("/static/app.css").status_code == 200
        assert http.get("/static/../app.py").status_code == 404

"""Ids beyond the database's range (2**31 - 1, PostgreSQL's integer column), on every route with a path parameter, for every
kind of visitor: 422 in words, never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ceatlas.accounts import Accounts, Role
from web.forms import PASSWORD, log_in

TOO_LARGE = ("2147483648", "9223372036854775808", "-9223372036854775809", "99" * 12)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _routes(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _routes(route.original_router.routes)
        elif "{" in getattr(route, "path", "") and getattr(route, "methods", None):
            yield route


def _visitors(app: FastAPI, engine: Engine) -> dict[str, TestClient]:
    accounts = Accounts(engine)
    visitors = {"anonymous": TestClient(app, raise_server_exceptions=False)}
    for role in (Role.THERAPIST, Role.PROVIDER, Role.ADMIN):
        email = f"{role.value}@example.org"
        accounts.sign_up(email, PASSWORD, role.value.title(), role)
        client = TestClient(app, raise_server_exceptions=False)
        assert log_in(client, email).status_code == 303
        visitors[role.value] = client
    return visitors


@pytest.mark.slow
def test_no_route_answers_500_to_an_id_beyond_the_database_range(
    fresh_client: TestClient, web_app: FastAPI, engine: Engine
) -> None:
    # fresh_client runs the app's lifespan, so its engine (shared by every visitor here)
    # is disposed when the test ends, with no connection left for the collector
    visitors = _visitors(web_app, engine)
    routes = list(_routes(web_app.routes))
    assert len(routes) > 30  # the walk found the routers' routes
    crashed = []
    checked = 0
    for who, client in visitors.items():
        token = _CSRF.search(client.get("/login").text)
        form = {"csrf_token": token.group(1)} if token else {}
        for route in routes:
            for method in sorted(route.methods - {"HEAD"}):
                for value in TOO_LARGE:
                    path = re.sub(r"\{[^}]+\}", value, route.path)
                    if method == "GET":
                        answer = client.get(path, follow_redirects=False)
                    else:
                        answer = client.request(method, path, data=form, follow_redirects=False)
                    checked += 1
                    if answer.status_code >= 500:
                        crashed.append((who, method, path, answer.status_code))
    assert checked > 400
    assert crashed == []


def test_a_course_id_beyond_the_range_is_422_in_words(client: TestClient) -> None:
    page = client.get("/courses/2147483648")
    assert page.status_code == 422
    assert "out of range" in page.text
    api = client.get("/api/v1/courses/9223372036854775808")
    assert api.status_code == 422
    assert "out of range" in api.json()["error"]["message"]
    assert client.get("/courses/2147483647").status_code == 404  # in range: not found

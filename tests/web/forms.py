"""Helpers for tests that fill in the site's forms through a TestClient."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient, path: str = "/signup") -> str:
    page = client.get(path)
    found = _CSRF.search(page.text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def post_form(client: TestClient, path: str, data: dict[str, Any], page: str = "") -> Response:
    """Fetch ``page`` (or ``path``) for a CSRF token, then post ``data`` with it."""
    token = csrf(client, page or path)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def sign_up(
    client: TestClient, email: str, role: str = "therapist", name: str = "Test user"
) -> Response:
    """Sign up, then log in (sign-up itself only says to check the e-mail): the log-in's
    answer, or the sign-up's when it was refused."""
    data = {"display_name": name, "email": email, "password": PASSWORD, "role": role}
    answer = post_form(client, "/signup", data)
    if answer.status_code != 200 or "Check your e-mail" not in answer.text:
        return answer
    return log_in(client, email)


def log_in(client: TestClient, email: str, password: str = PASSWORD, next: str = "") -> Response:
    return post_form(client, "/login", {"email": email, "password": password, "next": next})

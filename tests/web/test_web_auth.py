"""``ceatlas.web.auth``: who is asking, role checks, CSRF, session cookies, the secret key."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ceatlas.accounts import Accounts, Role
from ceatlas.accounts.service import Account
from ceatlas.accounts.tokens import ApiTokens
from ceatlas.config import ConfigError, Settings, load_settings
from ceatlas.web import auth
from ceatlas.web.app import create_app
from ceatlas.web.sessions import Signer

PASSWORD = "correct horse battery"


def _app(settings: Settings) -> FastAPI:
    app = create_app(settings)

    @app.get("/api/v1/test/me")
    def api_me(account: auth.CurrentAccount) -> dict[str, object]:
        return {"id": account.id, "role": account.role.value}

    @app.get("/api/v1/test/provider")
    def api_provider(account: auth.ProviderAccount) -> dict[str, object]:
        return {"provider_id": account.provider_id}

    @app.get("/test/therapist")
    def page_therapist(account: auth.Therapist) -> dict[str, object]:
        return {"id": account.id}

    @app.get("/test/admin")
    def page_admin(account: auth.Admin) -> dict[str, object]:
        return {"id": account.id}

    @app.get("/test/login/{user_id}")
    def test_login(user_id: int, request: Request) -> dict[str, str]:
        account = Accounts(app.state.ceatlas.engine).get(user_id)
        assert account is not None
        auth.log_in(request, account)
        return {"csrf": auth.csrf_token(request)}

    @app.post("/test/form", dependencies=[Depends(auth.verify_csrf)])
    def form(account: Annotated[Account | None, Depends(auth.optional_account)]) -> str:
        return "done"

    return app


@pytest.fixture
def app(web_settings: Settings) -> FastAPI:
    return _app(web_settings)


def test_anonymous_api_is_401_json_and_page_redirects_to_login(app: FastAPI) -> None:
    with TestClient(app) as client:
        answer = client.get("/api/v1/test/me")
        assert answer.status_code == 401
        assert "log in" in answer.json()["error"]["message"]
        page = client.get("/test/therapist?x=1", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=/test/therapist%3Fx%3D1"


def test_wrong_role_is_403(app: FastAPI, engine: Engine) -> None:
    therapist = Accounts(engine).sign_up("t@example.org", PASSWORD, "T")
    with TestClient(app) as client:
        client.get(f"/test/login/{therapist.id}")
        assert client.get("/api/v1/test/me").json() == {"id": therapist.id, "role": "therapist"}
        assert client.get("/test/therapist").status_code == 200
        assert client.get("/api/v1/test/provider").status_code == 403
        page = client.get("/test/admin")
        assert page.status_code == 403
        assert "text/html" in page.headers["content-type"]


def test_session_cookie_flags(app: FastAPI, engine: Engine) -> None:
    therapist = Accounts(engine).sign_up("t@example.org", PASSWORD, "T")
    with TestClient(app) as client:
        answer = client.get(f"/test/login/{therapist.id}")
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # development mode


def test_forged_or_tampered_cookie_is_no_session(app: FastAPI, engine: Engine) -> None:
    therapist = Accounts(engine).sign_up("t@example.org", PASSWORD, "T")
    forged = Signer("another secret key entirely, not this app's").dumps({"uid": therapist.id})
    with TestClient(app) as client:
        client.cookies.set("ceatlas_session", forged)
        assert client.get("/api/v1/test/me").status_code == 401


def test_csrf_is_required_on_forms(app: FastAPI, engine: Engine) -> None:
    therapist = Accounts(engine).sign_up("t@example.org", PASSWORD, "T")
    with TestClient(app) as client:
        token = client.get(f"/test/login/{therapist.id}").json()["csrf"]
        refused = client.post("/test/form", data={"x": "1"})
        assert refused.status_code == 403
        assert "reload the page" in refused.text
        assert client.post("/test/form", data={"csrf_token": "wrong"}).status_code == 403
        assert client.post("/test/form", data={"csrf_token": token}).status_code == 200
        assert client.post("/test/form", headers={"X-CSRF-Token": token}).status_code == 200


def test_api_token_authenticates_and_skips_csrf(app: FastAPI, engine: Engine) -> None:
    made = Accounts(engine).sign_up("p@example.org", PASSWORD, "P", Role.PROVIDER)
    _, secret = ApiTokens(engine).create(made.id, "sync")
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {secret}"}
        assert client.get("/api/v1/test/me", headers=headers).json()["role"] == "provider"
        # Not approved yet: no publishing.
        assert client.get("/api/v1/test/provider", headers=headers).status_code == 403
        assert client.post("/test/form", headers=headers).status_code == 200
        bad = client.get("/api/v1/test/me", headers={"Authorization": "Bearer cea_nope"})
        assert bad.status_code == 401
        assert bad.json()["error"]["field"] == "authorization"


@pytest.mark.parametrize("secret", ["", "changeme", "short-key", "a" * 40, "abab" * 10])
def test_production_refuses_a_default_secret(secret: str, database_url: str) -> None:
    settings = load_settings(database_url=database_url, mode="production", secret_key=secret)
    with pytest.raises(ConfigError, match="CEATLAS_SECRET_KEY"):
        create_app(settings)


def test_production_cookie_is_secure(database_url: str, engine: Engine) -> None:
    key = "q8Jf2LwX9vTzR4mN7bKcY1pH6sDgE3uA"  # 32 characters, 32 different
    settings = load_settings(database_url=database_url, mode="production", secret_key=key)
    therapist = Accounts(engine).sign_up("t@example.org", PASSWORD, "T")
    with TestClient(_app(settings), base_url="https://testserver") as client:
        cookie = client.get(f"/test/login/{therapist.id}").headers["set-cookie"]
        assert "Secure" in cookie


def test_safe_next_stays_on_this_site() -> None:
    assert auth.safe_next("/me/plan?x=1") == "/me/plan?x=1"
    for bad in ["https://evil.example", "//evil.example", "/\\evil.example", None, ""]:
        assert auth.safe_next(bad) == "/"

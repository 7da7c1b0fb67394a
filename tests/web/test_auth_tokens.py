"""API tokens: an expiry chosen at creation, read or write scope, last use noted at most
once a minute; through the provider API and the tokens page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from ceatlas.accounts import Accounts
from ceatlas.accounts.models import ApiToken
from ceatlas.accounts.tokens import ApiTokens, token_hash
from ceatlas.catalog.models import Provider
from ceatlas.config import Settings
from ceatlas.db import _alembic_config, make_engine
from ceatlas.web.app import create_app
from web.forms import PASSWORD, log_in, post_form


@pytest.fixture
def app(web_settings: Settings) -> FastAPI:
    return create_app(web_settings)


@pytest.fixture
def school(engine: Engine) -> int:
    """An approved provider account linked to a catalog provider with no courses."""
    now = dt.datetime(2026, 1, 1)
    with Session(engine) as db:
        db.add(Provider(key="school", name="A School", content_hash="0" * 32, updated_at=now))
        db.commit()
    return Accounts(engine).create_provider("school@example.org", PASSWORD, "School", "school").id


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_read_only_token_reads_and_is_refused_writes(
    app: FastAPI, engine: Engine, school: int
) -> None:
    _, reader = ApiTokens(engine).create(school, "reports", 30, "read")
    _, writer = ApiTokens(engine).create(school, "sync", 90, "write")
    with TestClient(app) as client:
        assert client.get("/api/v1/provider/listings", headers=_bearer(reader)).status_code == 200
        refused = client.delete("/api/v1/provider/courses/999999", headers=_bearer(reader))
        assert refused.status_code == 403
        assert refused.json()["error"]["message"] == (
            "this API token may only read; create one that may also change your listings"
        )
        # The write token gets past the check: no course 999999 is a 404, not a 403.
        allowed = client.delete("/api/v1/provider/courses/999999", headers=_bearer(writer))
        assert allowed.status_code == 404


def test_an_expired_token_is_401_with_its_date(app: FastAPI, engine: Engine, school: int) -> None:
    made = dt.datetime(2026, 1, 10, 9, 0)
    info, secret = ApiTokens(engine).create(school, "old", 30, "write", now=made)
    assert info.expires_at == dt.datetime(2026, 2, 9, 9, 0)  # 10 January + 30 days
    with TestClient(app) as client:
        answer = client.get("/api/v1/provider/listings", headers=_bearer(secret))
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == (
        "this API token expired on 2026-02-09; create a new one on the API tokens page"
    )


def test_last_use_is_noted_at_most_once_a_minute(engine: Engine, school: int) -> None:
    tokens = ApiTokens(engine)
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    _, secret = tokens.create(school, "sync", now=start)
    tokens.use(secret, start)
    tokens.use(secret, start + dt.timedelta(seconds=59))
    assert [t.last_used_at for t in tokens.list(school)] == [start]
    tokens.use(secret, start + dt.timedelta(seconds=60))
    assert [t.last_used_at for t in tokens.list(school)] == [start + dt.timedelta(seconds=60)]
    (only,) = tokens.list(school)
    assert only.expires_at == start + dt.timedelta(days=90)  # the default
    assert only.scopes == ("read", "write")


def test_the_tokens_page_sets_expiry_and_access_and_explains_refusals(
    app: FastAPI, engine: Engine, school: int
) -> None:
    with TestClient(app) as client:
        log_in(client, "school@example.org")
        made = post_form(
            client, "/provider/tokens", {"name": "reports", "days": "365", "access": "read"}
        )
        assert made.status_code == 200
        assert "only read" in made.text
        bad = post_form(client, "/provider/tokens", {"name": "x", "days": "45", "access": "read"})
        assert bad.status_code == 400
        assert "choose how long the token works: 30, 90, 365 days" in bad.text
    with Session(engine) as db:
        (token,) = db.scalars(select(ApiToken)).all()
        assert token.scopes == "read"
        assert (token.expires_at - token.created_at).days == 365


def test_tokens_from_before_expiry_existed_keep_working(tmp_path: Path) -> None:
    """Migration 0019 gives a token made before it 'read write' and 90 days from the
    upgrade, so it keeps answering as before."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        config = _alembic_config(engine)
        command.upgrade(config, "0015")
        made = dt.datetime(2025, 6, 1)
        secret = "cea_" + "x" * 43
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO account_user (id, email, password_hash, role, display_name, "
                    "approved, created_at, password_changed_at) VALUES (1, 'p@example.org', "
                    "'-', 'provider', 'P', 1, :made, :made)"
                ),
                {"made": made},
            )
            conn.execute(
                text(
                    "INSERT INTO api_token (user_id, name, token_hash, prefix, created_at) "
                    "VALUES (1, 'sync', :hash, 'cea_xxxxxx', :made)"
                ),
                {"hash": token_hash(secret), "made": made},
            )
        before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        command.upgrade(config, "heads")
        found = ApiTokens(engine).use(secret)
        assert found is not None
        assert not found.expired
        assert found.token.scopes == ("read", "write")
        days = (found.token.expires_at - before).total_seconds() / 86400
        assert 89.99 < days <= 90.01
    finally:
        engine.dispose()

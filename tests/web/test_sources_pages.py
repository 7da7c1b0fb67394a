"""Catalog sources on the site: the administrators' health page, a provider's own website
as its source, and where a course page says its listing came from.

Syncs run against the fixture site of tests/catalog/test_source_sync.py on loopback (its
README counts the sessions by hand); a sync asked for from a page runs as a background
task, which the test client runs before it returns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from catalog.test_source_sync import Site, serve_site
from ceatlas.accounts import Accounts, Role
from ceatlas.catalog.publishing import create_provider
from ceatlas.catalog.service import Catalog
from ceatlas.catalog.source_registry import add_source, list_sources
from ceatlas.catalog.store import COURSES, PROVIDERS, SESSIONS
from ceatlas.config import load_settings
from ceatlas.web.app import create_app
from web.forms import PASSWORD, csrf, log_in, post_form

STUDIO = "https://studio.example.com/"
MYO = "https://studio.example.com/classes/myofascial"


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as server:
        yield server


@pytest.fixture
def client(database_url: str, tmp_path: Path, sample_catalog: Catalog) -> Iterator[TestClient]:
    """The sample site, syncing without a pause between requests and a short timeout."""
    settings = load_settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        kb_dir=None,
        sync_host_delay=0,
        sync_timeout=0.5,
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_administrators_see_each_sources_health_sync_it_and_remove_it(
    client: TestClient, engine: Engine, site: Site
) -> None:
    accounts = Accounts(engine)
    accounts.create_admin("root@example.org", PASSWORD)
    accounts.sign_up("ana@example.org", PASSWORD, "Ana")
    ident = add_source(engine, site.base + "/sitemap.xml")
    page = "/admin/catalog-sources"

    log_in(client, "ana@example.org")
    assert client.get(page).status_code == 403
    token = csrf(client, "/")
    refused = client.post(f"{page}/{ident}/sync", data={"csrf_token": token})
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": token})

    log_in(client, "root@example.org")
    assert f'href="{page}"' in client.get("/admin").text
    before = _text(client.get(page).text)
    assert site.base + "/sitemap.xml" in before
    assert "Not synced yet." in before
    # Without the form's CSRF token nothing is synced.
    assert client.post(f"{page}/{ident}/sync").status_code == 403
    assert list_sources(engine)[0].last_sync_at is None

    started = post_form(client, f"{page}/{ident}/sync", {}, page=page)
    assert started.status_code == 303
    assert started.headers["location"] == f"{page}?started={ident}"
    after = _text(client.get(started.headers["location"]).text)
    assert "The sync has started" in after
    # Hand count (fixture README): myofascial 2 + cupping 1 + changing 2 + closing 1 = 6
    # sessions, all new; nothing retired or refused.
    counts = re.search(r"Found New Updated Retired Refused listings ((?:\d+ ){5})", after)
    assert counts is not None
    assert counts.group(1).split() == ["6", "6", "0", "0", "0"]
    # The 500 and the timeout, in words; the first is the last error, "and 1 more".
    assert "/classes/broken.html: the website had an error on its side (and 1 more)" in after
    assert "/classes/slow.html: the website did not answer in time" in after
    assert "HTTP 500" not in after
    assert "What changed in the last sync" in after

    missing = post_form(client, f"{page}/999/sync", {}, page=page)
    assert missing.status_code == 404
    removed = post_form(client, f"{page}/{ident}/remove", {}, page=page)
    assert removed.status_code == 303
    assert "No sources registered." in client.get(page).text
    with engine.connect() as conn:  # the sessions it brought stay listed
        keys = conn.execute(select(SESSIONS.c.key).where(SESSIONS.c.key.like(MYO + "%")))
        assert len(keys.all()) == 2


def _provider(engine: Engine, email: str, key: str) -> None:
    accounts = Accounts(engine)
    user = accounts.sign_up(email, PASSWORD, email.split("@")[0], Role.PROVIDER)
    accounts.approve_provider(user.id, key)


def test_a_provider_adds_its_website_sees_its_health_and_only_its_own(
    client: TestClient, engine: Engine, site: Site
) -> None:
    studio_key = create_provider(engine, None, "Studio Fixture CE", STUDIO)
    with engine.connect() as conn:
        sample_key = conn.execute(
            select(PROVIDERS.c.key).where(PROVIDERS.c.is_sample.is_(True)).limit(1)
        ).scalar_one()
    _provider(engine, "studio@example.org", studio_key)
    _provider(engine, "other@example.org", sample_key)
    page = "/provider/sources"
    address = site.base + "/classes/myofascial.html"

    log_in(client, "studio@example.org")
    assert f'href="{page}"' in client.get("/provider").text
    empty = post_form(client, page, {"url": "", "every": "1w"})
    assert empty.status_code == 422
    assert "Enter your website&#39;s address" in empty.text
    assert '<option value="1w" selected>' in empty.text  # the choice made is kept
    typo = post_form(client, page, {"url": "www.example.com/classes", "every": "1d"})
    assert typo.status_code == 422
    assert "Enter a full web address starting with https://" in typo.text
    assert 'value="www.example.com/classes"' in typo.text
    odd = post_form(client, page, {"url": address, "every": "5m"})
    assert odd.status_code == 422
    assert list_sources(engine) == []  # nothing saved by a refused form

    added = post_form(client, page, {"url": address, "every": "1d"})
    assert added.status_code == 303
    [source] = list_sources(engine)
    assert (source.url, source.provider, source.every) == (address, studio_key, "1d")
    shown = _text(client.get(added.headers["location"]).text)
    assert "Your website was added" in shown
    # The first sync ran: the page's 2 sessions, both new.
    counts = re.search(r"Found New Updated Retired Refused listings ((?:\d+ ){5})", shown)
    assert counts is not None
    assert counts.group(1).split() == ["2", "2", "0", "0", "0"]
    assert post_form(client, f"{page}/{source.id}/sync", {}, page=page).status_code == 303
    client.post("/logout", data={"csrf_token": csrf(client, "/")})

    # Another provider sees none of it and may not sync or remove it.
    log_in(client, "other@example.org")
    assert address not in client.get(page).text
    assert post_form(client, f"{page}/{source.id}/sync", {}, page=page).status_code == 403
    assert post_form(client, f"{page}/{source.id}/remove", {}, page=page).status_code == 403
    assert post_form(client, f"{page}/999/sync", {}, page=page).status_code == 404
    taken = post_form(client, page, {"url": address, "every": "1d"})
    assert taken.status_code == 422
    assert "This address is already registered" in taken.text
    # Its own site lists the studio's course: refused and reported, nothing written.
    other_page = site.base + "/classes/cupping.html"
    assert post_form(client, page, {"url": other_page, "every": "1d"}).status_code == 303
    shown = _text(client.get(page).text)
    assert "a listing was refused:" in shown
    assert f"this source belongs to provider '{sample_key}'" in shown
    with engine.connect() as conn:
        studio = SESSIONS.c.key.like("https://studio.example.com//%")
        cupping = conn.execute(select(SESSIONS.c.id).where(studio))
        assert cupping.all() == []
    assert len(list_sources(engine)) == 2
    client.post("/logout", data={"csrf_token": csrf(client, "/")})

    log_in(client, "studio@example.org")
    assert post_form(client, f"{page}/{source.id}/remove", {}, page=page).status_code == 303
    assert [s.url for s in list_sources(engine)] == [other_page]


def test_the_course_page_says_where_its_listing_came_from(
    client: TestClient, engine: Engine, site: Site
) -> None:
    add_source(engine, site.base + "/classes/myofascial.html")
    post_ok = Accounts(engine).create_admin("root@example.org", PASSWORD)
    assert post_ok.role == Role.ADMIN
    log_in(client, "root@example.org")
    page = "/admin/catalog-sources"
    assert post_form(client, f"{page}/1/sync", {}, page=page).status_code == 303
    with engine.begin() as conn:
        course_id = conn.execute(select(COURSES.c.id).where(COURSES.c.key == MYO)).scalar_one()
        conn.execute(
            update(COURSES)
            .where(COURSES.c.id == course_id)
            .values(url="https://studio.example.com/classes/myofascial.html")
        )
        sample_id = conn.execute(
            select(COURSES.c.id).where(COURSES.c.origin_kind == "sample").limit(1)
        ).scalar_one()
    today = dt.datetime.now(dt.UTC)
    shown = client.get(f"/courses/{course_id}").text
    words = (
        f"Listed from the provider&#39;s own website, checked {today:%b} {today.day}, {today.year}."
    )
    assert words in shown
    assert (
        '<a href="https://studio.example.com/classes/myofascial.html" '
        'rel="nofollow noopener noreferrer external">' in shown
    )
    assert (
        "A sample listing, made up to show how CE Atlas works."
        in client.get(f"/courses/{sample_id}").text
    )
    # Unknown provenance is said to be unknown; a link that is not http(s) is never written.
    with engine.begin() as conn:
        conn.execute(
            update(COURSES)
            .where(COURSES.c.id == course_id)
            .values(origin_kind=None, origin=None, last_seen_at=None, url="javascript:alert(1)")
        )
    unknown = client.get(f"/courses/{course_id}").text
    assert "Where this listing came from was not recorded." in unknown
    assert 'href="javascript:' not in unknown
    assert "This course on the provider" not in unknown

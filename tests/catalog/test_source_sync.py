"""The source registry and its sync, against a fixture site served on loopback.

Counts are worked out by hand from tests/fixtures/sites/studio (see its README.md); no
test touches the internet.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from ceatlas.catalog.source_registry import (
    PAGES,
    RUNS,
    SourceError,
    add_source,
    list_sources,
    parse_every,
    remove_source,
)
from ceatlas.catalog.store import SESSIONS
from ceatlas.catalog.sync import Fetcher, SourceSync, SyncOptions, classify, sync_sources
from ceatlas.catalog.vocabulary import Resolver
from ceatlas.cli import app

SITE = Path(__file__).parent.parent / "fixtures" / "sites" / "studio"
OPTIONS = SyncOptions(user_agent="CE Atlas test", timeout=0.5, host_delay=0)
LAST_MODIFIED = "Sun, 01 Nov 2026 10:00:00 GMT"
runner = CliRunner()


@dataclass
class Route:
    file: str | None = None  # served from SITE
    status: int = 200
    delay: float = 0.0
    drop: bool = False  # send half the body, then close the connection


class Site(http.server.ThreadingHTTPServer):
    """The fixture site: routes that tests change between syncs; every request logged."""

    routes: dict[str, Route]
    requests: list[tuple[str, int]]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out and left: not the test's concern

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    server: Site

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path, Route(status=404))
        if route.delay:
            time.sleep(route.delay)
        body = (SITE / route.file).read_bytes() if route.file and route.status == 200 else b""
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        status = route.status
        if status == 200 and self.headers.get("If-None-Match") == etag:
            status = 304
        self.server.requests.append((self.path, status))
        self.send_response(status)
        if status in (200, 304):
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
        kind = "application/xml" if (route.file or "").endswith(".xml") else "text/html"
        self.send_header("Content-Type", "text/plain" if "robots" in self.path else kind)
        self.send_header("Content-Length", str(0 if status == 304 else len(body)))
        self.end_headers()
        if route.drop:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _routes() -> dict[str, Route]:
    return {
        "/robots.txt": Route("robots.txt"),
        "/sitemap.xml": Route("sitemap.xml"),
        "/classes/myofascial.html": Route("classes/myofascial.html"),
        "/classes/cupping.html": Route("classes/cupping.html"),
        "/classes/changing.html": Route("classes/changing-v1.html"),
        "/classes/closing.html": Route("classes/closing.html"),
        "/classes/broken.html": Route(status=500),
        "/classes/slow.html": Route("classes/myofascial.html", delay=1.5),
        "/private/members.html": Route("private/members.html"),
    }


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as server:
        yield server


@contextmanager
def serve_site() -> Iterator[Site]:
    """The fixture site on a free loopback port until the block ends."""
    server = Site(("127.0.0.1", 0), Handler)
    server.routes, server.requests = _routes(), []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _sessions(engine: Engine) -> dict[str, object]:
    with engine.connect() as conn:
        rows = conn.execute(select(SESSIONS.c.key, SESSIONS.c.price)).all()
    return {row.key: row.price for row in rows}


def _reasons(report_skipped: list[dict[str, str]], site: Site) -> dict[str, str]:
    return {s["url"].removeprefix(site.base): s["reason"] for s in report_skipped}


C = "https://studio.example.com/classes/"
CUPPING = "https://studio.example.com//course:cupping-therapy-seminar-for-massage-therapists#2027-09-14T09:00"


def test_sitemap_sync_then_changes_gone_pages_and_304s(
    engine: Engine, resolver: Resolver | None, site: Site
) -> None:
    ident = add_source(engine, site.base + "/sitemap.xml", provider="https://studio.example.com/")
    first = sync_sources(engine, resolver, OPTIONS, everything=True)[0]

    # Imported: myofascial 2 + cupping 1 + changing 2 + closing 1 = 6 sessions, 4 courses.
    assert first.kind == "sitemap"
    assert first.pages_imported == 4
    assert (first.sessions.inserted, first.courses.inserted) == (6, 4)
    assert (first.pages_failed, first.pages_blocked, first.not_modified) == (2, 1, 0)
    stored = _sessions(engine)
    assert len(stored) == 6
    assert str(stored[C + "changing/2027-05-04"]) == "199.00"
    # robots.txt forbids /private/: never requested, reported with its reason.
    assert "/private/members.html" not in [path for path, _ in site.requests]
    reasons = _reasons(first.skipped, site)
    assert reasons["/private/members.html"] == "forbidden by robots.txt; not fetched"
    # The 500 and the timeout are errors in health; the other pages were still synced.
    errors = {e["url"].removeprefix(site.base): e["reason"] for e in first.errors}
    assert errors == {
        "/classes/broken.html": "HTTP 500",
        "/classes/slow.html": "timed out after 0.5 s",
    }
    assert not first.ok
    health = list_sources(engine)[0]
    assert health.last_success_at is None
    assert health.last_error_at is not None
    assert health.last_error is not None
    assert "broken.html: HTTP 500 (and 1 more)" in health.last_error
    assert health.health["pages_imported"] == 4

    # Between syncs the changing page changes, the closing page is withdrawn (410), and
    # the broken and slow pages recover by answering 404 (never imported: nothing retired).
    site.routes["/classes/changing.html"] = Route("classes/changing-v2.html")
    site.routes["/classes/closing.html"] = Route(status=410)
    site.routes["/classes/broken.html"] = Route(status=404)
    site.routes["/classes/slow.html"] = Route(status=404)
    site.requests.clear()
    second = sync_sources(engine, resolver, OPTIONS, ids=[ident])[0]

    # 304: the sitemap, myofascial and cupping. Imported: changing only.
    assert second.not_modified == 3
    assert second.pages_imported == 1
    assert (second.sessions.inserted, second.sessions.updated) == (1, 1)
    # Retired: changing's 4 May (no longer on the page) and closing's 9 February (410).
    assert second.sessions_retired == 2
    assert second.pages_gone == 3  # closing, broken, slow
    stored = _sessions(engine)
    assert sorted(stored) == sorted(
        [
            C + "changing/2027-04-06",
            C + "changing/2027-06-01",
            C + "myofascial/2027-03-02",
            C + "myofascial/2027-03-16",
            CUPPING,
        ]
    )
    assert C + "changing/2027-05-04" not in stored
    assert C + "closing/2027-02-09" not in stored
    assert len(stored) == 5
    assert str(stored[C + "changing/2027-04-06"]) == "179.00"
    reasons = _reasons(second.skipped, site)
    assert reasons["/classes/myofascial.html"] == "not modified since the last sync (HTTP 304)"
    assert reasons["/classes/closing.html"] == "gone (HTTP 410)"
    retired = [c for c in second.changes if c.startswith("retired session")]
    assert len(retired) == 2
    assert any("changing/2027-05-04 (Assisted Stretching Online, 2027-05-04)" in c for c in retired)
    assert second.ok
    # Conditional requests carried the validators: the server saw 304s.
    assert sorted(p for p, s in site.requests if s == 304) == [
        "/classes/cupping.html",
        "/classes/myofascial.html",
        "/sitemap.xml",
    ]
    health = list_sources(engine)[0]
    assert health.last_success_at is not None
    # The history keeps both runs.
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(RUNS)).scalar_one() == 2


def test_a_page_source_answers_304_and_is_not_due_again_the_same_day(
    engine: Engine, resolver: Resolver | None, site: Site
) -> None:
    add_source(engine, site.base + "/classes/myofascial.html")
    report = sync_sources(engine, resolver, OPTIONS)[0]
    assert report.kind == "page"
    assert report.sessions.inserted == 2
    assert report.ok
    assert sync_sources(engine, resolver, OPTIONS) == []  # synced today, every 1d: not due
    again = sync_sources(engine, resolver, OPTIONS, everything=True)[0]
    assert (again.not_modified, again.pages_imported, again.sessions_retired) == (1, 0, 0)
    assert len(_sessions(engine)) == 2


def test_a_page_dropped_from_the_sitemap_has_its_sessions_retired(
    engine: Engine, resolver: Resolver | None, site: Site
) -> None:
    add_source(engine, site.base + "/sitemap.xml")
    sync_sources(engine, resolver, OPTIONS)
    # The new sitemap lists myofascial only: cupping, changing and closing drop out.
    site.routes["/sitemap.xml"] = Route("sitemap-small.xml")
    report = sync_sources(engine, resolver, OPTIONS, everything=True)[0]
    # cupping 1 + changing 2 + closing 1 = 4 retired; myofascial's 2 stay.
    assert report.sessions_retired == 4
    assert sorted(_sessions(engine)) == [C + "myofascial/2027-03-02", C + "myofascial/2027-03-16"]
    reasons = _reasons(report.skipped, site)
    assert reasons["/classes/cupping.html"] == f"no longer listed by {site.base}/sitemap.xml"
    with engine.connect() as conn:
        urls = conn.execute(select(PAGES.c.url)).scalars().all()
    assert sorted(u.removeprefix(site.base) for u in urls) == [
        "/classes/myofascial.html",
        "/sitemap.xml",
    ]


def test_a_sync_killed_half_way_leaves_the_catalog_consistent(
    engine: Engine, resolver: Resolver | None, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_source(engine, site.base + "/sitemap.xml")
    sync_sources(engine, resolver, OPTIONS)
    site.routes["/classes/changing.html"] = Route("classes/changing-v2.html")
    real = SourceSync._retire

    def killed(self: SourceSync, conn: object, page: object, keep: set[str], reason: str) -> int:
        if getattr(page, "url", "").endswith("/changing.html"):
            raise KeyboardInterrupt  # killed after the page's import, before its new state
        return real(self, conn, page, keep, reason)  # type: ignore[arg-type]

    monkeypatch.setattr(SourceSync, "_retire", killed)
    with pytest.raises(KeyboardInterrupt):
        sync_sources(engine, resolver, OPTIONS, everything=True)
    stored = _sessions(engine)
    # The import was committed (1 June added, 6 April at 179), nothing half-written.
    assert C + "changing/2027-06-01" in stored
    assert len(stored) == 7
    monkeypatch.setattr(SourceSync, "_retire", real)
    report = sync_sources(engine, resolver, OPTIONS, everything=True)[0]
    # The page's old state was kept, so it was fetched and imported again (nothing new)
    # and its 4 May session retired now.
    assert report.pages_imported == 1
    assert report.sessions.inserted == 0
    assert report.sessions_retired == 1
    assert len(_sessions(engine)) == 6


def test_a_connection_dropped_mid_page_keeps_that_pages_sessions_and_the_rest_syncs(
    engine: Engine, resolver: Resolver | None, site: Site
) -> None:
    add_source(engine, site.base + "/sitemap.xml")
    sync_sources(engine, resolver, OPTIONS)
    assert len(_sessions(engine)) == 6
    # The changing page changes, but the server drops the connection half-way through it;
    # the closing page is withdrawn (410) in the same sync.
    site.routes["/classes/changing.html"] = Route("classes/changing-v2.html", drop=True)
    site.routes["/classes/closing.html"] = Route(status=410)
    report = sync_sources(engine, resolver, OPTIONS, everything=True)[0]
    errors = {e["url"].removeprefix(site.base): e["reason"] for e in report.errors}
    assert "/classes/changing.html" in errors
    # Nothing of the half page was written: changing keeps its two v1 sessions (4 May at
    # its v1 price, no 1 June); closing's one session is retired: 6 - 1 = 5.
    stored = _sessions(engine)
    assert len(stored) == 5
    assert C + "changing/2027-05-04" in stored
    assert C + "changing/2027-06-01" not in stored
    assert str(stored[C + "changing/2027-04-06"]) == "199.00"
    # Once the server answers in full, the next sync completes the change.
    site.routes["/classes/changing.html"] = Route("classes/changing-v2.html")
    again = sync_sources(engine, resolver, OPTIONS, everything=True)[0]
    assert (again.sessions.inserted, again.sessions.updated, again.sessions_retired) == (1, 1, 1)
    assert len(_sessions(engine)) == 5


def test_rss_and_atom_feeds_list_pages() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
      <item><title>a</title><link>https://s.example/a.html</link></item>
      <item><title>b</title><link>/b.html</link></item></channel></rss>"""
    assert classify(rss, "application/rss+xml", "https://s.example/feed") == (
        "feed",
        ["https://s.example/a.html", "https://s.example/b.html"],
    )
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/c.html"/>
      <link rel="enclosure" href="/c.mp3"/></entry></feed>"""
    assert classify(atom, "application/atom+xml", "https://s.example/f") == (
        "feed",
        ["https://s.example/c.html"],
    )
    assert classify(b'{"@type": "Course"}', "application/ld+json", "https://s.example/")[0] == (
        "json"
    )
    assert classify(b"<html><body>hi</body></html>", "text/html", "https://s.example/")[0] == (
        "page"
    )


def test_the_per_host_pause_and_robots_crawl_delay(site: Site) -> None:
    site.routes["/robots.txt"] = Route("robots-slow.txt")
    slept: list[float] = []
    now = [100.0]
    import httpx

    with httpx.Client() as client:
        fetcher = Fetcher(
            client,
            SyncOptions(host_delay=1.0, timeout=2),
            clock=lambda: now[0],
            sleep=lambda s: slept.append(round(s, 3)),
        )
        assert fetcher.blocked(site.base + "/classes/cupping.html") is None  # reads robots.txt
        fetcher.get(site.base + "/classes/cupping.html")
        now[0] += 0.5
        fetcher.get(site.base + "/classes/myofascial.html")
    # robots.txt asks 3 s between requests (more than the 1 s setting): 3 s, then 2.5 s.
    assert slept == [3.0, 2.5]


def test_registry_validates_urls_intervals_and_duplicates(engine: Engine) -> None:
    with pytest.raises(SourceError, match=r"invalid URL .ftp://x\.example/.: expected an http"):
        add_source(engine, "ftp://x.example/")
    with pytest.raises(SourceError, match="invalid URL 'https:///path': no host name"):
        add_source(engine, "https:///path")
    ident = add_source(engine, "HTTPS://Studio.Example.com/classes#top")
    with pytest.raises(SourceError, match=f"already registered as source {ident}"):
        add_source(engine, "https://studio.example.com/classes")
    assert list_sources(engine)[0].url == "https://studio.example.com/classes"
    assert parse_every("6h") == 21600
    assert parse_every("1w") == 604800
    with pytest.raises(SourceError, match="--every"):
        parse_every("daily")
    assert remove_source(engine, ident) == "https://studio.example.com/classes"
    with pytest.raises(SourceError, match="no source with id 99"):
        remove_source(engine, 99)


def test_cli_add_list_sync_remove(
    cli_env: Path, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEATLAS_SYNC_HOST_DELAY", "0")
    monkeypatch.setenv("CEATLAS_SYNC_TIMEOUT", "0.5")
    assert runner.invoke(app, ["init", "--no-sample"]).exit_code == 0
    bad = runner.invoke(app, ["sources", "add", "not a url"])
    assert bad.exit_code == 2
    assert "invalid URL 'not a url'" in bad.output
    added = runner.invoke(app, ["sources", "add", site.base + "/sitemap.xml", "--every", "6h"])
    assert added.exit_code == 0, added.output
    assert "added source 1" in added.stdout
    assert "every 6h" in added.stdout
    again = runner.invoke(app, ["sources", "add", site.base + "/sitemap.xml"])
    assert again.exit_code == 2
    assert "already registered as source 1" in again.output
    synced = runner.invoke(app, ["sources", "sync", "--all"])
    assert synced.exit_code == 1  # the 500 and the slow page
    assert "4 pages imported" in synced.stdout
    assert "sessions +6" in synced.stdout
    assert "/private/members.html: forbidden by robots.txt; not fetched" in synced.stdout
    listed = runner.invoke(app, ["sources", "list", "--json"])
    assert listed.exit_code == 0
    [source] = json.loads(listed.stdout)
    assert source["kind"] == "sitemap"
    assert source["every"] == "6h"
    assert source["pages"] == 7
    assert source["health"]["sessions"]["inserted"] == 6
    assert source["health"]["pages_failed"] == 2
    plain = runner.invoke(app, ["sources", "list"])
    assert plain.exit_code == 0
    assert "sitemap" in plain.stdout
    removed = runner.invoke(app, ["sources", "remove", "1"])
    assert removed.exit_code == 0
    assert "removed source 1" in removed.stdout
    missing = runner.invoke(app, ["sources", "remove", "1"])
    assert missing.exit_code == 2
    assert "no source with id 1" in missing.output

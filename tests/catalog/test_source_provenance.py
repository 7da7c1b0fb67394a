"""Provenance (where each course and session came from, when it was last seen) and
provider-owned sources (a page may only write its owner's listings).

The fixture site is the one of test_source_sync.py (tests/fixtures/sites/studio); every
count below is worked out by hand from its README.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from catalog.test_source_sync import OPTIONS, Route, Site, serve_site
from ceatlas.catalog.publishing import Publisher
from ceatlas.catalog.publishing_input import CourseIn
from ceatlas.catalog.service import Catalog
from ceatlas.catalog.source_registry import PAGES, add_source
from ceatlas.catalog.store import COURSES, PROVIDERS, SESSIONS
from ceatlas.catalog.sync import sync_sources
from ceatlas.catalog.vocabulary import Resolver
from ceatlas.cli import app

STUDIO = "https://studio.example.com/"
MYO = "https://studio.example.com/classes/myofascial"
OLD = dt.datetime(2020, 1, 1)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as server:
        yield server


def _origins(engine: Engine, table: object = SESSIONS) -> dict[str, tuple[object, ...]]:
    t = SESSIONS if table is SESSIONS else COURSES
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.key, t.c.origin_kind, t.c.origin, t.c.last_seen_at))
        return {r.key: (r.origin_kind, r.origin, r.last_seen_at) for r in rows}


def _age(engine: Engine) -> None:
    """Pretend every row was last seen on 1 January 2020."""
    with engine.begin() as conn:
        conn.execute(update(SESSIONS).values(last_seen_at=OLD))
        conn.execute(update(COURSES).values(last_seen_at=OLD))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def test_an_import_records_the_file_and_every_import_that_sees_a_row(
    catalog: Catalog, engine: Engine, tmp_path: Path
) -> None:
    page = (
        Path(__file__).parent.parent / "fixtures/sites/studio/classes/myofascial.html"
    ).read_text()
    first, second = tmp_path / "spring.html", tmp_path / "again.html"
    first.write_text(page)
    second.write_text(page)
    before = _now()
    assert catalog.import_paths([first]).ok
    after = _now()
    # One course, two sessions (2 March, 16 March), all from spring.html, seen just now.
    sessions = _origins(engine)
    assert sorted(sessions) == [MYO + "/2027-03-02", MYO + "/2027-03-16"]
    for kind, origin, seen in [*sessions.values(), *_origins(engine, COURSES).values()]:
        assert (kind, origin) == ("file", "spring.html")
        assert isinstance(seen, dt.datetime)
        assert before <= seen <= after
    # The same content from another file: nothing changes, but both rows were seen again.
    _age(engine)
    report = catalog.import_paths([second])
    assert (report.totals.sessions.unchanged, report.totals.sessions.updated) == (2, 0)
    for kind, origin, seen in [*_origins(engine).values(), *_origins(engine, COURSES).values()]:
        assert (kind, origin) == ("file", "again.html")
        assert isinstance(seen, dt.datetime)
        assert seen > OLD


def test_the_sample_the_form_and_the_api_are_recorded(catalog: Catalog, engine: Engine) -> None:
    catalog.load_sample(dt.date(2026, 12, 3))
    kinds = {kind for kind, _, _ in _origins(engine).values()}
    assert kinds == {"sample"}
    assert {kind for kind, _, _ in _origins(engine, COURSES).values()} == {"sample"}
    with engine.connect() as conn:
        provider_id = conn.execute(select(PROVIDERS.c.id).limit(1)).scalar_one()
    by_form = Publisher(engine, None, provider_id).create_course(CourseIn(title="Form course"))
    by_api = Publisher(engine, None, provider_id, via="api").create_course(
        CourseIn(title="Api course")
    )
    with engine.connect() as conn:
        query = select(COURSES.c.id, COURSES.c.origin_kind).where(
            COURSES.c.id.in_([by_form, by_api])
        )
        rows = dict(conn.execute(query).tuples().all())
    assert rows == {by_form: "form", by_api: "api"}


def test_a_sync_records_the_page_and_a_304_still_counts_as_seen(
    engine: Engine,
    resolver: Resolver | None,
    site: Site,
) -> None:
    page = site.base + "/classes/myofascial.html"
    add_source(engine, page)
    sync_sources(engine, resolver, OPTIONS)
    assert {v[:2] for v in _origins(engine).values()} == {("source", page)}
    assert {v[:2] for v in _origins(engine, COURSES).values()} == {("source", page)}
    _age(engine)
    again = sync_sources(engine, resolver, OPTIONS, everything=True)[0]
    assert again.not_modified == 1  # the page answered 304: read nothing, still saw it
    seen = [v[2] for v in [*_origins(engine).values(), *_origins(engine, COURSES).values()]]
    assert len(seen) == 3
    assert all(isinstance(s, dt.datetime) and s > OLD for s in seen)


def test_a_provider_owned_source_refuses_another_providers_listings(
    engine: Engine,
    resolver: Resolver | None,
    site: Site,
) -> None:
    # The myofascial page lists its course under https://studio.example.com/; this source
    # belongs to another provider, so the course and its 2 sessions are refused.
    add_source(engine, site.base + "/classes/myofascial.html", provider="https://other.example/")
    report = sync_sources(engine, resolver, OPTIONS)[0]
    assert report.records_refused == 1
    assert report.records_rejected == 1
    assert report.sessions.inserted == 0
    assert _origins(engine) == {}
    assert not report.ok
    [error] = report.errors
    assert error["reason"] == (
        "refused: course 'Myofascial Release for the Low Back' is listed under provider "
        "'https://studio.example.com/'; this source belongs to provider 'https://other.example/'"
    )


def test_a_provider_owned_source_cannot_take_over_another_providers_course(
    engine: Engine,
    resolver: Resolver | None,
    site: Site,
    tmp_path: Path,
) -> None:
    studio = site.base + "/classes/myofascial.html"
    add_source(engine, studio, provider=STUDIO)
    first = sync_sources(engine, resolver, OPTIONS)[0]
    assert (first.sessions.inserted, first.records_refused) == (2, 0)
    # Another provider's page re-uses the studio course's @id for its own course.
    copy = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "Course",
            "@id": MYO,
            "name": "Not yours",
            "provider": {"@type": "Organization", "@id": "https://rival.example/", "name": "R"},
            "hasCourseInstance": [{"@type": "CourseInstance", "courseMode": "online"}],
        }
    )
    rival = tmp_path / "rival.html"
    rival.write_text(f'<script type="application/ld+json">{copy}</script>')
    site.routes["/rival.html"] = Route(str(rival))
    add_source(engine, site.base + "/rival.html", provider="https://rival.example/")
    report = sync_sources(engine, resolver, OPTIONS)[0]
    assert report.records_refused == 1
    assert report.errors[0]["reason"] == f"refused: course {MYO!r} belongs to another provider"
    with engine.connect() as conn:
        title = conn.execute(select(COURSES.c.title).where(COURSES.c.key == MYO)).scalar_one()
    assert title == "Myofascial Release for the Low Back"
    assert len(_origins(engine)) == 2


def test_the_migration_backfills_facts_only(
    engine: Engine,
    resolver: Resolver | None,
    catalog: Catalog,
    site: Site,
) -> None:
    catalog.load_sample(dt.date(2026, 12, 3))
    page = site.base + "/classes/myofascial.html"
    add_source(engine, page)
    sync_sources(engine, resolver, OPTIONS)
    with engine.begin() as conn:
        fetched = conn.execute(select(PAGES.c.fetched_at)).scalar_one()
        for table in (SESSIONS, COURSES):
            conn.execute(update(table).values(origin_kind=None, origin=None, last_seen_at=None))
    path = Path(__file__).parents[2] / "src/ceatlas/migrations/versions/0017_provenance.py"
    spec = importlib.util.spec_from_file_location("provenance_0017", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with engine.begin() as conn:
        module._backfill(conn)
    sessions = _origins(engine)
    # The page's two sessions: from the page, seen when it was last fetched.
    assert sessions[MYO + "/2027-03-02"] == ("source", page, fetched)
    assert sessions[MYO + "/2027-03-16"] == ("source", page, fetched)
    # Every sample session: from the sample, never a made-up moment.
    others = [v for k, v in sessions.items() if not k.startswith(MYO)]
    assert others
    assert set(others) == {("sample", None, None)}


def test_cli_sync_of_an_owned_source_reports_what_it_refused(
    cli_env: Path, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEATLAS_SYNC_HOST_DELAY", "0")
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--no-sample"]).exit_code == 0
    page = site.base + "/classes/myofascial.html"
    added = runner.invoke(app, ["sources", "add", page, "--provider", "https://other.example/"])
    assert added.exit_code == 0, added.output
    synced = runner.invoke(app, ["sources", "sync"])
    assert synced.exit_code == 1  # a refusal is an error of the run
    assert "sessions +0 ~0 =0 retired 0; 1 refused (another provider's)" in synced.stdout
    assert "is listed under provider 'https://studio.example.com/'" in synced.output

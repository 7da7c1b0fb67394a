"""Test fixtures: every test gets a clean, migrated catalog database.

By default the database is a SQLite file per test (copied from one migrated template).
With ``CEATLAS_TEST_DATABASE_URL=postgresql+psycopg://...`` the same tests run on
PostgreSQL: the schema is migrated once and every table is truncated before each test.
With ``CEATLAS_FORBID_SKIPS=1`` (set by scripts/test and CI) a skipped test fails the run.

Property tests replay the same examples on every run by default (profile ``replay``), so a
red CI run is reproducible from its log and a green one is not luck; set
``CEATLAS_HYPOTHESIS=explore`` to draw fresh random examples when hunting for bugs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import Engine, text

from ceatlas.catalog.service import Catalog
from ceatlas.catalog.vocabulary import Resolver
from ceatlas.db import make_engine, migrate
from ceatlas.orm import Base
from smtp_server import Received, smtp_server

POSTGRES_URL = os.environ.get("CEATLAS_TEST_DATABASE_URL")

settings.register_profile("replay", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("CEATLAS_HYPOTHESIS", "replay"))


def pytest_report_header() -> str:
    return f"ceatlas test database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite'}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CEATLAS_FORBID_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if reporter:
            reporter.write_line(f"FAILED: {skipped} test(s) skipped while CEATLAS_FORBID_SKIPS=1")


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_engine() -> Iterator[Engine | None]:
    if not POSTGRES_URL:
        yield None
        return
    engine = make_engine(POSTGRES_URL)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, _sqlite_template: Path, _postgres_engine: Engine | None) -> str:
    """URL of a clean, migrated database for this test."""
    if _postgres_engine is not None and POSTGRES_URL:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with _postgres_engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return POSTGRES_URL
    path = tmp_path / "ceatlas.db"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    built = make_engine(database_url)
    yield built
    built.dispose()


@pytest.fixture(scope="session")
def resolver() -> Resolver | None:
    """The packaged knowledge base, used to map terms to ids."""
    from ceatlas.app import Services
    from ceatlas.config import load_settings

    return Services(load_settings(kb_dir=None)).resolver


@pytest.fixture
def catalog(engine: Engine, resolver: Resolver | None) -> Catalog:
    return Catalog(engine, resolver)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> Path:
    """Point the CLI at this test's database and a private data folder."""
    monkeypatch.setenv("CEATLAS_DATABASE_URL", database_url)
    monkeypatch.setenv("CEATLAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CEATLAS_KB_DIR", raising=False)
    return tmp_path


def canonical(engine: Engine) -> list[dict[str, Any]]:
    """The whole catalog as plain data without surrogate ids, timestamps or hashes."""
    from ceatlas.catalog.export import iter_courses, iter_programs

    volatile = {"id", "provider_id", "course_id", "content_hash", "updated_at"}
    volatile |= {"origin_kind", "origin", "last_seen_at"}  # provenance: where and when seen
    volatile |= {"declared_at"}  # when an approval claim arrived

    def clean(row: dict[str, Any] | None) -> dict[str, Any] | None:
        if row is None:
            return None
        cleaned = {k: v for k, v in row.items() if k not in volatile}
        if "approvals" in cleaned:
            cleaned["approvals"] = [clean(a) for a in row["approvals"]]
        return cleaned

    courses: list[dict[str, Any]] = [
        {
            "provider": clean(provider),
            "course": clean(course),
            "sessions": sorted((clean(s) or {} for s in sessions), key=lambda s: str(s["key"])),
        }
        for provider, course, sessions in iter_courses(engine)
    ]
    programs: list[dict[str, Any]] = [
        {"provider": clean(provider), "program": clean(program)}
        for provider, program in iter_programs(engine)
    ]
    return sorted(courses, key=lambda c: str(c["course"]["key"])) + sorted(
        programs, key=lambda p: str(p["program"]["key"])
    )


@pytest.fixture
def fresh_engine(
    tmp_path: Path, _sqlite_template: Path, _postgres_engine: Engine | None
) -> Iterator[Callable[[], Engine]]:
    """A factory of clean databases, for property tests that need one per example."""
    made: list[Engine] = []

    def make() -> Engine:
        for previous in made:
            previous.dispose()  # still usable; frees pooled connections between examples
        if _postgres_engine is not None and POSTGRES_URL:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            with _postgres_engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            built = make_engine(POSTGRES_URL)
        else:
            path = tmp_path / f"fresh-{len(made)}.db"
            shutil.copyfile(_sqlite_template, path)
            built = make_engine(f"sqlite:///{path}")
        made.append(built)
        return built

    yield make
    for built in made:
        built.dispose()


@pytest.fixture
def smtp() -> Iterator[Received]:
    """A real SMTP server on loopback; ``smtp.messages`` is what it received."""
    with smtp_server() as received:
        yield received

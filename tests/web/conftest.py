"""Web fixtures: an app over a sample-loaded database, and a TestClient for it.

``client`` is shared by the tests of one module (loading the sample catalog takes a second
or two): tests using it must not change the catalog. Tests that do use ``fresh_client``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import Engine, text

from ceatlas.catalog.service import Catalog
from ceatlas.config import Settings, load_settings
from ceatlas.db import make_engine
from ceatlas.kb import load_kb
from ceatlas.orm import Base
from ceatlas.web.app import create_app
from smtp_server import Received
from web.browser import CHROMIUM, CHROMIUM_ARGS

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient; httpx (our dev dependency) still works.
    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def shared_sample_url(
    tmp_path_factory: pytest.TempPathFactory,
    _sqlite_template: Path,
    _postgres_engine: Engine | None,
) -> str:
    """A database with the sample catalog, for one module's read-only tests."""
    if _postgres_engine is not None:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with _postgres_engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        url = _postgres_engine.url.render_as_string(hide_password=False)
    else:
        path = tmp_path_factory.mktemp("web") / "sample.db"
        shutil.copyfile(_sqlite_template, path)
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        Catalog(engine, load_kb()).load_sample(dt.date.today())
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="module")
def client(
    shared_sample_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """A client of an app over the shared sample database (do not change the catalog)."""
    data = tmp_path_factory.mktemp("web-data")
    settings = load_settings(database_url=shared_sample_url, data_dir=data, kb_dir=None)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def web_settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(database_url=database_url, data_dir=tmp_path / "data", kb_dir=None)


@pytest.fixture
def sample_catalog(catalog: Catalog) -> Catalog:
    """The test database with the sample catalog loaded (dated from today)."""
    catalog.load_sample(dt.date.today())
    return catalog


@pytest.fixture
def web_app(web_settings: Settings, sample_catalog: Catalog) -> FastAPI:
    return create_app(web_settings)


@pytest.fixture
def fresh_client(web_app: FastAPI) -> Iterator[TestClient]:
    """A client of an app over this test's own sample database (free to change it)."""
    with TestClient(web_app) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 until the block ends; yields the base URL."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def live_server(web_app: FastAPI) -> Iterator[str]:
    """The sample app served over real HTTP by uvicorn in a thread; yields its base URL."""
    with running(web_app) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once per module (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


#: the public address of the test site that sends real e-mail (links start with it)
MAIL_SITE = "https://ceatlas.test"


def mail_settings(database_url: str, data_dir: Path, smtp: Received) -> Settings:
    """Settings of a site that sends its e-mail to the test SMTP server ``smtp``."""
    return load_settings(
        database_url=database_url,
        data_dir=data_dir,
        kb_dir=None,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_security="none",
        public_url=MAIL_SITE,
        mail_from="CE Atlas <no-reply@ceatlas.test>",
    )


@pytest.fixture
def mail_client(database_url: str, tmp_path: Path, smtp: Received) -> Iterator[TestClient]:
    """A client of a fresh app that sends its e-mail to the test SMTP server."""
    with TestClient(create_app(mail_settings(database_url, tmp_path / "data", smtp))) as client:
        yield client

"""A provider's large upload never holds up the server: parsing and writing run in a worker
thread. Over real HTTP against a served app."""

from __future__ import annotations

import json
import re
import statistics
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine

from ceatlas.accounts import Accounts, Role
from ceatlas.catalog.service import Catalog
from ceatlas.config import load_settings
from ceatlas.kb import load_kb
from ceatlas.web.app import create_app
from web.forms import PASSWORD
from web.test_auth_proxies import serving

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PROVIDER = {"@type": "Organization", "name": "Big School", "url": "https://big.example"}


def _courses(n: int) -> bytes:
    return json.dumps(
        [
            {
                "@type": "Course",
                "@id": f"https://big.example/c/{i}",
                "name": f"Course {i}",
                "provider": PROVIDER,
                "hasCourseInstance": {"courseMode": "online"},
            }
            for i in range(n)
        ]
    ).encode()


def test_healthz_answers_while_a_large_file_is_imported(
    database_url: str, tmp_path: Path, engine: Engine
) -> None:
    """4,000 courses take seconds to read and write; /healthz, asked 30 times meanwhile,
    answers with a median under 100 ms and never over a second. With the import on the
    event loop every /healthz waited for the whole upload."""
    catalog = Catalog(engine, load_kb())
    catalog.init()
    catalog.import_documents([{"@type": "Course", "name": "Seed", "provider": PROVIDER}], "seed")
    accounts = Accounts(engine)
    user = accounts.sign_up("big@example.org", PASSWORD, "Big School", Role.PROVIDER)
    accounts.approve_provider(user.id, "https://big.example")
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "data", kb_dir=None)
    with serving(create_app(settings)) as base:
        http = httpx.Client(base_url=base, timeout=120)
        token = _CSRF.search(http.get("/login").text)
        assert token
        form = {"email": "big@example.org", "password": PASSWORD, "csrf_token": token.group(1)}
        assert http.post("/login", data=form).status_code == 303
        token = _CSRF.search(http.get("/provider/upload").text)
        assert token
        answers: list[httpx.Response] = []

        def upload() -> None:
            answers.append(
                http.post(
                    "/provider/upload",
                    data={"csrf_token": token.group(1)},
                    files={"file": ("big.jsonld", _courses(4_000), "application/ld+json")},
                )
            )

        worker = threading.Thread(target=upload)
        worker.start()
        time.sleep(0.3)  # the upload is under way
        times = []
        with httpx.Client(base_url=base, timeout=30) as probe:
            probe.get("/healthz")
            for _ in range(30):
                started = time.perf_counter()
                assert probe.get("/healthz").status_code == 200
                times.append(time.perf_counter() - started)
                time.sleep(0.02)
        still_importing = worker.is_alive()
        worker.join(timeout=120)
        http.close()
    (answer,) = answers
    assert answer.status_code == 200
    assert "Records imported</dt><dd>4000" in answer.text
    assert still_importing, "the upload ended before /healthz was timed: make it larger"
    slowest, median = max(times), statistics.median(times)
    print(f"healthz during upload: slowest {slowest * 1000:.0f} ms, median {median * 1000:.0f} ms")
    assert median < 0.1, times
    assert slowest < 1.0, times

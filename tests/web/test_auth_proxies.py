"""Who the client is behind a reverse proxy (CEATLAS_TRUSTED_PROXIES), and log-ins that
never hold up other requests: both over real HTTP against a served app."""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from ceatlas.accounts import Accounts
from ceatlas.config import load_settings
from ceatlas.web.app import create_app
from ceatlas.web.proxies import TrustedProxies
from web.conftest import free_port
from web.forms import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _proxies(*networks: str) -> TrustedProxies:
    async def nothing(scope: object, receive: object, send: object) -> None:
        return None

    return TrustedProxies(nothing, networks=networks)


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("10.0.0.2", "203.0.113.9", "203.0.113.9"),  # one trusted proxy
        ("10.0.0.2", "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # a forged left entry
        ("10.0.0.2", "203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two proxies of ours
        ("10.0.0.2", "10.0.0.8, 10.0.0.7", "10.0.0.8"),  # only proxies: the farthest
        ("10.0.0.2", "not-an-address", "10.0.0.2"),  # malformed: the proxy itself
        ("192.0.2.50", "203.0.113.9", "192.0.2.50"),  # not a trusted peer: ignored
        ("2001:db8::5", "203.0.113.9", "203.0.113.9"),  # an IPv6 proxy
    ],
)
def test_the_client_is_the_nearest_untrusted_address(
    peer: str, forwarded: str, client: str
) -> None:
    assert _proxies("10.0.0.0/24", "2001:db8::/64").client(peer, forwarded) == client


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` as ``ceatlas serve`` does (uvicorn's own proxy-header handling off);
    yields the base URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), log_level="warning", proxy_headers=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def _attempt(http: httpx.Client, forwarded_for: str, password: str = "not the password") -> int:
    token = _CSRF.search(http.get("/login").text)
    assert token
    answer = http.post(
        "/login",
        data={"email": "ana@example.org", "password": password, "csrf_token": token.group(1)},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return answer.status_code


@pytest.mark.parametrize("trusted", [True, False])
def test_log_in_limits_follow_the_forwarded_address_only_from_a_trusted_proxy(
    database_url: str, tmp_path: Path, engine: Engine, trusted: bool
) -> None:
    """Five failures from 203.0.113.9 through the proxy (127.0.0.1) make that address wait;
    198.51.100.7 behind the same proxy is not slowed when the proxy is trusted, and is when
    it is not (then every request is the proxy's own)."""
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    settings = load_settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        kb_dir=None,
        trusted_proxies=["127.0.0.1"] if trusted else [],
    )
    with serving(create_app(settings)) as base, httpx.Client(base_url=base, timeout=30) as http:
        assert [_attempt(http, "203.0.113.9") for _ in range(5)] == [401] * 5
        assert _attempt(http, "203.0.113.9") == 429
        assert _attempt(http, "198.51.100.7") == (401 if trusted else 429)


def test_healthz_answers_quickly_while_eight_logins_are_checked(
    database_url: str, tmp_path: Path, engine: Engine
) -> None:
    """Argon2 runs in worker threads (at most a few at once), not on the event loop: with
    eight clients logging in without pause, /healthz answers 40 requests with a median
    under 100 ms and none over a second. With the hashing on the event loop, requests
    queue behind every log-in (on this 2-core machine /healthz then waited over 5 s)."""
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "data", kb_dir=None)
    with serving(create_app(settings)) as base:
        statuses: list[int] = []
        done = threading.Event()

        def log_in_repeatedly() -> None:
            with httpx.Client(base_url=base, timeout=60) as http:
                while not done.is_set():
                    http.cookies.clear()  # signed out again: the log-in form has a token
                    token = _CSRF.search(http.get("/login").text)
                    assert token
                    data = {"email": "ana@example.org", "password": PASSWORD}
                    answer = http.post("/login", data={**data, "csrf_token": token.group(1)})
                    statuses.append(answer.status_code)

        workers = [threading.Thread(target=log_in_repeatedly) for _ in range(8)]
        for worker in workers:
            worker.start()
        time.sleep(0.5)  # the log-ins are under way
        times = []
        with httpx.Client(base_url=base, timeout=10) as probe:
            probe.get("/healthz")  # the connection is made before timing
            for _ in range(40):
                started = time.perf_counter()
                assert probe.get("/healthz").status_code == 200
                times.append(time.perf_counter() - started)
                time.sleep(0.02)
        done.set()
        for worker in workers:
            worker.join(timeout=60)
    assert statuses
    assert set(statuses) == {303}, statuses  # each log-in went through
    slowest, median = max(times), statistics.median(times)
    print(f"healthz: slowest {slowest * 1000:.0f} ms, median {median * 1000:.0f} ms")
    assert median < 0.1, times
    assert slowest < 1.0, times

"""Log-in limits: a backoff per address and IP, shared limits that never stop the owner
at a place they logged in from before, and server-side login sessions' clock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from ceatlas.accounts import Accounts
from ceatlas.accounts.devices import describe_device
from ceatlas.accounts.login_sessions import LoginSessions, SessionLimits
from ceatlas.accounts.ratelimit import LoginLimiter

NOON = dt.datetime(2099, 1, 1, 12, 0)
ANA = "ana@example.org"
ATTACKER = "203.0.113.9"
HOME = "198.51.100.7"


def _at(minutes: float) -> dt.datetime:
    return NOON + dt.timedelta(minutes=minutes)


def test_failures_of_one_pair_back_off_exponentially(engine: Engine) -> None:
    """Five failures are free; then 1, 2, 4, 8 minutes after the last failure, never more
    than 15; another IP is not slowed by this pair's failures."""
    limiter = LoginLimiter(engine)
    for _ in range(4):
        limiter.failed(ANA, ATTACKER, NOON)
    assert limiter.retry_after(ANA, ATTACKER, NOON) == 0  # four failures: no wait yet
    limiter.failed(ANA, ATTACKER, NOON)  # the fifth
    assert limiter.retry_after(ANA, ATTACKER, _at(0.5)) == 30  # 1 min after 12:00
    assert limiter.retry_after(ANA, ATTACKER, _at(1)) == 0
    assert limiter.retry_after(ANA, HOME, NOON) == 0  # the owner elsewhere
    # sixth failure at 12:01: wait 2 min (until 12:03); seventh at 12:03: 4 min (12:07);
    # eighth at 12:07: 8 min (12:15); ninth at 12:15: 16 min, capped at 15 (12:30).
    waits = []
    moment = 1.0
    for _ in range(4):
        limiter.failed(ANA, ATTACKER, _at(moment))
        wait = limiter.retry_after(ANA, ATTACKER, _at(moment))
        waits.append(wait)
        moment += wait / 60
    assert waits == [120, 240, 480, 900]
    limiter.succeeded(ANA, HOME, _at(moment))
    assert limiter.retry_after(ANA, ATTACKER, _at(moment)) == 0  # success clears them


def test_shared_limits_never_stop_the_owner_at_a_known_place(engine: Engine) -> None:
    """Thirty failures from one IP (a shared network) within 15 minutes stop new faces
    there, not someone who logged in from it before; fifty at one address from anywhere
    likewise."""
    limiter = LoginLimiter(engine)
    limiter.succeeded(ANA, HOME, _at(-60))  # Ana logged in from home an hour ago
    for n in range(30):
        limiter.failed(f"user{n}@example.org", HOME, NOON)
    assert limiter.retry_after("bo@example.org", HOME, _at(1)) == 14 * 60  # until 12:15
    assert limiter.retry_after(ANA, HOME, _at(1)) == 0
    for n in range(50):
        limiter.failed(ANA, f"192.0.2.{n}", NOON)
    assert limiter.retry_after(ANA, "233.252.0.1", _at(5)) == 10 * 60  # a new place: 12:15
    assert limiter.retry_after(ANA, HOME, _at(5)) == 0
    assert limiter.retry_after(ANA, "233.252.0.1", _at(15)) == 0  # the window has passed


def test_known_places_are_stored_without_the_ip_in_clear(engine: Engine) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from ceatlas.accounts.models import LoginFailure

    LoginLimiter(engine).succeeded(ANA, HOME, NOON)
    with Session(engine) as db:
        keys = db.scalars(select(LoginFailure.key)).all()
    assert len(keys) == 1
    assert keys[0].startswith("known:")
    assert HOME not in keys[0]
    assert ANA not in keys[0]


def test_a_session_lives_its_lifetime_and_dies_idle(engine: Engine) -> None:
    """Lifetime 14 days, idle 7: used every 6 days it still ends on day 14; unused, after
    7 days. The last-seen time is written at most once a minute."""
    ana = Accounts(engine).sign_up(ANA, "correct horse battery", "Ana")
    sessions = LoginSessions(engine, SessionLimits(dt.timedelta(days=14), dt.timedelta(days=7)))
    kept = sessions.start(ana.id, "", NOON)
    day = dt.timedelta(days=1)
    assert sessions.active(kept, NOON + 6 * day) is not None
    assert sessions.active(kept, NOON + 12 * day) is not None  # 6 days since last seen
    assert sessions.active(kept, NOON + 14 * day) is None  # 14 days since signing in
    idle = sessions.start(ana.id, "", NOON)
    assert sessions.active(idle, NOON + 7 * day) is None
    touched = sessions.start(ana.id, "", NOON)
    sessions.active(touched, NOON + dt.timedelta(seconds=59))
    assert [s.last_seen_at for s in sessions.list(ana.id, NOON)] == [NOON]
    sessions.active(touched, NOON + dt.timedelta(seconds=60))
    seen = [s.last_seen_at for s in sessions.list(ana.id, NOON + dt.timedelta(seconds=60))]
    assert seen == [NOON + dt.timedelta(seconds=60)]


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome on Linux",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0",
            "Firefox on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("", "A browser"),
    ],
)
def test_devices_are_described_in_words(agent: str, words: str) -> None:
    assert describe_device(agent) == words

"""Log-in rate limiting that slows guessing without locking the owner out, kept in the
database (so every worker process and host shares it).

* Per e-mail address and client IP together, an exponential backoff: after
  :attr:`LoginLimits.backoff_after` (5) failures, the next try must wait 1 minute after the
  last failure, then 2, 4, 8 ... at most :attr:`LoginLimits.longest_wait` (15 minutes).
  Failures of a pair count for :attr:`LoginLimits.pair_memory` (a day); a successful
  log-in or a password reset clears them.
* Per client IP (30) and per address from anywhere (50) over :attr:`LoginLimits.window`
  (15 minutes), a sliding window. These two never stop a browser from a *known* place:
  an IP the address has logged in from before (within :attr:`LoginLimits.known_for`), so
  a shared office network under attack, or guessing at the address from many IPs, does
  not keep the owner out. The backoff still applies there, so a known place cannot be
  used to guess quickly either.

Known places are stored as a SHA-256 of the address and IP, never the IP in clear.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from ceatlas.accounts.models import LoginFailure
from ceatlas.accounts.service import _now


@dataclass(frozen=True)
class LoginLimits:
    backoff_after: int = 5
    first_wait: dt.timedelta = dt.timedelta(minutes=1)
    longest_wait: dt.timedelta = dt.timedelta(minutes=15)
    pair_memory: dt.timedelta = dt.timedelta(days=1)
    per_ip: int = 30
    per_email: int = 50
    window: dt.timedelta = dt.timedelta(minutes=15)
    known_for: dt.timedelta = dt.timedelta(days=90)


@dataclass(frozen=True)
class LoginWait:
    """Seconds to wait: ``pair`` from the backoff of this address at this IP, ``shared``
    from the IP-wide or address-wide limit (waived for a known place)."""

    pair: int
    shared: int

    def seconds(self, known: bool) -> int:
        return max(self.pair, 0 if known else self.shared)


def _seconds(delta: dt.timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))


class LoginLimiter:
    def __init__(self, engine: Engine, limits: LoginLimits | None = None) -> None:
        self.engine = engine
        self.limits = limits or LoginLimits()

    @staticmethod
    def _keys(email: str, ip: str) -> tuple[str, str, str]:
        address = email.strip().lower()[:320]
        return f"pair:{ip[:64]}|{address}", "ip:" + ip[:64], "email:" + address

    @staticmethod
    def _known_key(email: str, ip: str) -> str:
        address = email.strip().lower()[:320]
        return "known:" + hashlib.sha256(f"{address}|{ip[:64]}".encode()).hexdigest()

    def backoff(self, failures: int) -> dt.timedelta:
        """The least wait after the last of ``failures`` failures of one pair."""
        if failures < self.limits.backoff_after:
            return dt.timedelta(0)
        doublings = min(failures - self.limits.backoff_after, 30)
        return min(self.limits.longest_wait, self.limits.first_wait * (1 << doublings))

    def check(self, email: str, ip: str, now: dt.datetime | None = None) -> LoginWait:
        """The waits the limits ask of the next attempt for ``email`` from ``ip``."""
        current = now or _now()
        pair_key, ip_key, email_key = self._keys(email, ip)
        with Session(self.engine) as session:
            failures, last = session.execute(
                select(func.count(), func.max(LoginFailure.at)).where(
                    LoginFailure.key == pair_key,
                    LoginFailure.at > current - self.limits.pair_memory,
                )
            ).one()
            pair = 0
            if last is not None and last + self.backoff(failures) > current:
                pair = _seconds(last + self.backoff(failures) - current)
            shared = [0]
            for key, limit in ((ip_key, self.limits.per_ip), (email_key, self.limits.per_email)):
                times = session.scalars(
                    select(LoginFailure.at)
                    .where(LoginFailure.key == key, LoginFailure.at > current - self.limits.window)
                    .order_by(LoginFailure.at.desc())
                    .limit(limit)
                ).all()
                if len(times) >= limit:
                    shared.append(_seconds(times[-1] + self.limits.window - current))
        return LoginWait(pair, max(shared))

    def known(self, email: str, ip: str, now: dt.datetime | None = None) -> bool:
        """Whether ``email`` logged in from ``ip`` within :attr:`LoginLimits.known_for`."""
        current = now or _now()
        with Session(self.engine) as session:
            found = session.scalar(
                select(LoginFailure.id).where(
                    LoginFailure.key == self._known_key(email, ip),
                    LoginFailure.at > current - self.limits.known_for,
                )
            )
            return found is not None

    def retry_after(self, email: str, ip: str, now: dt.datetime | None = None) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        return self.check(email, ip, now).seconds(self.known(email, ip, now))

    def failed(self, email: str, ip: str, now: dt.datetime | None = None) -> None:
        current = now or _now()
        with Session(self.engine) as session:
            session.add_all(LoginFailure(key=key, at=current) for key in self._keys(email, ip))
            # Forget what no limit looks at any more (keeps the table small).
            session.execute(
                delete(LoginFailure).where(
                    or_(
                        and_(
                            LoginFailure.key.like("pair:%"),
                            LoginFailure.at < current - self.limits.pair_memory,
                        ),
                        and_(
                            LoginFailure.key.like("known:%"),
                            LoginFailure.at < current - self.limits.known_for,
                        ),
                        and_(
                            or_(LoginFailure.key.like("ip:%"), LoginFailure.key.like("email:%")),
                            LoginFailure.at < current - self.limits.window,
                        ),
                    )
                )
            )
            session.commit()

    def succeeded(self, email: str, ip: str, now: dt.datetime | None = None) -> None:
        """Clear the address's failures and remember ``ip`` as a known place for it."""
        clear_failures(self.engine, email)
        key = self._known_key(email, ip)
        with Session(self.engine) as session:
            session.execute(delete(LoginFailure).where(LoginFailure.key == key))
            session.add(LoginFailure(key=key, at=now or _now()))
            session.commit()

    def count(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(LoginFailure)) or 0)


def clear_failures(engine: Engine, email: str) -> None:
    """Forget the failed log-ins of ``email`` (from every IP): after a successful log-in
    or a password reset."""
    address = email.strip().lower()[:320]
    with Session(engine) as session:
        session.execute(
            delete(LoginFailure).where(
                (LoginFailure.key == f"email:{address}")
                | LoginFailure.key.like(f"pair:%|{_escape(address)}", escape="\\")
            )
        )
        session.commit()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SignupLimiter:
    """At most ``per_ip`` sign-up attempts (accepted or not) from one client IP per
    ``window``, kept in the same table as failed log-ins (key ``signup:<ip>``): slows
    scripted sign-ups and probing which addresses have accounts."""

    def __init__(
        self, engine: Engine, per_ip: int = 10, window: dt.timedelta = dt.timedelta(hours=1)
    ) -> None:
        self.engine = engine
        self.per_ip = per_ip
        self.window = window

    def attempt(self, ip: str, now: dt.datetime | None = None) -> int:
        """Record an attempt; 0 when it may go ahead, else the seconds to wait."""
        current = now or _now()
        key = "signup:" + ip[:64]
        with Session(self.engine) as session:
            times = session.scalars(
                select(LoginFailure.at)
                .where(LoginFailure.key == key, LoginFailure.at > current - self.window)
                .order_by(LoginFailure.at.desc())
                .limit(self.per_ip)
            ).all()
            if len(times) >= self.per_ip:
                return max(1, int((times[-1] + self.window - current).total_seconds()))
            session.add(LoginFailure(key=key, at=current))
            session.execute(
                delete(LoginFailure).where(
                    LoginFailure.key.like("signup:%"), LoginFailure.at < current - self.window
                )
            )
            session.commit()
        return 0

"""Log-in rate limiting: a sliding window of failed attempts, kept in the database.

Failures are counted over ``window`` per e-mail address and client IP together (5), per
client IP (30) and per e-mail address from anywhere (50); past a limit further attempts
are refused (without checking the password) until old failures leave the window. So
someone guessing from elsewhere does not lock the owner out after five tries, while
guessing at one account from many addresses is still slowed. The rows live in the
database, so every worker process and host shares the count. A successful log-in, or a
password reset, clears that address's failures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from ceatlas.accounts.models import LoginFailure
from ceatlas.accounts.service import _now


@dataclass(frozen=True)
class LoginLimits:
    per_email_and_ip: int = 5
    per_ip: int = 30
    per_email: int = 50
    window: dt.timedelta = dt.timedelta(minutes=15)


class LoginLimiter:
    def __init__(self, engine: Engine, limits: LoginLimits | None = None) -> None:
        self.engine = engine
        self.limits = limits or LoginLimits()

    @staticmethod
    def _keys(email: str, ip: str) -> tuple[str, str, str]:
        address = email.strip().lower()[:320]
        return f"pair:{ip[:64]}|{address}", "ip:" + ip[:64], "email:" + address

    def retry_after(self, email: str, ip: str, now: dt.datetime | None = None) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        current = now or _now()
        since = current - self.limits.window
        pair_key, ip_key, email_key = self._keys(email, ip)
        limits = (
            (pair_key, self.limits.per_email_and_ip),
            (ip_key, self.limits.per_ip),
            (email_key, self.limits.per_email),
        )
        waits = [0]
        with Session(self.engine) as session:
            for key, limit in limits:
                times = session.scalars(
                    select(LoginFailure.at)
                    .where(LoginFailure.key == key, LoginFailure.at > since)
                    .order_by(LoginFailure.at.desc())
                    .limit(limit)
                ).all()
                if len(times) >= limit:
                    oldest = times[-1]
                    waits.append(
                        max(1, int((oldest + self.limits.window - current).total_seconds()))
                    )
        return max(waits)

    def failed(self, email: str, ip: str, now: dt.datetime | None = None) -> None:
        current = now or _now()
        with Session(self.engine) as session:
            session.add_all(LoginFailure(key=key, at=current) for key in self._keys(email, ip))
            # Forget failures that left the window (keeps the table small).
            session.execute(
                delete(LoginFailure).where(LoginFailure.at < current - self.limits.window)
            )
            session.commit()

    def succeeded(self, email: str, ip: str) -> None:
        clear_failures(self.engine, email)

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

"""Log-in rate limiting: a sliding window of failed attempts, kept in the database.

Failures are counted per e-mail address and per client IP over ``window``; past the limit
further attempts are refused (without checking the password) until old failures leave the
window. The rows live in the database, so every worker process and host shares the count.
A successful log-in clears that address's failures.
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
    per_email: int = 5
    per_ip: int = 30
    window: dt.timedelta = dt.timedelta(minutes=15)


class LoginLimiter:
    def __init__(self, engine: Engine, limits: LoginLimits | None = None) -> None:
        self.engine = engine
        self.limits = limits or LoginLimits()

    @staticmethod
    def _keys(email: str, ip: str) -> tuple[str, str]:
        return "email:" + email.strip().lower()[:320], "ip:" + ip[:64]

    def retry_after(self, email: str, ip: str, now: dt.datetime | None = None) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        current = now or _now()
        since = current - self.limits.window
        email_key, ip_key = self._keys(email, ip)
        waits = [0]
        with Session(self.engine) as session:
            for key, limit in ((email_key, self.limits.per_email), (ip_key, self.limits.per_ip)):
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
        email_key, _ = self._keys(email, ip)
        with Session(self.engine) as session:
            session.execute(delete(LoginFailure).where(LoginFailure.key == email_key))
            session.commit()

    def count(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(LoginFailure)) or 0)

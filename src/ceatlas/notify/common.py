"""What every reminder needs: who may get one, links, and the unsubscribe footer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts.models import Role, TherapistProfile, User
from ceatlas.mail import Outbox
from ceatlas.mail.unsubscribe import unsubscribe_token


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str


@dataclass(frozen=True)
class Links:
    """Absolute links for e-mails: ``link`` makes a site path absolute, ``secret`` signs
    unsubscribe tokens."""

    link: Callable[[str], str]
    secret: str

    def unsubscribe(self, user_id: int, kind: str) -> str:
        token = unsubscribe_token(self.secret, user_id, kind)
        return self.link("/unsubscribe?" + urlencode({"token": token}))

    def footer(self, user_id: int, kind: str, what: str) -> str:
        return (
            f"\n--\nYou get this e-mail because {what} are on in your CE Atlas profile "
            f"({self.link('/me/profile#email')}).\n"
            f"Stop these e-mails with one click: {self.unsubscribe(user_id, kind)}\n"
        )

    def headers(self, user_id: int, kind: str) -> list[tuple[str, str]]:
        """RFC 8058 one-click unsubscribe headers."""
        return [
            ("List-Unsubscribe", f"<{self.unsubscribe(user_id, kind)}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]


def recipients(engine: Engine, kind: str) -> list[Recipient]:
    """Therapists with a confirmed address who have not turned ``kind`` off."""
    with Session(engine) as session:
        rows = session.execute(
            select(User, TherapistProfile)
            .join(TherapistProfile, TherapistProfile.user_id == User.id)
            .where(User.role == Role.THERAPIST, User.email_verified_at.is_not(None))
            .order_by(User.id)
        ).all()
        return [
            Recipient(user.id, user.email, user.display_name)
            for user, profile in rows
            if kind not in (profile.email_opt_out or [])
        ]


def queue_for(
    outbox: Outbox, links: Links, who: Recipient, kind: str, key: str, subject: str, body: str
) -> int | None:
    """Queue a reminder of ``kind`` for ``who`` with its one-click unsubscribe headers; the
    message's id, or ``None`` when ``key`` was queued before."""
    return outbox.enqueue(
        key=key,
        kind=kind,
        to=who.email,
        subject=subject,
        body=body,
        user_id=who.user_id,
        headers=links.headers(who.user_id, kind),
    )

"""Which e-mails a therapist gets. Every kind is on until turned off (in the profile, or by
the one-click unsubscribe link in each message); account messages (reset and confirmation
links, password and address notices) are always sent."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ceatlas.accounts.errors import AccountError
from ceatlas.accounts.models import TherapistProfile

#: kind -> what the therapist sees
EMAIL_KINDS: dict[str, str] = {
    "renewal": "Renewal reminders 90, 30 and 7 days before each license's deadline",
    "plan": "Changes to sessions in my plan (cancelled, full, new dates, registration closing)",
    "saved_search": "New sessions for my saved searches (one e-mail a day at most)",
}


def check_kind(kind: str) -> str:
    if kind not in EMAIL_KINDS:
        raise AccountError(f"unknown kind of e-mail {kind!r}", "kind")
    return kind


class EmailPreferences:
    """E-mail preferences of the therapists in ``engine``'s database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def enabled(self, user_id: int) -> set[str]:
        with Session(self.engine) as session:
            profile = session.get(TherapistProfile, user_id)
            off = set(profile.email_opt_out) if profile is not None else set()
            return set(EMAIL_KINDS) - off

    def set_enabled(self, user_id: int, kinds: set[str]) -> set[str]:
        """Turn on exactly ``kinds`` (the others off); returns what is on."""
        for kind in kinds:
            check_kind(kind)
        with Session(self.engine) as session:
            profile = session.get(TherapistProfile, user_id)
            if profile is None:
                raise AccountError("e-mail preferences belong to therapist accounts", None, 404)
            profile.email_opt_out = sorted(set(EMAIL_KINDS) - kinds)
            session.commit()
        return set(kinds)

    def turn_off(self, user_id: int, kind: str) -> None:
        check_kind(kind)
        self.set_enabled(user_id, self.enabled(user_id) - {kind})

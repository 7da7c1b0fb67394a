"""Account tables: users with a role, and the therapist's own profile.

A therapist profile holds the therapist's constraints (home ZIP, budget, availability,
preferred ways of learning); it never holds anything about the therapist's clients.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Date, DateTime, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ceatlas.orm import Base, JSONList, ScaledDecimal


class Role(enum.StrEnum):
    THERAPIST = "therapist"
    PROVIDER = "provider"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "account_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    display_name: Mapped[str] = mapped_column(String(200))
    # A provider account acts for one catalog provider, once an admin has approved it.
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("provider.id", ondelete="SET NULL"), index=True
    )
    approved: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # When the owner followed the link e-mailed to this address (None: not yet confirmed).
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    profile: Mapped[TherapistProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )


class TherapistProfile(Base):
    """What a therapist tells us to plan with: private to that therapist."""

    __tablename__ = "therapist_profile"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), primary_key=True
    )
    home_postal_code: Mapped[str | None] = mapped_column(String(10))
    max_travel_km: Mapped[int | None] = mapped_column(Integer)
    budget: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # Weekday names ("monday"...) and parts of day ("morning", "afternoon", "evening").
    available_days: Mapped[list[str]] = mapped_column(JSONList, default=list)
    available_times: Mapped[list[str]] = mapped_column(JSONList, default=list)
    preferred_modes: Mapped[list[str]] = mapped_column(JSONList, default=list)
    # Kinds of e-mail the therapist turned off ("renewal", "plan", "saved_search").
    email_opt_out: Mapped[list[str]] = mapped_column(JSONList, default=list)
    # The private calendar address's generation: positive when on; 0 (never on) or the
    # negated last generation when off. A new address goes one higher, so every earlier
    # address stops working and turning it on again never revives one.
    calendar_feed: Mapped[int] = mapped_column(Integer, default=0)

    user: Mapped[User] = relationship(back_populates="profile")


class ApiToken(Base):
    """A provider's token for the write API: only a SHA-256 of the secret is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, shown so its owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # After this moment the token answers 401 (chosen at creation: 30, 90 or 365 days).
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Space-separated scopes: "read" (GET requests) and "write" (changing the catalog).
    scopes: Mapped[str] = mapped_column(String(100))


class LoginSession(Base):
    """A signed-in browser: the cookie carries a random id, only its SHA-256 is stored.

    ``device`` is a few words read from the browser's User-Agent ("Chrome on Linux"); no IP
    address is kept. ``last_seen_at`` is updated at most once a minute.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    device: Mapped[str] = mapped_column(String(100))


class SavedSession(Base):
    """A session a therapist put in "my plan", with what it was when saved.

    When the provider withdraws the session its catalog row is deleted and ``session_id``
    becomes NULL; the row stays, so the plan can say what was withdrawn. The other columns
    keep the session as it was when saved (or when the therapist last took note of a
    change), so the plan can also say what changed since.
    """

    __tablename__ = "saved_session"
    __table_args__ = (UniqueConstraint("user_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_session.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(String(500), default="")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime)
    course_key: Mapped[str | None] = mapped_column(String(500))
    course_title: Mapped[str | None] = mapped_column(String(500))
    provider_name: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    mode: Mapped[str | None] = mapped_column(String(40))
    place: Mapped[str | None] = mapped_column(String(300))
    price: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    currency: Mapped[str | None] = mapped_column(String(3))
    ce_hours: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))


class LoginFailure(Base):
    """A failed log-in, kept for the sliding-window rate limit (shared by every process)."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "email:<address>" and "ip:<address>": one row per key and failure.
    key: Mapped[str] = mapped_column(String(400), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class AccountToken(Base):
    """A one-time link sent by e-mail: only a SHA-256 of the secret is stored.

    ``purpose`` is ``reset_password`` or ``verify_email``; ``email`` is the address the
    link was sent to (a verification link stops working when the address changes).
    """

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SavedSearch(Base):
    """A search a therapist keeps, to hear of new matching sessions (e-mail, Atom feed).

    ``query`` is the search's query string as the search page writes it. ``feed`` is the
    Atom feed address's generation (a new address bumps it). ``checked_on`` is the day new
    matches were last looked for; ``capped`` says the search matched more sessions than
    are followed.
    """

    __tablename__ = "saved_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(String(4000))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    feed: Mapped[int] = mapped_column(Integer, default=1)
    checked_on: Mapped[dt.date | None] = mapped_column(Date)
    capped: Mapped[bool] = mapped_column(default=False)


class SavedSearchHit(Base):
    """A session a saved search has matched, and when it was first seen. The sessions that
    matched when the search was saved are recorded as already told (``notified``)."""

    __tablename__ = "saved_search_hit"
    __table_args__ = (UniqueConstraint("saved_search_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_search.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    notified: Mapped[bool] = mapped_column(default=False)

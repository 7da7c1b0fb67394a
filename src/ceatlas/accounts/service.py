"""Sign-up, authentication, password changes and provider approval, over the database.

The web app and the CLI call this; neither hashes a password or writes a user itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from ceatlas.accounts.errors import AccountError
from ceatlas.accounts.models import LoginSession, Role, TherapistProfile, User
from ceatlas.accounts.passwords import refuse_obvious
from ceatlas.catalog.models import Provider

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
#: zxcvbn's score (0-4) a password needs; 2 refuses the top common passwords and repeats
MIN_STRENGTH = 2
STRENGTH_CHARS = 100  # zxcvbn reads this much (its cost grows with the length)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_HASHER = PasswordHasher()
# Verified against when the e-mail is unknown, so a miss costs as much time as a hit.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned) or len(cleaned) > 320:
        raise AccountError("enter an e-mail address such as name@example.org", "email")
    return cleaned


def check_password(password: str, field: str = "password", personal: Sequence[str] = ()) -> None:
    """Refuse a password that is too short or too long, one nobody should use
    (:func:`~ceatlas.accounts.passwords.refuse_obvious`: the account's e-mail address,
    the first of ``personal``, a common password, only digits or spaces), or too easy to
    guess: zxcvbn's score under :data:`MIN_STRENGTH` (which also weighs the account's
    name and address, ``personal``)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"use at least {MIN_PASSWORD} characters", field)
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"use at most {MAX_PASSWORD} characters", field)
    refuse_obvious(password, personal[0] if personal else "", field)
    inputs = [p for text in personal for p in (text, *re.split(r"[@.\s]+", text)) if p]
    found = zxcvbn(password[:STRENGTH_CHARS], user_inputs=inputs)
    if found["score"] < MIN_STRENGTH:
        warning = str(found["feedback"].get("warning") or "").rstrip(".")
        why = f" ({warning[0].lower()}{warning[1:]})" if warning else ""
        raise AccountError(
            f"this password is too easy to guess{why}; three or four unrelated words make "
            "a strong one",
            field,
        )


@dataclass(frozen=True)
class Account:
    """A user as the rest of the app sees it: no password hash."""

    id: int
    email: str
    role: Role
    display_name: str
    provider_id: int | None
    approved: bool
    # When the password last changed (the moment the change notice gives).
    password_changed: str = field(default="", compare=False)
    # The owner confirmed the address by following the link e-mailed to it.
    email_verified: bool = field(default=False, compare=False)

    @property
    def can_publish(self) -> bool:
        """A provider account may write listings once approved and linked to a provider."""
        return self.role is Role.PROVIDER and self.approved and self.provider_id is not None


@dataclass(frozen=True)
class Registration:
    """What signing up did: ``created`` is false when the address already had ``account``."""

    account: Account
    created: bool


def _account(user: User) -> Account:
    return Account(
        id=user.id,
        email=user.email,
        role=user.role,
        display_name=user.display_name,
        provider_id=user.provider_id,
        approved=user.approved,
        password_changed=user.password_changed_at.isoformat(),
        email_verified=user.email_verified_at is not None,
    )


def _owner(session: Session, user_id: int, password: str, field: str, what: str) -> User:
    """The account ``user_id`` once ``password`` proves it is its owner's, else
    :class:`AccountError` naming ``field`` ("the current password is not right")."""
    user = session.get(User, user_id)
    if user is None:
        raise AccountError("no such account", None, 404)
    try:
        _HASHER.verify(user.password_hash, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        raise AccountError(f"{what} is not right", field) from None
    return user


def end_all_sessions(session: Session, user_id: int) -> None:
    """Delete every login session of ``user_id`` in ``session``'s transaction (after a
    password change or reset: every signed-in browser must log in again)."""
    session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))


class Accounts:
    """Users of ``engine``'s database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def sign_up(
        self, email: str, password: str, display_name: str, role: Role = Role.THERAPIST
    ) -> Account:
        """Create an account. Therapists can sign in at once; providers wait for an admin.
        An address that already has an account is a 409 (for the CLI and administrators;
        the sign-up page uses :meth:`register`, which does not tell)."""
        made = self.register(email, password, display_name, role)
        if not made.created:
            raise AccountError("an account with this e-mail already exists", "email", 409)
        return made.account

    def register(
        self, email: str, password: str, display_name: str, role: Role = Role.THERAPIST
    ) -> Registration:
        """Create an account, or, when the address already has one, return that account
        with ``created`` false and change nothing. The same checks and the same argon2
        hashing run either way, so neither the answer nor its time tells the two apart."""
        address = normalise_email(email)
        name = display_name.strip()
        if not name or len(name) > 200:
            raise AccountError("enter a name of 1 to 200 characters", "display_name")
        check_password(password, personal=(address, name))
        now = _now()
        user = User(
            email=address,
            password_hash=_HASHER.hash(password),
            role=role,
            display_name=name,
            approved=role is not Role.PROVIDER,
            created_at=now,
            password_changed_at=now,
        )
        if role is Role.THERAPIST:
            user.profile = TherapistProfile()
        with Session(self.engine) as session:
            existing = session.scalar(select(User).where(User.email == address))
            if existing is None:
                session.add(user)
                try:
                    session.commit()
                    return Registration(_account(user), True)
                except IntegrityError:  # signed up at the same moment elsewhere
                    session.rollback()
                    existing = session.scalar(select(User).where(User.email == address))
            assert existing is not None
            return Registration(_account(existing), False)

    def authenticate(self, email: str, password: str) -> Account | None:
        """The account for these credentials, or ``None``; the same work either way."""
        address = email.strip().lower()
        with Session(self.engine) as session:
            user = session.scalar(select(User).where(User.email == address))
            stored = user.password_hash if user is not None else _DUMMY_HASH
            try:
                _HASHER.verify(stored, password[:MAX_PASSWORD])
            except (VerificationError, InvalidHashError):
                return None
            if user is None:
                return None
            if _HASHER.check_needs_rehash(stored):
                user.password_hash = _HASHER.hash(password)
                session.commit()
            return _account(user)

    def get(self, user_id: int) -> Account | None:
        with Session(self.engine) as session:
            user = session.get(User, user_id)
            return _account(user) if user is not None else None

    def change_password(self, user_id: int, current: str, new: str) -> None:
        with Session(self.engine) as session:
            user = _owner(session, user_id, current, "current_password", "the current password")
            check_password(new, "new_password", (user.email, user.display_name))
            user.password_hash = _HASHER.hash(new)
            user.password_changed_at = _now()
            end_all_sessions(session, user_id)
            session.commit()

    def change_email(self, user_id: int, password: str, new_email: str) -> tuple[str, Account]:
        """Give the account a new address (the password confirms it is the owner); returns
        the old address and the account. The new address is unconfirmed until its link is
        followed."""
        address = normalise_email(new_email)
        with Session(self.engine) as session:
            user = _owner(session, user_id, password, "password", "the password")
            if address == user.email:
                raise AccountError("this is already the account's address", "email")
            if session.scalar(select(User.id).where(User.email == address)) is not None:
                raise AccountError("an account with this e-mail already exists", "email", 409)
            old = user.email
            user.email = address
            user.email_verified_at = None
            try:
                session.commit()
            except IntegrityError:
                raise AccountError(
                    "an account with this e-mail already exists", "email", 409
                ) from None
            return old, _account(user)

    def pending_providers(self) -> list[Account]:
        with Session(self.engine) as session:
            users = session.scalars(
                select(User)
                .where(User.role == Role.PROVIDER, User.approved.is_(False))
                .order_by(User.created_at)
            )
            return [_account(u) for u in users]

    def approve_provider(self, user_id: int, provider_key: str) -> Account:
        """Approve a provider account and link it to the catalog provider ``provider_key``."""
        with Session(self.engine) as session:
            user = session.get(User, user_id)
            if user is None or user.role is not Role.PROVIDER:
                raise AccountError("no provider account with this id", "user_id", 404)
            provider_id = session.scalar(select(Provider.id).where(Provider.key == provider_key))
            if provider_id is None:
                raise AccountError(f"no provider with key {provider_key!r}", "provider_key", 404)
            user.provider_id = provider_id
            user.approved = True
            session.commit()
            return _account(user)

    def create_provider(
        self, email: str, password: str, display_name: str, provider_key: str
    ) -> Account:
        """An approved provider account linked to the catalog provider ``provider_key``
        (checked first, so a bad key creates nothing)."""
        with Session(self.engine) as session:
            if session.scalar(select(Provider.id).where(Provider.key == provider_key)) is None:
                raise AccountError(f"no provider with key {provider_key!r}", "provider_key", 404)
        made = self.sign_up(email, password, display_name, Role.PROVIDER)
        return self.approve_provider(made.id, provider_key)

    def create_admin(self, email: str, password: str, display_name: str = "Admin") -> Account:
        return self.sign_up(email, password, display_name, Role.ADMIN)

    def count(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(User)) or 0)

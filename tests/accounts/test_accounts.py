"""Accounts service: sign-up rules, argon2 hashes, authentication, approval of providers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts import AccountError, Accounts, Role, User
from ceatlas.catalog.models import Provider
from ceatlas.catalog.service import Catalog


def test_sign_up_stores_an_argon2_hash_not_the_password(engine: Engine) -> None:
    accounts = Accounts(engine)
    made = accounts.sign_up(" Ana@Example.org ", "correct horse battery", "Ana")
    assert made.email == "ana@example.org"
    assert made.role is Role.THERAPIST
    assert made.approved
    with Session(engine) as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored


def test_authenticate_accepts_only_the_right_password(engine: Engine) -> None:
    accounts = Accounts(engine)
    made = accounts.sign_up("ana@example.org", "correct horse battery", "Ana")
    assert accounts.authenticate("ANA@example.org", "correct horse battery") == made
    assert accounts.authenticate("ana@example.org", "wrong horse battery") is None
    assert accounts.authenticate("nobody@example.org", "correct horse battery") is None


@pytest.mark.parametrize(
    ("email", "password", "name", "field"),
    [
        ("not-an-email", "long enough pw", "Ana", "email"),
        ("ana@example.org", "short", "Ana", "password"),
        ("ana@example.org", "long enough pw", "   ", "display_name"),
    ],
)
def test_bad_sign_up_names_the_field(
    engine: Engine, email: str, password: str, name: str, field: str
) -> None:
    with pytest.raises(AccountError) as caught:
        Accounts(engine).sign_up(email, password, name)
    assert caught.value.field == field
    assert Accounts(engine).count() == 0


def test_duplicate_email_is_a_conflict(engine: Engine) -> None:
    accounts = Accounts(engine)
    accounts.sign_up("ana@example.org", "correct horse battery", "Ana")
    with pytest.raises(AccountError) as caught:
        accounts.sign_up("Ana@Example.org", "another password", "Ana again")
    assert (caught.value.status, caught.value.field) == (409, "email")


def test_change_password_checks_the_current_one(engine: Engine) -> None:
    accounts = Accounts(engine)
    made = accounts.sign_up("ana@example.org", "correct horse battery", "Ana")
    with pytest.raises(AccountError) as caught:
        accounts.change_password(made.id, "not it at all", "a new password here")
    assert caught.value.field == "current_password"
    accounts.change_password(made.id, "correct horse battery", "a new password here")
    assert accounts.authenticate("ana@example.org", "a new password here") == made
    assert accounts.authenticate("ana@example.org", "correct horse battery") is None


def test_provider_publishes_only_after_approval(engine: Engine, catalog: Catalog) -> None:
    catalog.load_sample(dt.date(2026, 11, 23))
    accounts = Accounts(engine)
    made = accounts.sign_up("school@example.org", "correct horse battery", "School", Role.PROVIDER)
    assert not made.approved
    assert not made.can_publish
    assert [a.id for a in accounts.pending_providers()] == [made.id]
    with pytest.raises(AccountError):
        accounts.approve_provider(made.id, "no-such-provider")
    with Session(engine) as session:
        provider_key = session.scalars(select(Provider.key).limit(1)).one()
    approved = accounts.approve_provider(made.id, provider_key)
    assert approved.can_publish
    assert accounts.pending_providers() == []


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("          ", "a password of only spaces"),  # ten spaces
        ("1234567890", "a password of only digits"),
        ("ana@example.org", "do not use your e-mail address"),  # the account's own e-mail
        ("Password123!", "one of the most common passwords"),  # a common one dressed up
        ("sunshinebeach", "this password is too easy to guess"),  # zxcvbn: two common words
    ],
)
def test_passwords_easy_to_guess_are_refused(engine: Engine, password: str, reason: str) -> None:
    with pytest.raises(AccountError) as caught:
        Accounts(engine).sign_up("ana@example.org", password, "Ana")
    assert caught.value.field == "password"
    assert reason in caught.value.message
    assert Accounts(engine).count() == 0


def test_a_new_password_is_checked_against_the_account_too(engine: Engine) -> None:
    accounts = Accounts(engine)
    made = accounts.sign_up("bo.smith@example.org", "correct horse battery", "Bo Smith")
    with pytest.raises(AccountError) as caught:
        accounts.change_password(made.id, "correct horse battery", "bo.smith@example.org")
    assert caught.value.field == "new_password"
    accounts.change_password(made.id, "correct horse battery", "lantern moss thursday")
    assert accounts.authenticate("bo.smith@example.org", "lantern moss thursday") == made

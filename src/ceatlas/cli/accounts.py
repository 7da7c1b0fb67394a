"""``ceatlas accounts``: administer user accounts."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ceatlas.accounts import AccountError, Accounts
from ceatlas.accounts.models import Role
from ceatlas.cli.common import err, fail, services
from ceatlas.db import migrate

app = typer.Typer(help="Administer user accounts.", no_args_is_help=True)
PASSWORD_ENV = "CEATLAS_ADMIN_PASSWORD"  # noqa: S105 (the name of a variable)


def create_admin(
    email: Annotated[str, typer.Argument(help="The administrator's e-mail address.")],
    name: Annotated[str, typer.Option(help="Name shown in the site.")] = "Administrator",
) -> None:
    """Create an administrator account (password from $CEATLAS_ADMIN_PASSWORD or a prompt)."""
    password = os.environ.get(PASSWORD_ENV) or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    with services() as built:
        migrate(built.engine)
        try:
            made = Accounts(built.engine).create_admin(email, password, name)
        except AccountError as error:
            raise fail(
                f"{error.field}: {error.message}" if error.field else error.message
            ) from None
    err.print(f"administrator {made.email} created (id {made.id})", soft_wrap=True)


app.command("create-admin")(create_admin)

ACCOUNT_PASSWORD_ENV = "CEATLAS_ACCOUNT_PASSWORD"  # noqa: S105 (the name of a variable)


def _password() -> str:
    return os.environ.get(ACCOUNT_PASSWORD_ENV) or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )


@app.command("create-therapist")
def create_therapist(
    email: Annotated[str, typer.Argument(help="The therapist's e-mail address.")],
    name: Annotated[str, typer.Option(help="Name shown in the site.")] = "Therapist",
) -> None:
    """Create a therapist account (password from $CEATLAS_ACCOUNT_PASSWORD or a prompt)."""
    password = _password()
    with services() as built:
        migrate(built.engine)
        try:
            made = Accounts(built.engine).sign_up(email, password, name, Role.THERAPIST)
        except AccountError as error:
            raise fail(_message(error), 1) from None
    err.print(f"therapist {made.email} created (id {made.id})", soft_wrap=True)


@app.command("create-provider")
def create_provider(
    email: Annotated[str, typer.Argument(help="The provider's e-mail address.")],
    provider: Annotated[
        str, typer.Option("--provider", help="The catalog provider's key (see `ceatlas export`).")
    ],
    name: Annotated[str, typer.Option(help="Name shown in the site.")] = "Provider",
) -> None:
    """Create a provider account, approved and linked to a catalog provider."""
    password = _password()
    with services() as built:
        migrate(built.engine)
        try:
            made = Accounts(built.engine).create_provider(email, password, name, provider)
        except AccountError as error:
            raise fail(_message(error), 1) from None
    err.print(f"provider account {made.email} created and approved (id {made.id})", soft_wrap=True)


def _message(error: AccountError) -> str:
    return f"{error.field}: {error.message}" if error.field else error.message

"""``ceatlas accounts create-admin``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from ceatlas.accounts import Accounts, Role
from ceatlas.cli import app

runner = CliRunner()


def test_create_admin_from_the_environment(
    cli_env: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEATLAS_ADMIN_PASSWORD", "a long admin password")
    result = runner.invoke(app, ["accounts", "create-admin", "Root@Example.org"])
    assert result.exit_code == 0, result.output
    made = Accounts(engine).authenticate("root@example.org", "a long admin password")
    assert made is not None
    assert made.role is Role.ADMIN
    again = runner.invoke(app, ["accounts", "create-admin", "root@example.org"])
    assert again.exit_code == 2
    assert "already exists" in again.output


def test_create_admin_prompts_and_checks_the_password(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CEATLAS_ADMIN_PASSWORD", raising=False)
    short = runner.invoke(
        app, ["accounts", "create-admin", "root@example.org"], input="short\nshort\n"
    )
    assert short.exit_code == 2
    assert "password" in short.output
    ok = runner.invoke(
        app,
        ["accounts", "create-admin", "root@example.org"],
        input="long enough password\nlong enough password\n",
    )
    assert ok.exit_code == 0, ok.output

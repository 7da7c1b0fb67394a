"""A CE record kept only in the terminal (local profile), and accounts made by an admin.

Florida first renewal, worked from Fla. Admin. Code R. 64B7-28.009(3): a license issued
15 March 2026 renews 31 August 2027; one instruction hour per month or partial month
licensed: March 2026 (partial) .. August 2027 = 18 months -> 18 h, including 2 h
prevention of medical errors and 1 h human trafficking awareness, any format.
Recorded: 2 h medical errors (self-study) + 15 h online technique = 17 h -> 1 h short,
and the human-trafficking hour is missing. A CPR card (0 h) is a record, not hours.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from ceatlas.accounts.service import Accounts
from ceatlas.cli import app

runner = CliRunner()
TODAY = ["--today", "2027-06-01"]


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_terminal_record_without_an_account(cli_env: Path, database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        result = runner.invoke(app, ["ce", "status"])
        assert result.exit_code == 1
        assert "--account: give the therapist's account e-mail" in result.output
        return
    ok(
        "ce", "license", "add", "--state", "FL", "--issued", "2026-03-15",
        "--renewal", "2027-08-31", *TODAY,
    )  # fmt: skip
    ok(
        "ce", "add", "--title", "Preventing Medical Errors", "--date", "2026-05-01",
        "--hours", "2", "--format", "self_paced", "--approval", "NCBTMB:451234",
        "--category", "medical-errors:2", *TODAY,
    )  # fmt: skip
    ok(
        "ce", "add", "--title", "Swedish massage refresher", "--date", "2026-10-10",
        "--hours", "15", "--format", "live_online", "--approval", "NCBTMB", *TODAY,
    )  # fmt: skip
    ok(
        "ce", "add", "--title", "CPR card", "--date", "2026-01-10", "--hours", "0",
        "--format", "in_person", "--category", "cpr", "--expires", "2028-01-10", *TODAY,
    )  # fmt: skip
    text = ok("ce", "status", *TODAY)
    assert "Florida, first renewal (15 March 2026 to 31 August 2027): Missing" in text
    assert "18 h needed (1 h per month or partial month licensed since 15 March 2026" in text
    assert "missing 1 h in total; 1 h human trafficking awareness" in text
    assert "R. 64B7-28.009(3)" in text
    assert "does-not-count" not in text
    assert "state:FL" not in text
    (status,) = json.loads(ok("ce", "status", "--json", *TODAY))
    total = next(r for r in status["requirements"] if r["key"] == "total")
    assert (total["required"], total["counted"], total["status"]) == ("18", "17.00", "missing")
    assert status["cycle_start"] == "2026-03-15"
    verdicts = {e["title"]: e["verdict"] for e in status["entries"]}
    assert verdicts["CPR card"] == "record"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hours", "0"], "0 only for the record of a card or check"),
        (["--hours", "2", "--expires", "2020-01-01"], "a card cannot expire before it was issued"),
    ],
)
def test_card_records_are_checked(
    cli_env: Path, engine: Engine, args: list[str], message: str
) -> None:
    Accounts(engine).sign_up("ana@example.org", "correct horse battery", "Ana")
    result = runner.invoke(
        app,
        ["ce", "add", "--account", "ana@example.org", "--title", "Card", "--date", "2026-01-10",
         "--format", "in_person", *args, *TODAY],
    )  # fmt: skip
    assert result.exit_code == 1
    assert message in result.output


def test_admin_creates_therapist_and_provider_accounts(
    cli_env: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEATLAS_ACCOUNT_PASSWORD", "correct horse battery")
    result = runner.invoke(app, ["accounts", "create-therapist", "t@example.org", "--name", "T"])
    assert result.exit_code == 0, result.output
    assert Accounts(engine).authenticate("t@example.org", "correct horse battery") is not None
    missing = runner.invoke(
        app, ["accounts", "create-provider", "p@example.org", "--provider", "no-such-provider"]
    )
    assert missing.exit_code == 1
    assert "no provider with key 'no-such-provider'" in missing.output
    assert Accounts(engine).authenticate("p@example.org", "correct horse battery") is None

"""``ceatlas ce`` and ``ceatlas plan`` as a therapist runs them: exit codes, messages, files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from ceatlas.accounts.service import Accounts
from ceatlas.cli import app

runner = CliRunner()
EMAIL = "ana@example.org"


@pytest.fixture
def therapist(cli_env: Path, engine: Engine) -> str:
    Accounts(engine).sign_up(EMAIL, "correct horse battery", "Ana Lopez")
    return EMAIL


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_record_status_and_transcript(therapist: str, cli_env: Path) -> None:
    ok(
        "ce",
        "license",
        "add",
        "--account",
        therapist,
        "--state",
        "FL",
        "--number",
        "MA99",
        "--renewal",
        "2027-08-31",
        "--today",
        "2026-11-23",
    )
    ok(
        "ce", "credential", "add", "NCBTMB", "--account", therapist, "--renewal", "2027-12-31",
        "--today", "2026-11-23",
    )  # fmt: skip
    cert = cli_env / "cert.pdf"
    cert.write_bytes(b"%PDF-1.4\n% test certificate\n")
    added = json.loads(
        ok(
            "ce",
            "add",
            "--account",
            therapist,
            "--title",
            "Ethics in Practice",
            "--date",
            "2026-09-01",
            "--hours",
            "3",
            "--format",
            "self-paced",
            "--approval",
            "NCBTMB:4512",
            "--category",
            "ethics:3",
            "--certificate",
            str(cert),
            "--today",
            "2026-11-23",
            "--json",
        )
    )
    assert added["certificate"]["type"] == "application/pdf"
    assert added["categories"] == {"ethics": "3.00"}
    status = json.loads(
        ok("ce", "status", "--account", therapist, "--today", "2026-11-23", "--json")
    )
    fl = next(s for s in status if s["jurisdiction"] == "FL")
    ethics = next(r for r in fl["requirements"] if r["key"] == "topic:ethics")
    assert ethics["status"] == "met"
    assert fl["status"] == "missing"
    assert fl["sources"]
    nc = next(s for s in status if s["jurisdiction"] == "NCBTMB")
    assert nc["entries"][0]["verdict"] in ("uncertain", "counts")
    text = ok("ce", "status", "--account", therapist, "--today", "2026-11-23")
    # R. 64B7-28.009: the biennium ending 31 August 2027 began 1 September 2025
    assert "Florida, renewal (1 September 2025 to 31 August 2027)" in text
    assert "approved by NCBTMB" in text
    pdf = cli_env / "transcript.pdf"
    ok("ce", "transcript", "--account", therapist, "--out", str(pdf), "--today", "2026-11-23")
    assert pdf.read_bytes().startswith(b"%PDF")
    ok(
        "ce",
        "edit",
        "--account",
        therapist,
        str(added["id"]),
        "--hours",
        "2",
        "--category",
        "ethics:2",
        "--today",
        "2026-11-23",
    )
    listed = json.loads(ok("ce", "list", "--account", therapist, "--json"))
    assert listed[0]["hours"] == "2.00"
    ok("ce", "remove", "--account", therapist, str(added["id"]))
    assert json.loads(ok("ce", "list", "--account", therapist, "--json")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ce", "license", "add", "--state", "XX", "--renewal", "2027-01-01"], "jurisdiction:"),
        (["ce", "license", "add", "--state", "FL", "--renewal", "soon"], "cycle_end:"),
        (["ce", "credential", "add", "FL", "--renewal", "2027-01-01"], "credential:"),
        (
            [
                "ce",
                "add",
                "--title",
                "X",
                "--date",
                "2026-01-01",
                "--hours",
                "-2",
                "--format",
                "in_person",
            ],
            "hours:",
        ),
        (
            [
                "ce",
                "add",
                "--title",
                "X",
                "--date",
                "2026-01-01",
                "--hours",
                "2",
                "--format",
                "video",
            ],
            "format:",
        ),
        (
            [
                "ce",
                "add",
                "--title",
                "X",
                "--date",
                "2026-01-01",
                "--hours",
                "2",
                "--format",
                "in_person",
                "--category",
                "basket-weaving",
            ],
            "categories:",
        ),
        (
            [
                "ce",
                "add",
                "--title",
                "X",
                "--date",
                "2026-01-01",
                "--hours",
                "2",
                "--format",
                "in_person",
                "--approval",
                "NOBODY",
            ],
            "approvals:",
        ),
        (["ce", "remove", "999"], "id:"),
        (["plan", "--pathway", "no-such-pathway"], "pathway:"),
        (["plan", "--technique", "swedish-massage", "--budget", "lots"], "budget:"),
        (["plan", "--technique", "swedish-massage", "--mode", "telepathy"], "modes:"),
        (["plan", "--license", "FL"], "license:"),
    ],
)
def test_user_errors_exit_1_naming_the_field(therapist: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "--account", therapist])
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_unknown_account_exits_1(cli_env: Path) -> None:
    result = runner.invoke(app, ["ce", "status", "--account", "nobody@example.org"])
    assert result.exit_code == 1
    assert "account:" in result.stderr


def test_plan_from_the_sample_catalog_with_exports(therapist: str, cli_env: Path) -> None:
    ok("init")
    ics = cli_env / "plan.ics"
    pdf = cli_env / "plan.pdf"
    data = json.loads(
        ok(
            "plan",
            "--account",
            therapist,
            "--pathway",
            "oncology-massage",
            "--budget",
            "2000",
            "--ics",
            str(ics),
            "--pdf",
            str(pdf),
            "--json",
        )
    )
    assert data["status"] == "optimal"
    plan = data["plan"]
    assert plan["totals"]["cost"] <= 2000
    assert plan["sessions"]
    assert all(s["why"] for s in plan["sessions"])
    assert data["alternatives"]
    assert all(a["sessions"] != plan["sessions"] for a in data["alternatives"])
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    dated = [s for s in plan["sessions"] if s["start"]]
    assert len(events) >= len(dated)
    for event in events:
        assert event.get("summary")
        assert event.walk("VALARM")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_in_person_plans_need_a_home(therapist: str, cli_env: Path) -> None:
    """Distances and trips are worked out from home: with none, in-person sessions are
    left out (and said so); asking for in-person only is an error naming the option."""
    ok("init")
    out = json.loads(ok("plan", "--account", therapist, "--pathway", "oncology-massage", "--json"))
    assert all(s["mode"] != "in_person" for s in out["plan"]["sessions"])
    assert any("no home location given" in n for n in out["notes"])
    result = runner.invoke(
        app,
        ["plan", "--account", therapist, "--pathway", "oncology-massage", "--mode", "in_person"],
    )
    assert result.exit_code == 1
    assert "give your home ZIP code or town to plan in-person sessions" in result.output


def test_a_budget_short_of_a_full_plan_explains_in_words(therapist: str, cli_env: Path) -> None:
    """A budget between the cheapest plan with any delivery mode and the cheapest in-person
    one: in person alone no plan meets everything, and dropping the in-person limit (one
    change) gives one, so the explanation must say so in words; the plan then meets what
    the budget allows and lists what it leaves out."""
    ok("init")

    def cheapest(*extra: str) -> float:
        out = ok(
            "plan",
            "--account",
            therapist,
            "--pathway",
            "oncology-massage",
            "--near",
            "33602",
            "--json",
            *extra,
        )
        return float(json.loads(out)["plan"]["totals"]["cost"])

    any_mode, in_person = cheapest(), cheapest("--mode", "in_person")
    assert any_mode < in_person  # the sample has cheaper online sessions
    budget = str(math.ceil(any_mode))
    result = runner.invoke(
        app,
        [
            "plan",
            "--account",
            therapist,
            "--pathway",
            "oncology-massage",
            "--budget",
            budget,
            "--mode",
            "in_person",
            "--near",
            "33602",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"why: no plan under ${budget}: the cheapest needs $" in result.stdout
    assert "gives one at $" in result.stdout
    assert "left out to stay within your limits" in result.stdout
    assert "this plan meets as much as they allow" in result.stdout

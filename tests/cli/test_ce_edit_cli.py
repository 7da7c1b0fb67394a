"""``ceatlas ce`` edits: licenses, certificates (get, add, remove), history, and the
transcript with its changes; another account's ids are not found (issue 14, part 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from ceatlas.accounts.service import Accounts
from ceatlas.cli import app

runner = CliRunner()
ANA, BO = "ana@example.org", "bo@example.org"
TODAY = ("--today", "2026-11-23")


@pytest.fixture
def therapists(cli_env: Path, engine: Engine) -> Path:
    Accounts(engine).sign_up(ANA, "correct horse battery", "Ana")
    Accounts(engine).sign_up(BO, "correct horse battery", "Bo")
    return cli_env


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def refused(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    return result.output


def test_a_license_is_edited_with_dates_that_make_sense(therapists: Path) -> None:
    lic = json.loads(
        ok("ce", "license", "add", "--account", ANA, "--state", "FL", "--number", "MA1",
           "--renewal", "2027-08-31", "--json", *TODAY)
    )  # fmt: skip
    past = refused(
        "ce", "license", "add", "--account", ANA, "--state", "NY", "--renewal", "2020-01-01",
        *TODAY,
    )  # fmt: skip
    assert "the renewal date 2020-01-01 has passed; enter the next renewal date" in past
    twice = refused(
        "ce", "license", "add", "--account", ANA, "--state", "FL", "--renewal", "2029-08-31",
        *TODAY,
    )  # fmt: skip
    assert f"FL is already recorded (id {lic['id']}); edit it instead" in twice
    edit = ("ce", "license", "edit", str(lic["id"]), "--account", ANA)
    assert "the renewal date 2026-11-22 has passed" in refused(
        *edit, "--renewal", "2026-11-22", *TODAY
    )
    changed = json.loads(
        ok(*edit, "--renewal", "2029-08-31", "--start", "2027-09-01", "--number", "MA2",
           "--first-renewal", "--json", *TODAY)
    )  # fmt: skip
    assert (changed["number"], changed["cycle_start"], changed["cycle_end"]) == (
        "MA2",
        "2027-09-01",
        "2029-08-31",
    )
    assert changed["first_renewal"] is True
    kept = json.loads(ok(*edit, "--not-first-renewal", "--json", *TODAY))
    assert (kept["number"], kept["first_renewal"]) == ("MA2", False)
    assert "no license with id" in refused(
        "ce", "license", "edit", str(lic["id"]), "--account", BO, "--number", "X", *TODAY
    )
    history = ok("ce", "history", "--account", ANA)
    assert (
        "Changed the Florida license (MA1): number MA1 → MA2; cycle start (none) → 2027-09-01; "
        "renewal date 2027-08-31 → 2029-08-31; first renewal: no → yes"
    ) in history
    assert history.index("first renewal: yes → no") < history.index("Added the Florida")
    assert "no changes recorded" in ok("ce", "history", "--account", BO)


def test_certificates_are_saved_replaced_and_removed(therapists: Path) -> None:
    cert = therapists / "cert.pdf"
    cert.write_bytes(b"%PDF-1.4 ethics")
    entry = json.loads(
        ok("ce", "add", "--account", ANA, "--title", "Ethics for Florida", "--date",
           "2026-03-01", "--hours", "2", "--format", "live_online", "--certificate", str(cert),
           "--json", *TODAY)
    )  # fmt: skip
    entry_id = str(entry["id"])
    copy = therapists / "copy.pdf"
    ok("ce", "certificate", "get", entry_id, "--out", str(copy), "--account", ANA)
    assert copy.read_bytes() == b"%PDF-1.4 ethics"
    stolen = therapists / "stolen.pdf"
    assert "no entry with id" in refused(
        "ce", "certificate", "get", entry_id, "--out", str(stolen), "--account", BO
    )
    assert not stolen.exists()
    assert "no entry with id" in refused("ce", "certificate", "remove", entry_id, "--account", BO)
    bad = therapists / "virus.pdf"
    bad.write_bytes(b"MZ\x90\x00")
    # a refused replacement changes nothing, neither the entry nor its certificate
    assert "PDF, PNG or JPEG" in refused(
        "ce", "edit", entry_id, "--hours", "3", "--certificate", str(bad), "--account", ANA,
        *TODAY,
    )  # fmt: skip
    (listed,) = json.loads(ok("ce", "list", "--json", "--account", ANA))
    assert (listed["hours"], listed["certificate"]["name"]) == ("2.00", "cert.pdf")
    scan = therapists / "scan.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\nscan")
    ok("ce", "certificate", "add", entry_id, str(scan), "--account", ANA)
    ok("ce", "certificate", "remove", entry_id, "--account", ANA)
    assert not list((therapists / "data" / "certificates").rglob("*.*"))
    assert "has no certificate" in refused(
        "ce", "certificate", "get", entry_id, "--out", str(copy), "--account", ANA
    )
    changes = json.loads(ok("ce", "history", "--json", "--account", ANA))
    assert [c["summary"] for c in changes] == [
        "Deleted the certificate of 'Ethics for Florida' (scan.png)",
        "Replaced the certificate of 'Ethics for Florida' (cert.pdf → scan.png)",
        "Added the certificate of 'Ethics for Florida' (cert.pdf)",
        "Added CE entry 'Ethics for Florida': 2 h, completed on 2026-03-01",
    ]
    pdf = therapists / "transcript.pdf"
    ok("ce", "transcript", "--out", str(pdf), "--with-changes", "--account", ANA, *TODAY)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_list_says_formats_in_words(therapists: Path) -> None:
    ok("ce", "add", "--account", ANA, "--title", "Ethics", "--date", "2026-03-01",
       "--hours", "2", "--format", "self_paced", *TODAY)  # fmt: skip
    listed = ok("ce", "list", "--account", ANA)
    assert "self-study (recorded or text)" in listed
    assert "self_paced" not in listed

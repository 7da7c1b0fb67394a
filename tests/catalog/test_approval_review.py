"""Approval claims arrive declared; administrators verify, reject or expire them with
evidence; a re-import keeps a checked claim unless its number changed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from ceatlas.catalog.approval_review import ReviewError, list_claims, review
from ceatlas.catalog.service import Catalog
from ceatlas.cli import app
from ceatlas.kb import load_kb

HEADER = "provider_key,provider_name,provider_approvals,course_key,title,ce_hours,course_approvals"
COURSE = "https://gulf.example/c/1"


def _csv(path: Path, number: str = "MCE9999", title: str = "Hot Stone Basics") -> Path:
    path.write_text(
        f"{HEADER}\nhttps://gulf.example/,Gulf School,NCBTMB:1234,{COURSE},{title},3,"
        f"state:FL:{number}\n"
    )
    return path


def _by_owner(engine: Engine, status: str | None = None) -> dict[str, tuple[str, str | None]]:
    claims = list_claims(engine, load_kb(), status)
    return {c.owner: (c.status, c.number) for c in claims}


def test_imported_claims_are_declared_and_queued_oldest_first(
    catalog: Catalog, tmp_path: Path
) -> None:
    catalog.import_paths([_csv(tmp_path / "a.csv")])
    queue = list_claims(catalog.engine, load_kb())
    # both claims arrive in one import; the provider's comes first at the same moment
    assert [(c.owner, c.authority, c.number, c.status) for c in queue] == [
        ("provider", "NCBTMB", "1234", "declared"),
        ("course", "state:FL", "MCE9999", "declared"),
    ]
    course_claim = queue[1]
    assert course_claim.provider_name == "Gulf School"
    assert course_claim.course_title == "Hot Stone Basics"
    assert course_claim.authority_words == "the Florida board"
    # the KB's page for Florida's board (FL.yaml board_url) is where to look it up
    assert (
        course_claim.lookup_url
        == "http://www.floridasmassagetherapy.gov/renewals/massage-therapist/"
    )


def test_verify_keeps_who_when_and_evidence(catalog: Catalog, tmp_path: Path) -> None:
    catalog.import_paths([_csv(tmp_path / "a.csv")])
    ref = next(c.ref for c in list_claims(catalog.engine, load_kb()) if c.owner == "course")
    at = dt.datetime(2026, 12, 3, 15, 30)
    saved = review(
        catalog.engine,
        load_kb(),
        ref,
        "verify",
        "number MCE9999 found in the Florida board's provider lookup on 2026-12-03",
        "admin@example.org",
        at,
    )
    assert (saved.status, saved.reviewed_by, saved.reviewed_at) == (
        "verified",
        "admin@example.org",
        at,
    )
    assert saved.evidence is not None
    assert "MCE9999" in saved.evidence
    assert [c.owner for c in list_claims(catalog.engine, load_kb())] == ["provider"]


def test_reimport_keeps_a_verified_claim_and_a_new_number_is_declared(
    catalog: Catalog, tmp_path: Path
) -> None:
    catalog.import_paths([_csv(tmp_path / "a.csv")])
    for claim in list_claims(catalog.engine, load_kb()):
        review(catalog.engine, load_kb(), claim.ref, "verify", "found in listing", "admin")
    # the title changes (the course row is rewritten), the approval is the same claim
    catalog.import_paths([_csv(tmp_path / "b.csv", title="Hot Stone Basics, revised")])
    assert _by_owner(catalog.engine, None) == {
        "provider": ("verified", "1234"),
        "course": ("verified", "MCE9999"),
    }
    # a changed number is a new claim, on the provider's word again
    catalog.import_paths([_csv(tmp_path / "c.csv", number="MCE1111")])
    assert _by_owner(catalog.engine, None) == {
        "provider": ("verified", "1234"),
        "course": ("declared", "MCE1111"),
    }


@pytest.mark.parametrize(
    ("ref", "verdict", "evidence", "field", "status"),
    [
        ("course-1", "verify", "   ", "evidence", 422),
        ("course-1", "approve", "found", "verdict", 422),
        ("lesson-1", "verify", "found", "claim", 422),
        ("course-99999", "reject", "not found", "claim", 404),
        ("course-1", "verify", "x" * 2001, "evidence", 422),
    ],
)
def test_a_verdict_that_cannot_be_saved_says_why(
    catalog: Catalog,
    tmp_path: Path,
    ref: str,
    verdict: str,
    evidence: str,
    field: str,
    status: int,
) -> None:
    catalog.import_paths([_csv(tmp_path / "a.csv")])
    with pytest.raises(ReviewError) as caught:
        review(catalog.engine, load_kb(), ref, verdict, evidence, "admin")
    assert (caught.value.field, caught.value.status) == (field, status)
    assert {c.status for c in list_claims(catalog.engine, load_kb(), None)} == {"declared"}


def test_cli_lists_verifies_rejects_and_expires(cli_env: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--no-sample"]).exit_code == 0
    assert runner.invoke(app, ["import", str(_csv(tmp_path / "a.csv"))]).exit_code == 0
    listed = runner.invoke(app, ["approvals", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    refs = {c["owner"]: c["ref"] for c in json.loads(listed.output)}
    missing = runner.invoke(app, ["approvals", "verify", refs["course"], "--evidence", " "])
    assert missing.exit_code == 2
    assert "evidence: say what you checked" in " ".join(missing.output.split())
    done = runner.invoke(
        app,
        ["approvals", "reject", refs["course"], "--evidence", "MCE9999 not in the board lookup"],
    )
    assert done.exit_code == 0, done.output
    assert "the Florida board MCE9999): rejected" in done.output
    expired = runner.invoke(
        app, ["approvals", "expire", refs["provider"], "--evidence", "lapsed 2026-06-30"]
    )
    assert expired.exit_code == 0, expired.output
    assert "no declared approval claims" in runner.invoke(app, ["approvals", "list"]).output
    every = json.loads(
        runner.invoke(app, ["approvals", "list", "--status", "all", "--json"]).output
    )
    assert {c["owner"]: (c["status"], c["reviewed_by"]) for c in every} == {
        "course": ("rejected", "command line"),
        "provider": ("expired", "command line"),
    }
    one = runner.invoke(app, ["approvals", "list", "--status", "all", "--limit", "1", "--json"])
    assert len(json.loads(one.stdout)) == 1
    assert "only the oldest 1 are shown" in one.stderr
    gone = runner.invoke(app, ["approvals", "verify", "course-99999", "--evidence", "found"])
    assert gone.exit_code == 1
    assert "no approval claim course-99999" in gone.output

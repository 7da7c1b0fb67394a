"""A catalog course's approval counts for a license only once it is checked.

Hand working from src/ceatlas/kb/data/jurisdictions/FL.yaml: Florida accepts courses
approved by NCBTMB, AMTA, ABMP, the Florida board (``state:FL``) or a recognised school
(R. 64B7-28.009(1)-(2)), with no "any" or "other" escape; renewal needs 24 h. The course
below lists one approval only, ``state:FL:MCE9999``, and its provider none; the therapist
records 3 h of it, in person, on 2026-05-01, inside the cycle that ends 2027-08-31.

- declared (the provider's word): the approval is one Florida accepts, but unchecked, so
  the 3 h are uncertain: 0 h counted, 3 h uncertain, and the reason says so;
- verified: 3 h counted, 0 h uncertain;
- rejected or expired: the claim is gone; no accepted approval remains, so 0 h counted,
  0 h uncertain ("Florida accepts only courses approved by ...");
- the transcript prints the same reasons, so it says "not yet checked" too;
- the therapist's own record of the approval (from the certificate) is taken as given:
  3 h counted even while the catalog's claim is declared.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ceatlas.accounts.service import Accounts
from ceatlas.catalog.approval_review import list_claims, review
from ceatlas.catalog.service import Catalog
from ceatlas.compliance import CeRecords, EntryInput
from ceatlas.compliance.allocate import approval
from ceatlas.compliance.transcript import transcript_pdf
from ceatlas.kb import load_kb

TODAY = dt.date(2026, 11, 23)
COURSE = "https://gulf.example/c/1"


@pytest.fixture
def therapist(catalog: Catalog, engine: Engine, tmp_path: Path) -> tuple[CeRecords, int]:
    path = tmp_path / "course.csv"
    path.write_text(
        "provider_key,provider_name,course_key,title,ce_hours,course_approvals\n"
        f"https://gulf.example/,Gulf School,{COURSE},Hot Stone Basics,3,state:FL:MCE9999\n"
    )
    catalog.import_paths([path])
    records = CeRecords(engine, load_kb(), tmp_path / "data")
    user = Accounts(engine).sign_up("ana@example.org", "correct horse battery", "T").id
    records.add_license(user, "FL", cycle_end="2027-08-31", today=TODAY)
    return records, user


def _add(records: CeRecords, user: int, approvals: list[str] | None = None) -> None:
    entry = EntryInput(
        title="Hot Stone Basics",
        course_key=COURSE,
        completed_on="2026-05-01",
        hours="3",
        format="in_person",
        approvals=approvals or [],
    )
    records.add_entry(user, entry, TODAY)


def _verdict(records: CeRecords, user: int) -> tuple[Decimal, Decimal, str]:
    status = records.status(user, TODAY)[0]
    verdict = status.entries[0]
    return verdict.counted, verdict.uncertain, " ".join(verdict.reasons)


def _pdf_text(data: bytes) -> str:
    """The text a core-font PDF shows (its page streams, decompressed)."""
    shown: list[str] = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            shown.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return " ".join(" ".join(shown).split())


def _settle(engine: Engine, verdict: str) -> None:
    (claim,) = list_claims(engine, load_kb())
    review(engine, load_kb(), claim.ref, verdict, "looked up on 2026-12-03", "admin")


def test_declared_approval_is_uncertain_and_says_so(therapist: tuple[CeRecords, int]) -> None:
    records, user = therapist
    _add(records, user)
    counted, uncertain, why = _verdict(records, user)
    assert (counted, uncertain) == (Decimal("0"), Decimal("3"))
    assert "the provider says it is approved by the Florida board; not yet checked" in why
    total = records.status(user, TODAY)[0].total
    pdf = transcript_pdf(
        "Ana",
        "ana@example.org",
        records.licenses(user),
        records.entries(user),
        records.status(user, TODAY),
        TODAY,
        records.names(),
    )
    assert "not yet checked" in _pdf_text(pdf)
    assert total is not None
    assert (total.counted, total.uncertain) == (Decimal(0), Decimal(3))


def test_verified_approval_counts(therapist: tuple[CeRecords, int], engine: Engine) -> None:
    records, user = therapist
    _add(records, user)
    _settle(engine, "verify")
    counted, uncertain, why = _verdict(records, user)
    assert (counted, uncertain) == (Decimal("3"), Decimal("0"))
    assert "approved by the Florida board, accepted by Florida" in why


@pytest.mark.parametrize("verdict", ["reject", "expire"])
def test_rejected_or_expired_approval_does_not_count(
    therapist: tuple[CeRecords, int], engine: Engine, verdict: str
) -> None:
    records, user = therapist
    _add(records, user)
    _settle(engine, verdict)
    counted, uncertain, why = _verdict(records, user)
    assert (counted, uncertain) == (Decimal("0"), Decimal("0"))
    assert "Florida accepts only courses approved by" in why


def test_the_therapists_own_record_of_the_approval_counts(
    therapist: tuple[CeRecords, int],
) -> None:
    records, user = therapist
    _add(records, user, ["state:FL:MCE9999"])
    assert _verdict(records, user)[:2] == (Decimal("3"), Decimal("0"))


def test_a_possible_approver_declared_by_the_provider_says_both_doubts() -> None:
    """DC.yaml: the District accepts courses approved by its own board (``state:DC``) and
    lists NCBTMB among approvers it may accept (a secondary source only). An NCBTMB approval
    is therefore uncertain whether checked or not; declared, the reason says it is not yet
    checked either. The DC board's own approval, declared, is uncertain; verified, sure."""
    dc = load_kb().jurisdictions["DC"]
    ncbtmb = frozenset({"NCBTMB"})
    checked = approval(dc, ncbtmb)
    assert checked[0] == "maybe"
    assert "rests on a secondary source only" in checked[1]
    assert "not yet checked" not in checked[1]
    declared = approval(dc, ncbtmb, ncbtmb)
    assert declared[0] == "maybe"
    assert declared[1].endswith("rests on a secondary source only; not yet checked either")
    board = frozenset({"state:DC"})
    assert approval(dc, board)[0] == "yes"
    assert approval(dc, board, board)[0] == "maybe"
    assert (
        "the provider says it is approved by the District of Columbia board"
        in (approval(dc, board, board)[1])
    )

"""Checking approval claims: the verification queue and an administrator's verdicts.

Every approval a provider or course lists arrives ``declared`` (the provider's word). An
administrator looks the number up in the authority's listing and marks the claim
``verified``, ``rejected`` (not found, or refused) or ``expired`` (found, but lapsed),
always with the evidence: what was looked up where, or a link to a document. A claim is
named ``course-<id>`` or ``provider-<id>`` (the approval row's id) on the admin page and
in ``ceatlas approvals``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.catalog.models import (
    APPROVAL_STATUSES,
    Course,
    CourseApproval,
    Provider,
    ProviderApproval,
)
from ceatlas.kb import KnowledgeBase

#: what each status means, in the words pages show
STATUS_WORDS = {
    "declared": "declared by the provider",
    "verified": "verified",
    "rejected": "rejected",
    "expired": "expired",
}
#: claims that can make a course count: checked ones, and declared ones (as uncertain)
COUNTING_STATUSES = ("declared", "verified")
#: a verdict an administrator gives, and the status it sets
VERDICTS = {"verify": "verified", "reject": "rejected", "expire": "expired"}
MAX_EVIDENCE = 2000


class ReviewError(ValueError):
    """A verdict that cannot be saved; ``field`` names what is wrong, ``status`` the HTTP
    status it maps to (404 for a claim that does not exist)."""

    def __init__(self, message: str, field: str, status: int = 422) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class Claim:
    """One approval claim as the queue and the command line show it."""

    ref: str  # course-12 | provider-3
    owner: str  # course | provider
    provider_id: int | None
    provider_name: str | None
    course_id: int | None
    course_title: str | None
    authority: str
    authority_words: str
    number: str | None
    valid_until: dt.date | None
    status: str
    declared_at: dt.datetime | None
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    evidence: str | None
    lookup_url: str | None  # the authority's own page, where the KB knows it


def authority_words(code: str, kb: KnowledgeBase) -> str:
    """'NCBTMB', 'the Florida board' (``state:FL``), 'a school', 'another approver'."""
    if code.startswith("state:"):
        found = kb.jurisdictions.get(code[6:])
        return f"the {found.name} board" if found else f"the {code[6:]} state board"
    return {"school": "a school", "other": "another approver"}.get(code, code)


def lookup_url(code: str, kb: KnowledgeBase) -> str | None:
    """The page of the authority the KB knows (a state board's site, NCBTMB's), if any."""
    found = kb.jurisdictions.get(code[6:] if code.startswith("state:") else code)
    url = found.board_url if found is not None else ""
    return url if url.startswith(("https://", "http://")) else None


def _claim(
    row: ProviderApproval | CourseApproval,
    provider: Provider | None,
    course: Course | None,
    kb: KnowledgeBase,
) -> Claim:
    owner = "course" if isinstance(row, CourseApproval) else "provider"
    return Claim(
        ref=f"{owner}-{row.id}",
        owner=owner,
        provider_id=provider.id if provider else None,
        provider_name=provider.name if provider else None,
        course_id=course.id if course else None,
        course_title=course.title if course else None,
        authority=row.authority,
        authority_words=row.authority_name or authority_words(row.authority, kb),
        number=row.number,
        valid_until=row.valid_until,
        status=row.status,
        declared_at=row.declared_at,
        reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at,
        evidence=row.evidence,
        lookup_url=lookup_url(row.authority, kb),
    )


def list_claims(
    engine: Engine, kb: KnowledgeBase, status: str | None = "declared", limit: int = 500
) -> list[Claim]:
    """Claims with ``status`` (None: every claim), oldest declared first, at most ``limit``."""
    if status is not None and status not in APPROVAL_STATUSES:
        raise ReviewError(
            f"unknown status {status!r}: choose one of {', '.join(APPROVAL_STATUSES)}", "status"
        )
    out: list[tuple[tuple[dt.datetime, int, int], Claim]] = []
    earliest = dt.datetime.min
    with Session(engine) as db:
        course_q = select(CourseApproval, Course).join(
            Course, Course.id == CourseApproval.course_id
        )
        provider_q = select(ProviderApproval, Provider).join(
            Provider, Provider.id == ProviderApproval.provider_id
        )
        if status is not None:
            course_q = course_q.where(CourseApproval.status == status)
            provider_q = provider_q.where(ProviderApproval.status == status)
        # each table gives at most ``limit`` rows in queue order; the merge keeps the first
        course_q = course_q.order_by(
            CourseApproval.declared_at.asc().nulls_first(), CourseApproval.id
        ).limit(limit)
        provider_q = provider_q.order_by(
            ProviderApproval.declared_at.asc().nulls_first(), ProviderApproval.id
        )
        for c_row, course in db.execute(course_q).tuples():
            claim = _claim(c_row, course.provider, course, kb)
            out.append(((c_row.declared_at or earliest, 1, c_row.id), claim))
        for p_row, provider in db.execute(provider_q.limit(limit)).tuples():
            claim = _claim(p_row, provider, None, kb)
            out.append(((p_row.declared_at or earliest, 0, p_row.id), claim))
    out.sort(key=lambda pair: pair[0])
    return [claim for _, claim in out[:limit]]


def _parse_ref(ref: str) -> tuple[str, int]:
    owner, _, number = ref.strip().partition("-")
    if owner not in ("course", "provider") or not number.isdigit() or len(number) > 18:
        raise ReviewError(
            f"{ref!r} is not a claim: write course-<id> or provider-<id> as the list shows",
            "claim",
        )
    return owner, int(number)


def review(
    engine: Engine,
    kb: KnowledgeBase,
    ref: str,
    verdict: str,
    evidence: str,
    by: str,
    now: dt.datetime | None = None,
) -> Claim:
    """Mark claim ``ref`` verified, rejected or expired (``verdict``: verify, reject, expire)
    with ``evidence``, as done by ``by`` at ``now`` (UTC); returns the claim as saved."""
    status = VERDICTS.get(verdict)
    if status is None:
        raise ReviewError(
            f"unknown verdict {verdict!r}: choose verify, reject or expire", "verdict"
        )
    text = " ".join(evidence.split())
    if not text:
        raise ReviewError(
            "say what you checked: for example 'number MCE9999 found in the Florida board's "
            "provider lookup on 2026-12-03', or a link to the document",
            "evidence",
        )
    if len(text) > MAX_EVIDENCE:
        raise ReviewError(
            f"the evidence is {len(text)} characters; keep it under {MAX_EVIDENCE}", "evidence"
        )
    owner, ident = _parse_ref(ref)
    moment = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with Session(engine) as db:
        row: ProviderApproval | CourseApproval | None = (
            db.get(CourseApproval, ident) if owner == "course" else db.get(ProviderApproval, ident)
        )
        if row is None:
            raise ReviewError(f"no approval claim {ref}", "claim", 404)
        row.status = status
        row.evidence = text
        row.reviewed_by = by[:320]
        row.reviewed_at = moment.replace(microsecond=0)
        db.commit()
        if isinstance(row, CourseApproval):
            course = db.get(Course, row.course_id)
            return _claim(row, course.provider if course else None, course, kb)
        return _claim(row, db.get(Provider, row.provider_id), None, kb)


#: a provider's standing on the site, FSMTB-style, from its own approval claims
STANDING_WORDS = {
    "verified": "Verified: an approval it holds was checked against the approver's listing",
    "provisional": "Provisional: it lists approvals that are not checked yet",
    "pending": "Pending: it lists no approval that could be checked",
}


def provider_standing(claims: list[ProviderApproval], today: dt.date) -> str:
    """'verified' when one of the provider's own approvals is verified and current,
    'provisional' when one is declared and current (not checked yet), else 'pending'."""
    current = [a for a in claims if a.valid_until is None or a.valid_until >= today]
    if any(a.status == "verified" for a in current):
        return "verified"
    if any(a.status == "declared" for a in current):
        return "provisional"
    return "pending"

"""Would a session count for a therapist's licenses, and toward which requirement?

Search result cards and course pages ask this for a signed-in therapist. The answer uses
the same rules as the planner (:mod:`ceatlas.planner.goals`): a session counts for a
license when one of its course's or provider's approvals is one the jurisdiction accepts
(and a course written for another state's laws or ethics does not count); it then counts
toward the license's total, toward a mandated subject when the course is mainly about that
subject (the subject's own state approval where the rule asks for it), and toward a format
minimum when it is given in that format. Each requirement is read from the therapist's
own compliance status for the current cycle, so one already met says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from ceatlas.compliance import ComplianceStatus
from ceatlas.compliance.facts import Requirement
from ceatlas.kb import KnowledgeBase
from ceatlas.planner.candidates import course_facts, load_candidates
from ceatlas.planner.goals import (
    TOPIC_EVIDENCE,
    approved_by,
    format_of,
    other_states_course,
)
from ceatlas.planner.problem import Candidate


@dataclass(frozen=True)
class LicenseCount:
    """One license and one session: does it count, and toward what."""

    license: str  # the jurisdiction's or credential's name, e.g. "Florida"
    counts: bool | None  # None: the knowledge base does not know what the license accepts
    toward: list[str] = field(default_factory=list)  # requirement labels, "(met)" marked
    reason: str = ""

    @property
    def sentence(self) -> str:
        """One line for a card: "Florida: counts toward 24 h total, 2 h ethics (met)"."""
        if self.counts and self.toward:
            return f"{self.license}: counts toward {'; '.join(self.toward)}"
        return f"{self.license}: {self.reason}"


def counts_for_licenses(
    engine: Engine,
    kb: KnowledgeBase,
    statuses: Iterable[ComplianceStatus],
    session_keys: Iterable[str],
    today: dt.date,
) -> dict[str, list[LicenseCount]]:
    """For each session key (upcoming or self-paced), one :class:`LicenseCount` per
    license or credential in ``statuses`` that requires CE."""
    wanted = set(session_keys)
    licenses = [s for s in statuses if s.status not in ("not-required", "exempt")]
    if not wanted or not licenses:
        return {}
    candidates = _candidates(engine, wanted, today)
    states = {j.id: j.name for j in kb.jurisdictions.values() if j.kind == "state"}
    return {c.id: [_one(kb, status, c, states) for status in licenses] for c in candidates}


def _candidates(engine: Engine, keys: set[str], today: dt.date) -> list[Candidate]:
    from sqlalchemy import select

    from ceatlas.catalog.models import CourseSession

    with engine.connect() as conn:
        course_ids = set(
            conn.execute(
                select(CourseSession.course_id).where(CourseSession.key.in_(keys))
            ).scalars()
        )
    facts = [f for f in course_facts(engine) if f.id in course_ids]
    found = load_candidates(engine, facts, date_from=today, date_to=None)
    return [c for c in found if c.id in keys]


def _one(
    kb: KnowledgeBase, status: ComplianceStatus, c: Candidate, states: dict[str, str]
) -> LicenseCount:
    """``states``: every state's code and name, built once per request."""
    rules = kb.jurisdictions.get(status.jurisdiction)
    name = status.name
    if rules is None or not isinstance(rules.accepted_approvers, list):
        return LicenseCount(
            name, None, reason="we do not know which approvals it accepts; ask the board"
        )
    if other_states_course(c, rules, states):  # it skips the license's own state
        return LicenseCount(name, False, reason="does not count (written for another state)")
    if not approved_by(c, rules):
        return LicenseCount(name, False, reason="does not count as listed (no approval it accepts)")
    toward = [_label(req) for req in status.requirements if _counts_toward(req, c, rules.id)]
    if not toward:
        return LicenseCount(name, True, reason="counts, but not toward anything still open")
    return LicenseCount(name, True, toward)


def _counts_toward(req: Requirement, c: Candidate, jurisdiction: str) -> bool:
    if req.evidence:
        return bool(c.covers & {f"category:{w}" for w in req.evidence})
    if req.formats and format_of(c) not in req.formats:
        return False
    if req.topic:
        evidence = TOPIC_EVIDENCE.get(req.topic, (f"primary:category:{req.topic}",))
        if not c.covers & set(evidence):
            return False
        return not req.own_laws or f"state:{jurisdiction}" in c.approvers
    return True


def _label(req: Requirement) -> str:
    label = req.label[:1].lower() + req.label[1:]
    return f"{label} (met)" if req.status == "met" else label

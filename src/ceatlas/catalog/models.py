"""Catalog tables. List-valued course attributes are JSON arrays of knowledge-base names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ceatlas.orm import Base, JSONList, ScaledDecimal

KEY = String(512)


class Provider(Base):
    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(KEY, unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="organization")
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(1000))
    email: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(60))
    street: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(60))
    is_sample: Mapped[bool] = mapped_column(default=False)
    content_hash: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    approvals: Mapped[list[ProviderApproval]] = relationship(
        cascade="all, delete-orphan", order_by="ProviderApproval.id", lazy="selectin"
    )
    courses: Mapped[list[Course]] = relationship(back_populates="provider", viewonly=True)


#: an approval claim's review states: what the provider says (``declared``), checked against
#: the authority's listing (``verified``), not found or refused there (``rejected``), or
#: found to have lapsed (``expired``)
APPROVAL_STATUSES = ("declared", "verified", "rejected", "expired")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class ApprovalReview:
    """Whether an approval claim was checked: its status, who reviewed it, when, and on what.

    Every claim arrives ``declared`` (import, sync, form, API); an administrator marks it
    ``verified``, ``rejected`` or ``expired`` with the evidence (what was looked up where,
    or a link to a document).
    """

    status: Mapped[str] = mapped_column(String(20), default="declared", server_default="declared")
    declared_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=_utc_now)
    reviewed_by: Mapped[str | None] = mapped_column(String(320))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    evidence: Mapped[str | None] = mapped_column(Text)


class ProviderApproval(ApprovalReview, Base):
    """An approval held by a provider: NCBTMB, FSMTB, AMMA, ``state:XX`` or ``other``."""

    __tablename__ = "provider_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="CASCADE"), index=True
    )
    authority: Mapped[str] = mapped_column(String(40))
    authority_name: Mapped[str | None] = mapped_column(String(300))
    number: Mapped[str | None] = mapped_column(String(100))
    valid_until: Mapped[dt.date | None] = mapped_column(Date)


class Course(Base):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(KEY, unique=True)
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    course_code: Mapped[str | None] = mapped_column(String(100))
    ce_hours: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    level: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(20))
    techniques: Mapped[list[str]] = mapped_column(JSONList, default=list)
    conditions: Mapped[list[str]] = mapped_column(JSONList, default=list)
    body_regions: Mapped[list[str]] = mapped_column(JSONList, default=list)
    competencies: Mapped[list[str]] = mapped_column(JSONList, default=list)
    ce_categories: Mapped[list[str]] = mapped_column(JSONList, default=list)
    prerequisites: Mapped[list[dict[str, Any]]] = mapped_column(JSONList, default=list)
    credential_awarded: Mapped[str | None] = mapped_column(String(500))
    workload_hours: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    url: Mapped[str | None] = mapped_column(String(1000))
    content_hash: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # What the course reader found (primary or secondary terms, confirmations applied);
    # search, recommendations and the planner read these, never the provider's tags above.
    covers_techniques: Mapped[list[str]] = mapped_column(JSONList, default=list)
    covers_conditions: Mapped[list[str]] = mapped_column(JSONList, default=list)
    covers_competencies: Mapped[list[str]] = mapped_column(JSONList, default=list)
    covers_categories: Mapped[list[str]] = mapped_column(JSONList, default=list)
    covers_regions: Mapped[list[str]] = mapped_column(JSONList, default=list)
    primary_terms: Mapped[list[str]] = mapped_column(JSONList, default=list)
    # Provenance (see ``store.Origin``): how the course last arrived and when last seen.
    origin_kind: Mapped[str | None] = mapped_column(String(20))
    origin: Mapped[str | None] = mapped_column(String(1000))
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    provider: Mapped[Provider | None] = relationship(back_populates="courses", lazy="joined")
    approvals: Mapped[list[CourseApproval]] = relationship(
        cascade="all, delete-orphan", order_by="CourseApproval.id", lazy="selectin"
    )
    sessions: Mapped[list[CourseSession]] = relationship(
        back_populates="course", order_by="CourseSession.start_date", viewonly=True
    )


class CourseApproval(ApprovalReview, Base):
    """A course-level approval, e.g. an NCBTMB course approval number."""

    __tablename__ = "course_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    authority: Mapped[str] = mapped_column(String(40))
    authority_name: Mapped[str | None] = mapped_column(String(300))
    number: Mapped[str | None] = mapped_column(String(100))
    valid_until: Mapped[dt.date | None] = mapped_column(Date)


class CourseSession(Base):
    """A scheduled offering of a course (schema.org CourseInstance).

    Dates and times are local to the session's place; ``timezone`` is an IANA name or a
    fixed UTC offset such as ``-05:00``. Self-paced sessions usually have no dates but an
    enrolment window (``registration_opens`` to ``registration_deadline``) and an access period.
    """

    __tablename__ = "course_session"
    __table_args__ = (Index("ix_course_session_start", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(KEY, unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    timezone: Mapped[str | None] = mapped_column(String(64))
    registration_opens: Mapped[dt.date | None] = mapped_column(Date)
    access_days: Mapped[int | None]
    workload_hours: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    meeting_pattern: Mapped[list[dict[str, Any]]] = mapped_column(JSONList, default=list)
    venue: Mapped[str | None] = mapped_column(String(300))
    street: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(60))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    price: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    currency: Mapped[str | None] = mapped_column(String(3))
    early_price: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    early_price_until: Mapped[dt.date | None] = mapped_column(Date)
    member_price: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    seats_total: Mapped[int | None]
    seats_remaining: Mapped[int | None]
    registration_deadline: Mapped[dt.date | None] = mapped_column(Date)
    registration_url: Mapped[str | None] = mapped_column(String(1000))
    instructors: Mapped[list[str]] = mapped_column(JSONList, default=list)
    hands_on_hours: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    supervised_hours: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    content_hash: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Provenance (see ``store.Origin``): how the session last arrived and when last seen.
    origin_kind: Mapped[str | None] = mapped_column(String(20))
    origin: Mapped[str | None] = mapped_column(String(1000))
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    course: Mapped[Course] = relationship(back_populates="sessions", lazy="joined")


class Program(Base):
    """A school's structured program: ordered requirement groups of courses.

    ``structure`` is a list of ``{"title", "choose", "courses"}`` groups in order; ``choose``
    is how many of the group's course keys are required (null: all of them).
    """

    __tablename__ = "program"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(KEY, unique=True)
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    total_hours: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    credential_awarded: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(1000))
    structure: Mapped[list[dict[str, Any]]] = mapped_column(JSONList, default=list)
    content_hash: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    provider: Mapped[Provider | None] = relationship(lazy="joined")


class CourseTerm(Base):
    """A knowledge-base term a course teaches or names, as the course reader found it.

    ``kind`` is conditions, techniques, competencies or categories; ``centrality`` primary,
    secondary or mentioned; ``provenance`` inferred (read from the text), declared (the
    provider's own tag) or confirmed (by an administrator, never overwritten by a re-read);
    ``evidence`` the phrase that gave it; ``kb_version`` the KB the reading used.
    """

    __tablename__ = "course_term"
    __table_args__ = (Index("ix_course_term_lookup", "kind", "term", "centrality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    term: Mapped[str] = mapped_column(String(100))
    centrality: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(String(300))
    provenance: Mapped[str] = mapped_column(String(10))
    kb_version: Mapped[str] = mapped_column(String(20))


class CourseReading(Base):
    """When the course reader last read a course: the course's content hash and the KB
    version it read with. A course whose hash or KB version differs is read again."""

    __tablename__ = "course_reading"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("course.id", ondelete="CASCADE"), primary_key=True
    )
    content_hash: Mapped[str] = mapped_column(String(32))
    kb_version: Mapped[str] = mapped_column(String(20))

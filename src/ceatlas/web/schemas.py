"""Typed response models of the JSON API (they make the OpenAPI schema accurate)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from ceatlas.kb import (
    BodyRegion,
    Category,
    Competency,
    Condition,
    Jurisdiction,
    Pathway,
    Technique,
)

# Ids are INTEGER columns: 32 bits in PostgreSQL. Larger values are refused as invalid.
MAX_ID = 2**31 - 1


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


#: a moment the database keeps as naive UTC, given out with its offset ("...+00:00"), as
#: the documented date-time format asks
UtcDateTime = Annotated[dt.datetime, AfterValidator(_as_utc)]


class ErrorDetail(BaseModel):
    message: str = Field(description="What is wrong, for a person to read.")
    field: str | None = Field(None, description="The query or path parameter at fault.")


class ErrorBody(ErrorDetail):
    errors: list[ErrorDetail] = Field(
        default_factory=list, description="Every problem found (validation errors)."
    )


class ErrorResponse(BaseModel):
    """The body of every error answer of the API."""

    error: ErrorBody


ApprovalStatus = Literal["declared", "verified", "rejected", "expired"]


class Approval(BaseModel):
    authority: str = Field(description="NCBTMB, FSMTB, AMTA, AMMA, state:XX or other.")
    authority_name: str | None = None
    number: str | None = None
    valid_until: dt.date | None = None
    label: str = Field(description="Human-readable summary, e.g. 'NCBTMB approved provider'.")
    status: ApprovalStatus = Field(
        description="Whether the claim was checked against the authority's listing: "
        "'declared' (the provider's word, not yet checked), 'verified' (checked and found), "
        "'rejected' (not found or refused; it does not count) or 'expired' (lapsed; it does "
        "not count)."
    )
    status_label: str = Field(
        description="The status in words: 'verified', 'declared by the provider', 'rejected', "
        "'expired'."
    )


class TermRef(BaseModel):
    """A knowledge-base entry a course refers to."""

    id: str
    name: str
    url: str | None = Field(None, description="The knowledge page, when the KB knows the id.")


class ProviderSummary(BaseModel):
    id: int
    key: str
    name: str
    is_sample: bool
    url: str = Field(description="This provider's page on this site.")


class SessionSummary(BaseModel):
    id: int
    key: str
    course_id: int
    mode: str
    mode_label: str
    start_date: dt.date | None = None
    start_time: dt.time | None = None
    end_date: dt.date | None = None
    end_time: dt.time | None = None
    timezone: str | None = None
    city: str | None = None
    region: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    seats_remaining: int | None = None
    ics_url: str | None = Field(None, description="Calendar file, when the session has dates.")


class Session(SessionSummary):
    registration_opens: dt.date | None = None
    registration_deadline: dt.date | None = None
    registration_url: str | None = None
    access_days: int | None = None
    workload_hours: Decimal | None = None
    meeting_pattern: list[dict[str, Any]] = []
    venue: str | None = None
    street: str | None = None
    postal_code: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    early_price: Decimal | None = None
    early_price_until: dt.date | None = None
    member_price: Decimal | None = None
    seats_total: int | None = None
    instructors: list[str] = []
    hands_on_hours: Decimal | None = None
    supervised_hours: Decimal | None = None


class SessionDetail(Session):
    course: CourseSummary
    provider: ProviderSummary | None = None


class CourseSummary(BaseModel):
    id: int
    key: str
    title: str
    ce_hours: Decimal | None = None
    level: str | None = None
    url: str = Field(description="This course's page on this site.")


class Prerequisite(BaseModel):
    kind: str
    value: str


class Course(BaseModel):
    id: int
    key: str
    title: str
    description: str | None = None
    course_code: str | None = None
    ce_hours: Decimal | None = None
    workload_hours: Decimal | None = None
    level: str | None = None
    language: str | None = None
    techniques: list[TermRef] = []
    conditions: list[TermRef] = []
    competencies: list[TermRef] = []
    ce_categories: list[TermRef] = []
    body_regions: list[str] = []
    prerequisites: list[Prerequisite] = []
    credential_awarded: str | None = None
    provider_url: str | None = Field(None, description="The provider's own page for the course.")
    provider: ProviderSummary | None = None
    approvals: list[Approval] = Field(default_factory=list, description="Course approvals.")
    provider_approvals: list[Approval] = []
    sessions: list[Session] = []
    is_sample: bool = False


class Provider(BaseModel):
    id: int
    key: str
    name: str
    kind: str
    description: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    is_sample: bool
    approvals: list[Approval] = []
    standing: Literal["pending", "provisional", "verified"] = Field(
        description="The provider's standing from its own approvals: 'verified' (one was "
        "checked against the approver's listing and is current), 'provisional' (approvals "
        "declared, none checked yet) or 'pending' (none that could be checked)."
    )
    standing_label: str = Field(description="The standing in words.")
    courses: list[CourseSummary] = []
    programs: list[ProgramSummary] = []


class ProgramSummary(BaseModel):
    id: int
    key: str
    name: str
    total_hours: Decimal | None = None
    url: str


class ProgramCourse(BaseModel):
    key: str
    course: CourseSummary | None = Field(
        None, description="The catalog course, or null when the program names an unknown key."
    )


class ProgramGroup(BaseModel):
    title: str
    choose: int | None = Field(None, description="How many to take; null means all.")
    courses: list[ProgramCourse]


class Program(BaseModel):
    id: int
    key: str
    name: str
    description: str | None = None
    total_hours: Decimal | None = Field(None, description="Hours the program states.")
    course_hours: Decimal = Field(
        description="CE hours of the required courses (for 'choose N', the N smallest)."
    )
    credential_awarded: str | None = None
    website: str | None = None
    provider: ProviderSummary | None = None
    groups: list[ProgramGroup]
    is_sample: bool = False
    missing_courses: int = Field(
        0, description="Course keys of the program that are not in the catalog."
    )
    price_from: Decimal | None = Field(
        None,
        description="The required courses at their cheapest upcoming session (for 'choose N', "
        "the N cheapest), in USD; None when no required course has a price.",
    )
    unpriced_courses: int = Field(
        0, description="Required courses in the catalog with no upcoming priced USD session."
    )


class DirectoryApproval(Approval):
    current: bool = Field(description="False once valid_until has passed.")


class ProviderListRow(BaseModel):
    """A provider in the directory, with the facts people choose by."""

    id: int
    name: str
    url: str = Field(description="This provider's page on this site.")
    place: str | None = Field(None, description="City and state, as the provider gives them.")
    city: str | None = None
    region: str | None = None
    courses: int = Field(description="Courses in the catalog.")
    upcoming_sessions: int = Field(
        description="Sessions starting today or later, and undated self-paced ones."
    )
    modes: list[str] = Field(
        description="Modes of the upcoming sessions: in_person, live_online, "
        "self_paced_online or hybrid."
    )
    mode_labels: list[str] = Field(description="The same modes in words, e.g. 'Live online'.")
    approvals: list[DirectoryApproval] = Field(
        description="The provider's approvals as stored (none when none are published)."
    )
    is_sample: bool


class ProviderList(BaseModel):
    rows: list[ProviderListRow]
    total: int = Field(description="Providers matching q, on every page.")
    page: int = Field(description="This page (the last one when a later page was asked for).")
    pages: int
    per_page: int


class ProgramListRow(BaseModel):
    """A program in the directory, with the facts people choose by."""

    id: int
    name: str
    url: str = Field(description="This program's page on this site.")
    provider: ProviderSummary | None = None
    total_hours: Decimal | None = Field(None, description="Hours the school states.")
    course_hours: Decimal = Field(
        description="CE hours of the required courses (for 'choose N', the N shortest)."
    )
    hours_note: str | None = Field(
        None, description="Why total_hours and course_hours differ, when they do."
    )
    credential_awarded: str | None = None
    courses: int = Field(description="Distinct courses the program names.")
    required_courses: int = Field(description="Courses of groups where all are required.")
    elective_courses: int = Field(description="Courses of 'choose N of these' groups.")
    electives_to_choose: int = Field(description="How many of the elective courses to take.")
    missing_courses: int = Field(description="Course keys of the program not in the catalog.")
    lowest_price: Decimal | None = Field(
        None, description="Lowest price of an upcoming session of its courses, in USD."
    )
    highest_price: Decimal | None = Field(
        None, description="Highest price of an upcoming session of its courses, in USD."
    )
    unpriced_courses: int = Field(
        description="Its courses in the catalog with no upcoming session priced in USD."
    )
    next_start: dt.date | None = Field(
        None, description="Earliest start date of an upcoming session of its courses."
    )
    starts_any_time: bool = Field(
        description="A course of the program has a self-paced session to start any time."
    )
    is_sample: bool


class ProgramList(BaseModel):
    rows: list[ProgramListRow]
    total: int = Field(description="Programs matching q, on every page.")
    page: int = Field(description="This page (the last one when a later page was asked for).")
    pages: int
    per_page: int


class KBEntrySummary(BaseModel):
    id: str
    name: str
    url: str


class KBList(BaseModel):
    kind: str
    version: str = Field(description="The knowledge-base data version.")
    entries: list[KBEntrySummary]


KBEntryModel = Condition | Technique | Competency | Pathway | Jurisdiction | Category | BodyRegion


class KBEntry(BaseModel):
    kind: str
    id: str
    name: str
    entry: KBEntryModel = Field(description="The entry as the knowledge base holds it.")
    courses: list[CourseSummary] = Field(
        default_factory=list, description="Upcoming catalog courses about this entry."
    )


SessionDetail.model_rebuild()
Provider.model_rebuild()


def file_response(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The documented 200 of a route that answers a file (a PDF, an iCalendar file), so
    that the API description does not promise JSON."""
    schema = {"type": "string", "format": "binary"}
    return {200: {"description": description, "content": {media_type: {"schema": schema}}}}

"""What a search returns: hits that explain themselves, facets and the query's reading."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field


class CourseInfo(BaseModel):
    """A result's course. ``techniques``, ``conditions``, ``competencies`` and
    ``ce_categories`` are what the course reader found the course teaches centrally or in
    part (terms only mentioned in passing are left out), not the provider's own tags."""

    id: int
    key: str
    title: str
    provider_key: str | None = None
    provider_name: str | None = None
    ce_hours: Decimal | None = None
    level: str | None = None
    language: str | None = None
    techniques: list[str] = []
    conditions: list[str] = []
    competencies: list[str] = []
    ce_categories: list[str] = []
    regions: list[str] = Field(
        default_factory=list, description="Body regions the course works on (KB ids)."
    )
    primary_terms: list[str] = Field(
        default_factory=list,
        description="What the course is mainly about, as 'kind:id' (e.g. 'conditions:sciatica').",
    )
    url: str | None = None


class SessionInfo(BaseModel):
    id: int
    key: str
    mode: str
    start_date: dt.date | None = None
    start_time: dt.time | None = None
    end_date: dt.date | None = None
    end_time: dt.time | None = None
    timezone: str | None = None
    meeting_pattern: list[dict[str, Any]] = []
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    price: Decimal | None = None
    currency: str | None = None
    seats_remaining: int | None = None
    registration_deadline: dt.date | None = None
    registration_url: str | None = None


class Explanation(BaseModel):
    """Why a result is here."""

    matched_terms: list[str] = Field(
        default_factory=list, description="Words of the course's text that the query matched."
    )
    expansions: list[str] = Field(
        default_factory=list,
        description="Synonyms/expansions/corrections that this result matched through.",
    )
    distance: str | None = None
    counts_for: list[str] = Field(
        default_factory=list, description="Why the course counts for the chosen state."
    )


class SessionHit(BaseModel):
    session: SessionInfo
    course: CourseInfo
    score: float | None = None
    distance_km: float | None = None
    distance_miles: float | None = None
    explanation: Explanation


class CourseHit(BaseModel):
    course: CourseInfo
    score: float | None = None
    sessions_matching: int
    sessions: list[SessionHit]
    explanation: Explanation


class FacetCount(BaseModel):
    value: str
    label: str
    count: int


class Interpretation(BaseModel):
    """How the free text was read."""

    concepts: list[str] = []
    expansions: list[str] = []
    corrections: list[str] = []
    ignored_words: list[str] = []


class ComplaintReading(BaseModel):
    """Words read as a client's complaint, and the condition searched for instead."""

    words: str
    condition: str = Field(description="The KB condition id searched for (the likeliest).")
    condition_name: str
    conditions: list[str] = Field(
        default_factory=list,
        description="Every condition searched for: the words can describe several equally "
        "well (courses about any of them are shown).",
    )
    names: str = Field("", description='Every condition searched for, in words ("A or B").')
    techniques: list[str] = Field(
        default_factory=list,
        description="Names of the techniques the knowledge base lists for the conditions "
        "(generic ones left out): courses on them follow from techniques_from.",
    )
    confidence: float
    via: str = Field(description="The KB term or phrase the words matched.")
    sentence: str = Field(description="How to say it on a page.")


class Relaxation(BaseModel):
    """One filter taken away or widened, and what the search finds then."""

    label: str = Field(description="What changes, in the therapist's words.")
    total: int = Field(description="Sessions, or courses when grouped, found with it.")
    changes: dict[str, Any] = Field(
        description="The query fields to set (null: take the filter away)."
    )


class NothingFound(BaseModel):
    """Why nothing matched, and what would."""

    unmatched_words: list[str] = Field(
        default_factory=list, description="Words of the text that no course matches."
    )
    relaxations: list[Relaxation] = Field(
        default_factory=list,
        description="Each filter taken away or widened on its own, most results first "
        "(only those that find something).",
    )


class ResolvedPlace(BaseModel):
    label: str
    latitude: float
    longitude: float
    radius_km: float | None = None


class SearchResult(BaseModel):
    total: int = Field(description="Matching sessions, or courses when grouped.")
    page: int
    per_page: int
    pages: int
    sort: str
    grouped: bool
    results: list[SessionHit] = []
    courses: list[CourseHit] = []
    facets: dict[str, list[FacetCount]] = {}
    interpretation: Interpretation = Interpretation()
    place: ResolvedPlace | None = None
    warnings: list[str] = []
    read_as_complaint: ComplaintReading | None = None
    some_words_only: bool = Field(
        False,
        description="No course holds every part of the text (with these filters), so these "
        "hold some of it, the closest first.",
    )
    some_words_from: int | None = Field(
        None,
        description="Every full match fits on this first page; the results from this "
        "position on (0-based) follow them and hold only some of the words.",
    )
    mentions_from: int | None = Field(
        None,
        description="With read_as_complaint: every course about the condition fits on this "
        "first page; the results from this position on (0-based) follow them and mention the "
        "condition (its name or a synonym) without being about it.",
    )
    techniques_from: int | None = Field(
        None,
        description="With read_as_complaint: the results from this position on (0-based) "
        "are courses on techniques the knowledge base lists for the condition (see "
        "read_as_complaint.techniques), after the courses about it and those naming it.",
    )
    nothing_found: NothingFound | None = Field(
        None,
        description="When nothing matched every word and filter: why, and what would (see "
        "relax.py); also given with some_words_only.",
    )

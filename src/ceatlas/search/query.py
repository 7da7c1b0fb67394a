"""The one search query model, shared by the library, the CLI and the HTTP API.

Every field has a flat, query-string-friendly form: lists may be given as repeated values
or as one comma-separated string (``modes=in_person,live_online``), so
``SearchQuery.from_params(request.query_params.multi_items())`` works as-is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Mode = Literal["self_paced_online", "live_online", "in_person", "hybrid"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
TimeOfDay = Literal["morning", "afternoon", "evening"]
Sort = Literal["relevance", "price", "start_date", "distance", "hours_per_dollar"]
Unit = Literal["mi", "km"]

MODES: tuple[str, ...] = ("self_paced_online", "live_online", "in_person", "hybrid")
ONLINE_MODES: tuple[str, ...] = ("self_paced_online", "live_online")
WEEKDAYS: tuple[str, ...] = (
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
)
_DAY_ALIASES = {d[:3]: d for d in WEEKDAYS} | {d: d for d in WEEKDAYS}
_DAY_GROUPS = {
    "weekend": ["saturday", "sunday"],
    "weekends": ["saturday", "sunday"],
    "weekday": list(WEEKDAYS[1:6]),
    "weekdays": list(WEEKDAYS[1:6]),
}
# Local start time bands, in minutes after midnight: [start, end).
TIME_BANDS: dict[str, tuple[int, int]] = {
    "morning": (0, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 24 * 60),
}
MAX_PER_PAGE = 100
MAX_TEXT = 10_000

_LIST_FIELDS = (
    "modes",
    "days",
    "time_of_day",
    "categories",
    "levels",
    "techniques",
    "conditions",
    "competencies",
    "providers",
    "languages",
)


def _split(value: Any) -> Any:
    """Accept a list, a comma-separated string, or repeated values; drop blanks."""
    if value is None:
        return []
    # A JSON body may send anything: a non-list (a number, a bool) is one item, for the
    # field's own validation to refuse (never a TypeError, which would be a 500).
    items = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


class SearchQuery(BaseModel):
    """What to search for. Every filter is optional; an empty query lists everything."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    q: str | None = Field(None, description="Free text; any string is safe.")
    literal: bool = Field(
        False,
        description="Search the words as written. By default, words that find nothing are "
        "read as a client's complaint (\"can't lift my arm over my head\") and the search "
        "runs for that condition instead, saying so in read_as_complaint.",
    )
    any_words: bool = Field(
        False,
        description="Courses holding any part of the text match, those holding more (and "
        "rarer) parts first; by default a course must hold every part.",
    )
    # budget
    # Upper bounds keep values inside the database's 64-bit integers (cents, hundredths).
    max_price: Decimal | None = Field(
        None, ge=0, le=1_000_000_000, description="Highest price (free matches)."
    )
    currency: str = Field("USD", min_length=3, max_length=3)
    # schedule
    date_from: dt.date | None = Field(
        None,
        description="First start date (default: today). Sessions that started before it "
        "are left out; without any date filter, sessions without a date still show.",
    )
    date_to: dt.date | None = None
    days: list[Weekday] = Field(
        default_factory=list, description="Meets only on these days (e.g. saturday,sunday)."
    )
    time_of_day: list[TimeOfDay] = Field(default_factory=list)
    include_self_paced: bool = Field(
        True, description="Self-paced sessions pass the schedule filters (false: excluded)."
    )
    # way of learning
    modes: list[Mode] = Field(default_factory=list)
    # place
    near: str | None = Field(None, description="US ZIP code, 'City, ST' or a places key.")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius: float | None = Field(None, gt=0, le=20_000)
    unit: Unit = "mi"
    # course
    min_hours: Decimal | None = Field(None, ge=0, le=1_000_000)
    max_hours: Decimal | None = Field(None, ge=0, le=1_000_000)
    state: str | None = Field(None, description="Counts for this jurisdiction (e.g. FL).")
    categories: list[str] = Field(default_factory=list)
    levels: list[str] = Field(default_factory=list)
    techniques: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    competencies: list[str] = Field(default_factory=list)
    pathway: str | None = None
    providers: list[str] = Field(default_factory=list, description="Provider keys or names.")
    languages: list[str] = Field(default_factory=list)
    min_seats: int | None = Field(None, ge=1, le=1_000_000)
    registration_open: bool = False
    # presentation
    sort: Sort | None = Field(None, description="Default: relevance with text, else start_date.")
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE)
    group_by_course: bool = False
    facets: bool = True

    @field_validator("q")
    @classmethod
    def _trim_text(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value[:MAX_TEXT].strip()
        return value or None

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("state")
    @classmethod
    def _state(cls, value: str | None) -> str | None:
        return value.upper() if value else None

    @field_validator(*_LIST_FIELDS, mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _split(value)

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        days: list[str] = []
        for item in _split(value):
            key = str(item).lower()
            found = _DAY_GROUPS.get(key) or ([_DAY_ALIASES[key]] if key in _DAY_ALIASES else [key])
            days.extend(d for d in found if d not in days)
        return days

    @field_validator("modes", "time_of_day", mode="before")
    @classmethod
    def _lower_list(cls, value: Any) -> Any:
        return [str(v).lower().replace("-", "_") for v in _split(value)]

    @model_validator(mode="after")
    def _coherent(self) -> SearchQuery:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        if self.near and self.lat is not None:
            raise ValueError("give either near or lat/lon, not both")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        if (
            self.min_hours is not None
            and self.max_hours is not None
            and self.min_hours > self.max_hours
        ):
            raise ValueError("min_hours is above max_hours")
        return self

    @property
    def has_place(self) -> bool:
        return bool(self.near) or self.lat is not None

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return "relevance" if self.q else "start_date"

    @classmethod
    def from_params(cls, params: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> SearchQuery:
        """Build from flat key/value pairs (a query string); repeated keys make lists."""
        items = params.items() if isinstance(params, Mapping) else params
        merged: dict[str, Any] = {}
        for key, value in items:
            if key in merged and key in (*_LIST_FIELDS,):
                previous = merged[key]
                merged[key] = [*_split(previous), *_split(value)]
            else:
                merged[key] = value
        return cls.model_validate(merged)

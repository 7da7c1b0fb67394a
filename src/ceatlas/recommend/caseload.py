"""What a therapist tells us: the complaints their clients bring, and their own constraints.

A caseload holds complaints (free text or a knowledge-base condition) and how many clients a
month bring each one. It never holds anything about who the clients are: unknown fields are
refused, and fields or values that look like client identifiers are refused by name.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ceatlas.recommend.privacy import identifier_field, identifier_in_text, identifier_message
from ceatlas.search.query import _DAY_ALIASES, _DAY_GROUPS, Mode, TimeOfDay, Weekday, _split

MAX_COMPLAINTS = 200
MAX_TEXT = 300

RankBy = Literal["dollar", "hour"]


class IdentifierError(ValueError):
    """A caseload field or value looks like a client identifier."""


def refuse_identifier_fields(data: Any, where: str) -> None:
    """Refuse a mapping with a key that names a client identifier (a name, a birth date)."""
    if not isinstance(data, dict):
        return
    for key in data:
        what = identifier_field(str(key))
        if what is not None:
            raise IdentifierError(identifier_message(f"{where}field {key!r}", what))


class Complaint(BaseModel):
    """One complaint: free text in the client's or the therapist's words, or a KB condition."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str | None = Field(
        None,
        max_length=MAX_TEXT,
        description="The complaint in words ('pain shooting down my leg'); no client names.",
    )
    condition: str | None = Field(
        None, max_length=100, description="A knowledge-base condition id or name instead of text."
    )
    clients_per_month: float = Field(
        gt=0, le=10_000, description="How many clients a month bring this complaint."
    )

    @model_validator(mode="before")
    @classmethod
    def _no_identifier_fields(cls, data: Any) -> Any:
        refuse_identifier_fields(data, "")
        return data

    @field_validator("clients_per_month", mode="before")
    @classmethod
    def _count(cls, value: Any) -> Any:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"the count must be a number of clients a month, not {str(value)[:20]!r}"
            ) from None
        if not 0 < number <= 10_000:
            limits = "above 0 and at most 10,000 clients a month"
            raise ValueError(f"the count must be {limits}, not {str(value)[:20]}")
        return number

    @field_validator("text", "condition")
    @classmethod
    def _no_identifier_values(cls, value: str | None, info: Any) -> str | None:
        if value is None:
            return None
        what = identifier_in_text(value)
        if what is not None:
            raise IdentifierError(identifier_message(str(info.field_name), what))
        return value or None

    @model_validator(mode="after")
    def _one_of(self) -> Complaint:
        if not self.text and not self.condition:
            raise ValueError("give the complaint as text or as a knowledge-base condition")
        return self

    @property
    def label(self) -> str:
        return self.text or self.condition or ""


class Caseload(BaseModel):
    """The complaints a therapist sees, with how often; nothing about who the clients are."""

    model_config = ConfigDict(extra="forbid")

    complaints: list[Complaint] = Field(min_length=1, max_length=MAX_COMPLAINTS)

    @model_validator(mode="before")
    @classmethod
    def _no_identifier_fields(cls, data: Any) -> Any:
        refuse_identifier_fields(data, "")
        return data

    @property
    def clients_per_month(self) -> float:
        return sum(c.clients_per_month for c in self.complaints)


# "text: count"; anything number-like after the colon is the count, checked as written
_COUNTED = re.compile(r"^(?P<text>.+?)\s*[:=]\s*(?P<count>[-+]?\.?\d[\d.,]*)\s*$")


def parse_complaint(spec: str) -> Complaint:
    """``"sciatica:9"`` or ``"pain down my leg = 4"`` -> a complaint (1 a month without a count).

    A spec that is exactly a KB condition id is *not* special here: the matcher resolves
    every text, and an exact id or name resolves with full confidence.
    """
    found = _COUNTED.match(spec)
    if found:
        # the count as written: "-3" or "0" is refused by the model, never turned into 1
        return Complaint.model_validate(
            {"text": found["text"], "clients_per_month": found["count"]}
        )
    return Complaint(text=spec, clients_per_month=1)


class Constraints(BaseModel):
    """The therapist's own limits, passed on to search (all optional)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    near: str | None = Field(None, description="Home ZIP code, 'City, ST' or a places key.")
    radius_miles: float | None = Field(
        None, gt=0, le=5_000, description="How far you travel for in-person classes (50 if near)."
    )
    budget: Decimal | None = Field(
        None, ge=0, le=1_000_000, description="Most you would pay for one course."
    )
    currency: str = Field("USD", min_length=3, max_length=3)
    modes: list[Mode] = Field(default_factory=list)
    days: list[Weekday] = Field(default_factory=list)
    time_of_day: list[TimeOfDay] = Field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    state: str | None = Field(None, description="Only courses that count for this state.")
    rank_by: RankBy = Field("dollar", description="Rank courses by coverage per dollar or hour.")

    @field_validator("modes", "time_of_day", mode="before")
    @classmethod
    def _lower_list(cls, value: Any) -> Any:
        return [str(v).lower().replace("-", "_") for v in _split(value)]

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        days: list[str] = []
        for item in _split(value):
            key = str(item).lower()
            found = _DAY_GROUPS.get(key) or ([_DAY_ALIASES[key]] if key in _DAY_ALIASES else [key])
            days.extend(d for d in found if d not in days)
        return days

    @field_validator("state")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Constraints:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self

    @classmethod
    def from_profile(cls, profile: Any, **overrides: Any) -> Constraints:
        """Constraints from a :class:`ceatlas.accounts.models.TherapistProfile`."""
        km = getattr(profile, "max_travel_km", None)
        values: dict[str, Any] = {
            "near": getattr(profile, "home_postal_code", None),
            "radius_miles": km / 1.609344 if km else None,
            "budget": getattr(profile, "budget", None),
            "currency": getattr(profile, "currency", None) or "USD",
            "modes": list(getattr(profile, "preferred_modes", None) or []),
            "days": list(getattr(profile, "available_days", None) or []),
            "time_of_day": list(getattr(profile, "available_times", None) or []),
        }
        values.update(overrides)
        return cls.model_validate({k: v for k, v in values.items() if v is not None})

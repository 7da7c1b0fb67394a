"""What a provider types or sends to publish a listing: the input models of courses,
sessions and programs (checked field by field, errors naming the field), and their
schema.org JSON-LD, which :class:`ceatlas.catalog.publishing.Publisher` reads like any
import."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zoneinfo
from decimal import Decimal
from typing import Annotated, Any, Literal

import zipcodes
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Mode = Literal["in_person", "live_online", "self_paced_online", "hybrid"]
MAX_UPLOAD = 20 * 1024 * 1024
MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class PublishError(Exception):
    """A write cannot be done: ``field`` names the input at fault, ``status`` the HTTP status."""

    def __init__(self, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


# --- input models (the API's bodies; the forms fill the same models) ------------------------


def _blank_to_none(values: Any) -> Any:
    if isinstance(values, dict):
        return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in values.items()}
    return values


def _word_list(value: Any) -> Any:
    """A list, or one string of items separated by commas or new lines."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,\n]", value) if part.strip()]
    return value


def checked_web_url(value: str | None) -> str | None:
    if value is not None and not re.match(r"^https?://[^\s/]+\.[^\s]+$", value):
        raise ValueError("enter a web address starting with https://")
    return value


Term = Annotated[str, Field(min_length=1, max_length=200)]


class CourseIn(BaseModel):
    """A course as a provider writes it (sessions are written separately)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=500)
    description: str | None = Field(None, max_length=20_000)
    course_code: str | None = Field(None, max_length=100)
    ce_hours: Decimal | None = Field(None, ge=0, le=1000, decimal_places=2)
    level: str | None = Field(None, max_length=40)
    language: str | None = Field(None, max_length=20, description="e.g. en, es")
    techniques: list[Term] = Field(default_factory=list, max_length=50)
    conditions: list[Term] = Field(default_factory=list, max_length=50)
    credential_awarded: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=1000, description="The course's page (https://).")
    ce_categories: list[Term] | None = Field(
        None,
        max_length=20,
        description="CE subject categories, by their knowledge-base names (ethics, medical "
        "errors, ...); an unknown one is refused. Omitted on an update: kept as stored.",
    )
    approvals: list[Term] | None = Field(
        None,
        max_length=20,
        description="Approvals the course holds, each AUTHORITY:number (NCBTMB:451234, "
        "FL:MCE1234 for the Florida board; NCBTMB, FSMTB, AMTA, ABMP, AMMA or a state's "
        "two-letter code). Saved as declared by the provider until an administrator checks "
        "them. Omitted on an update: kept as stored.",
    )

    _blanks = model_validator(mode="before")(_blank_to_none)

    @field_validator("techniques", "conditions", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _word_list(value)

    @field_validator("ce_categories", "approvals", mode="before")
    @classmethod
    def _kept_lists(cls, value: Any) -> Any:
        return None if value is None else _word_list(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return checked_web_url(value)


class SessionIn(BaseModel):
    """One dated (or self-paced) offering of a course."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    mode: Mode
    start_date: dt.date | None = None
    start_time: dt.time | None = None
    end_date: dt.date | None = None
    end_time: dt.time | None = None
    timezone: str | None = Field(None, max_length=64, description="e.g. America/New_York")
    venue: str | None = Field(None, max_length=300)
    street: str | None = Field(None, max_length=300)
    city: str | None = Field(None, max_length=120)
    region: str | None = Field(None, max_length=120, description="State, e.g. FL")
    postal_code: str | None = Field(None, max_length=10, description="US ZIP code")
    price: Decimal | None = Field(None, ge=0, le=100_000, decimal_places=2)
    currency: str = Field("USD", min_length=3, max_length=3)
    seats_total: int | None = Field(None, ge=0, le=100_000)
    seats_remaining: int | None = Field(None, ge=0, le=100_000)
    registration_url: str | None = Field(None, max_length=1000)
    instructors: list[Term] = Field(default_factory=list, max_length=20)

    _blanks = model_validator(mode="before")(_blank_to_none)

    @field_validator("instructors", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _word_list(value)

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, value: Any) -> Any:
        if value is None:
            return "USD"
        if isinstance(value, str) and not _CURRENCY.match(value.strip().upper()):
            raise ValueError("enter a 3-letter currency code such as USD")
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError("enter a time zone such as America/New_York") from None
        return value

    @field_validator("postal_code")
    @classmethod
    def _zip(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _ZIP.match(value) or not zipcodes.matching(value[:5]):  # type: ignore[no-untyped-call]
            raise ValueError("enter a known 5-digit US ZIP code")
        return value

    @field_validator("registration_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return checked_web_url(value)

    @model_validator(mode="after")
    def _rules(self) -> SessionIn:
        if self.mode in ("in_person", "hybrid") and self.postal_code is None:
            raise _field_error("postal_code", "an in-person session needs its venue's ZIP code")
        if self.mode != "self_paced_online" and self.start_date is None:
            raise _field_error("start_date", "a scheduled session needs a start date")
        return self


class ProgramGroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(None, max_length=300)
    choose: int | None = Field(None, ge=1, le=500, description="How many are required (all).")
    courses: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=500)


class ProgramIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=500)
    description: str | None = Field(None, max_length=20_000)
    total_hours: Decimal | None = Field(None, ge=0, le=100_000, decimal_places=2)
    credential_awarded: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=1000)
    groups: list[ProgramGroupIn] = Field(default_factory=list, max_length=50)

    _blanks = model_validator(mode="before")(_blank_to_none)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return checked_web_url(value)


class _FieldError(ValueError):
    pass


def _field_error(field: str, message: str) -> ValueError:
    # A model-level rule that names its field: pydantic reports it at the model, so the
    # message starts with the field name for ``field_of_message`` to find.
    return _FieldError(f"{field}: {message}")


def field_of_message(message: str) -> tuple[str | None, str]:
    """Split "field: message" made by a model-level rule."""
    text = message.removeprefix("Value error, ")
    name, sep, rest = text.partition(": ")
    if sep and re.fullmatch(r"[a-z_]+", name):
        return name, rest
    return None, text


# --- JSON-LD builders (pure) ----------------------------------------------------------------

COURSE_PATHS = {
    "name": "title",
    "description": "description",
    "courseCode": "course_code",
    "numberOfCredits": "ce_hours",
    "educationalLevel": "level",
    "inLanguage": "language",
    "technique": "techniques",
    "condition": "conditions",
    "educationalCredentialAwarded": "credential_awarded",
    "url": "url",
    "category": "ce_categories",
    "approval": "approvals",
}
SESSION_PATHS = {
    "courseMode": "mode",
    "startDate": "start_date",
    "endDate": "end_date",
    "timezone": "timezone",
    "location.name": "venue",
    "streetAddress": "street",
    "addressLocality": "city",
    "addressRegion": "region",
    "postalCode": "postal_code",
    "location": "postal_code",
    "offers.price": "price",
    "offers.priceCurrency": "currency",
    "offers.url": "registration_url",
    "maximumAttendeeCapacity": "seats_total",
    "remainingAttendeeCapacity": "seats_remaining",
    "instructor": "instructors",
}
PROGRAM_PATHS = {
    "name": "name",
    "description": "description",
    "numberOfCredits": "total_hours",
    "educationalCredentialAwarded": "credential_awarded",
    "url": "url",
}


def our_field(path: str, table: dict[str, str]) -> str | None:
    path = re.sub(r"^hasCourseInstance\[\d+\]\.?", "", path)
    path = re.sub(r"^requirementGroup\[\d+\].*", "groups", path)
    if path == "groups":
        return "groups"
    for suffix in sorted(table, key=len, reverse=True):
        if path == suffix or path.endswith("." + suffix) or path.startswith(suffix + "."):
            return table[suffix]
    return None


def course_jsonld(data: CourseIn, provider_key: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@type": "Course",
        "name": data.title,
        "provider": {"@id": provider_key},
        "technique": data.techniques,
        "condition": data.conditions,
    }
    optional = {
        "description": data.description,
        "courseCode": data.course_code,
        "numberOfCredits": str(data.ce_hours) if data.ce_hours is not None else None,
        "educationalLevel": data.level,
        "inLanguage": data.language,
        "educationalCredentialAwarded": data.credential_awarded,
        "url": data.url,
    }
    doc.update({k: v for k, v in optional.items() if v is not None})
    if data.ce_categories is not None:
        doc["category"] = data.ce_categories
    if data.approvals is not None:
        doc["approval"] = [_approval_node(text) for text in data.approvals]
    return doc


_NATIONAL_APPROVERS = ("NCBTMB", "FSMTB", "AMTA", "ABMP", "AMMA")


def _approval_node(text: str) -> dict[str, str]:
    authority, _, number = text.partition(":")
    if authority.strip().lower() == "state":  # state:FL:MCE1234, as in CSV
        authority, _, number = number.partition(":")
        authority = f"state:{authority.strip()}"
    node = {"authority": authority.strip()}
    if number.strip():
        node["identifier"] = number.strip()
    return node


def approval_problem(text: str, states: set[str]) -> str | None:
    """Why ``text`` (AUTHORITY:number) is not an approval the form takes, with the closest
    approvers, or None when it is one."""
    authority = _approval_node(text)["authority"]
    code = authority.upper().removeprefix("STATE:")
    if code in _NATIONAL_APPROVERS or (len(code) == 2 and code in states):
        return None
    known = [*_NATIONAL_APPROVERS, *sorted(states)]
    close = difflib.get_close_matches(code, known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return (
        f"{authority!r} in {text!r} is not an approver we know{hint} (write NCBTMB, FSMTB, "
        "AMTA, ABMP, AMMA or a state's two-letter code, then a colon and the number)"
    )


def _moment(day: dt.date | None, time: dt.time | None) -> str | None:
    if day is None:
        return None
    return f"{day.isoformat()}T{time.isoformat(timespec='minutes')}" if time else day.isoformat()


def session_jsonld(data: SessionIn) -> dict[str, Any]:
    doc: dict[str, Any] = {"@type": "CourseInstance", "courseMode": data.mode}
    end_date = data.end_date or (data.start_date if data.end_time else None)
    optional: dict[str, Any] = {
        "startDate": _moment(data.start_date, data.start_time),
        "endDate": _moment(end_date, data.end_time),
        "timezone": data.timezone,
        "maximumAttendeeCapacity": data.seats_total,
        "remainingAttendeeCapacity": data.seats_remaining,
    }
    doc.update({k: v for k, v in optional.items() if v is not None})
    if data.instructors:
        doc["instructor"] = [{"@type": "Person", "name": n} for n in data.instructors]
    if data.price is not None or data.registration_url:
        offer: dict[str, Any] = {"@type": "Offer", "priceCurrency": data.currency}
        if data.price is not None:
            offer["price"] = str(data.price)
        if data.registration_url:
            offer["url"] = data.registration_url
        doc["offers"] = offer
    if data.mode in ("in_person", "hybrid") and data.postal_code:
        address = {
            "@type": "PostalAddress",
            "streetAddress": data.street,
            "addressLocality": data.city,
            "addressRegion": data.region,
            "postalCode": data.postal_code,
            "addressCountry": "US",
        }
        place: dict[str, Any] = {
            "@type": "Place",
            "address": {k: v for k, v in address.items() if v is not None},
        }
        if data.venue:
            place["name"] = data.venue
        found = zipcodes.matching(data.postal_code[:5])  # type: ignore[no-untyped-call]
        if found and found[0].get("lat") and found[0].get("long"):
            place["geo"] = {"latitude": found[0]["lat"], "longitude": found[0]["long"]}
            address = place["address"]
            address.setdefault("addressLocality", found[0]["city"].title())
            address.setdefault("addressRegion", found[0]["state"])
        doc["location"] = place
    return doc


def program_jsonld(
    data: ProgramIn, provider_key: str, course_keys: list[list[str]]
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@type": "EducationalOccupationalProgram",
        "name": data.name,
        "provider": {"@id": provider_key},
        "requirementGroup": [
            {
                "name": group.title,
                "choose": group.choose,
                "hasCourse": [{"@id": key} for key in keys],
            }
            for group, keys in zip(data.groups, course_keys, strict=True)
        ],
    }
    optional = {
        "description": data.description,
        "numberOfCredits": str(data.total_hours) if data.total_hours is not None else None,
        "educationalCredentialAwarded": data.credential_awarded,
        "url": data.url,
    }
    doc.update({k: v for k, v in optional.items() if v is not None})
    return doc


# --- the publisher --------------------------------------------------------------------------

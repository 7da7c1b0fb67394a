"""Typed models for every knowledge-base entry kind.

Values that no source confirms are stored as the literal string ``"unknown"``
(:data:`UNKNOWN`), never as ``None`` or ``0``. Values that do not apply (for
example CE hours in a state that does not regulate massage) are stored as
``"not-applicable"`` (:data:`NOT_APPLICABLE`). Use :func:`known` to turn a
possibly-unknown value into ``None`` when only confirmed numbers matter.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

Unknown = Literal["unknown"]
NotApplicable = Literal["not-applicable"]
NoLimit = Literal["no-limit"]
UNKNOWN: Unknown = "unknown"
NOT_APPLICABLE: NotApplicable = "not-applicable"
NO_LIMIT: NoLimit = "no-limit"

Hours = Annotated[int, Field(ge=0)]
HoursOrUnknown = Hours | Unknown | NotApplicable
HourLimit = Hours | Unknown | NotApplicable | NoLimit
Months = Annotated[int, Field(gt=0)]
MonthsOrUnknown = Months | Unknown | NotApplicable

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
NonEmpty = Annotated[str, Field(min_length=1)]

_T = TypeVar("_T")

APPROVER_CODES = frozenset({"NCBTMB", "FSMTB", "AMTA", "ABMP", "AMMA", "other"})
_STATE_APPROVER = re.compile(r"^state:[A-Z]{2}$")


def known(value: _T | Unknown | NotApplicable | NoLimit) -> _T | None:
    """The value if it is a confirmed one, else ``None`` (unknown, n/a or no limit)."""
    if isinstance(value, str) and value in (UNKNOWN, NOT_APPLICABLE, NO_LIMIT):
        return None
    return cast(_T, value)


def is_unknown(value: object) -> bool:
    """True when ``value`` is the explicit unknown marker."""
    return value == UNKNOWN


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(_Entry):
    """Where a fact came from, and when it was read."""

    url: NonEmpty
    title: NonEmpty
    retrieved: date
    note: str = ""

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {value!r}")
        return value


Sources = Annotated[list[Source], Field(min_length=1)]


class IcdCode(_Entry):
    """One ICD-10-CM code (or code family such as ``M41.-``) with its meaning."""

    code: Annotated[str, Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z-]{1,4})?$")]
    description: NonEmpty


class Condition(_Entry):
    """A client condition or population a therapist may study or treat."""

    id: Slug
    name: NonEmpty
    synonyms: list[NonEmpty] = []
    lay_phrases: list[NonEmpty] = []
    icd10cm: list[IcdCode] | Unknown | NotApplicable = UNKNOWN
    icd10cm_notes: str = ""
    body_regions: list[NonEmpty] = []
    techniques: list[Slug] = []
    cautions: list[NonEmpty] = []
    related: list[Slug] = []
    evidence_notes: str = ""
    confidence: Literal["high", "medium-high", "medium", "low-medium", "low"] = "medium"
    sources: Sources


class Technique(_Entry):
    """A massage technique or modality."""

    id: Slug
    name: NonEmpty
    synonyms: list[NonEmpty] = []
    abbreviations: list[NonEmpty] = []
    description: NonEmpty
    competencies: list[Slug] = []
    sources: Sources


class Competency(_Entry):
    """A body of knowledge or skill (foundational, clinical, professional or technique)."""

    id: Slug
    name: NonEmpty
    synonyms: list[NonEmpty] = []
    group: Literal["foundational", "clinical", "professional", "technique"]
    description: NonEmpty
    sources: Sources


class Category(_Entry):
    """A CE subject category (the vocabulary of mandated topic hours)."""

    id: Slug
    name: NonEmpty
    synonyms: list[NonEmpty] = []
    description: NonEmpty
    sources: Sources


StepRef = Annotated[str, Field(pattern=r"^(competency|technique):[a-z0-9]+(-[a-z0-9]+)*$")]


class Pathway(_Entry):
    """A career goal with what it takes to get there."""

    id: Slug
    name: NonEmpty
    synonyms: list[NonEmpty] = []
    description: NonEmpty
    credential: str | Unknown | NotApplicable = UNKNOWN
    competencies: list[Slug] = []
    techniques: list[Slug] = []
    min_hours: HoursOrUnknown = UNKNOWN
    in_person_min_hours: HoursOrUnknown = UNKNOWN
    supervised_min_hours: HoursOrUnknown = UNKNOWN
    prerequisite_pathways: list[Slug] = []
    prerequisites: list[NonEmpty] = []
    recommended_order: list[StepRef] = []
    notes: str = ""
    sources: Sources

    @field_validator("recommended_order")
    @classmethod
    def _order_covers_only_listed_items(cls, value: list[str], info: ValidationInfo) -> list[str]:
        listed = {f"competency:{c}" for c in info.data.get("competencies", [])}
        listed |= {f"technique:{t}" for t in info.data.get("techniques", [])}
        stray = [step for step in value if step not in listed]
        if stray:
            raise ValueError(f"steps not listed in competencies/techniques: {stray}")
        return value


class Jurisdiction(_Entry):
    """A US state, DC, or a national credential, and its CE rules."""

    id: Annotated[str, Field(pattern=r"^([A-Z]{2}|NCBTMB|AMTA)$")]
    name: NonEmpty
    kind: Literal["state", "district", "national"]
    regulated: bool
    regulation: NonEmpty
    license_title: str | Unknown | NotApplicable = UNKNOWN
    renewal_cycle_months: MonthsOrUnknown = UNKNOWN
    ce_period_months: MonthsOrUnknown = UNKNOWN
    total_hours: HoursOrUnknown = UNKNOWN
    mandated_hours: dict[Slug, Hours | Unknown] | Unknown | NotApplicable = UNKNOWN
    max_hours_by_category: dict[Slug, Hours] = {}
    required_certifications: list[Slug] = []
    online_max_hours: HourLimit = UNKNOWN
    live_min_hours: HoursOrUnknown = UNKNOWN
    hands_on_min_hours: HoursOrUnknown = UNKNOWN
    accepted_approvers: list[str] | Unknown | NotApplicable = UNKNOWN
    approvers_notes: str = ""
    first_renewal_exempt: bool | Unknown | NotApplicable = UNKNOWN
    first_renewal_notes: str = ""
    cycle_notes: str = ""
    notes: str = ""
    confidence: Literal["high", "medium-high", "medium", "low-medium", "low"] = "medium"
    sources: Sources

    @field_validator("accepted_approvers")
    @classmethod
    def _approver_codes(cls, value: list[str] | str) -> list[str] | str:
        if isinstance(value, list):
            bad = [a for a in value if a not in APPROVER_CODES and not _STATE_APPROVER.match(a)]
            if bad:
                raise ValueError(
                    f"unknown approver code(s) {bad}; use NCBTMB, FSMTB, AMTA, ABMP, AMMA, "
                    "state:XX or other"
                )
        return value

    @field_validator("total_hours")
    @classmethod
    def _unregulated_has_no_hours(cls, value: int | str, info: ValidationInfo) -> int | str:
        unregulated_state = (
            info.data.get("regulated") is False and info.data.get("kind") != "national"
        )
        if unregulated_state and isinstance(value, int) and value > 0:
            raise ValueError("an unregulated state cannot require CE hours")
        return value

    @property
    def ce_months(self) -> int | None:
        """Months over which ``total_hours`` is counted (CE period, else renewal cycle)."""
        return known(self.ce_period_months) or known(self.renewal_cycle_months)

    @property
    def known_total_hours(self) -> int | None:
        """Total CE hours per period when a source confirms them, else ``None``."""
        return known(self.total_hours)

    @property
    def mandated_topics(self) -> list[str]:
        """Category ids with a mandate (hours known or not); empty when unknown or n/a."""
        return list(self.mandated_hours) if isinstance(self.mandated_hours, dict) else []

    @property
    def known_mandated_hours(self) -> dict[str, int]:
        """Mandated topic hours a source confirms (topics with unknown hours left out)."""
        if not isinstance(self.mandated_hours, dict):
            return {}
        return {k: v for k, v in self.mandated_hours.items() if isinstance(v, int)}

    @property
    def online_unlimited(self) -> bool:
        """True when a source says all hours may be taken online / home study."""
        return self.online_max_hours == NO_LIMIT


class KBMeta(_Entry):
    """The ``kb.yaml`` header: version and release date of the data set."""

    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    date: date
    description: str = ""


Entry = Condition | Technique | Competency | Pathway | Jurisdiction | Category

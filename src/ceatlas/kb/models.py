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
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ceatlas.kb.rules import (
    ApproverRule,
    CycleRule,
    FirstRenewal,
    RuleSet,
    RuleSource,
    cited_facts,
)

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

APPROVER_CODES = frozenset({"NCBTMB", "FSMTB", "AMTA", "ABMP", "AMMA", "school", "any", "other"})
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


class Caution(_Entry):
    """A contraindication, caution or red flag, in plain words, with its own sources.

    ``when`` names the conditions (KB ids) it applies to, for a technique's caution that
    concerns particular clients (deep tissue with anticoagulant use); empty: always.
    """

    kind: Literal["contraindication", "caution", "red-flag"]
    text: NonEmpty
    when: list[Slug] = []
    sources: Sources


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
    cautions: list[Caution] = []
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
    cautions: list[Caution] = []
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


class BodyRegion(_Entry):
    """A region of the body a course or a condition concerns, in a therapist's words.

    ``conditions`` are the KB conditions felt or treated in this region: a course about
    one of them concerns the region too.
    """

    id: Slug
    name: NonEmpty
    synonyms: list[NonEmpty] = []
    conditions: list[Slug] = []
    description: NonEmpty
    sources: Sources


StepRef = Annotated[str, Field(pattern=r"^(competency|technique):[a-z0-9]+(-[a-z0-9]+)*$")]


RuleFormat = Literal["in_person", "live_online", "self_paced"]


class PathwayStandard(_Entry):
    """A requirement of a pathway's standard that a course must meet on its own: a course
    mainly about ``about``, of at least ``min_course_hours``, taught in one of
    ``delivery`` (in person, live online, self-paced), per the cited standard."""

    id: Slug
    label: NonEmpty
    about: StepRef
    min_course_hours: Hours | None = None
    delivery: list[RuleFormat] = []
    #: what the standard says a course meeting it teaches as part of it (a 135-hour CDT
    #: course gives the knowledge of lymphatic function): such a course also counts for these
    includes: list[StepRef] = []
    sources: Sources


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
    standards: list[PathwayStandard] = []
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
    """A US state, DC, or a national credential, and its CE rules (see :mod:`ceatlas.kb.rules`).

    An unregulated state (or one whose license asks no CE) has ``renewal`` and the other
    rule fields ``not-applicable``. Every fact cites one of ``sources`` by id.
    """

    id: Annotated[str, Field(pattern=r"^([A-Z]{2}|NCBTMB|AMTA)$")]
    name: NonEmpty
    kind: Literal["state", "district", "national"]
    regulated: bool
    regulation: NonEmpty
    license_title: str | Unknown | NotApplicable = UNKNOWN
    board_url: str = ""
    cycle: CycleRule | NotApplicable
    approvers: ApproverRule | NotApplicable
    renewal: RuleSet | NotApplicable
    first_renewal: FirstRenewal | NotApplicable
    reinstatement_notes: str = ""
    notes: str = ""
    confidence: Literal["high", "medium-high", "medium", "low-medium", "low"] = "medium"
    sources: Annotated[list[RuleSource], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Jurisdiction:
        ids = [s.id for s in self.sources]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"source ids used twice: {duplicates}")
        known_ids = set(ids)
        for name, fact in self.facts():
            stray = [c.source for c in fact.cite if c.source not in known_ids]
            if stray:
                raise ValueError(f"{name}: cites unknown source id(s) {stray}")
        if isinstance(self.approvers, ApproverRule):
            listed = self.approvers.accepted if isinstance(self.approvers.accepted, list) else []
            bad = [a for a in [*listed, *self.approvers.possible] if not _approver_code(a)]
            if bad:
                raise ValueError(
                    f"unknown approver code(s) {bad}; use NCBTMB, FSMTB, AMTA, ABMP, AMMA, "
                    "state:XX, school or other"
                )
        unregulated_state = not self.regulated and self.kind != "national"
        if unregulated_state and isinstance(self.renewal, RuleSet):
            total = self.renewal.total_hours
            if isinstance(total, Decimal) and total > 0:
                raise ValueError("an unregulated state cannot require CE hours")
        return self

    def facts(self) -> list[tuple[str, Any]]:
        """Every cited fact of this jurisdiction, named (see :func:`rules.cited_facts`)."""
        cycle = self.cycle if isinstance(self.cycle, CycleRule) else None
        approvers = self.approvers if isinstance(self.approvers, ApproverRule) else None
        first = self.first_renewal if isinstance(self.first_renewal, FirstRenewal) else None
        renewal = self.renewal if isinstance(self.renewal, RuleSet) else None
        return list(cited_facts(renewal, first, cycle, approvers))

    def rule_sets(self) -> list[RuleSet]:
        """The renewal rules and every first-renewal rule set."""
        first = self.first_renewal if isinstance(self.first_renewal, FirstRenewal) else None
        sets = [self.renewal] if isinstance(self.renewal, RuleSet) else []
        if first is not None:
            sets += [first.rules] if first.rules is not None else []
            sets += [t.rules for t in first.tiers if t.rules is not None]
        return sets

    @property
    def requires_ce(self) -> bool:
        """False for an unregulated state or a license that asks no CE."""
        if not isinstance(self.renewal, RuleSet):
            return False
        return not (isinstance(self.renewal.total_hours, Decimal) and self.renewal.total_hours == 0)

    @property
    def source_by_id(self) -> dict[str, RuleSource]:
        return {s.id: s for s in self.sources}

    @property
    def accepted_approvers(self) -> list[str] | Unknown | NotApplicable:
        """Accepted approver codes, ``unknown``, or ``not-applicable``."""
        if not isinstance(self.approvers, ApproverRule):
            return NOT_APPLICABLE
        return self.approvers.accepted

    @property
    def ce_months(self) -> int | None:
        """Months in a CE cycle when a source confirms them, else ``None``."""
        if isinstance(self.cycle, CycleRule) and isinstance(self.cycle.months, int):
            return self.cycle.months
        return None

    @property
    def known_total_hours(self) -> Decimal | None:
        """Total CE hours of a subsequent renewal when a source confirms them, else ``None``."""
        if isinstance(self.renewal, RuleSet) and isinstance(self.renewal.total_hours, Decimal):
            return self.renewal.total_hours
        return None

    @property
    def mandated_topics(self) -> list[str]:
        """Category ids a subsequent renewal requires (minimum hours or a completed course)."""
        if not isinstance(self.renewal, RuleSet):
            return []
        return [t.topic for t in self.renewal.topics if t.min_hours is not None or t.completion]

    def check_evidence(self) -> list[str]:
        """Categories of the records that prove this jurisdiction's checklist items."""
        out = [e for rules in self.rule_sets() for c in rules.checks for e in c.evidence]
        return list(dict.fromkeys(out))

    def referenced_categories(self) -> list[str]:
        """Every KB category the rules name (topics and checklist evidence)."""
        out: list[str] = []
        for rules in self.rule_sets():
            out += [c for t in rules.topics for c in (t.topic, *t.also)]
            out += [e for c in rules.checks for e in c.evidence]
        return list(dict.fromkeys(out))


def _approver_code(code: str) -> bool:
    return code in APPROVER_CODES or bool(_STATE_APPROVER.match(code))


class KBMeta(_Entry):
    """The ``kb.yaml`` header: version and release date of the data set."""

    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    date: date
    description: str = ""


Entry = Condition | Technique | Competency | Pathway | Jurisdiction | Category | BodyRegion

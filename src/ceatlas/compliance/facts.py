"""What the rules engine takes (a license, its CE entries) and gives (verdicts, requirements)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Status = Literal["met", "missing", "unknown", "not-required", "exempt"]
Verdict = Literal["counts", "partly", "uncertain", "does-not-count", "record"]
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LicenseFacts:
    """What the record says about one license or credential."""

    jurisdiction: str
    cycle_start: dt.date | None = None
    cycle_end: dt.date | None = None
    first_renewal: bool = False
    number: str | None = None
    id: int | None = None
    issued_on: dt.date | None = None


@dataclass(frozen=True)
class EntryFacts:
    """One completed CE activity (or a card such as CPR) as the rules see it."""

    id: int
    title: str
    completed_on: dt.date
    hours: Decimal
    format: str
    categories: dict[str, Decimal] = field(default_factory=dict)
    approvers: frozenset[str] = frozenset()
    provider: str | None = None
    expires_on: dt.date | None = None
    # approvers in ``approvers`` known only from the provider's word: the catalog lists
    # them as declared claims nobody has checked yet (verified, rejected and expired
    # claims are settled: a verified one is in ``approvers`` only, the others nowhere)
    unchecked: frozenset[str] = frozenset()


@dataclass
class EntryVerdict:
    entry_id: int
    title: str
    completed_on: dt.date
    hours: Decimal
    counted: Decimal
    uncertain: Decimal
    verdict: Verdict
    reasons: list[str]
    topics: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Requirement:
    """One line of the status: the total, a topic, a format minimum or a checklist item."""

    key: str
    label: str
    required: Decimal | None
    counted: Decimal
    uncertain: Decimal
    status: Status
    note: str = ""
    rule: str = ""  # the rule (with section) that sets it
    settle: str = ""  # for an unknown: what would settle it
    topic: str | None = None  # a topic requirement's category
    formats: tuple[str, ...] = ()  # formats that count for it (empty: any)
    evidence: tuple[str, ...] = ()  # a checklist item's evidence categories
    own_laws: bool = False  # a topic that must be about this jurisdiction's laws

    @property
    def missing(self) -> Decimal | None:
        """Hours still needed if none of the uncertain hours count (None: unknown)."""
        if self.required is None:
            return None
        return max(ZERO, self.required - self.counted)

    @property
    def surely_missing(self) -> Decimal | None:
        """Hours still needed even if every uncertain hour counts."""
        if self.required is None:
            return None
        return max(ZERO, self.required - self.counted - self.uncertain)


@dataclass
class ComplianceStatus:
    jurisdiction: str
    name: str
    license_number: str | None
    license_id: int | None
    cycle_start: dt.date | None
    cycle_end: dt.date | None
    days_left: int | None
    status: Status
    summary: str
    requirements: list[Requirement]
    entries: list[EntryVerdict]
    online_cap: Decimal | None
    online_cap_known: bool
    online_remaining: Decimal | None
    accepted_approvers: list[str] | None
    unknowns: list[str]
    notes: list[str]
    sources: list[str]
    cycle_kind: str = "renewal"  # renewal | first renewal
    cap_formats: tuple[str, ...] = ()  # the formats the online cap limits

    @property
    def total(self) -> Requirement | None:
        return next((r for r in self.requirements if r.key == "total"), None)


def format_hours(hours: Decimal) -> str:
    """Hours without trailing zeros: 24, 1.5."""
    return f"{hours.normalize():f}"

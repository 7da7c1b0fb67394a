"""The CE rule model of a jurisdiction: what a statute or board rule can say, fact by fact.

A jurisdiction's rules are split by *cycle kind*: ``renewal`` (every subsequent renewal)
and ``first_renewal`` (exempt, the same as ``renewal``, its own rule set, or unknown).
A rule set has a total (fixed hours, or hours per month licensed), topic rules
(required minimums, caps, topics that never count toward the total, topics required in
each year of the cycle, topics about this jurisdiction's own laws), delivery-format rules
(caps and minimums over in person, live interactive online and self-study) and checklist
items that are not hours (a current CPR card, a one-time module, a background check).

Every fact cites the source it rests on (:class:`Cite`: a source id of the jurisdiction,
the section, and a confidence). A value no source confirms is ``"unknown"``, with a
``settle`` note saying what would settle it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Unknown = Literal["unknown"]
UNKNOWN: Unknown = "unknown"
Confidence = Literal["high", "medium-high", "medium", "low-medium", "low"]
Format = Literal["in_person", "live_online", "self_paced"]
FORMATS: tuple[Format, ...] = ("in_person", "live_online", "self_paced")
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
NonEmpty = Annotated[str, Field(min_length=1)]
HourCount = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)]

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

#: How the rule texts name the formats, for messages a therapist reads.
FORMAT_WORDS: dict[str, str] = {
    "in_person": "in person",
    "live_online": "live interactive online",
    "self_paced": "self-study (recorded, text or home study)",
}


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Cite(_Rule):
    """Where one fact is written: a source of the jurisdiction, the section, a confidence."""

    source: Slug
    section: str = ""
    confidence: Confidence = "medium"

    def label(self, sources: dict[str, RuleSource]) -> str:
        """'R. 64B7-28.009(4)(a), F.A.C.' or the source title when no section is given."""
        found = sources.get(self.source)
        if self.section:
            return self.section
        return found.title if found else self.source


class _Cited(_Rule):
    cite: list[Cite] = []
    note: str = ""
    #: for a value that is unknown: what would settle it (a document, a call to the board)
    settle: str = ""


#: the base of every cited rule piece (for code that lists facts)
Cited = _Cited


class RuleSource(_Rule):
    """A source of a jurisdiction's rules, with how much authority it carries."""

    id: Slug
    url: NonEmpty
    title: NonEmpty
    retrieved: dt.date
    #: statute or regulation text (primary); the board's own page; anything else
    authority: Literal["statute", "regulation", "board", "secondary"]
    note: str = ""

    @property
    def primary(self) -> bool:
        return self.authority in ("statute", "regulation")


class CycleRule(_Cited):
    """How long a CE cycle is and where it is anchored.

    ``fixed-date``: every license renews on the same day (``month``/``day``), in ``years``
    (odd, even or every year, or ``by-license`` when the year depends on the license);
    ``license-date``: on the anniversary of the license's own
    issue or last renewal; ``birthday``: on the licensee's birthday. The cycle is the
    ``months`` months *before and including* the renewal date: it starts the day after
    the previous renewal date.
    """

    months: Annotated[int, Field(gt=0)] | Unknown
    anchor: Literal["fixed-date", "license-date", "birthday", "unknown"]
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    day: Annotated[int, Field(ge=1, le=31)] | None = None
    years: Literal["odd", "even", "every", "by-license"] | None = None

    @model_validator(mode="after")
    def _fixed_date_complete(self) -> CycleRule:
        fixed = self.anchor == "fixed-date"
        given = [v is not None for v in (self.month, self.day, self.years)]
        if fixed and not all(given):
            raise ValueError("a fixed-date cycle needs month, day and years")
        if not fixed and any(given):
            raise ValueError("month, day and years are only for a fixed-date cycle")
        if self.years == "every" and self.months not in (12, UNKNOWN):
            raise ValueError("years: every is for a 12-month cycle; use by-license")
        return self


class ApproverLimit(_Cited):
    """At most ``max_hours`` may come from courses not approved by any of ``unless`` (e.g.
    Connecticut: no more than 12 h from programs not approved by NCBTMB)."""

    unless: Annotated[list[NonEmpty], Field(min_length=1)]
    max_hours: HourCount


class ApproverRule(_Cited):
    """Whose courses count: NCBTMB, FSMTB, AMTA, ABMP, AMMA, ``state:XX`` (that board),
    ``school`` (a school the rule names, e.g. an accredited massage school), ``any`` (the
    board approves no providers: any course that meets the rule's content criteria
    counts) or ``other`` (anything else, only if the board accepts it)."""

    accepted: list[NonEmpty] | Unknown
    #: approvers that may be accepted but that no primary source confirms: their courses
    #: are listed as uncertain, never as counted
    possible: list[NonEmpty] = []
    #: caps on the hours from courses outside some approvers
    limits: list[ApproverLimit] = []


class TopicRule(_Cited):
    """A rule about the hours of one CE subject category (a KB category id).

    ``min_hours`` a required minimum (``unknown`` when the rule names the topic but no
    source gives the hours); ``completion`` the topic is a course to complete, whatever
    its length; ``max_hours`` at most this many hours of the topic count;
    ``counts_toward_total`` false for a topic that is required or allowed but never counts
    toward the total; ``each_year`` the minimum applies to every year of the cycle;
    ``formats`` only these delivery formats satisfy the topic; ``own_laws`` the course
    must be about this jurisdiction's own laws and rules; ``also`` other categories that
    count for the topic too (Hawaii: first aid, CPR or another emergency course), sharing
    its minimum and its cap.
    """

    topic: Slug
    also: list[Slug] = []
    min_hours: HourCount | Unknown | None = None
    completion: bool = False
    max_hours: HourCount | None = None
    counts_toward_total: bool = True
    each_year: bool = False
    formats: list[Format] = []
    own_laws: bool = False


class FormatRule(_Cited):
    """A cap or a minimum on the hours taken in some delivery formats (e.g. at most 12 h of
    self-study; at least 8 h in person or live interactive online)."""

    formats: Annotated[list[Format], Field(min_length=1)]
    max_hours: HourCount | Unknown | None = None
    min_hours: HourCount | Unknown | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> FormatRule:
        if (self.max_hours is None) == (self.min_hours is None):
            raise ValueError("a format rule has exactly one of max_hours and min_hours")
        return self


class CheckRule(_Cited):
    """A requirement that is not hours: shown as a checklist item with its evidence.

    ``evidence`` lists the KB categories of a record that proves it (``cpr``, ``bls``,
    ``background-check``...). ``when``: ``current-at-renewal`` (a card whose expiry date is
    on or after the renewal date), ``this-cycle`` (completed in the cycle), ``once`` (ever
    completed), ``each-year`` (in every year of the cycle).
    """

    id: Slug
    label: NonEmpty
    evidence: Annotated[list[Slug], Field(min_length=1)]
    when: Literal["current-at-renewal", "this-cycle", "once", "each-year"]


class CarryOver(_Cited):
    """Hours counted in the previous cycle beyond its total that count in this one:
    ``fraction`` of them (1 = all), at most ``max_hours`` (none: the rule sets no limit),
    from cycles that ended on or after ``since`` (the rule's effective date). Carried
    hours resting only on secondary sources are uncertain."""

    max_hours: HourCount | None = None
    fraction: Annotated[Decimal, Field(gt=0, le=1)] = Decimal(1)
    since: dt.date | None = None


class RuleSet(_Cited):
    """The requirements of one kind of cycle. ``cite`` supports ``total_hours``."""

    total_hours: HourCount | Unknown
    #: prorated: this many hours per month or partial month licensed (replaces the total)
    hours_per_month: HourCount | None = None
    #: the prorated total never exceeds this
    max_prorated_hours: HourCount | None = None
    #: ... and is never less than this
    min_prorated_hours: HourCount | None = None
    #: hours of the previous cycle beyond its total that count in this one
    carry_over: CarryOver | None = None
    topics: list[TopicRule] = []
    formats: list[FormatRule] = []
    checks: list[CheckRule] = []

    @model_validator(mode="after")
    def _one_rule_per_topic(self) -> RuleSet:
        topics = [c for t in self.topics for c in (t.topic, *t.also)]
        twice = sorted({t for t in topics if topics.count(t) > 1})
        if twice:
            raise ValueError(f"topics given twice (merge them into one rule): {twice}")
        checks = [c.id for c in self.checks]
        if len(set(checks)) != len(checks):
            raise ValueError("checklist ids must be unique")
        return self


class FirstRenewalTier(_Cited):
    """A first renewal of a license held fewer than ``licensed_under_months`` months at the
    renewal date (Maryland: exempt under 12 months)."""

    licensed_under_months: Annotated[int, Field(gt=0)]
    rule: Literal["exempt", "own-rules"]
    rules: RuleSet | None = None

    @model_validator(mode="after")
    def _rules_only_for_own(self) -> FirstRenewalTier:
        if (self.rule == "own-rules") != (self.rules is not None):
            raise ValueError("give rules exactly when rule is own-rules")
        return self


class FirstRenewal(_Cited):
    """What the first renewal after licensure asks for. ``tiers`` (shortest first) apply
    when the license was held fewer months than theirs; otherwise ``rule``."""

    rule: Literal["exempt", "same", "own-rules", "unknown"]
    rules: RuleSet | None = None
    tiers: list[FirstRenewalTier] = []

    @model_validator(mode="after")
    def _rules_only_for_own(self) -> FirstRenewal:
        if (self.rule == "own-rules") != (self.rules is not None):
            raise ValueError("give rules exactly when rule is own-rules")
        return self


def cited_facts(
    renewal: RuleSet | None,
    first: FirstRenewal | None,
    cycle: CycleRule | None,
    approvers: ApproverRule | None,
) -> list[tuple[str, _Cited]]:
    """Every fact of a jurisdiction with a name that says what it is, for source listings."""
    facts: list[tuple[str, _Cited]] = []
    if cycle is not None:
        facts.append(("cycle", cycle))
    if approvers is not None:
        facts.append(("approvers", approvers))
        facts += [(f"approvers: limit unless {'/'.join(x.unless)}", x) for x in approvers.limits]
    sets: list[tuple[str, RuleSet | None]] = [("renewal", renewal)]
    if first is not None:
        facts.append(("first renewal", first))
        tiers = [(f"first renewal under {t.licensed_under_months} months", t) for t in first.tiers]
        facts += tiers
        sets.append(("first renewal", first.rules))
        sets += [(name, tier.rules) for name, tier in tiers]
    for name, rules in sets:
        if rules is None:
            continue
        facts.append((f"{name}: total hours", rules))
        for topic in rules.topics:
            facts.append((f"{name}: topic {topic.topic}", topic))
        for fmt in rules.formats:
            facts.append((f"{name}: formats {'/'.join(fmt.formats)}", fmt))
        for check in rules.checks:
            facts.append((f"{name}: {check.id}", check))
        if rules.carry_over is not None:
            facts.append((f"{name}: carry-over", rules.carry_over))
    return facts

"""The compliance rules engine: a jurisdiction's KB rules applied to a CE record. Pure.

Every hour is sorted into one of two buckets: ``counted`` (counts under the rules the
knowledge base confirms) and ``uncertain`` (would count only if a rule the knowledge base
marks ``unknown`` goes the therapist's way). Requirements are then ``met`` (counted hours
suffice), ``unknown`` (the requirement itself is unknown, or only uncertain hours would
meet it) or ``missing``. Nothing unknown is ever guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ceatlas.kb.models import NO_LIMIT, NOT_APPLICABLE, UNKNOWN, Jurisdiction

Status = Literal["met", "missing", "unknown", "not-required", "exempt"]
ONLINE_FORMATS = frozenset({"live_online", "self_paced"})
LIVE_FORMATS = frozenset({"in_person", "live_online"})
FORMAT_LABELS = {
    "in_person": "live in person",
    "live_online": "live online",
    "self_paced": "self-paced / home study",
}
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


@dataclass(frozen=True)
class EntryFacts:
    """One completed CE activity as the rules see it."""

    id: int
    title: str
    completed_on: dt.date
    hours: Decimal
    format: str
    categories: dict[str, Decimal] = field(default_factory=dict)
    approvers: frozenset[str] = frozenset()
    provider: str | None = None


@dataclass
class EntryVerdict:
    entry_id: int
    title: str
    completed_on: dt.date
    hours: Decimal
    counted: Decimal
    uncertain: Decimal
    verdict: Literal["counts", "partly", "uncertain", "does-not-count"]
    reasons: list[str]
    topics: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Requirement:
    """One line of the status: total hours, a mandated topic, a cap or a minimum."""

    key: str
    label: str
    required: Decimal | None
    counted: Decimal
    uncertain: Decimal
    status: Status
    note: str = ""

    @property
    def missing(self) -> Decimal | None:
        if self.required is None:
            return None
        return max(ZERO, self.required - self.counted)


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

    @property
    def total(self) -> Requirement | None:
        return next((r for r in self.requirements if r.key == "total"), None)


def _hours(value: int | str) -> Decimal | None:
    return Decimal(value).quantize(ZERO) if isinstance(value, int) else None


def format_hours(hours: Decimal) -> str:
    """Hours without trailing zeros: 24, 1.5."""
    return f"{hours.normalize():f}"


def cycle_for(
    rules: Jurisdiction, facts: LicenseFacts, today: dt.date
) -> tuple[dt.date | None, dt.date | None, str | None]:
    """The current CE window: (start, end, note when a bound is not known)."""
    months = rules.ce_months
    end = facts.cycle_end
    start = facts.cycle_start
    if start is None and end is not None and months:
        start = _add_months(end, -months)
    if end is None and start is not None and months:
        end = _add_months(start, months)
    note = None
    if start is None:
        note = (
            "the cycle start is not recorded and the knowledge base does not give the CE "
            "period: every entry up to the renewal date is counted"
            if end is not None
            else "no cycle dates recorded: every entry is counted"
        )
    return start, end, note


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _approval(rules: Jurisdiction, entry: EntryFacts) -> tuple[Literal["yes", "maybe", "no"], str]:
    accepted = rules.accepted_approvers
    if accepted == UNKNOWN:
        return "maybe", "which approvers this jurisdiction accepts is unknown in the knowledge base"
    if accepted == NOT_APPLICABLE or not isinstance(accepted, list):
        return "yes", "no approver rule applies"
    named = [a for a in accepted if a != "other"]
    matched = sorted(a for a in entry.approvers if a in named)
    if matched:
        return "yes", f"{' and '.join(_approver_label(a) for a in matched)}-approved"
    if "other" in accepted:
        return (
            "maybe",
            "not approved by "
            + ", ".join(_approver_label(a) for a in named)
            + "; other approvals count only if the board accepts them",
        )
    shown = ", ".join(_approver_label(a) for a in named) or "none listed"
    return "no", f"not approved by an accepted approver ({shown})"


def _approver_label(code: str) -> str:
    return f"state board ({code[6:]})" if code.startswith("state:") else code


def evaluate(
    rules: Jurisdiction,
    facts: LicenseFacts,
    entries: list[EntryFacts],
    today: dt.date,
) -> ComplianceStatus:
    """Evaluate ``entries`` against ``rules`` for the cycle the license is in."""
    sources = [s.url for s in rules.sources]
    start, end, cycle_note = cycle_for(rules, facts, today)
    notes: list[str] = []
    unknowns: list[str] = []
    if cycle_note:
        notes.append(cycle_note)
    days_left = (end - today).days if end else None
    base = {
        "jurisdiction": rules.id,
        "name": rules.name,
        "license_number": facts.number,
        "license_id": facts.id,
        "cycle_start": start,
        "cycle_end": end,
        "days_left": days_left,
        "sources": sources,
    }
    accepted = rules.accepted_approvers if isinstance(rules.accepted_approvers, list) else None
    if rules.total_hours == NOT_APPLICABLE or (rules.kind != "national" and not rules.regulated):
        return ComplianceStatus(
            **base,  # type: ignore[arg-type]
            status="not-required",
            summary=f"{rules.name} does not require CE ({rules.regulation})",
            requirements=[],
            entries=[],
            online_cap=None,
            online_cap_known=True,
            online_remaining=None,
            accepted_approvers=accepted,
            unknowns=[],
            notes=notes,
        )
    if facts.first_renewal and rules.first_renewal_exempt is True:
        return ComplianceStatus(
            **base,  # type: ignore[arg-type]
            status="exempt",
            summary="first renewal: exempt from CE"
            + (f" ({rules.first_renewal_notes})" if rules.first_renewal_notes else ""),
            requirements=[],
            entries=[],
            online_cap=None,
            online_cap_known=True,
            online_remaining=None,
            accepted_approvers=accepted,
            unknowns=[],
            notes=notes,
        )

    cap = _hours(rules.online_max_hours) if rules.online_max_hours != NO_LIMIT else None
    cap_known = rules.online_max_hours in (NO_LIMIT, NOT_APPLICABLE) or cap is not None
    if not cap_known:
        unknowns.append(
            "the online / home-study limit is unknown: online hours are listed as uncertain"
        )
    if rules.accepted_approvers == UNKNOWN:
        unknowns.append("accepted approvers are unknown: every hour is listed as uncertain")
    category_caps = {k: Decimal(v) for k, v in rules.max_hours_by_category.items()}

    verdicts: list[EntryVerdict] = []
    online_used = ZERO
    category_used: dict[str, Decimal] = {}
    counted_total = ZERO
    uncertain_total = ZERO
    topic_counted: dict[str, Decimal] = {}
    topic_uncertain: dict[str, Decimal] = {}
    live_counted = ZERO
    hands_on_counted = ZERO
    live_uncertain = ZERO
    hands_on_uncertain = ZERO
    certifications: set[str] = set()
    for entry in sorted(entries, key=lambda e: (e.completed_on, e.id)):
        reasons: list[str] = []
        if end is not None and entry.completed_on > end:
            verdicts.append(_no(entry, f"completed after this cycle ends ({end})"))
            continue
        if start is not None and entry.completed_on < start:
            verdicts.append(_no(entry, f"completed before this cycle began ({start})"))
            continue
        approved, why = _approval(rules, entry)
        if approved == "no":
            verdicts.append(_no(entry, why))
            continue
        reasons.append(why)
        good = entry.hours
        doubtful = ZERO
        if approved == "maybe":
            good, doubtful = ZERO, entry.hours
        if entry.format in ONLINE_FORMATS:
            label = FORMAT_LABELS[entry.format]
            if not cap_known:
                doubtful += good
                good = ZERO
                reasons.append(f"{label}: the online limit is unknown")
            elif cap is not None:
                room = max(ZERO, cap - online_used)
                allowed = min(room, good + doubtful)
                if allowed < good + doubtful:
                    reasons.append(
                        f"{label}: only {format_hours(allowed)} of "
                        f"{format_hours(entry.hours)} h count, "
                        f"the {format_hours(cap)}-hour online limit is reached"
                    )
                else:
                    reasons.append(f"{label}: within the {format_hours(cap)}-hour online limit")
                online_used += allowed
                good = min(good, allowed)
                doubtful = min(doubtful, allowed - good)
        topics: dict[str, Decimal] = {}
        for category, hours in entry.categories.items():
            if category in rules.required_certifications:
                certifications.add(category)
            limit = category_caps.get(category)
            if limit is not None:
                used = category_used.get(category, ZERO)
                over = max(ZERO, min(hours, good + doubtful) - max(ZERO, limit - used))
                category_used[category] = used + min(hours, good + doubtful) - over
                if over > 0:
                    reasons.append(
                        f"{format_hours(over)} h of {category} over the "
                        f"{format_hours(limit)}-hour cap do not count"
                    )
                    cut = min(good, over)
                    good -= cut
                    doubtful -= min(doubtful, over - cut)
            share = min(hours, good + doubtful)
            if share <= 0:
                continue
            topics[category] = share
            if category in rules.mandated_topics:
                sure = min(share, good)
                topic_counted[category] = topic_counted.get(category, ZERO) + sure
                topic_uncertain[category] = topic_uncertain.get(category, ZERO) + share - sure
                reasons.append(f"{format_hours(share)} h count as {category}")
        counted_total += good
        uncertain_total += doubtful
        if entry.format in LIVE_FORMATS:
            live_counted += good
            live_uncertain += doubtful
        if entry.format == "in_person":
            hands = entry.categories.get("hands-on", ZERO)
            hands_on_counted += min(good, hands)
            hands_on_uncertain += min(doubtful, max(ZERO, hands - good))
        if good == entry.hours:
            verdict: Literal["counts", "partly", "uncertain", "does-not-count"] = "counts"
        elif good > 0:
            verdict = "partly"
        elif doubtful > 0:
            verdict = "uncertain"
        else:
            verdict = "does-not-count"
        verdicts.append(
            EntryVerdict(
                entry.id,
                entry.title,
                entry.completed_on,
                entry.hours,
                good,
                doubtful,
                verdict,
                reasons,
                topics,
            )
        )

    requirements = _requirements(
        rules,
        facts,
        counted_total,
        uncertain_total,
        topic_counted,
        topic_uncertain,
        (live_counted, live_uncertain),
        (hands_on_counted, hands_on_uncertain),
        certifications,
        unknowns,
        notes,
    )
    status = _overall(requirements)
    total = next((r for r in requirements if r.key == "total"), None)
    summary = _summary(rules, status, requirements, total)
    return ComplianceStatus(
        **base,  # type: ignore[arg-type]
        status=status,
        summary=summary,
        requirements=requirements,
        entries=verdicts,
        online_cap=cap,
        online_cap_known=cap_known,
        online_remaining=None if cap is None else max(ZERO, cap - online_used),
        accepted_approvers=accepted,
        unknowns=unknowns,
        notes=notes,
    )


def _no(entry: EntryFacts, reason: str) -> EntryVerdict:
    return EntryVerdict(
        entry.id,
        entry.title,
        entry.completed_on,
        entry.hours,
        ZERO,
        ZERO,
        "does-not-count",
        [reason],
    )


def _requirement(
    key: str, label: str, required: Decimal | None, counted: Decimal, uncertain: Decimal
) -> Requirement:
    if required is None:
        status: Status = "unknown"
    elif counted >= required:
        status = "met"
    elif counted + uncertain >= required:
        status = "unknown"
    else:
        status = "missing"
    return Requirement(key, label, required, counted, uncertain, status)


def _requirements(
    rules: Jurisdiction,
    facts: LicenseFacts,
    counted: Decimal,
    uncertain: Decimal,
    topic_counted: dict[str, Decimal],
    topic_uncertain: dict[str, Decimal],
    live: tuple[Decimal, Decimal],
    hands_on: tuple[Decimal, Decimal],
    certifications: set[str],
    unknowns: list[str],
    notes: list[str],
) -> list[Requirement]:
    total = _hours(rules.total_hours)
    first_rule = facts.first_renewal and rules.first_renewal_exempt is not True
    out: list[Requirement] = []
    total_req = _requirement("total", "Total CE hours", total, counted, uncertain)
    if total is None:
        unknowns.append("the total hours required are unknown in the knowledge base")
        total_req.note = "unknown in the knowledge base"
    if first_rule and rules.first_renewal_exempt == UNKNOWN:
        unknowns.append("whether a first renewal is exempt is unknown in the knowledge base")
        if total_req.status == "missing":
            total_req.status = "unknown"
        total_req.note = "first renewal: exemption unknown"
    elif first_rule and rules.first_renewal_notes:
        # The first-renewal rule is text in the KB (e.g. hours per month licensed).
        notes.append(f"first renewal rule: {rules.first_renewal_notes}")
        total_req.required = None
        total_req.status = "unknown"
        total_req.note = "first renewal: see the rule text; the total is not computed"
    out.append(total_req)
    if isinstance(rules.mandated_hours, dict):
        for topic, hours in rules.mandated_hours.items():
            req = _requirement(
                f"topic:{topic}",
                f"{topic.replace('-', ' ').capitalize()} hours",
                _hours(hours),
                topic_counted.get(topic, ZERO),
                topic_uncertain.get(topic, ZERO),
            )
            if hours == UNKNOWN:
                req.note = "required; hours unknown in the knowledge base"
            out.append(req)
    elif rules.mandated_hours == UNKNOWN:
        unknowns.append("mandated topics are unknown in the knowledge base")
    live_min = _hours(rules.live_min_hours)
    if live_min:
        out.append(_requirement("live", "Live hours (in person or live online)", live_min, *live))
    hands_min = _hours(rules.hands_on_min_hours)
    if hands_min:
        out.append(_requirement("hands-on", "In-person hands-on hours", hands_min, *hands_on))
    for cert in rules.required_certifications:
        req = Requirement(
            f"certification:{cert}",
            f"Current {cert.upper() if len(cert) <= 4 else cert} certification",
            None,
            ZERO,
            ZERO,
            "met" if cert in certifications else "missing",
            "a CE entry in this category was recorded this cycle"
            if cert in certifications
            else "record a CE entry with this category (certificate on file)",
        )
        out.append(req)
    return out


def _overall(requirements: list[Requirement]) -> Status:
    statuses = {r.status for r in requirements}
    if "missing" in statuses:
        return "missing"
    if "unknown" in statuses:
        return "unknown"
    return "met"


def _summary(
    rules: Jurisdiction, status: Status, requirements: list[Requirement], total: Requirement | None
) -> str:
    done = (
        f"{format_hours(total.counted)} of {format_hours(total.required)} h"
        if total and total.required
        else ""
    )
    if status == "met":
        return f"{rules.name}: requirements met" + (f" ({done})" if done else "")
    if status == "unknown":
        return f"{rules.name}: cannot be confirmed: some rules are unknown" + (
            f" ({done} counted for sure)" if done else ""
        )
    missing = [
        f"{format_hours(r.missing)} h {r.label.lower()}" if r.missing else r.label
        for r in requirements
        if r.status == "missing"
    ]
    return f"{rules.name}: missing " + "; ".join(missing)

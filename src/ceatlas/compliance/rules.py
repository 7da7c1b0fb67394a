"""The compliance rules engine: a jurisdiction's KB rules applied to a CE record. Pure.

Every hour is *counted* (it counts under rules the knowledge base confirms) or
*uncertain* (it counts only if a rule the knowledge base marks unknown goes the
therapist's way). A requirement is ``met`` (counted hours suffice), ``unknown`` (the
requirement itself is unknown, or only uncertain hours would meet it) or ``missing``.
Nothing unknown is ever guessed, and an unknown never inflates a shortfall: a missing
requirement reports the sure shortfall and, apart, the hours that hang on an unknown.
See docs/ce-rules.md for the rules as the engine applies them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ceatlas.compliance.allocate import Allocation, allocate
from ceatlas.compliance.cycles import Window, add_months, long_date, months_licensed, window
from ceatlas.compliance.explain import cite_text, summary, topic_label
from ceatlas.compliance.facts import (
    ZERO,
    ComplianceStatus,
    EntryFacts,
    EntryVerdict,
    LicenseFacts,
    Requirement,
    Status,
    format_hours,
)
from ceatlas.kb.models import Jurisdiction
from ceatlas.kb.rules import (
    FORMATS,
    CheckRule,
    FirstRenewal,
    FirstRenewalTier,
    FormatRule,
    RuleSet,
    TopicRule,
)

__all__ = [
    "ComplianceStatus",
    "EntryFacts",
    "EntryVerdict",
    "LicenseFacts",
    "Requirement",
    "Status",
    "evaluate",
    "format_hours",
]


def _status_of(required: Decimal | None, counted: Decimal, uncertain: Decimal) -> Status:
    if required is None:
        return "unknown"
    if counted >= required:
        return "met"
    if counted + uncertain >= required:
        return "unknown"
    return "missing"


def evaluate(
    rules: Jurisdiction,
    facts: LicenseFacts,
    entries: list[EntryFacts],
    today: dt.date,
    topic_names: dict[str, str] | None = None,
) -> ComplianceStatus:
    """Evaluate ``entries`` against ``rules`` for the cycle that ends on the renewal date."""
    names = topic_names or {}
    win = window(rules, facts.cycle_end, facts.cycle_start, facts.issued_on, facts.first_renewal)
    accepted = rules.accepted_approvers if isinstance(rules.accepted_approvers, list) else None
    base = _Base(rules, facts, win, today, accepted)
    renewal = rules.renewal
    if not isinstance(renewal, RuleSet) or not rules.requires_ce:
        return base.flat("not-required", f"{rules.name} does not require CE ({rules.regulation})")
    first = rules.first_renewal if isinstance(rules.first_renewal, FirstRenewal) else None
    notes = list(win.notes)
    unknowns: list[str] = []
    kind = "renewal"
    ruleset = renewal
    first_unknown = False
    if win.first_renewal:
        kind = "first renewal"
        if win.first_from_issue:
            notes.append(
                f"first renewal: the license was issued on {long_date(facts.issued_on)}"  # type: ignore[arg-type]
                ", inside this cycle"
            )
        tier = _tier(first, facts, win) if first is not None else None
        choice = _first_renewal_rule(rules, first, tier, facts, unknowns)
        if choice == "exempt":
            cites = tier.cite if tier is not None else (first.cite if first else [])
            why = f" ({cite_text(rules, cites)})" if cites else ""
            return base.flat("exempt", f"{rules.name}, first renewal: exempt from CE{why}")
        if isinstance(choice, RuleSet):
            ruleset = choice
        elif choice == "unknown":
            first_unknown = True
        note = tier.note if tier is not None and tier.note else (first.note if first else "")
        if note:
            plain = note.lower().startswith("first renewal")
            notes.append(note if plain else f"first renewal: {note}")

    alloc = allocate(rules, ruleset, win, entries, names)
    unknowns += alloc.unknowns
    sure_carry, doubtful_carry = _carry_over(rules, ruleset, win, entries, names, notes)
    alloc.total = (alloc.total[0] + sure_carry, alloc.total[1] + doubtful_carry)
    requirements = _requirements(rules, ruleset, win, facts, alloc, names, unknowns)
    requirements += _checks(rules, ruleset, win, entries)
    if first_unknown:
        for req in requirements:
            if req.status == "missing":
                req.status = "unknown"
                req.note = (req.note + "; " if req.note else "") + "first-renewal rule unknown"
    status = _overall(requirements)
    cap = alloc.online_cap
    return ComplianceStatus(
        **base.fields(),  # type: ignore[arg-type]
        status=status,
        summary=summary(rules.name, kind, status, requirements, names),
        requirements=requirements,
        entries=alloc.verdicts,
        online_cap=cap.limit if cap else None,
        online_cap_known=cap is None or cap.known,
        online_remaining=cap.remaining if cap and cap.limit is not None else None,
        unknowns=list(dict.fromkeys(unknowns)),
        notes=notes,
        cycle_kind=kind,
        cap_formats=cap.formats if cap else (),
    )


@dataclass
class _Base:
    rules: Jurisdiction
    facts: LicenseFacts
    win: Window
    today: dt.date
    accepted: list[str] | None

    def fields(self) -> dict[str, object]:
        end = self.win.end
        return {
            "jurisdiction": self.rules.id,
            "name": self.rules.name,
            "license_number": self.facts.number,
            "license_id": self.facts.id,
            "cycle_start": self.win.start,
            "cycle_end": end,
            "days_left": (end - self.today).days if end else None,
            "sources": [s.url for s in self.rules.sources],
            "accepted_approvers": self.accepted,
        }

    def flat(self, status: Status, text: str) -> ComplianceStatus:
        return ComplianceStatus(
            **self.fields(),  # type: ignore[arg-type]
            status=status,
            summary=text,
            requirements=[],
            entries=[],
            online_cap=None,
            online_cap_known=True,
            online_remaining=None,
            unknowns=[],
            notes=list(self.win.notes),
            cycle_kind="first renewal" if self.win.first_renewal else "renewal",
        )


def _tier(first: FirstRenewal, facts: LicenseFacts, win: Window) -> FirstRenewalTier | None:
    """The first tier whose months the license was held fewer of at renewal, if any."""
    if facts.issued_on is None or win.end is None:
        return None
    for tier in sorted(first.tiers, key=lambda t: t.licensed_under_months):
        if add_months(facts.issued_on, tier.licensed_under_months) > win.end:
            return tier
    return None


def _first_renewal_rule(
    rules: Jurisdiction,
    first: FirstRenewal | None,
    tier: FirstRenewalTier | None,
    facts: LicenseFacts,
    unknowns: list[str],
) -> RuleSet | str:
    """'exempt', 'unknown', 'same' or the rule set a first renewal is judged by (``tier``:
    the tier the license falls in, see :func:`_tier`)."""
    if first is None or first.rule == "unknown":
        unknowns.append(
            "whether a first renewal has rules of its own is unknown in the knowledge base: "
            "the renewal rules are shown, and a shortfall cannot be confirmed"
            + (f" ({first.settle})" if first and first.settle else "")
        )
        return "unknown"
    if first.tiers:
        if facts.issued_on is None:
            unknowns.append(
                f"a first renewal in {rules.name} depends on how long the license was held: "
                "record the date it was issued"
            )
            return "unknown"
        if tier is not None:
            return tier.rules if tier.rule == "own-rules" and tier.rules else "exempt"
    if first.rule == "own-rules" and first.rules is not None:
        return first.rules
    return first.rule


def _carry_over(
    rules: Jurisdiction,
    ruleset: RuleSet,
    win: Window,
    entries: list[EntryFacts],
    names: dict[str, str],
    notes: list[str],
) -> tuple[Decimal, Decimal]:
    """(sure, uncertain) hours of the previous cycle's surplus that count in this one."""
    carry = ruleset.carry_over
    months = rules.ce_months
    total = ruleset.total_hours
    if carry is None or not months or win.start is None or not isinstance(total, Decimal):
        return ZERO, ZERO
    if win.first_renewal:
        return ZERO, ZERO  # nothing was required before the license was issued
    previous_end = win.start - dt.timedelta(days=1)
    if carry.since is not None and previous_end < carry.since:
        return ZERO, ZERO
    before = window(rules, previous_end, None, None, False)
    earlier = allocate(rules, ruleset, before, entries, names)
    surplus = max(ZERO, earlier.total[0] - total)
    carried = (surplus * carry.fraction).quantize(ZERO)
    if carry.max_hours is not None:
        carried = min(carry.max_hours, carried)
    if carried <= 0:
        return ZERO, ZERO
    sources = rules.source_by_id
    secondary = all(
        sources[c.source].authority == "secondary" for c in carry.cite if c.source in sources
    )
    cited = cite_text(rules, carry.cite)
    if secondary:
        notes.append(
            f"{format_hours(carried)} h of the previous cycle's surplus may carry over; this "
            f"rests only on a secondary source ({cited}), so they are listed as uncertain"
        )
        return ZERO, carried
    notes.append(f"{format_hours(carried)} h carried over from the previous cycle ({cited})")
    return carried, ZERO


def _total_required(
    rules: Jurisdiction, ruleset: RuleSet, facts: LicenseFacts, win: Window
) -> tuple[Decimal | None, str, str]:
    """(required hours or None, note, settle)."""
    if ruleset.hours_per_month is not None:
        issued = facts.issued_on
        if issued is None or win.end is None:
            return (
                None,
                f"{format_hours(ruleset.hours_per_month)} h per month or partial month licensed",
                "record the date the license was issued",
            )
        months = months_licensed(issued, win.end)
        hours = ruleset.hours_per_month * months
        if ruleset.max_prorated_hours is not None:
            hours = min(hours, ruleset.max_prorated_hours)
        if ruleset.min_prorated_hours is not None:
            hours = max(hours, ruleset.min_prorated_hours)
        per = format_hours(ruleset.hours_per_month)
        return (
            hours,
            f"{per} h per month or partial month licensed since {long_date(issued)}: "
            f"{months} months",
            "",
        )
    if isinstance(ruleset.total_hours, Decimal):
        return ruleset.total_hours, "", ""
    return None, "the total hours are unknown in the knowledge base", ruleset.settle


def _requirements(
    rules: Jurisdiction,
    ruleset: RuleSet,
    win: Window,
    facts: LicenseFacts,
    alloc: Allocation,
    names: dict[str, str],
    unknowns: list[str],
) -> list[Requirement]:
    required, note, settle = _total_required(rules, ruleset, facts, win)
    if required is None:
        unknowns.append("the total hours required are unknown in the knowledge base")
    total = Requirement(
        "total",
        "Total CE hours",
        required,
        alloc.total[0],
        alloc.total[1],
        _status_of(required, *alloc.total),
        note,
        cite_text(rules, ruleset.cite),
        settle,
    )
    out = [total]
    for topic in ruleset.topics:
        out += _topic_requirements(rules, topic, win, alloc, names, unknowns)
    for fmt in ruleset.formats:
        req = _format_minimum(rules, fmt, alloc, unknowns)
        if req is not None:
            out.append(req)
    return out


def _topic_requirements(
    rules: Jurisdiction,
    topic: TopicRule,
    win: Window,
    alloc: Allocation,
    names: dict[str, str],
    unknowns: list[str],
) -> list[Requirement]:
    if topic.min_hours is None and not topic.completion:
        return []
    label = topic_label(topic.topic, names)
    rule = cite_text(rules, topic.cite)
    formats = tuple(topic.formats)
    if formats and set(formats) != set(FORMATS):
        label += " (" + " or ".join(_FORMAT_SHORT[f] for f in formats) + ")"
    shown = label[:1].upper() + label[1:]
    slices: list[tuple[str, str, tuple[Decimal, Decimal]]] = []
    if topic.each_year and win.years():
        for year in range(1, (win.years() or 0) + 1):
            got = alloc.topic_by_year.get((topic.topic, year), (ZERO, ZERO))
            slices.append((f"topic:{topic.topic}:year-{year}", f"{shown}, year {year}", got))
    else:
        slices.append((f"topic:{topic.topic}", shown, alloc.topics.get(topic.topic, (ZERO, ZERO))))
    out = []
    for key, text, (sure, doubtful) in slices:
        if topic.completion:
            required: Decimal | None = None
            status: Status = "met" if sure > 0 else ("unknown" if doubtful > 0 else "missing")
            note = "a course to complete, whatever its length"
        elif isinstance(topic.min_hours, Decimal):
            required = topic.min_hours
            status = _status_of(required, sure, doubtful)
            note = ""
        else:
            required = None
            status = "unknown"
            note = "required; the number of hours is unknown in the knowledge base"
            unknowns.append(f"the hours of {label.lower()} required are unknown")
        if not topic.counts_toward_total:
            note = (note + "; " if note else "") + "does not count toward the total"
        out.append(
            Requirement(
                key,
                text,
                required,
                sure,
                doubtful,
                status,
                note,
                rule,
                topic.settle,
                topic=topic.topic,
                formats=formats,
                own_laws=topic.own_laws,
            )
        )
    return out


_FORMAT_SHORT = {
    "in_person": "in person",
    "live_online": "live online",
    "self_paced": "self-study",
}


def _format_minimum(
    rules: Jurisdiction, fmt: FormatRule, alloc: Allocation, unknowns: list[str]
) -> Requirement | None:
    if fmt.min_hours is None:
        return None
    ordered = tuple(f for f in FORMATS if f in fmt.formats)
    sure, doubtful = alloc.by_formats(ordered)
    label = " or ".join(_FORMAT_SHORT[f] for f in ordered).capitalize() + " hours"
    if isinstance(fmt.min_hours, Decimal):
        required: Decimal | None = fmt.min_hours
        status = _status_of(required, sure, doubtful)
        note = ""
    else:
        required, status = None, "unknown"
        note = "a minimum exists; its hours are unknown in the knowledge base"
        unknowns.append(f"the minimum of {label.lower()} is unknown")
    return Requirement(
        "formats:" + "+".join(ordered),
        label,
        required,
        sure,
        doubtful,
        status,
        note,
        cite_text(rules, fmt.cite),
        fmt.settle,
        formats=ordered,
    )


def _checks(
    rules: Jurisdiction, ruleset: RuleSet, win: Window, entries: list[EntryFacts]
) -> list[Requirement]:
    return [_check(rules, check, win, entries) for check in ruleset.checks]


def _check(
    rules: Jurisdiction, check: CheckRule, win: Window, entries: list[EntryFacts]
) -> Requirement:
    proof = [e for e in entries if set(e.categories) & set(check.evidence)]
    in_cycle = [
        e
        for e in proof
        if (win.start is None or e.completed_on >= win.start)
        and (win.end is None or e.completed_on <= win.end)
    ]
    status: Status
    if check.when == "current-at-renewal":
        status, note = _current_card(proof, win)
    elif check.when == "this-cycle":
        status = "met" if in_cycle else "missing"
        note = "completed this cycle" if in_cycle else "nothing recorded this cycle"
    elif check.when == "once":
        status = "met" if proof else "missing"
        note = "completed" if proof else "not recorded"
    else:
        years = win.years() or 1
        done = {win.year_of(e.completed_on) for e in in_cycle}
        gaps = [str(y) for y in range(1, years + 1) if y not in done]
        status = "missing" if gaps else "met"
        note = f"nothing recorded in year {', '.join(gaps)} of the cycle" if gaps else ""
    return Requirement(
        f"check:{check.id}",
        check.label,
        None,
        ZERO,
        ZERO,
        status,
        note,
        cite_text(rules, check.cite),
        check.settle,
        evidence=tuple(check.evidence),
    )


def _current_card(proof: list[EntryFacts], win: Window) -> tuple[Status, str]:
    if not proof:
        return "missing", "no record of it"
    expiries = [e.expires_on for e in proof if e.expires_on is not None]
    if win.end is not None and expiries:
        latest = max(expiries)
        if latest >= win.end:
            return "met", f"current until {long_date(latest)}"
        if len(expiries) == len(proof):
            return "missing", f"expires on {long_date(latest)}, before the renewal date"
    return "unknown", "recorded without an expiry date: add the date the card expires"


def _overall(requirements: list[Requirement]) -> Status:
    statuses = {r.status for r in requirements}
    if "missing" in statuses:
        return "missing"
    if "unknown" in statuses:
        return "unknown"
    return "met"

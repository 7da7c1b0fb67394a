"""Sort each CE entry's hours into counted and uncertain under a rule set. Pure.

Order of work for each entry: the cycle window, the accepted approvers, the format caps,
then the topic rules (formats allowed for a topic, courses on this jurisdiction's own
laws, topic caps, topics that never count toward the total). Caps are filled in the
therapist's interest: entries that serve a required topic first, then by date; hours
that are sure are placed before hours that are uncertain, so an uncertain entry never
pushes a sure one over a cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeVar

from ceatlas.compliance.caps import best_fill
from ceatlas.compliance.cycles import Window, long_date
from ceatlas.compliance.explain import approver_label, cite_text, topic_label
from ceatlas.compliance.facts import ZERO, EntryFacts, EntryVerdict, Verdict, format_hours
from ceatlas.kb.models import Jurisdiction
from ceatlas.kb.rules import FORMAT_WORDS, FORMATS, ApproverLimit, FormatRule, RuleSet, TopicRule

Pair = tuple[Decimal, Decimal]
_K = TypeVar("_K")
_STATE_NAMES = (
    (
        "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia "
        "Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland "
        "Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada "
        "New_Hampshire New_Jersey New_Mexico New_York North_Carolina North_Dakota Ohio Oklahoma "
        "Oregon Pennsylvania Rhode_Island South_Carolina South_Dakota Tennessee Texas Utah "
        "Vermont Virginia Washington West_Virginia Wisconsin Wyoming District_of_Columbia"
    )
    .replace("_", " ")
    .split(" ")
)


@dataclass
class CapState:
    """A format cap and how much of it is used."""

    formats: tuple[str, ...]
    limit: Decimal | None  # None: unknown
    rule: FormatRule | ApproverLimit
    used_any: Decimal = ZERO

    def applies(self, entry: EntryFacts) -> bool:
        if isinstance(self.rule, ApproverLimit):
            return not (entry.approvers & set(self.rule.unless))
        return entry.format in self.formats

    def words(self, rules: Jurisdiction) -> str:
        if isinstance(self.rule, ApproverLimit):
            names = " or ".join(approver_label(a, rules) for a in self.rule.unless)
            return f"hours from courses not approved by {names}"
        return " and ".join(FORMAT_WORDS[f] for f in self.formats) + " hours"

    @property
    def known(self) -> bool:
        return self.limit is not None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.limit is None else max(ZERO, self.limit - self.used_any)


@dataclass
class Allocation:
    """Counted and uncertain hours: per entry, in total, per topic, per format."""

    verdicts: list[EntryVerdict] = field(default_factory=list)
    total: Pair = (ZERO, ZERO)
    topics: dict[str, Pair] = field(default_factory=dict)
    topic_by_year: dict[tuple[str, int], Pair] = field(default_factory=dict)
    per_format: dict[str, Pair] = field(default_factory=dict)
    unknowns: list[str] = field(default_factory=list)
    online_cap: CapState | None = None

    def by_formats(self, formats: tuple[str, ...]) -> Pair:
        pairs = [self.per_format.get(f, (ZERO, ZERO)) for f in formats]
        return sum((p[0] for p in pairs), ZERO), sum((p[1] for p in pairs), ZERO)


@dataclass
class _Work:
    """One entry on its way through the rules."""

    entry: EntryFacts
    sure: Decimal
    doubtful: Decimal
    reasons: list[str]
    topics: dict[str, Decimal] = field(default_factory=dict)


def _add(pairs: dict[_K, Pair], key: _K, sure: Decimal, doubtful: Decimal) -> None:
    old = pairs.get(key, (ZERO, ZERO))
    pairs[key] = (old[0] + sure, old[1] + doubtful)


def approval(
    rules: Jurisdiction, approvers: frozenset[str], unchecked: frozenset[str] = frozenset()
) -> tuple[str, str]:
    """('yes' | 'maybe' | 'no', the reason in plain words with the rule cited).

    An approver in ``unchecked`` is the provider's claim nobody has checked yet: an
    approval the rule accepts then makes the hours uncertain ('maybe'), never counted,
    until a checked approval (or the therapist's own record of one) settles it.
    """
    rule = rules.approvers
    accepted = rules.accepted_approvers
    cited = ""
    if not isinstance(accepted, list):
        if accepted == "not-applicable":
            return "yes", "no approval rule applies"
        return "maybe", f"which course approvals {rules.name} accepts is unknown"
    if not isinstance(rule, str) and rule.cite:
        cited = f" ({cite_text(rules, rule.cite)})"
    named = [a for a in accepted if a not in ("other", "any")]
    matched = sorted(a for a in approvers if a in named)
    checked = [a for a in matched if a not in unchecked]
    if checked:
        who = " and ".join(approver_label(a, rules) for a in checked)
        return "yes", f"approved by {who}, accepted by {rules.name}{cited}"
    if matched:
        who = " and ".join(approver_label(a, rules) for a in matched)
        return "maybe", (
            f"the provider says it is approved by {who}; not yet checked: {rules.name} "
            f"accepts that approval{cited}, so the hours count once it is confirmed"
        )
    possible = sorted(a for a in approvers if not isinstance(rule, str) and a in rule.possible)
    if possible:
        who = " and ".join(approver_label(a, rules) for a in possible)
        unsure = "; not yet checked either" if all(a in unchecked for a in possible) else ""
        return "maybe", (
            f"approved by {who}: that {rules.name} accepts it rests on a secondary source "
            f"only{unsure}"
        )
    shown = ", ".join(approver_label(a, rules) for a in named) or "none named"
    if "any" in accepted:
        return "yes", (
            f"no named approval is needed in {rules.name}: the course counts when it meets the "
            f"rule's content criteria{cited}"
        )
    if "other" in accepted:
        return "maybe", (
            f"not approved by {shown}; other approvals count only if the board accepts them{cited}"
        )
    return "no", f"{rules.name} accepts only courses approved by {shown}{cited}"


def allocate(
    rules: Jurisdiction,
    ruleset: RuleSet,
    win: Window,
    entries: list[EntryFacts],
    names: dict[str, str] | None = None,
) -> Allocation:
    """Counted and uncertain hours of every entry under ``ruleset`` in the cycle ``win``."""
    alloc = Allocation()
    caps = [CapState(tuple(f.formats), _limit(f), f) for f in ruleset.formats if f.max_hours]
    if not isinstance(rules.approvers, str):
        caps += [CapState(FORMATS, x.max_hours, x) for x in rules.approvers.limits]
    alloc.online_cap = next(
        (c for c in caps if "in_person" not in c.formats and "self_paced" in c.formats), None
    )
    for cap in caps:
        if not cap.known:
            alloc.unknowns.append(
                f"the limit on {cap.words(rules)} is unknown: those hours are listed as uncertain"
                + (f" ({cap.rule.settle})" if cap.rule.settle else "")
            )
    if not isinstance(rules.accepted_approvers, list) and rules.accepted_approvers == "unknown":
        alloc.unknowns.append(
            f"which course approvals {rules.name} accepts is unknown: every hour is uncertain"
        )
    required = {
        c
        for t in ruleset.topics
        if t.min_hours is not None or t.completion
        for c in (t.topic, *t.also)
    }
    work: dict[int, _Work] = {}
    verdict_of: dict[int, EntryVerdict] = {}
    for entry in entries:
        outside = _outside(rules, entry, win)
        if outside:
            verdict_of[entry.id] = _verdict(entry, ZERO, ZERO, [outside], {})
            continue
        if entry.hours == 0:
            verdict_of[entry.id] = _verdict(entry, ZERO, ZERO, ["a record, not CE hours"], {})
            continue
        yes, why = approval(rules, entry.approvers, entry.unchecked)
        if yes == "no":
            verdict_of[entry.id] = _verdict(entry, ZERO, ZERO, [why], {})
            continue
        sure, doubtful = (entry.hours, ZERO) if yes == "yes" else (ZERO, entry.hours)
        work[entry.id] = _Work(entry, sure, doubtful, [why])
    ordered = sorted(
        work.values(),
        key=lambda w: (
            not (set(w.entry.categories) & required),
            w.entry.completed_on,
            w.entry.id,
        ),
    )
    _apply_caps(rules, caps, ordered)
    topic_rules = {c: t for t in ruleset.topics for c in (t.topic, *t.also)}
    topic_used: dict[str, Decimal] = {}
    for item in ordered:
        _apply_topics(rules, topic_rules, topic_used, item, win, alloc, names or {})
    for item in ordered:
        entry = item.entry
        verdict_of[entry.id] = _verdict(entry, item.sure, item.doubtful, item.reasons, item.topics)
        alloc.total = (alloc.total[0] + item.sure, alloc.total[1] + item.doubtful)
        _add(alloc.per_format, entry.format, item.sure, item.doubtful)
    alloc.verdicts = [
        verdict_of[e.id] for e in sorted(entries, key=lambda e: (e.completed_on, e.id))
    ]
    return alloc


def _limit(rule: FormatRule) -> Decimal | None:
    return rule.max_hours if isinstance(rule.max_hours, Decimal) else None


def _outside(rules: Jurisdiction, entry: EntryFacts, win: Window) -> str | None:
    day = entry.completed_on
    cycle = rules.cycle
    cited = cite_text(rules, cycle.cite) if not isinstance(cycle, str) else ""
    rule = f"; {cited}" if cited else ""
    if win.end is not None and day > win.end:
        return f"completed after this cycle ends ({long_date(win.end)}{rule})"
    if win.start is not None and day < win.start:
        return f"completed before this cycle began ({long_date(win.start)}{rule})"
    return None


def _apply_caps(rules: Jurisdiction, caps: list[CapState], ordered: list[_Work]) -> None:
    for item in ordered:
        fmt = item.entry.format
        for cap in caps:
            if cap.applies(item.entry) and not cap.known and item.sure > 0:
                item.doubtful += item.sure
                item.sure = ZERO
                item.reasons.append(f"{FORMAT_WORDS[fmt]}: the limit on these hours is unknown")
    known = [c for c in caps if c.limit is not None]
    for sure_pass in (True, False):
        wants = [item.sure if sure_pass else item.doubtful for item in ordered]
        rooms = [(c.limit or ZERO) - c.used_any for c in known]
        allowed = best_fill(wants, rooms, lambda c, i: known[c].applies(ordered[i].entry))
        for item, want, got in zip(ordered, wants, allowed, strict=True):
            binding = [c for c in known if c.applies(item.entry)]
            for cap in binding:
                cap.used_any += got
            if got >= want:
                continue
            if sure_pass:
                item.sure = got
            else:
                item.doubtful = got
            limits = "; ".join(
                f"the {format_hours(c.limit or ZERO)}-hour limit on {c.words(rules)} "
                f"({cite_text(rules, c.rule.cite)})"
                for c in binding
            )
            item.reasons.append(f"{format_hours(want - got)} h do not count: over {limits}")


def _apply_topics(
    rules: Jurisdiction,
    topic_rules: dict[str, TopicRule],
    topic_used: dict[str, Decimal],
    item: _Work,
    win: Window,
    alloc: Allocation,
    names: dict[str, str],
) -> None:
    entry = item.entry
    credited: dict[str, Decimal] = {}  # hours of this entry already given to each topic
    for category, hours in entry.categories.items():
        topic = topic_rules.get(category)
        valid = item.sure + item.doubtful
        if topic is not None:
            hours = min(hours, max(ZERO, entry.hours - credited.get(topic.topic, ZERO)))
            credited[topic.topic] = credited.get(topic.topic, ZERO) + hours
        share_sure = min(hours, item.sure)
        share_doubt = min(hours - share_sure, item.doubtful)
        if topic is None or valid <= 0:
            if share_sure + share_doubt > 0:
                item.topics[category] = share_sure + share_doubt
            continue
        key = topic.topic
        name = topic_label(key, names)
        cited = cite_text(rules, topic.cite)
        if topic.max_hours is not None:
            used = topic_used.get(key, ZERO)
            room = max(ZERO, topic.max_hours - used)
            over = max(ZERO, share_sure + share_doubt - room)
            if over > 0:
                cut_doubt = min(share_doubt, over)
                cut_sure = over - cut_doubt
                share_doubt -= cut_doubt
                share_sure -= cut_sure
                item.doubtful -= cut_doubt
                item.sure -= cut_sure
                item.reasons.append(
                    f"{format_hours(over)} h of {name} over the {format_hours(topic.max_hours)}"
                    f"-hour limit do not count ({cited})"
                )
            topic_used[key] = used + share_sure + share_doubt
        if not topic.counts_toward_total and share_sure + share_doubt > 0:
            item.sure -= share_sure
            item.doubtful -= share_doubt
            item.reasons.append(
                f"{format_hours(share_sure + share_doubt)} h of {name} do not count toward "
                f"the total ({cited})"
            )
        credit = _topic_credit(rules, topic, name, entry, share_sure, share_doubt, item.reasons)
        if credit is None:
            continue
        sure, doubtful = credit
        if sure + doubtful <= 0:
            continue
        item.topics[key] = item.topics.get(key, ZERO) + sure + doubtful
        if topic.min_hours is not None or topic.completion:
            _add(alloc.topics, key, sure, doubtful)
            year = win.year_of(entry.completed_on)
            if topic.each_year and year is not None:
                _add(alloc.topic_by_year, (key, year), sure, doubtful)
            item.reasons.append(f"{format_hours(sure + doubtful)} h count as {name} ({cited})")


def _topic_credit(
    rules: Jurisdiction,
    topic: TopicRule,
    name: str,
    entry: EntryFacts,
    sure: Decimal,
    doubtful: Decimal,
    reasons: list[str],
) -> tuple[Decimal, Decimal] | None:
    fmt = entry.format
    if topic.formats and fmt not in topic.formats:
        allowed = " or ".join(FORMAT_WORDS[f] for f in topic.formats)
        reasons.append(
            f"not {name}: {rules.name} counts only {allowed} hours for it "
            f"({cite_text(rules, topic.cite)})"
        )
        return None
    if topic.own_laws:
        about = _laws_of(rules, entry)
        if about == "other":
            reasons.append(f"not {name}: the course is about another state's laws")
            return None
        if about == "unsure":
            reasons.append(
                f"{name}: the record does not show the course is about {rules.name}'s laws "
                f"(approved by the {rules.name} board or named for {rules.name})"
            )
            return ZERO, sure + doubtful
    return sure, doubtful


def _laws_of(rules: Jurisdiction, entry: EntryFacts) -> Literal["own", "other", "unsure"]:
    approvers = entry.approvers
    title = entry.title
    if f"state:{rules.id}" in approvers or _names(title, rules.name):
        return "own"
    others = [n for n in _STATE_NAMES if n != rules.name and _names(title, n)]
    if others or any(a.startswith("state:") for a in approvers):
        return "other"
    return "unsure"


def _names(title: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", title, re.IGNORECASE) is not None


def _verdict(
    entry: EntryFacts,
    sure: Decimal,
    doubtful: Decimal,
    reasons: list[str],
    topics: dict[str, Decimal],
) -> EntryVerdict:
    verdict: Verdict
    if entry.hours == 0:
        verdict = "record"
    elif sure == entry.hours:
        verdict = "counts"
    elif sure > 0:
        verdict = "partly"
    elif doubtful > 0:
        verdict = "uncertain"
    else:
        verdict = "does-not-count"
    return EntryVerdict(
        entry.id,
        entry.title,
        entry.completed_on,
        entry.hours,
        sure,
        doubtful,
        verdict,
        reasons,
        topics,
    )

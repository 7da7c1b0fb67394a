"""A jurisdiction's CE rules in plain words, fact by fact, each with the sources it rests on.

Used by the knowledge pages; nothing here decides compliance (see ``ceatlas.compliance``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ceatlas.kb.models import Jurisdiction
from ceatlas.kb.rules import (
    FORMAT_WORDS,
    MONTH_NAMES,
    ApproverRule,
    CheckRule,
    Cited,
    CycleRule,
    FirstRenewal,
    FormatRule,
    RuleSet,
    TopicRule,
)

AUTHORITY_WORDS = {
    "statute": "statute",
    "regulation": "administrative rule",
    "board": "board's own page",
    "secondary": "secondary source",
}
_WHEN = {
    "current-at-renewal": "current on the renewal date",
    "this-cycle": "completed during the cycle",
    "once": "completed once",
    "each-year": "completed in each year of the cycle",
}


@dataclass(frozen=True)
class Citation:
    title: str
    url: str
    section: str
    authority: str
    confidence: str
    retrieved: str


@dataclass(frozen=True)
class FactRow:
    """One rule fact: what it covers, what it says, and where that is written."""

    subject: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    settle: str = ""
    note: str = ""


def _h(value: Decimal | str | None) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f} h"
    return "unknown"


def _name(topic: str, names: dict[str, str]) -> str:
    return names.get(topic, topic.replace("-", " "))


def _row(jur: Jurisdiction, subject: str, text: str, fact: Cited) -> FactRow:
    sources = jur.source_by_id
    cites = []
    for c in fact.cite:
        s = sources.get(c.source)
        if s is None:
            continue
        cites.append(
            Citation(
                s.title,
                s.url,
                c.section,
                AUTHORITY_WORDS[s.authority],
                c.confidence,
                s.retrieved.isoformat(),
            )
        )
    return FactRow(subject, text, cites, fact.settle, fact.note)


def _cycle_text(cycle: CycleRule) -> str:
    months = "unknown" if cycle.months == "unknown" else f"{cycle.months} months"
    if cycle.anchor == "fixed-date" and cycle.month and cycle.day:
        years = {"odd": " of odd years", "even": " of even years", "every": " each year"}
        when = f"{cycle.day} {MONTH_NAMES[cycle.month - 1]}{years.get(cycle.years or '', '')}"
        return f"{months}, ending on {when}"
    anchors = {
        "license-date": "ending on the license's own renewal date",
        "birthday": "ending on the licensee's birthday",
        "unknown": "renewal date: see your license",
    }
    return f"{months}, {anchors.get(cycle.anchor, '')}"


def _approvers_text(jur: Jurisdiction, rule: ApproverRule) -> str:
    if rule.accepted == "unknown":
        return "unknown"
    words = {
        "school": "schools the rule recognises",
        "any": "any course that meets the rule's criteria (no approval in advance)",
        "other": "others only if the board accepts them",
    }
    shown = [
        f"the {jur.name} board" if a == f"state:{jur.id}" else words.get(a, a)
        for a in rule.accepted
    ]
    text = ", ".join(shown)
    if rule.possible:
        text += "; possibly also " + ", ".join(rule.possible) + " (not confirmed)"
    for limit in rule.limits:
        text += f"; at most {_h(limit.max_hours)} from courses not approved by " + " or ".join(
            limit.unless
        )
    return text


def _topic_text(t: TopicRule, names: dict[str, str]) -> str:
    parts = []
    if t.completion:
        parts.append("a course to complete")
    elif t.min_hours is not None:
        parts.append(f"at least {_h(t.min_hours)}")
    if t.max_hours is not None:
        parts.append(f"at most {_h(t.max_hours)} count")
    if not t.counts_toward_total:
        parts.append("does not count toward the total")
    if t.each_year:
        parts.append("in each year of the cycle")
    if t.formats:
        parts.append("only " + " or ".join(FORMAT_WORDS[f] for f in t.formats))
    if t.own_laws:
        parts.append("about this jurisdiction's own laws")
    if t.also:
        parts.append("also met by " + ", ".join(_name(a, names) for a in t.also))
    return "; ".join(parts) or "named by the rule"


def _format_text(f: FormatRule) -> str:
    which = " or ".join(FORMAT_WORDS[x] for x in f.formats)
    if f.max_hours is not None:
        return f"at most {_h(f.max_hours)} {which}"
    return f"at least {_h(f.min_hours)} {which}"


def _check_text(c: CheckRule, names: dict[str, str]) -> str:
    proof = " or ".join(_name(e, names) for e in c.evidence)
    return f"{c.label}: {proof}, {_WHEN[c.when]}"


def _ruleset_rows(
    jur: Jurisdiction, label: str, rules: RuleSet, names: dict[str, str]
) -> list[FactRow]:
    if rules.hours_per_month is not None:
        total = f"{_h(rules.hours_per_month)} per month or partial month licensed"
        if rules.max_prorated_hours is not None:
            total += f", at most {_h(rules.max_prorated_hours)}"
        if rules.min_prorated_hours is not None:
            total += f", at least {_h(rules.min_prorated_hours)}"
    else:
        total = _h(rules.total_hours)
    rows = [_row(jur, f"{label}: total", total, rules)]
    carry = rules.carry_over
    if carry is not None:
        share = "all" if carry.fraction == 1 else f"{carry.fraction.normalize() * 100:f}%"
        text = f"{share} of the previous cycle's surplus counts" + (
            f", at most {_h(carry.max_hours)}" if carry.max_hours is not None else ""
        )
        rows.append(_row(jur, f"{label}: carry-over", text, carry))
    rows += [
        _row(jur, f"{label}: {_name(t.topic, names)}", _topic_text(t, names), t)
        for t in rules.topics
    ]
    rows += [_row(jur, f"{label}: formats", _format_text(f), f) for f in rules.formats]
    rows += [_row(jur, f"{label}: checklist", _check_text(c, names), c) for c in rules.checks]
    return rows


def describe(jur: Jurisdiction, names: dict[str, str]) -> list[FactRow]:
    """Every rule fact of ``jur`` in plain words with its sources."""
    if not jur.requires_ce and not isinstance(jur.renewal, RuleSet):
        return []
    rows: list[FactRow] = []
    if isinstance(jur.cycle, CycleRule):
        rows.append(_row(jur, "CE cycle", _cycle_text(jur.cycle), jur.cycle))
    if isinstance(jur.approvers, ApproverRule):
        rows.append(
            _row(jur, "Accepted approvals", _approvers_text(jur, jur.approvers), jur.approvers)
        )
    if isinstance(jur.renewal, RuleSet):
        rows += _ruleset_rows(jur, "Each renewal", jur.renewal, names)
    first = jur.first_renewal
    if isinstance(first, FirstRenewal):
        words = {
            "exempt": "exempt from CE",
            "same": "the same as every renewal",
            "own-rules": "its own rules (below)",
            "unknown": "unknown",
        }
        rows.append(_row(jur, "First renewal", words[first.rule], first))
        for tier in first.tiers:
            text = f"licensed under {tier.licensed_under_months} months: " + (
                "exempt" if tier.rule == "exempt" else "its own rules (below)"
            )
            rows.append(_row(jur, "First renewal", text, tier))
            if tier.rules is not None:
                rows += _ruleset_rows(
                    jur,
                    f"First renewal (under {tier.licensed_under_months} months)",
                    tier.rules,
                    names,
                )
        if first.rules is not None:
            rows += _ruleset_rows(jur, "First renewal", first.rules, names)
    return rows

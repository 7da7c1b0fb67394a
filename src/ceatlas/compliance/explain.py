"""Plain words for the compliance answer: rule citations, approvers, topics, the summary."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from ceatlas.compliance.facts import format_hours as _hours
from ceatlas.kb.models import Jurisdiction
from ceatlas.kb.rules import Cite

if TYPE_CHECKING:
    from ceatlas.compliance.facts import Requirement


def cite_text(rules: Jurisdiction, cites: Sequence[Cite]) -> str:
    """The sections a fact rests on ('R. 64B7-28.009(4)(a), F.A.C.'), '' when uncited."""
    sources = rules.source_by_id
    labels = [c.label(sources) for c in cites]
    return "; ".join(dict.fromkeys(label for label in labels if label))


def approver_label(code: str, rules: Jurisdiction) -> str:
    """'NCBTMB', 'the Florida board', 'the NY state board', 'an approved school'."""
    if code == f"state:{rules.id}":
        return f"the {rules.name} board"
    if code.startswith("state:"):
        return f"the {code[6:]} state board"
    if code == "school":
        return "a school the rule recognises"
    if code == "other":
        return "another approver"
    return code


def topic_label(topic: str, names: dict[str, str]) -> str:
    """A category's name in words ('human trafficking awareness')."""
    name = names.get(topic) or topic.replace("-", " ")
    return name[:1].lower() + name[1:] if not name[:2].isupper() else name


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def _shortfall(req: Requirement, names: dict[str, str]) -> str:
    what = "in total" if req.key == "total" else req.label[:1].lower() + req.label[1:]
    if req.required is None:
        return what
    surely = req.surely_missing or Decimal(0)
    most = req.missing or Decimal(0)
    if req.uncertain > 0 and surely != most:
        return (
            f"at least {_hours(surely)} h {what} ({_hours(most)} h if the "
            f"{_hours(req.uncertain)} uncertain h do not count)"
        )
    return f"{_hours(most)} h {what}"


def summary(
    name: str,
    kind: str,
    status: str,
    requirements: list[Requirement],
    names: dict[str, str],
) -> str:
    """One sentence a therapist reads: what is needed, what is counted, what is missing."""
    head = name if kind == "renewal" else f"{name}, {kind}"
    total = next((r for r in requirements if r.key == "total"), None)
    counted = ""
    if total is not None:
        needed = (
            f"{_hours(total.required)} h needed"
            + (f" ({total.note})" if total.note and total.required is not None else "")
            if total.required is not None
            else "total hours unknown"
        )
        counted = f"{needed}, {_hours(total.counted)} counted"
        if total.uncertain:
            counted += f", {_hours(total.uncertain)} uncertain"
    if status == "met":
        return f"{head}: all requirements met" + (f" ({counted})" if counted else "")
    if status == "unknown":
        open_items = [
            r.label[:1].lower() + r.label[1:] for r in requirements if r.status == "unknown"
        ]
        return (
            f"{head}: cannot be confirmed yet"
            + (f": {counted}" if counted else "")
            + ("; not settled: " + ", ".join(open_items) if open_items else "")
        )
    missing = [_shortfall(r, names) for r in requirements if r.status == "missing"]
    return f"{head}: " + (f"{counted}; " if counted else "") + "missing " + "; ".join(missing)

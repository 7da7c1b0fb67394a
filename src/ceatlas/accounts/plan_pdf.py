""" "My plan" as a PDF: the saved sessions, totals, what to check, and what was withdrawn."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ceatlas.accounts.profile import Plan, PlanItem, WithdrawnItem
from ceatlas.catalog.records import MODE_WORDS
from ceatlas.exports.pdf import Document

# the plan's own words for the ways of learning, capitalised for a line of their own
_MODES = {mode: words.capitalize() for mode, words in MODE_WORDS.items()}


def _money(value: Decimal | None, currency: str) -> str:
    if value is None:
        return "no price given"
    return f"${value:,.2f}" if currency == "USD" else f"{value:,.2f} {currency}"


def _hours(value: Decimal | None) -> str:
    if value is None:
        return "CE hours not given"
    return f"{value.normalize():f} CE hours" if value != 1 else "1 CE hour"


def _when(start: dt.date | None, end: dt.date | None) -> str:
    if start is None:
        return "Self-paced"
    last = end or start
    if last == start:
        return f"{start:%a %b} {start.day}, {start.year}"
    return f"{start:%a %b} {start.day}, {start.year} to {last:%a %b} {last.day}, {last.year}"


def _where(item: PlanItem) -> str:
    if item.mode in ("live_online", "self_paced_online"):
        return _MODES[item.mode]
    place = ", ".join(v for v in (item.city, item.region) if v)
    return f"{_MODES.get(item.mode, item.mode)}, {place}" if place else _MODES.get(item.mode, "")


def _item(doc: Document, item: PlanItem, base_url: str) -> None:
    doc.line_text(f"{_when(item.start_date, item.end_date)}  {item.course_title}", bold=True)
    parts = [item.provider_name or "provider not given", _where(item)]
    parts += [_money(item.price, item.currency), _hours(item.ce_hours)]
    doc.line_text("; ".join(p for p in parts if p))
    if item.changes:
        doc.line_text("Changed since you saved it: " + "; ".join(item.changes) + ".")
    if item.ended:
        doc.line_text("Ended: add it to your CE record with its certificate.")
    doc.line_text(f"Details: {base_url}courses/{item.course_id}#session-{item.session_id}", size=8)
    doc.ln(1)


def _withdrawn(doc: Document, item: WithdrawnItem) -> None:
    doc.line_text(f"{_when(item.start_date, item.end_date)}  {item.course_title}", bold=True)
    parts = [item.provider_name or "", _MODES.get(item.mode or "", ""), item.place or ""]
    parts.append(_money(item.price, item.currency))
    doc.line_text("; ".join(p for p in parts if p))
    if item.others:
        dates = "; ".join(
            f"{_when(start, None)} ({_money(price, currency)})"
            for _, _, start, price, currency in item.others
        )
        doc.line_text(f"Other sessions of this course: {dates}.")
    doc.ln(1)


def my_plan_pdf(plan: Plan, display_name: str, today: dt.date, base_url: str) -> bytes:
    """The therapist's saved plan as a Letter-size PDF (their own, for printing or sharing)."""
    doc = Document(f"My CE plan - {display_name}")
    doc.line_text(f"As of {today:%B} {today.day}, {today.year}.", size=9)
    cost = " + ".join(_money(v, k) for k, v in plan.total_cost.items()) or "$0.00"
    if plan.unpriced:
        cost += f" ({plan.unpriced} without a price)"
    hours = _hours(plan.total_hours)
    if plan.rows_hours != plan.total_hours:
        hours += (
            f" (the sessions add up to {_hours(plan.rows_hours)}; a course saved twice counts once)"
        )
    doc.line_text(f"{len(plan.items)} sessions; total cost {cost}; {hours}.", bold=True)
    if plan.warnings:
        doc.heading("Check your plan")
        for line in plan.warnings:
            doc.line_text(f"- {line}")
    doc.heading("Sessions")
    if not plan.items:
        doc.line_text("No sessions saved.")
    for item in plan.items:
        _item(doc, item, base_url)
    if plan.withdrawn:
        doc.heading("Withdrawn by the provider (not in the totals)")
        for withdrawn in plan.withdrawn:
            _withdrawn(doc, withdrawn)
    return doc.pdf_bytes()

"""Words for codes: modes, approvals, prices, dates (shared by pages and the API)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ceatlas.kb import KnowledgeBase

MODE_LABELS: dict[str, str] = {
    "in_person": "In person",
    "live_online": "Live online",
    "self_paced_online": "Self-paced online",
    "hybrid": "Hybrid",
}
ONLINE_MODES = ("live_online", "self_paced_online")
WEEKDAY_LABELS: dict[str, str] = {
    "monday": "Mon",
    "tuesday": "Tue",
    "wednesday": "Wed",
    "thursday": "Thu",
    "friday": "Fri",
    "saturday": "Sat",
    "sunday": "Sun",
}


def mode_label(mode: str) -> str:
    return MODE_LABELS.get(mode, mode.replace("_", " ").capitalize())


def approval_label(
    authority: str,
    authority_name: str | None,
    number: str | None,
    kb: KnowledgeBase | None = None,
    owner: str = "",
) -> str:
    if authority.startswith("state:"):
        code = authority[6:]
        jurisdiction = kb.jurisdictions.get(code) if kb is not None else None
        who = f"{jurisdiction.name} board" if jurisdiction is not None else f"{code} state board"
    elif authority == "other":
        who = authority_name or "Other approver"
    else:
        who = authority
    text = f"{who} approved {owner}".strip()
    return f"{text} #{number}" if number else text


def money(value: Decimal | None, currency: str | None = "USD") -> str:
    if value is None:
        return "Price not published"
    if value == 0:
        return "Free"
    amount = f"{value:,.2f}".removesuffix(".00")
    if (currency or "USD") == "USD":
        return f"${amount}"
    return f"{amount} {currency}"


def hours(value: Decimal | None) -> str:
    if value is None:
        return "Hours not published"
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return f"{text} CE hour" + ("" if value == 1 else "s")


def number(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def day(value: dt.date | None) -> str:
    if value is None:
        return ""
    return f"{value:%a} {value:%b} {value.day}, {value.year}"


def clock(value: dt.time | None) -> str:
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value:%M} {suffix}" if value.minute else f"{hour} {suffix}"


def date_range(start: dt.date | None, end: dt.date | None) -> str:
    if start is None:
        return "Start any time"
    if end is None or end == start:
        return day(start)
    if end.year == start.year and end.month == start.month:
        return f"{start:%a} {start:%b} {start.day} – {end:%a} {end.day}, {end.year}"
    return f"{day(start)} – {day(end)}"

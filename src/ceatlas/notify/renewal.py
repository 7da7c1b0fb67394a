"""Renewal reminders 90, 30 and 7 days before each license's deadline, saying what the
CE record still lacks (from the compliance engine) with links to matching sessions.

Each license gets at most one reminder per threshold and cycle: the key is
``renewal:<license id>:<renewal date>:<threshold>``. A license first seen inside a
threshold (recorded 20 days before its deadline) gets that threshold's reminder only,
not the earlier ones late.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from ceatlas.compliance import CeRecords
from ceatlas.compliance.facts import ComplianceStatus, Requirement, format_hours
from ceatlas.mail import Outbox
from ceatlas.notify.common import Links, Recipient, queue_for, recipients

KIND = "renewal"
THRESHOLDS = (7, 30, 90)


def threshold_for(days_left: int) -> int | None:
    """The reminder due with ``days_left`` days to go: the tightest threshold reached."""
    if days_left < 0:
        return None
    return next((t for t in THRESHOLDS if days_left <= t), None)


def _date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _find_link(links: Links, status: ComplianceStatus, req: Requirement, today: dt.date) -> str:
    params: dict[str, str] = {"state": status.jurisdiction, "date_from": today.isoformat()}
    if status.cycle_end is not None:
        params["date_to"] = status.cycle_end.isoformat()
    if req.topic:
        params["categories"] = req.topic
    return links.link("/search?" + urlencode(params))


def _still_needed(links: Links, status: ComplianceStatus, today: dt.date) -> list[str]:
    lines: list[str] = []
    for req in status.requirements:
        if req.status == "missing":
            missing = req.missing
            if missing is not None and missing > 0:
                counted = format_hours(req.counted)
                required = format_hours(req.required) if req.required is not None else "?"
                lines.append(
                    f"- {req.label}: {format_hours(missing)} more hours "
                    f"({counted} of {required} counted so far)"
                )
                lines.append(
                    f"  Sessions that could count: {_find_link(links, status, req, today)}"
                )
            else:
                lines.append(f"- {req.label}: {req.note or 'not in your record yet'}")
        elif req.status == "unknown":
            settle = f" ({req.settle})" if req.settle else ""
            lines.append(f"- {req.label}: CE Atlas cannot tell yet{settle}")
    return lines


def reminder_text(
    who: Recipient, status: ComplianceStatus, today: dt.date, links: Links
) -> tuple[str, str]:
    """(subject, body) of the reminder for one license."""
    assert status.cycle_end is not None
    days = (status.cycle_end - today).days
    number = f" ({status.license_number})" if status.license_number else ""
    needed = _still_needed(links, status, today)
    total = status.total
    short = ""
    if total is not None and total.missing:
        short = f", {format_hours(total.missing)} CE hours still needed"
    subject = f"{status.name}: renewal due in {days} days{short}"
    if needed:
        middle = "What your CE record still needs for this renewal:\n" + "\n".join(needed)
    else:
        middle = (
            "Your CE record meets every requirement CE Atlas knows for this renewal. "
            "Remember to renew with the board itself before the deadline."
        )
    body = (
        f"Hello {who.name},\n\n"
        f"{status.name}{number}: the renewal deadline is {_date(status.cycle_end)}, "
        f"{days} days from today.\n\n"
        f"{middle}\n\n"
        f"Your record and what counts: {links.link('/me/ce')}\n"
        "These figures come from the CE you have recorded in CE Atlas; your board's "
        "decision is the one that counts.\n" + links.footer(who.user_id, KIND, "renewal reminders")
    )
    return subject, body


def queue_renewal_reminders(
    records: CeRecords, outbox: Outbox, links: Links, today: dt.date
) -> list[int]:
    """Queue the reminders due ``today``; the ids of the messages added."""
    added: list[int] = []
    for who in recipients(records.engine, KIND):
        for status in records.status(who.user_id, today):
            if status.cycle_end is None or status.license_id is None:
                continue
            threshold = threshold_for((status.cycle_end - today).days)
            if threshold is None:
                continue
            key = f"renewal:{status.license_id}:{status.cycle_end.isoformat()}:{threshold}"
            subject, body = reminder_text(who, status, today, links)
            ident = queue_for(outbox, links, who, KIND, key, subject, body)
            if ident is not None:
                added.append(ident)
    return added

"""Alerts about sessions in a therapist's plan: withdrawn by the provider, changed since
saved (dates, price, place...), full, or registration closing within a week.

Each alert is one message under its own key, so it is sent once: a change is keyed by
what changed, so a second, different change alerts again.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts.models import SavedSession
from ceatlas.accounts.profile import PlanItem, Plans
from ceatlas.catalog.models import CourseSession
from ceatlas.mail import Outbox
from ceatlas.notify.common import Links, queue_for, recipients

KIND = "plan"
CLOSING_SOON = dt.timedelta(days=7)


def _when(item: PlanItem) -> str:
    if item.start_date is None:
        return "self-paced"
    return f"starting {item.start_date:%A} {item.start_date.day} {item.start_date:%B %Y}"


def _deadlines(engine: Engine, user_id: int) -> dict[int, dt.date]:
    """Registration deadlines of the user's saved sessions, by session id."""
    with Session(engine) as session:
        rows = session.execute(
            select(CourseSession.id, CourseSession.registration_deadline)
            .join(SavedSession, SavedSession.session_id == CourseSession.id)
            .where(SavedSession.user_id == user_id)
        ).all()
        return {int(i): d for i, d in rows if d is not None}


def plan_alerts(engine: Engine, user_id: int, today: dt.date) -> list[tuple[str, str, str]]:
    """(key, subject, text) of every alert about the plan as it is ``today``."""
    plan = Plans(engine).get(user_id, today)
    deadlines = _deadlines(engine, user_id)
    out: list[tuple[str, str, str]] = []
    for gone in plan.withdrawn:
        others = (
            f" {len(gone.others)} other session(s) of the course are listed." if gone.others else ""
        )
        out.append(
            (
                f"plan:withdrawn:{user_id}:{gone.saved_id}",
                f"Cancelled: {gone.course_title}",
                f"{gone.course_title} ({gone.provider_name or 'provider unknown'}), which you "
                f"saved in your plan, was withdrawn by its provider.{others}",
            )
        )
    for item in plan.items:
        if item.ended:
            continue
        if item.changes:
            digest = hashlib.sha256("|".join(item.changes).encode()).hexdigest()[:16]
            out.append(
                (
                    f"plan:changed:{user_id}:{item.session_id}:{digest}",
                    f"Changed: {item.course_title}",
                    f"The provider changed {item.course_title} ({_when(item)}) since you saved "
                    "it: " + "; ".join(item.changes) + ".",
                )
            )
        if item.seats_remaining == 0:
            out.append(
                (
                    f"plan:full:{user_id}:{item.session_id}",
                    f"Full: {item.course_title}",
                    f"{item.course_title} ({_when(item)}) has no seats left. Your plan shows "
                    "other sessions of the course, if any.",
                )
            )
        deadline = deadlines.get(item.session_id)
        if deadline is not None and today <= deadline <= today + CLOSING_SOON:
            out.append(
                (
                    f"plan:closing:{user_id}:{item.session_id}:{deadline.isoformat()}",
                    f"Registration closes {deadline:%b} {deadline.day}: {item.course_title}",
                    f"Registration for {item.course_title} ({_when(item)}) closes on "
                    f"{deadline:%A} {deadline.day} {deadline:%B %Y}.",
                )
            )
    return out


def queue_plan_alerts(engine: Engine, outbox: Outbox, links: Links, today: dt.date) -> list[int]:
    """Queue the alerts not sent before; the ids of the messages added."""
    added: list[int] = []
    for who in recipients(engine, KIND):
        for key, subject, text in plan_alerts(engine, who.user_id, today):
            body = (
                f"Hello {who.name},\n\n{text}\n\nYour plan: {links.link('/me/plan')}\n"
                + links.footer(who.user_id, KIND, "alerts about your plan")
            )
            ident = queue_for(outbox, links, who, KIND, key, subject, body)
            if ident is not None:
                added.append(ident)
    return added

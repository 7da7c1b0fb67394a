"""A plan as iCalendar (one event per session day, alarms, renewal reminders) and as PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from ceatlas.exports.pdf import Document
from ceatlas.planner.solve import Plan, PlanResult
from ceatlas.planner.words import hours_text, money

PRODID = "-//CE Atlas//planner//EN"
SESSION_ALARM = dt.timedelta(days=-1)
DEADLINE_ALARMS = (dt.timedelta(days=-60), dt.timedelta(days=-14))


def _zone(name: str | None) -> dt.tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _alarm(trigger: dt.timedelta, text: str) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", trigger)
    return alarm


def plan_calendar(
    plan: Plan, deadlines: Iterable[tuple[str, dt.date]] = (), stamp: dt.datetime | None = None
) -> bytes:
    """An event per session day (floating local time when the zone is unknown)."""
    now = stamp or dt.datetime.now(dt.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"CE plan ({plan.label})")
    for planned in plan.sessions:
        c = planned.candidate
        zone = _zone(c.timezone)
        for number, meeting in enumerate(c.meetings, start=1):
            start = dt.datetime.combine(meeting.day, dt.time()) + dt.timedelta(
                minutes=meeting.start
            )
            end = dt.datetime.combine(meeting.day, dt.time()) + dt.timedelta(minutes=meeting.end)
            event = icalendar.Event()
            event.add("uid", f"{c.id}#{number}@ceatlas")
            event.add("dtstamp", now)
            event.add("dtstart", start.replace(tzinfo=zone) if zone else start)
            event.add("dtend", end.replace(tzinfo=zone) if zone else end)
            suffix = f" (day {number} of {len(c.meetings)})" if len(c.meetings) > 1 else ""
            event.add("summary", f"{c.title}{suffix}")
            event.add("location", c.location)
            if c.url:
                event.add("url", c.url)
            event.add(
                "description",
                f"{c.provider}\n{planned.why}\nPrice: {money(c.price)}; CE: {hours_text(c.hours)}"
                + (f"\nRegister: {c.url}" if c.url else ""),
            )
            event.add_component(_alarm(SESSION_ALARM, f"Tomorrow: {c.title}"))
            cal.add_component(event)
        if not c.meetings:
            todo = icalendar.Todo()
            todo.add("uid", f"{c.id}@ceatlas")
            todo.add("dtstamp", now)
            todo.add("summary", f"Self-paced: {c.title}")
            if c.url:
                todo.add("url", c.url)
            todo.add("description", planned.why)
            cal.add_component(todo)
    for label, day in deadlines:
        event = icalendar.Event()
        event.add("uid", f"deadline-{label}-{day.isoformat()}@ceatlas".replace(" ", "-"))
        event.add("dtstamp", now)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", f"Deadline: {label}")
        for trigger in DEADLINE_ALARMS:
            event.add_component(_alarm(trigger, f"{label} on {day.isoformat()}"))
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _plan_section(doc: Document, plan: Plan) -> None:
    doc.heading(
        f"{plan.label.capitalize()}: {money(plan.cost)}, {hours_text(plan.hours)} CE, "
        f"{plan.trips} trip(s), {plan.days_away} day(s) away, {plan.distance_km:g} km"
    )
    doc.line_text(
        "Proven optimal"
        if plan.optimal
        else f"Best found (optimality gap {100 * (plan.gap or 0):.1f}%)"
    )
    for planned in plan.sessions:
        c = planned.candidate
        when = (
            f"{c.meetings[0].day.isoformat()}"
            + (f" to {c.meetings[-1].day.isoformat()}" if len(c.meetings) > 1 else "")
            if c.meetings
            else "self-paced"
        )
        doc.line_text(f"{when}  {c.title} ({c.provider})", bold=True)
        doc.line_text(
            f"{c.mode.replace('_', ' ')}, {c.location}; {money(c.price)}; {hours_text(c.hours)}"
            + (f"; {c.distance_km:g} km away" if c.is_trip and c.distance_km is not None else "")
        )
        doc.line_text(f"Why: {planned.why}")
        if c.url:
            doc.line_text(f"Register: {c.url}", size=8)


def plan_pdf(result: PlanResult, title: str = "CE plan") -> bytes:
    doc = Document(title)
    if result.plan is None:
        doc.heading("No plan")
        for line in result.explanation:
            doc.line_text(line)
    else:
        _plan_section(doc, result.plan)
        for alternative in result.alternatives:
            _plan_section(doc, alternative)
    if result.unmet:
        doc.heading("Not in this plan")
        for line in result.unmet:
            doc.line_text(line)
    if result.notes:
        doc.heading("Notes")
        for line in result.notes:
            doc.line_text(line)
    return doc.pdf_bytes()

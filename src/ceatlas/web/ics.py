"""An iCalendar (.ics) file for one course session, made with the ``icalendar`` package."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from ceatlas.catalog import models as m
from ceatlas.web.labels import mode_label

_BYDAY = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}


def _zone(name: str | None) -> dt.tzinfo | None:
    if not name:
        return None
    if name[0] in "+-":
        sign = 1 if name[0] == "+" else -1
        hh, _, mm = name[1:].partition(":")
        try:
            offset = dt.timedelta(hours=int(hh), minutes=int(mm or 0))
        except ValueError:
            return None
        return dt.timezone(sign * offset)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _days(session: m.CourseSession) -> list[str]:
    found: list[str] = []
    for block in session.meeting_pattern or []:
        for name in block.get("days", []) or []:
            code = _BYDAY.get(str(name).lower())
            if code and code not in found:
                found.append(code)
    return found


def _calendar() -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//CE Atlas//ceatlas//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    return cal


def _finish(cal: icalendar.Calendar, zoned: bool) -> bytes:
    if zoned:
        cal.add_missing_timezones()
    body: bytes = cal.to_ical()
    return body


def session_calendar(session: m.CourseSession, base_url: str) -> bytes:
    """The session as one VEVENT (repeating daily, or on its meeting days, when it spans days).

    Raises ``ValueError`` for a session without a start date (self-paced).
    """
    if session.start_date is None:
        raise ValueError("this session has no scheduled dates")
    cal = _calendar()
    cal.add_component(session_event(session, base_url))
    return _finish(cal, isinstance(_zone(session.timezone), ZoneInfo))


def sessions_calendar(sessions: list[m.CourseSession], base_url: str) -> bytes:
    """Every dated session of ``sessions`` (self-paced ones have no dates) in one calendar."""
    cal = _calendar()
    zoned = False
    for session in sessions:
        if session.start_date is None:
            continue
        cal.add_component(session_event(session, base_url))
        zoned = zoned or isinstance(_zone(session.timezone), ZoneInfo)
    return _finish(cal, zoned)


def session_event(session: m.CourseSession, base_url: str) -> icalendar.Event:
    """One dated session as a VEVENT."""
    assert session.start_date is not None
    course = session.course
    provider = course.provider
    event = icalendar.Event()
    event.add("uid", f"session-{session.id}@ceatlas")
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    event.add("summary", course.title)
    start_day = session.start_date
    end_day = session.end_date or start_day
    zone = _zone(session.timezone)
    if session.start_time is not None:
        start = dt.datetime.combine(start_day, session.start_time, tzinfo=zone)
        end_time = session.end_time or session.start_time
        end = dt.datetime.combine(start_day, end_time, tzinfo=zone)
        if end <= start:
            end = start + dt.timedelta(hours=1)
        event.add("dtstart", start)
        event.add("dtend", end)
        if end_day > start_day:
            until = dt.datetime.combine(end_day, end_time, tzinfo=zone)
            rule: dict[str, object] = {"freq": "daily", "until": until.astimezone(dt.UTC)}
            days = _days(session)
            if days:
                rule = {"freq": "weekly", "byday": days, "until": until.astimezone(dt.UTC)}
            event.add("rrule", rule)
    else:
        event.add("dtstart", start_day)
        event.add("dtend", end_day + dt.timedelta(days=1))
    place = ", ".join(
        part
        for part in (
            session.venue,
            session.street,
            session.city,
            session.region,
            session.postal_code,
        )
        if part
    )
    if session.mode in ("live_online", "self_paced_online") and not place:
        place = mode_label(session.mode)
    if place:
        event.add("location", place)
    if session.latitude is not None and session.longitude is not None:
        event.add("geo", (session.latitude, session.longitude))
    lines = [f"{mode_label(session.mode)} course"]
    if provider is not None:
        lines.append(f"Provider: {provider.name}")
    if course.ce_hours is not None:
        lines.append(f"CE hours: {course.ce_hours.normalize():f}")
    if session.registration_url and session.registration_url.startswith(("https://", "http://")):
        lines.append(f"Register: {session.registration_url}")  # never javascript: or data:
    course_page = f"{base_url.rstrip('/')}/courses/{course.id}"
    lines.append(f"Details: {course_page}")
    event.add("description", "\n".join(lines))
    event.add("url", course_page)
    return event


def all_day_event(
    uid: str, day: dt.date, summary: str, description: str, url: str
) -> icalendar.Event:
    """A one-day event without a time (a deadline, a due date)."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("description", description)
    event.add("url", url)
    return event


def feed_calendar(
    sessions: list[m.CourseSession], extra: list[icalendar.Event], base_url: str, name: str
) -> bytes:
    """A subscribed calendar: the dated ``sessions`` and the ``extra`` all-day events, with
    the name calendar apps show and a hint to refresh every few hours."""
    cal = _calendar()
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    zoned = False
    for session in sessions:
        if session.start_date is None:
            continue
        cal.add_component(session_event(session, base_url))
        zoned = zoned or isinstance(_zone(session.timezone), ZoneInfo)
    for event in extra:
        cal.add_component(event)
    return _finish(cal, zoned)

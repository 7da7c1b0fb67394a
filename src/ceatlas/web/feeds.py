"""What the private feeds hold: a therapist's calendar (planned sessions, due dates of
self-paced ones, renewal deadlines) and a saved search's Atom feed."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ceatlas.accounts import AccountError
from ceatlas.accounts.feed_tokens import feed_token
from ceatlas.accounts.models import SavedSearchHit
from ceatlas.accounts.profile import Plans
from ceatlas.accounts.saved_searches import CalendarFeed, SavedSearches, SavedSearchView
from ceatlas.catalog.models import Course, CourseSession
from ceatlas.compliance import CeRecords
from ceatlas.notify.saved_search import matching_sessions, query_json, query_string
from ceatlas.search import SearchError
from ceatlas.web.context import WebContext
from ceatlas.web.errors import WebError
from ceatlas.web.ics import all_day_event, feed_calendar
from ceatlas.web.labels import mode_label
from ceatlas.web.search_params import parse

ATOM = "http://www.w3.org/2005/Atom"
CALENDAR = "calendar"
SEARCH = "search"
FEED_ENTRIES = 50


def calendar_url(ctx: WebContext, user_id: int, generation: int) -> str:
    token = feed_token(ctx.settings.session_secret(), CALENDAR, user_id, generation)
    return ctx.settings.link("/calendar/plan.ics?" + urlencode({"token": token}))


def calendar_address(ctx: WebContext, user_id: int) -> str | None:
    """The therapist's private calendar address, or ``None`` while it is off."""
    generation = CalendarFeed(ctx.engine).generation(user_id)
    return calendar_url(ctx, user_id, generation) if generation > 0 else None


def search_feed_url(ctx: WebContext, search_id: int, generation: int) -> str:
    token = feed_token(ctx.settings.session_secret(), SEARCH, search_id, generation)
    return ctx.settings.link("/feeds/saved-search.atom?" + urlencode({"token": token}))


_NAMES = {
    "q": "words",
    "max_price": "up to",
    "date_from": "from",
    "date_to": "until",
    "days": "on",
    "time_of_day": "in the",
    "near": "near",
    "radius": "within",
    "state": "counts for",
    "categories": "subjects",
    "techniques": "techniques",
    "conditions": "conditions",
    "providers": "providers",
    "min_hours": "at least (CE hours)",
    "max_hours": "at most (CE hours)",
}


def describe(saved: str) -> list[str]:
    """A saved query in words, one part per filter ("words: sciatica", "In person")."""
    data: dict[str, Any] = json.loads(saved)
    parts: list[str] = []
    for key in sorted(data, key=lambda k: k != "q"):  # the words first
        value = data[key]
        values = value if isinstance(value, list) else [value]
        if key == "modes":
            parts.append(" or ".join(mode_label(str(v)) for v in values))
        elif key == "radius":
            miles = int(value) if float(value).is_integer() else value
            parts.append(f"within {miles} {data.get('unit', 'mi')}")
        elif key in ("unit", "currency", "lat", "lon"):
            continue
        elif isinstance(value, bool):
            parts.append(key.replace("_", " ") + (": yes" if value else ": no"))
        else:
            label = _NAMES.get(key, key.replace("_", " "))
            shown = ", ".join(str(v).replace("_", " ") for v in values)
            parts.append(f"{label}: {shown}")
    return parts


def save_search(ctx: WebContext, user_id: int, name: str, query: str) -> SavedSearchView:
    """Keep the search whose query string (as in the search page's address) is ``query``;
    the sessions it matches now are recorded as known. Raises :class:`AccountError`
    (field ``query`` or ``name``) for a query that cannot be kept."""
    try:
        parsed = parse(parse_qsl(query), strict=False)
    except WebError as error:
        raise AccountError(error.message, "query") from None
    saved = query_json(parsed)
    if saved == "{}":
        raise AccountError("search for something first: a search of everything", "query")
    try:
        ids, capped = matching_sessions(ctx.search, ctx.kb, saved, ctx.today())
    except SearchError as error:
        raise AccountError(str(error), "query") from None
    return SavedSearches(ctx.engine).save(
        user_id, name or parsed.q or "My search", saved, ids, capped=capped, today=ctx.today()
    )


def calendar_for(ctx: WebContext, user_id: int) -> bytes:
    """Planned sessions; self-paced ones on their due date (the end of their access
    period, else the next renewal deadline); renewal deadlines still ahead."""
    today = ctx.today()
    base = ctx.settings.public_url
    records = CeRecords(ctx.engine, ctx.kb, ctx.settings.data_dir)
    names = {j.id: j.name for j in ctx.kb.jurisdictions.values()}
    deadlines = sorted(
        (lic.cycle_end, lic)
        for lic in records.licenses(user_id)
        if lic.cycle_end is not None and lic.cycle_end >= today
    )
    extra = [
        all_day_event(
            f"renewal-{lic.id}-{day.isoformat()}@ceatlas",
            day,
            f"{names.get(lic.jurisdiction, lic.jurisdiction)} renewal deadline",
            "The last day to renew. What your CE record still needs: "
            + ctx.settings.link("/me/ce"),
            ctx.settings.link("/me/ce"),
        )
        for day, lic in deadlines
    ]
    next_deadline = deadlines[0][0] if deadlines else None
    ids = Plans(ctx.engine).session_ids(user_id)
    with Session(ctx.engine) as db:
        sessions = list(
            db.scalars(
                select(CourseSession)
                .where(CourseSession.id.in_(ids))
                .options(selectinload(CourseSession.course).selectinload(Course.provider))
            )
        )
        for s in sessions:
            if s.start_date is not None:
                continue
            due = s.end_date if s.end_date is not None and s.end_date >= today else next_deadline
            if due is None:
                continue
            why = "the end of its access period" if due == s.end_date else "your next renewal"
            extra.append(
                all_day_event(
                    f"due-{s.id}-{due.isoformat()}@ceatlas",
                    due,
                    f"Finish: {s.course.title} (at your own pace)",
                    f"Due by {why}. Details: {ctx.settings.link(f'/courses/{s.course_id}')}",
                    ctx.settings.link(f"/courses/{s.course_id}"),
                )
            )
        return feed_calendar(sessions, extra, base, "CE Atlas: my plan and deadlines")


def atom_for(ctx: WebContext, saved: SavedSearchView, self_url: str) -> bytes:
    """The saved search's matches, newest first (when first seen), as an Atom feed."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    search_url = ctx.settings.link("/?" + query_string(saved.query))

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    sub(feed, "id", f"urn:ceatlas:saved-search:{saved.id}")
    sub(feed, "title", f"CE Atlas: {saved.name}")
    sub(feed, "link", rel="alternate", href=search_url)
    sub(feed, "link", rel="self", href=self_url)
    author = sub(feed, "author")
    sub(author, "name", "CE Atlas")
    with Session(ctx.engine) as db:
        rows = db.execute(
            select(SavedSearchHit, CourseSession, Course)
            .join(CourseSession, CourseSession.id == SavedSearchHit.session_id)
            .join(Course, Course.id == CourseSession.course_id)
            .where(SavedSearchHit.saved_search_id == saved.id)
            .order_by(SavedSearchHit.first_seen_at.desc(), CourseSession.start_date)
            .limit(FEED_ENTRIES)
        ).all()
        updated = max((hit.first_seen_at for hit, _, _ in rows), default=saved.created_at)
        sub(feed, "updated", _stamp(updated))
        for hit, s, c in rows:
            entry = sub(feed, "entry")
            sub(entry, "id", f"urn:ceatlas:session:{s.id}")
            when = (
                f"{s.start_date:%a} {s.start_date.day} {s.start_date:%b %Y}"
                if s.start_date
                else "any time"
            )
            place = ", ".join(p for p in (s.city, s.region) if p) or mode_label(s.mode)
            sub(entry, "title", f"{c.title} ({when}, {place})")
            sub(entry, "link", rel="alternate", href=ctx.settings.link(f"/courses/{c.id}"))
            sub(entry, "updated", _stamp(hit.first_seen_at))
            provider = c.provider.name if c.provider is not None else "provider not given"
            hours = (
                f"{c.ce_hours.normalize():f} CE hours"
                if c.ce_hours is not None
                else "CE hours not given"
            )
            price = f"{s.price:,.2f} {s.currency}" if s.price is not None else "price not given"
            sub(entry, "summary", f"{provider}; {mode_label(s.mode)}; {hours}; {price}")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def _stamp(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"

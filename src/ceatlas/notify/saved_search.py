"""New sessions for saved searches: looked for once a day per search, told once each.

A saved search keeps its :class:`SearchQuery` as JSON. Once a day (``checked_on``) the
search runs again exactly as the search page runs it (the complaint reading included),
session by session, following at most :data:`MAX_FOLLOWED` matches; sessions not seen
before are recorded, and one digest per therapist and day lists those not told yet.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from ceatlas.accounts.models import SavedSearch, SavedSearchHit
from ceatlas.catalog.models import Course, CourseSession
from ceatlas.catalog.records import MODE_WORDS
from ceatlas.kb import KnowledgeBase
from ceatlas.mail import Outbox
from ceatlas.notify.common import Links, queue_for, recipients
from ceatlas.recommend.matching import shared_matcher
from ceatlas.recommend.query import understood_search
from ceatlas.search import SearchQuery, SearchResult, SearchService

KIND = "saved_search"
MAX_FOLLOWED = 1000
PAGE = 100
# Fields of a query that change how results are shown, not which sessions match.
SHOWING = {"page", "per_page", "sort", "group_by_course", "facets"}


def query_json(query: SearchQuery) -> str:
    """What a saved search keeps of ``query``: the fields that choose sessions."""
    data = query.model_dump(mode="json", exclude_defaults=True, exclude=SHOWING)
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def query_string(saved: str) -> str:
    """The search page's address for a saved query (``?q=...&modes=...``)."""
    data: dict[str, Any] = json.loads(saved)
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            text = ("true" if item else "false") if isinstance(item, bool) else str(item)
            pairs.append((key, text))
    return urlencode(pairs)


def matching_sessions(
    search: SearchService, kb: KnowledgeBase, saved: str, today: dt.date
) -> tuple[list[int], bool]:
    """Ids of the upcoming sessions the saved query matches (at most MAX_FOLLOWED), and
    whether there were more."""
    base = SearchQuery.model_validate(json.loads(saved))
    found: list[int] = []
    page = 1
    while True:
        query = base.model_copy(
            update={"page": page, "per_page": PAGE, "group_by_course": False, "facets": False}
        )
        result: SearchResult = understood_search(
            lambda: shared_matcher(kb, "auto", wait=False),
            query,
            lambda q: search.search(q, today),
        )
        if result.nothing_found is not None and not result.results:
            return found, False
        found.extend(hit.session.id for hit in result.results)
        if len(found) >= MAX_FOLLOWED:
            return found[:MAX_FOLLOWED], result.total > MAX_FOLLOWED
        if page >= result.pages or not result.results:
            return found, False
        page += 1


@dataclass(frozen=True)
class NewSession:
    search_name: str
    search_query: str
    session_id: int
    course_id: int
    title: str
    start: dt.date | None
    place: str


def record_new_matches(
    engine: Engine,
    search: SearchService,
    kb: KnowledgeBase,
    user_id: int,
    today: dt.date,
    now: dt.datetime,
) -> None:
    """Run each of the user's saved searches not yet checked today; record new sessions."""
    with Session(engine) as session:
        due = session.scalars(
            select(SavedSearch).where(
                SavedSearch.user_id == user_id,
                (SavedSearch.checked_on.is_(None)) | (SavedSearch.checked_on < today),
            )
        ).all()
        for saved in due:
            ids, capped = matching_sessions(search, kb, saved.query, today)
            known = set(
                session.scalars(
                    select(SavedSearchHit.session_id).where(
                        SavedSearchHit.saved_search_id == saved.id
                    )
                )
            )
            session.add_all(
                SavedSearchHit(
                    saved_search_id=saved.id, session_id=i, first_seen_at=now, notified=False
                )
                for i in dict.fromkeys(ids)
                if i not in known
            )
            saved.checked_on = today
            saved.capped = capped
            session.commit()


def untold(engine: Engine, user_id: int) -> list[NewSession]:
    with Session(engine) as session:
        rows = session.execute(
            select(SavedSearch, SavedSearchHit, CourseSession, Course)
            .join(SavedSearchHit, SavedSearchHit.saved_search_id == SavedSearch.id)
            .join(CourseSession, CourseSession.id == SavedSearchHit.session_id)
            .join(Course, Course.id == CourseSession.course_id)
            .where(SavedSearch.user_id == user_id, SavedSearchHit.notified.is_(False))
            .order_by(SavedSearch.id, CourseSession.start_date, CourseSession.id)
        ).all()
        return [
            NewSession(
                saved.name,
                saved.query,
                s.id,
                c.id,
                c.title,
                s.start_date,
                ", ".join(p for p in (s.city, s.region) if p) or MODE_WORDS.get(s.mode, s.mode),
            )
            for saved, _hit, s, c in rows
        ]


def _mark_told(engine: Engine, user_id: int) -> None:
    with Session(engine) as session:
        searches = select(SavedSearch.id).where(SavedSearch.user_id == user_id)
        session.execute(
            update(SavedSearchHit)
            .where(SavedSearchHit.saved_search_id.in_(searches), SavedSearchHit.notified.is_(False))
            .values(notified=True)
        )
        session.commit()


def digest_text(name: str, news: list[NewSession], link: Callable[[str], str]) -> str:
    lines = [f"Hello {name},", "", "New sessions match your saved searches:"]
    current = None
    for item in news:
        if item.search_name != current:
            current = item.search_name
            lines += ["", f"{item.search_name} ({link('/?' + query_string(item.search_query))})"]
        when = f"{item.start:%a} {item.start.day} {item.start:%b %Y}" if item.start else "any time"
        lines.append(f"- {item.title}, {when}, {item.place}: {link(f'/courses/{item.course_id}')}")
    return "\n".join(lines) + "\n"


def queue_saved_search_digests(
    engine: Engine,
    search: SearchService,
    kb: KnowledgeBase,
    outbox: Outbox,
    links: Links,
    today: dt.date,
    now: dt.datetime,
) -> list[int]:
    """Check saved searches due today and queue one digest per therapist with news."""
    added: list[int] = []
    for who in recipients(engine, KIND):
        record_new_matches(engine, search, kb, who.user_id, today, now)
        news = untold(engine, who.user_id)
        if not news:
            continue
        count = len(news)
        body = (
            digest_text(who.name, news, links.link)
            + f"\nYour saved searches: {links.link('/me/searches')}\n"
            + links.footer(who.user_id, KIND, "saved-search e-mails")
        )
        subject = f"{count} new session{'s' if count != 1 else ''} for your saved searches"
        key = f"saved-search:{who.user_id}:{today.isoformat()}"
        ident = queue_for(outbox, links, who, KIND, key, subject, body)
        if ident is not None:
            added.append(ident)
            _mark_told(engine, who.user_id)
    return added

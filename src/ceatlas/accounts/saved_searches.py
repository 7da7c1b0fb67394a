"""Saved searches and the private calendar feed's switch, per therapist.

A saved search keeps the query string of a search; what it matches is looked for by
``ceatlas notify`` (see :mod:`ceatlas.notify.saved_search`), which records each matching
session once (:class:`SavedSearchHit`). The sessions a search matched when it was saved
are recorded as already told, so only sessions published later are news.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ceatlas.accounts.errors import AccountError
from ceatlas.accounts.models import SavedSearch, SavedSearchHit, TherapistProfile

MAX_SAVED = 50
MAX_QUERY = 4000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class SavedSearchView:
    id: int
    user_id: int
    name: str
    query: str
    created_at: dt.datetime
    feed: int
    checked_on: dt.date | None
    capped: bool


def _view(row: SavedSearch) -> SavedSearchView:
    return SavedSearchView(
        row.id,
        row.user_id,
        row.name,
        row.query,
        row.created_at,
        row.feed,
        row.checked_on,
        row.capped,
    )


class SavedSearches:
    """Saved searches in ``engine``'s database; every method checks the owner."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(
        self,
        user_id: int,
        name: str,
        query: str,
        matching: Iterable[int] = (),
        *,
        capped: bool = False,
        today: dt.date | None = None,
    ) -> SavedSearchView:
        """Keep a search; ``matching`` are the sessions it matches now (not news)."""
        title = " ".join(name.split())
        if not title or len(title) > 200:
            raise AccountError("give the search a name of 1 to 200 characters", "name")
        if len(query) > MAX_QUERY:
            raise AccountError("this search is too long to save", "query")
        moment = _now()
        with Session(self.engine) as session:
            count = session.scalar(
                select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user_id)
            )
            if (count or 0) >= MAX_SAVED:
                raise AccountError(
                    f"you can keep {MAX_SAVED} searches; delete one first", "name", 409
                )
            row = SavedSearch(
                user_id=user_id,
                name=title,
                query=query,
                created_at=moment,
                feed=1,
                checked_on=today or moment.date(),
                capped=capped,
            )
            session.add(row)
            session.flush()
            session.add_all(
                SavedSearchHit(
                    saved_search_id=row.id, session_id=i, first_seen_at=moment, notified=True
                )
                for i in sorted(set(matching))
            )
            session.commit()
            return _view(row)

    def list(self, user_id: int) -> list[SavedSearchView]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.id)
            )
            return [_view(r) for r in rows]

    def get(self, user_id: int, search_id: int) -> SavedSearchView:
        with Session(self.engine) as session:
            return _view(self._own(session, user_id, search_id))

    def by_id(self, search_id: int) -> SavedSearchView | None:
        """Any account's saved search (for its feed, whose token was checked)."""
        with Session(self.engine) as session:
            row = session.get(SavedSearch, search_id)
            return _view(row) if row is not None else None

    def delete(self, user_id: int, search_id: int) -> None:
        with Session(self.engine) as session:
            session.delete(self._own(session, user_id, search_id))
            session.commit()

    def new_feed_address(self, user_id: int, search_id: int) -> SavedSearchView:
        """Retire the feed address of a search: a new one replaces it."""
        with Session(self.engine) as session:
            row = self._own(session, user_id, search_id)
            row.feed += 1
            session.commit()
            return _view(row)

    @staticmethod
    def _own(session: Session, user_id: int, search_id: int) -> SavedSearch:
        row = session.get(SavedSearch, search_id)
        if row is None or row.user_id != user_id:
            raise AccountError(f"no saved search with id {search_id}", "id", 404)
        return row


class CalendarFeed:
    """The switch of each therapist's private calendar address."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def generation(self, user_id: int) -> int:
        """0 when the address is off."""
        with Session(self.engine) as session:
            profile = session.get(TherapistProfile, user_id)
            return profile.calendar_feed if profile is not None else 0

    def new_address(self, user_id: int) -> int:
        """Turn the address on, or replace it (the old one stops working)."""
        return self._set(user_id, on=True)

    def turn_off(self, user_id: int) -> None:
        self._set(user_id, on=False)

    def _set(self, user_id: int, *, on: bool) -> int:
        with Session(self.engine) as session:
            profile = session.get(TherapistProfile, user_id)
            if profile is None:
                raise AccountError("calendar feeds belong to therapist accounts", None, 404)
            # Off keeps the count (negated) so turning on again never revives an old address.
            last = abs(profile.calendar_feed)
            profile.calendar_feed = last + 1 if on else -last
            session.commit()
            return profile.calendar_feed

"""A therapist's profile (what to plan with) and saved sessions ("my plan"), private to them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Literal

import zipcodes
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ceatlas.accounts.errors import AccountError
from ceatlas.accounts.models import SavedSession, TherapistProfile
from ceatlas.accounts.service import _now
from ceatlas.catalog.models import Course, CourseSession
from ceatlas.catalog.records import MODE_WORDS

KM_PER_MILE = 1.609344
MAX_PLAN = 200
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
TimeOfDay = Literal["morning", "afternoon", "evening"]
Mode = Literal["self_paced_online", "live_online", "in_person", "hybrid"]
_ZIP = re.compile(r"^\d{5}$")


class ProfileIn(BaseModel):
    """The editable profile; every field may be left empty."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    home_postal_code: str | None = Field(None, description="US ZIP code (5 digits).")
    max_travel_miles: int | None = Field(None, ge=1, le=3000)
    budget: Annotated[Decimal, Field(ge=0, le=1_000_000, decimal_places=2)] | None = Field(
        None, description="Yearly CE budget in US dollars."
    )
    available_days: list[Weekday] = Field(default_factory=list, max_length=7)
    available_times: list[TimeOfDay] = Field(default_factory=list, max_length=3)
    preferred_modes: list[Mode] = Field(default_factory=list, max_length=4)

    @field_validator("home_postal_code", mode="before")
    @classmethod
    def _zip(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or not _ZIP.match(value.strip()):
            raise ValueError("enter a 5-digit US ZIP code")
        code = value.strip()
        if not zipcodes.matching(code):  # type: ignore[no-untyped-call]
            raise ValueError(f"{code} is not a known US ZIP code")
        return code

    @field_validator("max_travel_miles", "budget", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("available_days", "available_times", "preferred_modes")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class ProfileOut(ProfileIn):
    model_config = ConfigDict(extra="forbid")
    currency: str = "USD"


def _miles(km: int | None) -> int | None:
    return None if km is None else round(km / KM_PER_MILE)


class Profiles:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, user_id: int) -> ProfileOut:
        with Session(self.engine) as session:
            row = session.get(TherapistProfile, user_id)
            if row is None:
                return ProfileOut()
            return ProfileOut.model_validate(
                {
                    "home_postal_code": row.home_postal_code,
                    "max_travel_miles": _miles(row.max_travel_km),
                    "budget": row.budget,
                    "available_days": row.available_days,
                    "available_times": row.available_times,
                    "preferred_modes": row.preferred_modes,
                    "currency": row.currency,
                }
            )

    def save(self, user_id: int, data: ProfileIn) -> ProfileOut:
        with Session(self.engine) as session:
            row = session.get(TherapistProfile, user_id)
            if row is None:
                row = TherapistProfile(user_id=user_id, currency="USD")
                session.add(row)
            row.home_postal_code = data.home_postal_code
            miles = data.max_travel_miles
            row.max_travel_km = None if miles is None else round(miles * KM_PER_MILE)
            row.budget = data.budget
            row.available_days = list(data.available_days)
            row.available_times = list(data.available_times)
            row.preferred_modes = list(data.preferred_modes)
            session.commit()
        return self.get(user_id)


@dataclass(frozen=True)
class PlanItem:
    session_id: int
    course_id: int
    course_title: str
    provider_name: str | None
    mode: str
    start_date: dt.date | None
    end_date: dt.date | None
    city: str | None
    region: str | None
    price: Decimal | None
    currency: str
    ce_hours: Decimal | None
    added_at: dt.datetime
    seats_remaining: int | None = None
    #: the session has ended (on or before the day the plan is looked at)
    ended: bool = False
    #: a cheaper upcoming session of the same course: (session id, price, start date)
    cheaper: tuple[int, Decimal, dt.date | None] | None = None
    #: what the provider changed since the session was saved (or since last noted), in words
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class WithdrawnItem:
    """A saved session its provider has withdrawn: no longer in the catalog, kept in the
    plan as it was when saved, with upcoming sessions of the same course if any."""

    saved_id: int
    course_title: str
    provider_name: str | None
    mode: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    place: str | None
    price: Decimal | None
    currency: str
    ce_hours: Decimal | None
    added_at: dt.datetime
    #: upcoming sessions of the same course: (course id, session id, start, price, currency)
    others: tuple[tuple[int, int, dt.date | None, Decimal | None, str], ...] = ()


@dataclass(frozen=True)
class Plan:
    items: list[PlanItem]
    # Total price per currency (sessions without a price count as 0 and are listed).
    total_cost: dict[str, Decimal] = field(default_factory=dict)
    # CE hours, each course counted once even when several of its sessions are saved.
    total_hours: Decimal = Decimal(0)
    unpriced: int = 0
    # The rows' CE hours added up (more than total_hours when a course is saved twice).
    rows_hours: Decimal = Decimal(0)
    # Saved sessions withdrawn from the catalog (in no total).
    withdrawn: list[WithdrawnItem] = field(default_factory=list)
    # Two sessions of one course, sessions whose dates overlap: in words.
    warnings: list[str] = field(default_factory=list)


def _with_cheaper(session: Session, items: list[PlanItem], day: dt.date) -> list[PlanItem]:
    """Each item not ended with the cheapest upcoming session of its course that costs
    less (same currency), if there is one."""
    open_items = [i for i in items if not i.ended and i.price is not None]
    if not open_items:
        return items
    saved = {i.session_id for i in items}
    rows = session.execute(
        select(
            CourseSession.id,
            CourseSession.course_id,
            CourseSession.price,
            CourseSession.currency,
            CourseSession.start_date,
        ).where(
            CourseSession.course_id.in_({i.course_id for i in open_items}),
            CourseSession.price.is_not(None),
            (CourseSession.start_date.is_(None)) | (CourseSession.start_date >= day),
        )
    ).all()
    out = []
    for item in items:
        options = [
            r
            for r in rows
            if r.course_id == item.course_id
            and r.id not in saved
            and item.price is not None
            and not item.ended
            and (r.currency or "USD") == item.currency
            and r.price < item.price
        ]
        best = min(options, key=lambda r: (r.price, r.start_date or dt.date.max), default=None)
        if best is not None:
            item = dataclasses.replace(item, cheaper=(best.id, best.price, best.start_date))
        out.append(item)
    return out


def _when(item: PlanItem) -> str:
    if item.start_date is None:
        return "self-paced"
    end = item.end_date or item.start_date
    if end == item.start_date:
        return f"{item.start_date:%b} {item.start_date.day}, {item.start_date.year}"
    return f"{item.start_date:%b} {item.start_date.day} to {end:%b} {end.day}, {end.year}"


def plan_warnings(items: list[PlanItem]) -> list[str]:
    """Two sessions of the same course, and dated sessions whose days overlap."""
    out: list[str] = []
    by_course: dict[int, list[PlanItem]] = {}
    for item in items:
        by_course.setdefault(item.course_id, []).append(item)
    for same in by_course.values():
        if len(same) > 1:
            dates = "; ".join(_when(i) for i in same)
            out.append(
                f"{len(same)} sessions of {same[0].course_title} are saved ({dates}): you need "
                "only one, and its CE hours count once."
            )
    for item in items:
        if item.changes:
            out.append(
                f"{item.course_title}: the provider changed this session since you saved it: "
                + "; ".join(item.changes)
                + "."
            )
        if item.seats_remaining == 0 and not item.ended:
            out.append(f"{item.course_title} ({_when(item)}) is full: choose another session.")
        if item.cheaper is not None:
            _, price, start = item.cheaper
            when = f"starting {start:%b} {start.day}, {start.year}" if start else "self-paced"
            out.append(
                f"{item.course_title}: another session costs less ({price:,.2f} "
                f"{item.currency}, {when})."
            )
    dated = [i for i in items if i.start_date is not None]
    for n, a in enumerate(dated):
        for b in dated[n + 1 :]:
            assert a.start_date is not None
            assert b.start_date is not None
            if a.start_date <= (b.end_date or b.start_date) and b.start_date <= (
                a.end_date or a.start_date
            ):
                if a.course_id == b.course_id:
                    continue
                out.append(
                    f"{a.course_title} ({_when(a)}) and {b.course_title} ({_when(b)}) "
                    "take place on the same days."
                )
    return out


class Plans:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, user_id: int, today: dt.date | None = None) -> Plan:
        """The saved sessions with totals and, as of ``today``, which have ended, which
        are full, which have a cheaper upcoming session of the same course, what their
        providers changed since they were saved, and which were withdrawn."""
        day = today or dt.date.today()
        with Session(self.engine) as session:
            rows = session.execute(
                select(SavedSession, CourseSession, Course)
                .outerjoin(CourseSession, CourseSession.id == SavedSession.session_id)
                .outerjoin(Course, Course.id == CourseSession.course_id)
                .where(SavedSession.user_id == user_id)
                .order_by(CourseSession.start_date, SavedSession.start_date, SavedSession.id)
            ).all()
            items = [
                PlanItem(
                    session_id=s.id,
                    course_id=c.id,
                    course_title=c.title,
                    provider_name=c.provider.name if c.provider else None,
                    mode=s.mode,
                    start_date=s.start_date,
                    end_date=s.end_date,
                    city=s.city,
                    region=s.region,
                    price=s.price,
                    currency=s.currency or "USD",
                    ce_hours=c.ce_hours,
                    added_at=saved.added_at,
                    seats_remaining=s.seats_remaining,
                    ended=(s.end_date or s.start_date or dt.date.max) <= day,
                    cheaper=None,
                    changes=changes_since_saved(saved, _snapshot(s, c)),
                )
                for saved, s, c in rows
                if s is not None and c is not None
            ]
            items = _with_cheaper(session, items, day)
            withdrawn = _withdrawn(session, [saved for saved, s, _ in rows if s is None], day)
        totals: dict[str, Decimal] = {}
        for item in items:
            totals[item.currency] = totals.get(item.currency, Decimal(0)) + (item.price or 0)
        hours = {i.course_id: i.ce_hours or Decimal(0) for i in items}
        return Plan(
            items=items,
            total_cost={k: v.quantize(Decimal("0.01")) for k, v in totals.items()},
            total_hours=sum(hours.values(), Decimal(0)).quantize(Decimal("0.01")),
            unpriced=sum(1 for i in items if i.price is None),
            rows_hours=sum((i.ce_hours or Decimal(0) for i in items), Decimal(0)).quantize(
                Decimal("0.01")
            ),
            withdrawn=withdrawn,
            warnings=withdrawn_warnings(withdrawn) + plan_warnings(items),
        )

    def session_ids(self, user_id: int) -> list[int]:
        with Session(self.engine) as session:
            return [
                i
                for i in session.scalars(
                    select(SavedSession.session_id).where(SavedSession.user_id == user_id)
                )
                if i is not None
            ]

    def add(self, user_id: int, session_id: int) -> bool:
        """Save a session; ``False`` when it was already saved."""
        with Session(self.engine) as session:
            if session.get(CourseSession, session_id) is None:
                raise AccountError("no session with this id", "session_id", 404)
            exists = session.scalar(
                select(SavedSession.id).where(
                    SavedSession.user_id == user_id, SavedSession.session_id == session_id
                )
            )
            if exists is not None:
                return False
            mine = select(SavedSession.id).where(SavedSession.user_id == user_id)
            if len(session.scalars(mine).all()) >= MAX_PLAN:
                raise AccountError(f"a plan holds at most {MAX_PLAN} sessions", "session_id", 409)
            saved = SavedSession(user_id=user_id, session_id=session_id, added_at=_now())
            _take_snapshot(session, saved)
            session.add(saved)
            try:
                session.commit()
            except IntegrityError:  # saved twice at the same moment
                return False
            return True

    def remove(self, user_id: int, session_id: int) -> None:
        with Session(self.engine) as session:
            gone = session.execute(
                delete(SavedSession).where(
                    SavedSession.user_id == user_id, SavedSession.session_id == session_id
                )
            )
            session.commit()
            if not getattr(gone, "rowcount", 0):
                raise AccountError("this session is not in your plan", "session_id", 404)

    def replace(self, user_id: int, session_ids: list[int]) -> None:
        wanted = list(dict.fromkeys(session_ids))
        if len(wanted) > MAX_PLAN:
            raise AccountError(f"a plan holds at most {MAX_PLAN} sessions", "session_ids", 422)
        with Session(self.engine) as session:
            known = set(
                session.scalars(select(CourseSession.id).where(CourseSession.id.in_(wanted)))
            )
            missing = [i for i in wanted if i not in known]
            if missing:
                raise AccountError(f"no session with id {missing[0]}", "session_ids", 422)
            session.execute(delete(SavedSession).where(SavedSession.user_id == user_id))
            now = _now()
            for i in wanted:
                saved = SavedSession(user_id=user_id, session_id=i, added_at=now)
                _take_snapshot(session, saved)
                session.add(saved)
            session.commit()

    def note_changes(self, user_id: int, session_id: int) -> None:
        """The therapist has seen what the provider changed: the session as it is now
        becomes what later changes are compared with."""
        with Session(self.engine) as session:
            saved = session.scalar(
                select(SavedSession).where(
                    SavedSession.user_id == user_id, SavedSession.session_id == session_id
                )
            )
            if saved is None:
                raise AccountError("this session is not in your plan", "session_id", 404)
            _take_snapshot(session, saved)
            session.commit()

    def dismiss(self, user_id: int, saved_id: int) -> None:
        """Take a withdrawn session off the plan."""
        with Session(self.engine) as session:
            gone = session.execute(
                delete(SavedSession).where(
                    SavedSession.user_id == user_id,
                    SavedSession.id == saved_id,
                    SavedSession.session_id.is_(None),
                )
            )
            session.commit()
            if not getattr(gone, "rowcount", 0):
                raise AccountError("no withdrawn session with this id in your plan", "id", 404)


# --- what a saved session was, and what became of it -------------------------------------

_Snapshot = dict[str, object]
_SNAPSHOT_FIELDS = ("start_date", "end_date", "mode", "place", "price", "currency")


def _place(s: CourseSession) -> str | None:
    return ", ".join(v for v in (s.city, s.region) if v) or None


def _snapshot(s: CourseSession, c: Course) -> _Snapshot:
    return {
        "course_key": c.key,
        "course_title": c.title,
        "provider_name": c.provider.name if c.provider else None,
        "start_date": s.start_date,
        "end_date": s.end_date,
        "mode": s.mode,
        "place": _place(s),
        "price": s.price,
        "currency": s.currency or "USD",
        "ce_hours": c.ce_hours,
    }


def _take_snapshot(session: Session, saved: SavedSession) -> None:
    found = session.get(CourseSession, saved.session_id) if saved.session_id else None
    if found is None:
        return
    course = session.get(Course, found.course_id)
    assert course is not None
    for name, value in _snapshot(found, course).items():
        setattr(saved, name, value)


def _dates(start: object, end: object) -> str:
    if not isinstance(start, dt.date):
        return "self-paced"
    last = end if isinstance(end, dt.date) else start
    if last == start:
        return f"{start:%b} {start.day}, {start.year}"
    return f"{start:%b} {start.day} to {last:%b} {last.day}, {last.year}"


def _money(price: object, currency: object) -> str:
    return "no price given" if not isinstance(price, Decimal) else f"{price:,.2f} {currency}"


def changes_since_saved(saved: SavedSession, now: _Snapshot) -> tuple[str, ...]:
    """What differs between the session as saved and as it is now, in words."""
    if saved.course_title is None:  # saved before snapshots were kept, and never filled
        return ()
    out: list[str] = []
    if (saved.start_date, saved.end_date) != (now["start_date"], now["end_date"]):
        was = _dates(saved.start_date, saved.end_date)
        out.append(f"dates now {_dates(now['start_date'], now['end_date'])} (was {was})")
    if saved.mode != now["mode"]:
        was = MODE_WORDS.get(saved.mode or "", saved.mode or "unknown")
        out.append(f"now {MODE_WORDS.get(str(now['mode']), now['mode'])} (was {was})")
    if (saved.place or None) != now["place"] and now["mode"] in ("in_person", "hybrid"):
        out.append(f"place now {now['place'] or 'not given'} (was {saved.place or 'not given'})")
    if (saved.price, saved.currency) != (now["price"], now["currency"]):
        was = _money(saved.price, saved.currency)
        out.append(f"price now {_money(now['price'], now['currency'])} (was {was})")
    return tuple(out)


def _withdrawn(session: Session, rows: list[SavedSession], day: dt.date) -> list[WithdrawnItem]:
    """Withdrawn saved sessions, each with up to three upcoming sessions of its course."""
    keys = {r.course_key for r in rows if r.course_key}
    others: dict[str, list[tuple[int, int, dt.date | None, Decimal | None, str]]] = {}
    if keys:
        upcoming = session.execute(
            select(
                Course.key,
                Course.id,
                CourseSession.id,
                CourseSession.start_date,
                CourseSession.price,
                CourseSession.currency,
            )
            .join(Course, Course.id == CourseSession.course_id)
            .where(
                Course.key.in_(keys),
                (CourseSession.start_date.is_(None)) | (CourseSession.start_date > day),
            )
            .order_by(CourseSession.start_date, CourseSession.id)
        ).all()
        for key, cid, sid, start, price, currency in upcoming:
            found = others.setdefault(key, [])
            if len(found) < 3:
                found.append((cid, sid, start, price, currency or "USD"))
    return [
        WithdrawnItem(
            saved_id=r.id,
            course_title=r.course_title or "A saved session",
            provider_name=r.provider_name,
            mode=r.mode,
            start_date=r.start_date,
            end_date=r.end_date,
            place=r.place,
            price=r.price,
            currency=r.currency or "USD",
            ce_hours=r.ce_hours,
            added_at=r.added_at,
            others=tuple(others.get(r.course_key or "", [])),
        )
        for r in rows
    ]


def withdrawn_warnings(items: list[WithdrawnItem]) -> list[str]:
    """One line per withdrawn session: what it was, that it is out of the totals, and the
    course's other upcoming sessions."""
    out = []
    for item in items:
        line = (
            f"{item.course_title} ({_dates(item.start_date, item.end_date)}) was withdrawn by "
            "its provider (cancelled or taken off the catalog): it is no longer counted in "
            "your totals."
        )
        if item.others:
            dates = "; ".join(
                f"{_dates(start, None)}, {_money(price, currency)}"
                for _, _, start, price, currency in item.others
            )
            line += f" Other sessions of this course: {dates}."
        else:
            line += " The catalog has no other upcoming session of this course."
        out.append(line)
    return out

"""The provider and program directories: every provider or program in the catalog, by name,
with a name filter, pages of ``PER_PAGE`` rows, and the facts people choose by.

A provider row has its place, its number of courses, its number of upcoming sessions, the
ways of teaching (session modes) of those upcoming sessions, and its approvals as stored
(authority, number and end date; whether each is current on ``today``). The catalog stores
no other verification status for a provider, so none is given.

A program row has its structure (required courses; elective courses and how many of them
to choose), the total hours the school states beside the CE hours of its required courses,
the price range of the upcoming sessions of its courses, how many of its courses have no
price, and its next start.

"Upcoming" is one rule everywhere here: a session starting ``today`` or later, or an undated
self-paced one. Prices are those in US dollars (the currency the directories and the
program page quote); a course whose upcoming sessions have no price in dollars counts as a
course without a price. Codes (modes, authorities) are returned as stored; the web layer
turns them into words.

A page number past the last page gives the last page (``Listing.page`` says which).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from ceatlas.catalog import models as m

PER_PAGE = 50
# The order ways of teaching are listed in (the session modes the publishing forms offer).
MODE_ORDER = ("in_person", "live_online", "self_paced_online", "hybrid")
SELF_PACED = "self_paced_online"


@dataclass(frozen=True)
class ApprovalFact:
    """A provider approval as stored; ``current`` when it has no end date or ends today or
    later."""

    authority: str
    authority_name: str | None
    number: str | None
    valid_until: dt.date | None
    current: bool
    status: str = "declared"  # declared, verified, rejected, expired (see approval_review)


@dataclass(frozen=True)
class ProviderRow:
    id: int
    name: str
    place: str
    city: str | None
    region: str | None
    courses: int
    upcoming_sessions: int
    modes: list[str]  # the distinct modes of the upcoming sessions, in MODE_ORDER
    approvals: list[ApprovalFact]
    is_sample: bool


@dataclass(frozen=True)
class ProgramRow:
    id: int
    name: str
    provider: str | None
    provider_id: int | None
    provider_key: str | None
    total_hours: Decimal | None  # as the school states it
    course_hours: Decimal  # CE hours of the required courses (shortest electives)
    has_electives: bool
    missing_courses: int  # course keys of the structure not in the catalog
    credential: str | None
    courses: int  # distinct courses named by the structure
    required_courses: int  # in groups where every course is required
    elective_courses: int  # in "choose N of these" groups
    electives_to_choose: int  # the sum of those groups' N
    lowest_price: Decimal | None  # over the upcoming sessions of its courses, in USD
    highest_price: Decimal | None
    unpriced_courses: int  # courses in the catalog with no upcoming priced session
    next_start: dt.date | None  # earliest dated upcoming session of its courses
    starts_any_time: bool  # some course has an undated upcoming self-paced session
    is_sample: bool


T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    rows: list[T]
    total: int
    page: int
    pages: int
    per_page: int = field(default=PER_PAGE)


def upcoming(today: dt.date) -> sa.ColumnElement[bool]:
    """Sessions starting ``today`` or later, or undated self-paced ones."""
    s = m.CourseSession
    return sa.or_(s.start_date >= today, sa.and_(s.start_date.is_(None), s.mode == SELF_PACED))


def _contains(column: InstrumentedAttribute[str], text: str) -> sa.ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped.lower()}%", escape="\\")


def _page(total: int, page: int) -> tuple[int, int]:
    pages = max(1, -(-total // PER_PAGE))
    return min(max(1, page), pages), pages


Named = TypeVar("Named", m.Provider, m.Program)


def _named_page(
    db: Session, model: type[Named], text: str, page: int
) -> tuple[Sequence[Named], int, int, int]:
    """One page of ``model`` rows whose name contains ``text`` (all when blank), by name:
    the rows, the total, the page shown (past the end: the last) and the page count."""
    where = [_contains(model.name, text)] if text.strip() else []
    total = db.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0
    page, pages = _page(total, page)
    found = db.scalars(
        sa.select(model)
        .where(*where)
        .order_by(sa.func.lower(model.name), model.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return found, total, page, pages


def _mode_order(modes: Iterable[str]) -> list[str]:
    found = set(modes)
    known = [mode for mode in MODE_ORDER if mode in found]
    return known + sorted(found - set(MODE_ORDER))


def providers(
    db: Session, text: str = "", page: int = 1, today: dt.date | None = None
) -> Listing[ProviderRow]:
    """Providers whose name contains ``text`` (all when blank), by name, one page of them."""
    today = today or dt.date.today()
    found, total, page, pages = _named_page(db, m.Provider, text, page)
    ids = [p.id for p in found]
    courses = dict(
        db.execute(
            sa.select(m.Course.provider_id, sa.func.count())
            .where(m.Course.provider_id.in_(ids))
            .group_by(m.Course.provider_id)
        )
        .tuples()
        .all()
    )
    sessions: dict[int, int] = defaultdict(int)
    modes: dict[int, list[str]] = defaultdict(list)
    for provider_id, mode, n in db.execute(
        sa.select(m.Course.provider_id, m.CourseSession.mode, sa.func.count())
        .join(m.Course, m.Course.id == m.CourseSession.course_id)
        .where(m.Course.provider_id.in_(ids), upcoming(today))
        .group_by(m.Course.provider_id, m.CourseSession.mode)
    ).tuples():
        if provider_id is not None:
            sessions[provider_id] += int(n)
            modes[provider_id].append(mode)
    rows = [
        ProviderRow(
            id=p.id,
            name=p.name,
            place=", ".join(v for v in (p.city, p.region) if v),
            city=p.city,
            region=p.region,
            courses=int(courses.get(p.id, 0)),
            upcoming_sessions=sessions[p.id],
            modes=_mode_order(modes[p.id]),
            approvals=[
                ApprovalFact(
                    a.authority,
                    a.authority_name,
                    a.number,
                    a.valid_until,
                    a.valid_until is None or a.valid_until >= today,
                    a.status,
                )
                for a in p.approvals
            ],
            is_sample=p.is_sample,
        )
        for p in found
    ]
    return Listing(rows, total, page, pages)


def _members(group: Mapping[str, Any]) -> list[str]:
    return [str(k) for k in group.get("courses") or []]


def _choose(group: Mapping[str, Any]) -> int | None:
    """How many of the group's courses are required; None when all of them are."""
    choose = group.get("choose")
    if choose is None or int(choose) >= len(_members(group)):
        return None
    return int(choose)


def required_ce_hours(
    structure: list[dict[str, Any]], ce_hours: Mapping[str, Decimal | None]
) -> Decimal:
    """The CE hours of a program's required courses: every course of an "all of these" group
    and the N shortest of a "choose N" group. ``ce_hours`` holds the courses in the catalog
    by key (a course without hours counts 0; a key not in it, nothing)."""
    total = Decimal(0)
    for group in structure:
        found = sorted(ce_hours[k] or Decimal(0) for k in _members(group) if k in ce_hours)
        choose = group.get("choose")
        total += sum(found[: int(choose)] if choose is not None else found, Decimal(0))
    return total


@dataclass
class _CourseFacts:
    low: Decimal | None = None
    high: Decimal | None = None
    next_start: dt.date | None = None
    any_time: bool = False


def _course_facts(db: Session, course_ids: list[int], today: dt.date) -> dict[int, _CourseFacts]:
    s = m.CourseSession
    facts: dict[int, _CourseFacts] = defaultdict(_CourseFacts)
    if not course_ids:
        return facts
    dollars = sa.func.coalesce(s.currency, "USD") == "USD"
    priced = sa.case((dollars, s.price), else_=None)
    for course_id, low, high, first, undated in db.execute(
        sa.select(
            s.course_id,
            sa.func.min(priced),
            sa.func.max(priced),
            sa.func.min(s.start_date),
            sa.func.count(sa.case((s.start_date.is_(None), 1), else_=None)),
        )
        .where(s.course_id.in_(course_ids), upcoming(today))
        .group_by(s.course_id)
    ).tuples():
        facts[course_id] = _CourseFacts(low, high, first, bool(undated))
    return facts


def programs(
    db: Session, text: str = "", page: int = 1, today: dt.date | None = None
) -> Listing[ProgramRow]:
    """Programs whose name contains ``text`` (all when blank), by name, one page of them."""
    today = today or dt.date.today()
    found, total, page, pages = _named_page(db, m.Program, text, page)
    keys = {k for p in found for g in p.structure for k in _members(g)}
    courses = {
        key: (course_id, hours)
        for course_id, key, hours in db.execute(
            sa.select(m.Course.id, m.Course.key, m.Course.ce_hours).where(m.Course.key.in_(keys))
        ).tuples()
    }
    facts = _course_facts(db, [course_id for course_id, _ in courses.values()], today)
    return Listing([_program_row(p, courses, facts) for p in found], total, page, pages)


def _program_row(
    program: m.Program,
    courses: Mapping[str, tuple[int, Decimal | None]],
    facts: Mapping[int, _CourseFacts],
) -> ProgramRow:
    named = list(dict.fromkeys(k for g in program.structure for k in _members(g)))
    required: set[str] = set()
    electives = to_choose = 0
    for group in program.structure:
        choose = _choose(group)
        if choose is None:
            required.update(_members(group))
        else:
            electives += len(_members(group))
            to_choose += choose
    mine = [facts.get(courses[k][0], _CourseFacts()) for k in named if k in courses]
    lows = [f.low for f in mine if f.low is not None]
    highs = [f.high for f in mine if f.high is not None]
    starts = [f.next_start for f in mine if f.next_start is not None]
    provider = program.provider
    return ProgramRow(
        id=program.id,
        name=program.name,
        provider=provider.name if provider else None,
        provider_id=program.provider_id,
        provider_key=provider.key if provider else None,
        total_hours=program.total_hours,
        course_hours=required_ce_hours(
            program.structure, {k: hours for k, (_, hours) in courses.items()}
        ),
        has_electives=electives > 0,
        missing_courses=sum(1 for k in named if k not in courses),
        credential=program.credential_awarded,
        courses=len(named),
        required_courses=len(required),
        elective_courses=electives,
        electives_to_choose=to_choose,
        lowest_price=min(lows) if lows else None,
        highest_price=max(highs) if highs else None,
        unpriced_courses=sum(1 for f in mine if f.low is None),
        next_start=min(starts) if starts else None,
        starts_any_time=any(f.any_time for f in mine),
        is_sample=bool(provider and provider.is_sample),
    )

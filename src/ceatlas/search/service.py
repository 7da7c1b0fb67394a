"""Course search over the catalog: one contract, SQLite (FTS5) and PostgreSQL backends.

Filtering, counting, sorting and paging all run in SQL over indexed columns; Python only
touches the page of results (explanations, approvals). Facets are grouped SQL counts over
the filtered set, each with the query's *other* filters applied.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sqlalchemy as sa
import zipcodes
from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Exists, ScalarSelect, SelectBase

from ceatlas.catalog.approval_review import COUNTING_STATUSES
from ceatlas.catalog.places import BY_KEY, EARTH_RADIUS_MILES, PLACES, locate
from ceatlas.catalog.store import (
    COURSE_APPROVALS,
    COURSES,
    PROVIDER_APPROVALS,
    PROVIDERS,
    SESSIONS,
)
from ceatlas.kb.base import KnowledgeBase
from ceatlas.orm import ScaledDecimal
from ceatlas.search import accel
from ceatlas.search.backends import Backend, backend_for
from ceatlas.search.models import SESSION_FACTS
from ceatlas.search.query import ONLINE_MODES, TIME_BANDS, WEEKDAYS, SearchQuery
from ceatlas.search.results import (
    CourseHit,
    CourseInfo,
    Explanation,
    FacetCount,
    Interpretation,
    ResolvedPlace,
    SearchResult,
    SessionHit,
    SessionInfo,
)
from ceatlas.search.text import Analyzer, TextQuery, words_of

KM_PER_MILE = 1.609344
# The provider facet grows with the catalog (5,000 providers at a million sessions): only
# the most frequent are listed (ties by name, then key).
PROVIDER_FACET_LIMIT = 100
ANSWER_CACHE_SIZE = 512  # answers kept per service and catalog snapshot (least recent out)
SESSIONS_PER_COURSE = 20
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")

S, C, P, F = SESSIONS, COURSES, PROVIDERS, SESSION_FACTS

PRICE_BANDS: list[tuple[str, str, int | None, int | None]] = [
    ("under_100", "Under $100", 1, 10_000),
    ("100_249", "$100–$249", 10_000, 25_000),
    ("250_399", "$250–$399", 25_000, 40_000),
    ("400_699", "$400–$699", 40_000, 70_000),
    ("700_plus", "$700 and up", 70_000, None),
]
HOUR_BANDS: list[tuple[str, str, int | None, int | None]] = [
    ("under_4", "Under 4 hours", None, 400),
    ("4_to_8", "4–7.75 hours", 400, 800),
    ("8_to_16", "8–15.75 hours", 800, 1600),
    ("16_to_24", "16–23.75 hours", 1600, 2400),
    ("24_plus", "24 hours and up", 2400, None),
]
MODE_LABELS = {
    "self_paced_online": "Self-paced online",
    "live_online": "Live online",
    "in_person": "In person",
    "hybrid": "Hybrid",
}


class SearchError(ValueError):
    """The query cannot be run as asked (an unknown place, for example)."""


@dataclass
class _Place:
    label: str
    lat: float
    lon: float
    radius_miles: float | None


@dataclass
class _Plan:
    """A query turned into SQL pieces."""

    clauses: dict[str, list[ColumnElement[bool]]] = field(default_factory=dict)
    text_match: sa.Subquery | None = None
    text: TextQuery | None = None
    distance: ColumnElement[float] | None = None
    place: _Place | None = None
    needs_facts: bool = False
    box: tuple[float, float] | None = None
    state_false: bool = False
    pathway: tuple[list[str], list[str]] | None = None
    warnings: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    empty: bool = False

    def add(self, group: str, clause: ColumnElement[bool]) -> None:
        self.clauses.setdefault(group, []).append(clause)

    def where(self, *, without: str | None = None) -> list[ColumnElement[bool]]:
        return [c for g, cs in self.clauses.items() if g != without for c in cs]


class _Vocabulary:
    """Words of course titles and provider names, cached until the catalog changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[tuple[Any, ...], frozenset[str]]] = {}

    def get(self, conn: Connection) -> frozenset[str]:
        signature = tuple(
            conn.execute(
                sa.select(sa.func.count(), sa.func.max(C.c.id), sa.func.max(C.c.updated_at))
            ).one()
        ) + tuple(conn.execute(sa.select(sa.func.count(), sa.func.max(P.c.id))).one())
        key = str(conn.engine.url)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == signature:
                return hit[1]
        words: set[str] = set()
        for (title,) in conn.execute(sa.select(C.c.title).union(sa.select(P.c.name))):
            words.update(w for w in words_of(str(title)) if len(w) >= 4 and not w.isdigit())
        found = frozenset(words)
        with self._lock:
            self._cache[key] = (signature, found)
        return found


_VOCABULARY = _Vocabulary()
_ANALYZERS: dict[int, Analyzer] = {}


def _analyzer(kb: KnowledgeBase) -> Analyzer:
    found = _ANALYZERS.get(id(kb))
    if found is None or found.kb is not kb:
        found = Analyzer(kb)
        _ANALYZERS.clear()
        _ANALYZERS[id(kb)] = found
    return found


def _course_filter(plan: _Plan, group: str, clause: ColumnElement[bool]) -> None:
    """Add a condition on the course (or its provider) as ``course_id IN (courses)``.

    The condition is then evaluated once per course, not once per session (JSON lists,
    approvals), and statements that only filter need not join ``course`` at all.
    """
    tables = sql_util.find_tables(clause, check_columns=True)
    courses: sa.FromClause = C.outerjoin(P, P.c.id == C.c.provider_id) if P in tables else C
    plan.add(group, S.c.course_id.in_(sa.select(C.c.id).select_from(courses).where(clause)))


class SearchService:
    """Search the catalog in ``engine`` with the knowledge base ``kb``."""

    def __init__(
        self,
        engine: Engine,
        kb: KnowledgeBase,
        *,
        accelerate: bool | None = None,
        cached_answers: int = ANSWER_CACHE_SIZE,
    ) -> None:
        """``accelerate``: filter, count, facet and sort in memory (:mod:`.accel`) instead
        of in SQL; default from ``CEATLAS_SEARCH_ACCELERATOR`` (``1``/``0``), else on.
        ``cached_answers``: how many answers to keep for repeated queries (0: none)."""
        self.engine = engine
        self.kb = kb
        self.backend: Backend = backend_for(engine)
        self.analyzer = _analyzer(kb)
        if accelerate is None:
            accelerate = os.environ.get("CEATLAS_SEARCH_ACCELERATOR", "1").strip() not in (
                "0",
                "false",
                "off",
                "no",
            )
        self.accelerate = accelerate
        # Answers of the accelerated path for the current catalog snapshot (cleared when
        # the catalog changes): a shared link, the back button and popular queries repeat.
        self._answers: accel.Lru[tuple[str, dt.date], SearchResult] = accel.Lru(cached_answers)
        self._answers_for: accel.Snapshot | None = None
        self._answers_lock = threading.Lock()

    def search(self, query: SearchQuery, today: dt.date | None = None) -> SearchResult:
        """The sessions (or courses) matching ``query`` on ``today``, with facets and
        explanations. The result's lists are shared with other callers: read-only."""
        today = today or dt.date.today()
        with self.engine.connect() as conn:
            snapshot = (
                accel.ACCELERATOR.snapshot(conn, self.backend.json_elements)
                if self.accelerate
                else None
            )
            if snapshot is None:
                return self._run(conn, query, self._plan(conn, query, today), today, None)
            key = (query.model_dump_json(), today)
            with self._answers_lock:
                if self._answers_for is not snapshot:
                    self._answers.clear()
                    self._answers_for = snapshot
                found = self._answers.get(key)
            if found is None:
                found = self._run(conn, query, self._plan(conn, query, today), today, snapshot)
                with self._answers_lock:
                    if self._answers_for is snapshot:
                        self._answers.put(key, found)
            # A shallow copy: its lists and hits are shared with other callers of the same
            # query (a deep copy costs as much as the search); read them, do not change them.
            return found.model_copy()

    # --- planning --------------------------------------------------------------------

    def _plan(self, conn: Connection, query: SearchQuery, today: dt.date) -> _Plan:
        plan = _Plan()
        if query.q:
            text = self.analyzer.analyze(
                query.q,
                lambda word: self.backend.word_known(conn, word),
                lambda: _VOCABULARY.get(conn),
            )
            text.any_concept = query.any_words
            plan.text = text
            if text.concepts:
                plan.text_match = self.backend.text_matches(text)
        self._budget(plan, query)
        self._schedule(plan, query, today)
        if query.modes:
            plan.add("modes", S.c.mode.in_(query.modes))
        self._place(plan, query)
        self._course(plan, query, today)
        if query.min_seats is not None:
            plan.add(
                "seats",
                sa.or_(S.c.seats_remaining.is_(None), S.c.seats_remaining >= query.min_seats),
            )
        if query.registration_open:
            plan.add(
                "registration",
                sa.or_(S.c.registration_deadline.is_(None), S.c.registration_deadline >= today),
            )
        return plan

    @staticmethod
    def _budget(plan: _Plan, query: SearchQuery) -> None:
        if query.max_price is None:
            return
        plan.add(
            "budget",
            sa.and_(
                S.c.price.is_not(None),
                sa.or_(
                    S.c.price == 0,
                    sa.and_(
                        S.c.price <= query.max_price,
                        sa.func.coalesce(S.c.currency, "USD") == query.currency,
                    ),
                ),
            ),
        )

    def _schedule(self, plan: _Plan, query: SearchQuery, today: dt.date) -> None:
        self_paced = S.c.mode == "self_paced_online"
        if not query.include_self_paced:
            plan.add("self_paced", S.c.mode != "self_paced_online")

        def scheduled(*clauses: ColumnElement[bool]) -> ColumnElement[bool]:
            dated = sa.and_(*clauses)
            return sa.or_(self_paced, dated) if query.include_self_paced else dated

        if query.date_from or query.date_to:
            clauses: list[ColumnElement[bool]] = [
                S.c.start_date.is_not(None),
                S.c.start_date >= (query.date_from or today),  # "before June": from today
            ]
            if query.date_to:
                clauses.append(S.c.start_date <= query.date_to)
            plan.add("dates", scheduled(*clauses))
        else:
            # A session that has already started is no use to a visitor (it was the first
            # result of the default page); one without a date yet still shows.
            # A self-paced course that opened in the past is still open.
            plan.add("dates", scheduled(sa.or_(S.c.start_date.is_(None), S.c.start_date >= today)))
        if query.days:
            plan.needs_facts = True
            wanted = sum(1 << WEEKDAYS.index(d) for d in query.days)
            others = 127 & ~wanted
            plan.add(
                "days",
                scheduled(
                    F.c.days_mask != 0,
                    F.c.days_mask.op("&")(sa.literal(others, sa.Integer)) == 0,
                ),
            )
        if query.time_of_day:
            plan.needs_facts = True
            bands = [
                sa.and_(F.c.start_minute >= TIME_BANDS[t][0], F.c.start_minute < TIME_BANDS[t][1])
                for t in query.time_of_day
            ]
            plan.add("time_of_day", scheduled(F.c.start_minute.is_not(None), sa.or_(*bands)))

    def _place(self, plan: _Plan, query: SearchQuery) -> None:
        if not query.has_place:
            return
        radius = None
        if query.radius is not None:
            radius = query.radius / KM_PER_MILE if query.unit == "km" else query.radius
        place = resolve_place(query.near, query.lat, query.lon, radius)
        plan.place = place
        lat, lon = place.lat, place.lon
        half_dlat = sa.func.radians(S.c.latitude - lat) / 2
        half_dlon = sa.func.radians(S.c.longitude - lon) / 2
        a = sa.func.power(sa.func.sin(half_dlat), 2) + math.cos(math.radians(lat)) * sa.func.cos(
            sa.func.radians(S.c.latitude)
        ) * sa.func.power(sa.func.sin(half_dlon), 2)
        distance = 2 * EARTH_RADIUS_MILES * sa.func.asin(sa.func.sqrt(a))
        plan.distance = sa.case(
            (sa.and_(S.c.latitude.is_not(None), S.c.longitude.is_not(None)), distance),
            else_=sa.null(),
        )
        if place.radius_miles is None:
            return
        dlat = place.radius_miles / 69.0 + 0.01
        cos_lat = max(math.cos(math.radians(lat)) - 0.01, 0.0)
        dlon = 180.0 if cos_lat <= 0.01 else min(180.0, dlat / cos_lat)
        plan.box = (dlat, dlon)
        box = [S.c.latitude.between(lat - dlat, lat + dlat)]
        if dlon < 180.0:
            box.append(S.c.longitude.between(lon - dlon, lon + dlon))
        plan.add(
            "place",
            sa.or_(
                S.c.mode.in_(ONLINE_MODES),
                sa.and_(*box, distance <= place.radius_miles),
            ),
        )

    def _terms(self, kind: str, values: Iterable[str]) -> list[str]:
        out: list[str] = []
        for value in values:
            resolved = self.kb.resolve(kind, value)
            for candidate in (resolved, value.strip(), value.strip().lower()):
                if candidate and candidate not in out:
                    out.append(candidate)
        return out

    def _course(self, plan: _Plan, query: SearchQuery, today: dt.date) -> None:
        backend = self.backend
        if query.min_hours is not None:
            _course_filter(plan, "hours", C.c.ce_hours >= query.min_hours)
        if query.max_hours is not None:
            _course_filter(plan, "hours", C.c.ce_hours <= query.max_hours)
        if query.levels:
            _course_filter(
                plan, "levels", sa.func.lower(C.c.level).in_([v.lower() for v in query.levels])
            )
        if query.languages:
            _course_filter(
                plan,
                "languages",
                sa.func.lower(C.c.language).in_([v.lower() for v in query.languages]),
            )
        lists = (
            ("categories", "categories", C.c.covers_categories, query.categories),
            ("techniques", "techniques", C.c.covers_techniques, query.techniques),
            ("conditions", "conditions", C.c.covers_conditions, query.conditions),
            ("competencies", "competencies", C.c.covers_competencies, query.competencies),
        )
        for group, kind, column, values in lists:
            if values:
                _course_filter(
                    plan, group, backend.json_contains_any(column, self._terms(kind, values))
                )
        if query.pathway:
            pathway_id = self.kb.resolve("pathways", query.pathway)
            pathway = self.kb.pathways.get(pathway_id or query.pathway)
            if pathway is None:
                plan.warnings.append(f"unknown pathway {query.pathway!r}: nothing matches it")
                plan.add("pathway", sa.false())
            else:
                plan.pathway = (list(pathway.techniques), list(pathway.competencies))
                either = []
                if pathway.techniques:
                    either.append(
                        backend.json_contains_any(C.c.covers_techniques, pathway.techniques)
                    )
                if pathway.competencies:
                    either.append(
                        backend.json_contains_any(C.c.covers_competencies, pathway.competencies)
                    )
                _course_filter(plan, "pathway", sa.or_(*either) if either else sa.false())
        if query.providers:
            lowered = [v.lower() for v in query.providers]
            _course_filter(
                plan,
                "providers",
                sa.or_(P.c.key.in_(query.providers), sa.func.lower(P.c.name).in_(lowered)),
            )
        if query.state:
            self._jurisdiction(plan, query.state, today)

    def _jurisdiction(self, plan: _Plan, state: str, today: dt.date) -> None:
        jurisdiction = self.kb.jurisdictions.get(state)
        accepted = jurisdiction.accepted_approvers if jurisdiction else None
        if not isinstance(accepted, list):
            reason = (
                "is not in the knowledge base"
                if jurisdiction is None
                else f"has {accepted} accepted approvers in the knowledge base"
            )
            plan.warnings.append(f"{state} {reason}: no course can be shown to count for it")
            plan.state_false = True
            plan.add("state", sa.false())
            return
        plan.accepted = accepted

        def valid(table: sa.Table) -> ColumnElement[bool]:
            return sa.and_(
                table.c.authority.in_(accepted),
                table.c.status.in_(COUNTING_STATUSES),
                sa.or_(table.c.valid_until.is_(None), table.c.valid_until >= today),
            )

        course_ok = sa.exists().where(
            COURSE_APPROVALS.c.course_id == C.c.id, valid(COURSE_APPROVALS)
        )
        provider_ok = sa.exists().where(
            PROVIDER_APPROVALS.c.provider_id == C.c.provider_id, valid(PROVIDER_APPROVALS)
        )
        _course_filter(plan, "state", sa.or_(course_ok, provider_ok))

    # --- running ---------------------------------------------------------------------

    def _from(self, plan: _Plan, *used: Any) -> sa.FromClause:
        """Sessions joined to only what ``used`` (clauses, columns) refers to.

        Every session has its course (``course_id`` is a non-null foreign key) and at most
        one provider, so leaving out an unused join never changes the rows or their count;
        it saves one or two index look-ups per session row, the bulk of a facet count.
        """
        tables: set[Any] = set()
        for element in used:
            tables.update(_outer_tables(element))
        joined: sa.FromClause = S
        if C in tables or P in tables:
            joined = joined.join(C, C.c.id == S.c.course_id)
        if P in tables:
            joined = joined.outerjoin(P, P.c.id == C.c.provider_id)
        if plan.needs_facts:
            joined = joined.outerjoin(F, F.c.session_id == S.c.id)
        if plan.text_match is not None:
            joined = joined.join(plan.text_match, plan.text_match.c.course_id == S.c.course_id)
        return joined

    def _rank(self, plan: _Plan) -> ColumnElement[Any]:
        if plan.text_match is not None:
            return plan.text_match.c.rank
        return sa.null()

    def _run(
        self,
        conn: Connection,
        query: SearchQuery,
        plan: _Plan,
        today: dt.date,
        snapshot: accel.Snapshot | None,
    ) -> SearchResult:
        sort = query.effective_sort
        warnings = list(plan.warnings)
        if sort == "relevance" and plan.text_match is None:
            sort = "start_date"
        if sort == "distance" and plan.distance is None:
            warnings.append("sort by distance needs a place (near or lat/lon); sorted by date")
            sort = "start_date"
        text_without_concepts = query.q is not None and plan.text_match is None
        result = SearchResult(
            total=0,
            page=query.page,
            per_page=query.per_page,
            pages=0,
            sort=sort,
            grouped=query.group_by_course,
            interpretation=_interpretation(plan.text),
            place=_resolved(plan.place),
            warnings=warnings,
        )
        if text_without_concepts:
            result.warnings.append("the text has no searchable words; it was ignored")
        if snapshot is not None:
            self._run_fast(conn, query, plan, sort, result, today, snapshot)
            return result
        where = plan.where()
        source = self._from(plan, *where, *self._columns(plan), *self._order(plan, sort))
        if query.group_by_course:
            self._grouped(conn, query, plan, sort, where, source, result, today)
        else:
            self._flat(conn, query, plan, sort, where, source, result, today)
        if query.facets:
            result.facets = self._facets(conn, query, plan)
        return result

    def _order(self, plan: _Plan, sort: str) -> list[Any]:
        hours_per_dollar = self._hours_per_dollar()
        keys: dict[str, list[Any]] = {
            "relevance": [self._rank(plan).desc()],
            "price": [S.c.price.asc().nulls_last()],
            "start_date": [S.c.start_date.asc().nulls_last()],
            "distance": [plan.distance.asc().nulls_last()] if plan.distance is not None else [],
            "hours_per_dollar": [hours_per_dollar.desc().nulls_last()],
        }
        return [*keys[sort], S.c.start_date.asc().nulls_last(), S.c.id.asc()]

    @staticmethod
    def _hours_per_dollar() -> ColumnElement[Any]:
        hours = sa.cast(C.c.ce_hours, sa.Float)
        return sa.case(
            (sa.or_(C.c.ce_hours.is_(None), S.c.price.is_(None)), sa.null()),
            (S.c.price == 0, sa.literal(1e12, sa.Float)),
            else_=hours / sa.cast(S.c.price, sa.Float),
        )

    def _columns(self, plan: _Plan, score: ColumnElement[Any] | None = None) -> list[Any]:
        distance = plan.distance if plan.distance is not None else sa.null()
        if score is None:
            score = self._rank(plan)
        return [
            *(S.c[n] for n in SessionInfo.model_fields),
            C.c.id.label("c_id"),
            C.c.key.label("c_key"),
            C.c.title.label("c_title"),
            C.c.description.label("c_description"),
            C.c.ce_hours.label("c_ce_hours"),
            C.c.level.label("c_level"),
            C.c.language.label("c_language"),
            C.c.covers_techniques.label("c_techniques"),
            C.c.covers_conditions.label("c_conditions"),
            C.c.covers_competencies.label("c_competencies"),
            C.c.covers_categories.label("c_ce_categories"),
            C.c.primary_terms.label("c_primary_terms"),
            C.c.covers_regions.label("c_regions"),
            C.c.url.label("c_url"),
            C.c.provider_id.label("c_provider_id"),
            P.c.key.label("p_key"),
            P.c.name.label("p_name"),
            score.label("score"),
            distance.label("distance"),
        ]

    def _flat(
        self,
        conn: Connection,
        query: SearchQuery,
        plan: _Plan,
        sort: str,
        where: list[ColumnElement[bool]],
        source: sa.FromClause,
        result: SearchResult,
        today: dt.date,
    ) -> None:
        total = conn.execute(
            sa.select(sa.func.count()).select_from(self._from(plan, *where)).where(*where)
        )
        result.total = int(total.scalar_one())
        result.pages = math.ceil(result.total / query.per_page)
        if result.total <= (query.page - 1) * query.per_page:
            return
        statement = (
            sa.select(*self._columns(plan))
            .select_from(source)
            .where(*where)
            .order_by(*self._order(plan, sort))
            .limit(query.per_page)
            .offset((query.page - 1) * query.per_page)
        )
        rows = list(conn.execute(statement).all())
        result.results = self._hits(conn, query, plan, rows, today)

    def _grouped(
        self,
        conn: Connection,
        query: SearchQuery,
        plan: _Plan,
        sort: str,
        where: list[ColumnElement[bool]],
        source: sa.FromClause,
        result: SearchResult,
        today: dt.date,
    ) -> None:
        total = conn.execute(
            sa.select(sa.func.count(sa.distinct(S.c.course_id)))
            .select_from(self._from(plan, *where))
            .where(*where)
        )
        result.total = int(total.scalar_one())
        result.pages = math.ceil(result.total / query.per_page)
        if result.total <= (query.page - 1) * query.per_page:
            return
        aggregate: dict[str, list[Any]] = {
            "relevance": [sa.func.max(self._rank(plan)).desc()],
            "price": [sa.func.min(S.c.price).asc().nulls_last()],
            "start_date": [],
            "distance": (
                [sa.func.min(plan.distance).asc().nulls_last()] if plan.distance is not None else []
            ),
            "hours_per_dollar": [sa.func.max(self._hours_per_dollar()).desc().nulls_last()],
        }
        count = sa.func.count().label("n")
        page = conn.execute(
            sa.select(S.c.course_id, count)
            .select_from(source)
            .where(*where)
            .group_by(S.c.course_id)
            .order_by(
                *aggregate[sort],
                sa.func.min(S.c.start_date).asc().nulls_last(),
                S.c.course_id.asc(),
            )
            .limit(query.per_page)
            .offset((query.page - 1) * query.per_page)
        ).all()
        ids = [int(row.course_id) for row in page]
        counts = {int(row.course_id): int(row.n) for row in page}
        ranked = sa.func.row_number().over(
            partition_by=S.c.course_id, order_by=self._order(plan, sort)
        )
        inner = (
            sa.select(*self._columns(plan), ranked.label("position"))
            .select_from(source)
            .where(*where, S.c.course_id.in_(ids))
            .subquery()
        )
        rows = list(
            conn.execute(
                sa.select(inner)
                .where(inner.c.position <= SESSIONS_PER_COURSE)
                .order_by(inner.c.position)
            ).all()
        )
        hits = self._hits(conn, query, plan, rows, today)
        result.courses = _course_hits(ids, counts, hits)

    # --- accelerated (in-memory) path ----------------------------------------------------

    def _run_fast(
        self,
        conn: Connection,
        query: SearchQuery,
        plan: _Plan,
        sort: str,
        result: SearchResult,
        today: dt.date,
        snap: accel.Snapshot,
    ) -> None:
        """The SQL path's answer from the in-memory snapshot (see :mod:`.accel`)."""
        text: tuple[Any, Any] | None = None
        if plan.text_match is not None and plan.text is not None:
            text_match = plan.text_match

            def fetch() -> tuple[Any, Any]:
                matched = conn.execute(sa.select(text_match.c.course_id, text_match.c.rank))
                # Plain driver tuples: a broad word matches most courses, Row objects cost.
                pairs = np.array(matched.cursor.fetchall(), dtype=np.float64).reshape(-1, 2)
                matched.close()
                return pairs[:, 0].astype(np.int64), pairs[:, 1].copy()

            text = snap.text_match(_text_key(plan.text), fetch)
        dialect = conn.dialect
        scaled = S.c.price.type
        assert isinstance(scaled, ScaledDecimal)
        lists = (
            ("categories", query.categories),
            ("techniques", query.techniques),
            ("conditions", query.conditions),
            ("competencies", query.competencies),
        )
        inputs = accel.Inputs(
            today=today,
            text=text,
            place=(
                None
                if plan.place is None
                else (plan.place.lat, plan.place.lon, plan.place.radius_miles)
            ),
            box=plan.box,
            accepted=plan.accepted if query.state and not plan.state_false else None,
            state_false=plan.state_false,
            pathway=plan.pathway,
            pathway_false=bool(query.pathway) and plan.pathway is None,
            terms={g: self._terms(g, values) for g, values in lists if values},
            price_limit=scaled.process_bind_param(query.max_price, dialect),
            hours_min=scaled.process_bind_param(query.min_hours, dialect),
            hours_max=scaled.process_bind_param(query.max_hours, dialect),
        )
        m = accel.masks(snap, query, inputs, EARTH_RADIUS_MILES)
        mask = m.where()
        offset = (query.page - 1) * query.per_page
        limit = offset + query.per_page
        scores = m.ranks
        if query.group_by_course:
            courses, counts = accel.grouped_courses(snap, m, sort, mask)
            result.total = len(courses)
            result.pages = math.ceil(result.total / query.per_page)
            page = courses[offset:limit]
            if len(page):
                chosen = np.zeros(len(snap.course_id), dtype=np.bool_)
                chosen[page] = True
                inside = mask & chosen[snap.course_idx]
                order = accel.ordered(snap, m, sort, inside, int(inside.sum()))
                position: dict[int, int] = {}
                picked: list[tuple[int, int]] = []
                for i in order.tolist():
                    c = int(snap.course_idx[i])
                    position[c] = position.get(c, 0) + 1
                    if position[c] <= SESSIONS_PER_COURSE:
                        picked.append((position[c], i))
                picked.sort(key=lambda t: t[0])
                chosen_rows = [i for _, i in picked]
                rows = self._fetch(conn, plan, snap, chosen_rows)
                ranked = _scores(snap, scores, chosen_rows)
                hits = self._hits(conn, query, plan, rows, today, ranked, snap)
                ids = [int(snap.course_id[c]) for c in page.tolist()]
                result.courses = _course_hits(
                    ids, {int(snap.course_id[c]): int(counts[c]) for c in page.tolist()}, hits
                )
        else:
            result.total = int(mask.sum())
            result.pages = math.ceil(result.total / query.per_page)
            if result.total > offset:
                order = accel.ordered(snap, m, sort, mask, limit)[offset:]
                indexes = order.tolist()
                rows = self._fetch(conn, plan, snap, indexes)
                ranked = _scores(snap, scores, indexes)
                result.results = self._hits(conn, query, plan, rows, today, ranked, snap)
        if query.facets:
            result.facets = self._facets_fast(snap, m, query)

    def _fetch(
        self,
        conn: Connection,
        plan: _Plan,
        snap: accel.Snapshot,
        indexes: list[int],
    ) -> list[sa.Row[Any]]:
        """The SQL path's result columns for these sessions, in this order."""
        if not indexes:
            return []
        ids = [int(snap.session_id[i]) for i in indexes]
        source = S.join(C, C.c.id == S.c.course_id).outerjoin(P, P.c.id == C.c.provider_id)
        statement = (
            sa.select(*self._columns(plan, sa.null())).select_from(source).where(S.c.id.in_(ids))
        )
        found = {int(row.id): row for row in conn.execute(statement).all()}
        return [found[i] for i in ids if i in found]

    def _facets_fast(
        self, snap: accel.Snapshot, m: accel.Masks, query: SearchQuery
    ) -> dict[str, list[FacetCount]]:
        grouped = query.group_by_course
        facets: dict[str, list[FacetCount]] = {}
        nc = len(snap.course_id)

        def counted(rows: Any, codes: Any, size: int) -> Any:
            if not grouped:
                return np.bincount(codes[rows], minlength=size)
            seen = np.zeros((nc, size), dtype=np.bool_)
            seen[snap.course_idx[rows], codes[rows]] = True
            return seen.sum(axis=0)

        def simple(name: str, codes: Any, labels: list[Any], without: str | None) -> None:
            counts = counted(m.indexes(without), codes, len(labels))
            rows = [(labels[i], int(c)) for i, c in enumerate(counts.tolist()) if c > 0]
            facets[name] = _facet_list(rows, name)

        per_course: dict[str | None, Any] = {}

        def weights(without: str) -> Any:
            key = without if without in m.groups else None
            if key not in per_course:
                counts = np.bincount(snap.course_idx[m.indexes(key)], minlength=nc)
                per_course[key] = (counts > 0).astype(np.int64) if grouped else counts
            return per_course[key]

        simple("mode", snap.mode, snap.modes.values, "modes")
        price_labels = ["unknown", "free", "other_currency", *(b[0] for b in PRICE_BANDS)]
        rows = m.indexes("budget")
        price = snap.price[rows]
        bands = snap.memo("price_bands", lambda: _band_codes(snap.price, PRICE_BANDS, 3))
        codes = bands[rows]
        other = snap.currencies.index.get(query.currency, -1)
        codes[(price != 0) & ~np.isnan(price) & (snap.currency[rows] != other)] = 2
        codes[price == 0] = 1
        if grouped:
            seen = np.zeros((nc, len(price_labels)), dtype=np.bool_)
            seen[snap.course_idx[rows], codes] = True
            counts = seen.sum(axis=0)
        else:
            counts = np.bincount(codes, minlength=len(price_labels))
        facets["price"] = _facet_list(
            [(price_labels[i], int(c)) for i, c in enumerate(counts.tolist()) if c > 0],
            "price",
        )
        simple("month", snap.month, snap.months, "dates")
        hour_labels = ["unknown", "", "", *(b[0] for b in HOUR_BANDS)]
        hour_codes = snap.memo("hour_bands", lambda: _band_codes(snap.hours, HOUR_BANDS, 3))
        counts = np.bincount(hour_codes, weights=weights("hours"), minlength=len(hour_labels))
        facets["ce_hours"] = _facet_list(
            [(hour_labels[i], int(c)) for i, c in enumerate(counts.tolist()) if c > 0],
            "ce_hours",
        )
        simple("state", snap.state, snap.states.values, None)
        for name, column, without in (
            ("technique", "techniques", "techniques"),
            ("condition", "conditions", "conditions"),
            ("category", "ce_categories", "categories"),
        ):
            pair_course, pair_value, names = snap.pairs[column]
            w = weights(without)
            counts = np.bincount(pair_value, weights=w[pair_course], minlength=len(names))
            found = [(names[i], int(c)) for i, c in enumerate(counts.tolist()) if c > 0]
            facets[name] = _facet_list(found, name, self.kb)
        w = weights("providers")
        has = snap.provider_idx >= 0
        counts = np.bincount(
            snap.provider_idx[has], weights=w[has], minlength=len(snap.provider_key)
        )
        # Only the providers that can make the top list reach Python: those counted at least
        # as often as the LIMIT-th most frequent one (ties kept, ordered by name below).
        nonzero = np.flatnonzero(counts)
        if len(nonzero) > PROVIDER_FACET_LIMIT:
            values = counts[nonzero]
            kth = np.partition(values, len(values) - PROVIDER_FACET_LIMIT)[
                len(values) - PROVIDER_FACET_LIMIT
            ]
            nonzero = nonzero[values >= kth]
        facets["provider"] = _provider_facet(
            (snap.provider_key[i], snap.provider_name[i], counts[i]) for i in nonzero.tolist()
        )
        return facets

    # --- explaining --------------------------------------------------------------------

    def _hits(
        self,
        conn: Connection,
        query: SearchQuery,
        plan: _Plan,
        rows: list[sa.Row[Any]],
        today: dt.date,
        scores: dict[int, float] | None = None,
        snapshot: accel.Snapshot | None = None,
    ) -> list[SessionHit]:
        """``scores``: text ranks by course id, where ``rows`` carry none (accelerated)."""
        courses: dict[int, sa.Row[Any]] = {int(r.c_id): r for r in rows}
        matched: dict[int, list[str]] = {}
        if plan.text is not None and plan.text_match is not None:
            docs = {
                cid: " \n ".join(
                    [
                        str(r.c_title),
                        str(r.c_description or ""),
                        " ".join(
                            str(v).replace("-", " ")
                            for v in [*r.c_techniques, *r.c_conditions, *r.c_competencies]
                        ),
                        str(r.p_name or ""),
                    ]
                )
                for cid, r in courses.items()
            }
            matched = self._highlights(conn, plan.text, docs, snapshot)
        reasons = self._reasons(conn, query.state, plan.accepted, courses, today)
        expansions_used = _expansions_used(plan.text)
        hits = []
        for row in rows:
            cid = int(row.c_id)
            words = _unique(w.lower() for w in matched.get(cid, []))
            distance = None if row.distance is None else float(row.distance)
            explanation = Explanation(
                matched_terms=words,
                expansions=expansions_used(words),
                distance=_distance_text(distance, plan.place, row.mode),
                counts_for=reasons.get(cid, []),
            )
            hits.append(
                SessionHit(
                    session=SessionInfo.model_validate(
                        {n: row._mapping[n] for n in SessionInfo.model_fields}
                    ),
                    course=CourseInfo(
                        id=cid,
                        key=row.c_key,
                        title=row.c_title,
                        provider_key=row.p_key,
                        provider_name=row.p_name,
                        ce_hours=row.c_ce_hours,
                        level=row.c_level,
                        language=row.c_language,
                        techniques=row.c_techniques,
                        conditions=row.c_conditions,
                        competencies=row.c_competencies,
                        ce_categories=row.c_ce_categories,
                        primary_terms=row.c_primary_terms,
                        regions=row.c_regions,
                        url=row.c_url,
                    ),
                    score=_score(row.score if scores is None else scores.get(cid)),
                    distance_miles=None if distance is None else round(distance, 2),
                    distance_km=None if distance is None else round(distance * KM_PER_MILE, 2),
                    explanation=explanation,
                )
            )
        return hits

    def _highlights(
        self,
        conn: Connection,
        text: TextQuery,
        docs: dict[int, str],
        snapshot: accel.Snapshot | None,
    ) -> dict[int, list[str]]:
        """The words of each course's text that the query matched; with a snapshot, each
        (query text, course) is asked of the text index once per catalog version."""
        if snapshot is None:
            return self.backend.highlights(conn, text, docs)
        key = _text_key(text)
        found, missing = snapshot.highlights(key, list(docs))
        if missing:
            fresh = self.backend.highlights(conn, text, {c: docs[c] for c in missing})
            fresh = {c: fresh.get(c, []) for c in missing}
            snapshot.remember_highlights(key, fresh)
            found.update(fresh)
        return found

    def _reasons(
        self,
        conn: Connection,
        state: str | None,
        accepted: list[str],
        courses: dict[int, sa.Row[Any]],
        today: dt.date,
    ) -> dict[int, list[str]]:
        if not state or not accepted or not courses:
            return {}

        def valid(table: sa.Table) -> ColumnElement[bool]:
            return sa.and_(
                table.c.authority.in_(accepted),
                table.c.status.in_(COUNTING_STATUSES),
                sa.or_(table.c.valid_until.is_(None), table.c.valid_until >= today),
            )

        out: dict[int, list[str]] = {cid: [] for cid in courses}
        course_rows = conn.execute(
            sa.select(COURSE_APPROVALS)
            .where(COURSE_APPROVALS.c.course_id.in_(list(courses)), valid(COURSE_APPROVALS))
            .order_by(COURSE_APPROVALS.c.id)
        ).all()
        for a in course_rows:
            out[int(a.course_id)].append(_reason(a, "course", state))
        providers: dict[int, list[int]] = {}
        for cid, row in courses.items():
            if row.c_provider_id is not None:
                providers.setdefault(int(row.c_provider_id), []).append(cid)
        provider_rows = conn.execute(
            sa.select(PROVIDER_APPROVALS)
            .where(PROVIDER_APPROVALS.c.provider_id.in_(list(providers)), valid(PROVIDER_APPROVALS))
            .order_by(PROVIDER_APPROVALS.c.id)
        ).all()
        for a in provider_rows:
            for cid in providers[int(a.provider_id)]:
                out[cid].append(_reason(a, "provider", state))
        return out

    # --- facets ------------------------------------------------------------------------

    def _facets(
        self, conn: Connection, query: SearchQuery, plan: _Plan
    ) -> dict[str, list[FacetCount]]:
        grouped = query.group_by_course
        counted = sa.distinct(S.c.course_id) if grouped else S.c.id
        facets: dict[str, list[FacetCount]] = {}

        def simple(name: str, key: ColumnElement[Any], without: str | None) -> None:
            where = plan.where(without=without)
            rows = conn.execute(
                sa.select(key.label("k"), sa.func.count(counted))
                .select_from(self._from(plan, key, *where))
                .where(*where)
                .group_by(key)
            ).all()
            facets[name] = _facet_list(rows, name)

        def per_course(without: str) -> tuple[sa.FromClause, ColumnElement[Any], Any]:
            """Matching courses with their number of matching sessions, joined to course.

            Course-level facets count over this (one row per course) instead of over every
            matching session joined to its course.
            """
            where = plan.where(without=without)
            matched = (
                sa.select(S.c.course_id.label("cid"), sa.func.count(S.c.id).label("n"))
                .select_from(self._from(plan, *where))
                .where(*where)
                .group_by(S.c.course_id)
                .subquery("matched")
            )
            total = sa.func.count() if grouped else sa.func.sum(matched.c.n)
            return matched.join(C, C.c.id == matched.c.cid), total, matched

        simple("mode", S.c.mode, "modes")
        simple("price", _band(S.c.price, PRICE_BANDS, query.currency), "budget")
        simple(
            "month",
            sa.case(
                (S.c.start_date.is_(None), sa.literal("undated")),
                else_=self.backend.month(S.c.start_date),
            ),
            "dates",
        )
        courses, total, _ = per_course("hours")
        hours = _band(C.c.ce_hours, HOUR_BANDS, None)
        rows = conn.execute(
            sa.select(hours.label("k"), total).select_from(courses).group_by(hours)
        ).all()
        facets["ce_hours"] = _facet_list(rows, "ce_hours")
        simple(
            "state",
            sa.case(
                (S.c.mode.in_(ONLINE_MODES), sa.literal("online")),
                else_=sa.func.coalesce(S.c.region, "unknown"),
            ),
            None,
        )
        for name, column, without in (
            ("technique", C.c.covers_techniques, "techniques"),
            ("condition", C.c.covers_conditions, "conditions"),
            ("category", C.c.covers_categories, "categories"),
        ):
            courses, _, matched = per_course(without)
            elements = self.backend.json_elements(column)
            # One row per (course, value): a value listed twice counts its sessions once.
            pairs = (
                sa.select(matched.c.cid, matched.c.n, elements.c.value.label("value"))
                .select_from(courses.join(elements, sa.true()))
                .distinct()
                .subquery("pairs")
            )
            count = sa.func.count() if grouped else sa.func.sum(pairs.c.n)
            rows = conn.execute(
                sa.select(pairs.c.value.label("k"), count).group_by(pairs.c.value)
            ).all()
            facets[name] = _facet_list(rows, name, self.kb)
        courses, total, _ = per_course("providers")
        provider_rows = conn.execute(
            sa.select(P.c.key, P.c.name, total)
            .select_from(courses.join(P, P.c.id == C.c.provider_id))
            .group_by(P.c.key, P.c.name)
        ).all()
        facets["provider"] = _provider_facet(provider_rows)
        return facets


def search(
    engine: Engine, query: SearchQuery, kb: KnowledgeBase, today: dt.date | None = None
) -> SearchResult:
    """Run ``query`` against the catalog in ``engine`` (SQLite or PostgreSQL)."""
    return SearchService(engine, kb).search(query, today)


# --- helpers -----------------------------------------------------------------------------


def _outer_tables(element: Any) -> set[Any]:
    """Tables whose columns ``element`` uses outside any subquery.

    A course-level filter is ``course_id IN (SELECT ... FROM course ...)``: the subquery's
    tables need no join in the outer statement (``find_tables`` would report them, and the
    outer statement then joined ``course`` for every session row for nothing).
    """
    found: set[Any] = set()
    stack = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, (SelectBase, ScalarSelect, Exists, sa.Subquery)):
            continue
        if isinstance(item, sa.Column) and item.table is not None:
            found.add(item.table)
            continue
        stack.extend(item.get_children())
    return found


def _course_hits(ids: list[int], counts: dict[int, int], hits: list[SessionHit]) -> list[CourseHit]:
    by_course: dict[int, list[SessionHit]] = {}
    for hit in hits:
        by_course.setdefault(hit.course.id, []).append(hit)
    return [
        CourseHit(
            course=by_course[cid][0].course,
            score=by_course[cid][0].score,
            sessions_matching=counts[cid],
            sessions=by_course[cid],
            explanation=Explanation(
                matched_terms=by_course[cid][0].explanation.matched_terms,
                expansions=by_course[cid][0].explanation.expansions,
                counts_for=by_course[cid][0].explanation.counts_for,
            ),
        )
        for cid in ids
        if cid in by_course
    ]


def _score(value: Any) -> float | None:
    return None if value is None else round(float(value), 6)


def _scores(snap: accel.Snapshot, ranks: Any, indexes: list[int]) -> dict[int, float] | None:
    """Text ranks of these sessions' courses by course id (None without text): the SQL
    path's ``score`` column."""
    if ranks is None:
        return None
    courses = {int(snap.course_idx[i]) for i in indexes}
    return {int(snap.course_id[c]): float(ranks[c]) for c in courses}


def _provider_facet(rows: Iterable[Any]) -> list[FacetCount]:
    """(key, name, count) rows: the most frequent ``PROVIDER_FACET_LIMIT``."""
    top = sorted((-int(c), str(n), str(k)) for k, n, c in rows)[:PROVIDER_FACET_LIMIT]
    return _FACETS.validate_python([{"value": k, "label": n, "count": -c} for c, n, k in top])


def _band_codes(
    values: Any, bands: list[tuple[str, str, int | None, int | None]], first: int
) -> Any:
    """``_band`` over an array: code ``first + k`` for band k, 0 (unknown) otherwise."""
    codes = np.zeros(len(values), dtype=np.int64)
    for k, (_value, _label, low, high) in enumerate(bands):
        inside = ~np.isnan(values)
        if low is not None:
            inside &= values >= low
        if high is not None:
            inside &= values < high
        codes[inside & (codes == 0)] = first + k
    return codes


def resolve_place(
    near: str | None, lat: float | None, lon: float | None, radius_miles: float | None
) -> _Place:
    """A ZIP code, 'City, ST', a places key (``tampa-fl``) or a point, as coordinates."""
    if lat is not None and lon is not None:
        return _Place(f"{lat:.4f}, {lon:.4f}", lat, lon, radius_miles)
    text = (near or "").strip()
    if not text:
        raise SearchError("no place given")
    zip_match = _ZIP.match(text)
    if zip_match:
        try:
            found = zipcodes.matching(  # type: ignore[no-untyped-call]
                zip_match.group(1)
            )
        except (ValueError, TypeError):
            found = []
        if not found:
            raise SearchError(f"unknown ZIP code {text!r}")
        z = found[0]
        return _Place(
            f"{z['zip_code']} ({z['city']}, {z['state']})",
            float(z["lat"]),
            float(z["long"]),
            radius_miles,
        )
    key = text.lower()
    if key in BY_KEY:
        p = BY_KEY[key]
        return _Place(f"{p.city}, {p.state}", p.latitude, p.longitude, radius_miles)
    city, _, state = (part.strip() for part in text.rpartition(","))
    if not city:
        city, state = text, ""
    for p in PLACES:
        if p.city.lower() == city.lower() and (not state or p.state == state.upper()):
            return _Place(f"{p.city}, {p.state}", p.latitude, p.longitude, radius_miles)
    found_city = locate(city, state, None) if state else None
    if found_city is not None:
        lat, lon, label = found_city
        return _Place(label, lat, lon, radius_miles)
    raise SearchError(f"unknown place {text!r}: use a US ZIP code, 'City, ST' or lat/lon")


def _band(
    column: Any, bands: list[tuple[str, str, int | None, int | None]], currency: str | None
) -> ColumnElement[str]:
    # Scaled decimals are stored as integers (cents, hundredths): compare raw integers.
    raw = sa.type_coerce(column, sa.BigInteger)
    whens: list[tuple[ColumnElement[bool], Any]] = [(raw.is_(None), sa.literal("unknown"))]
    if currency is not None:
        whens.append((raw == 0, sa.literal("free")))
        whens.append(
            (sa.func.coalesce(S.c.currency, "USD") != currency, sa.literal("other_currency"))
        )
    for value, _label, low, high in bands:
        conditions = []
        if low is not None:
            conditions.append(raw >= low)
        if high is not None:
            conditions.append(raw < high)
        whens.append((sa.and_(*conditions), sa.literal(value)))
    return sa.case(*whens, else_=sa.literal("unknown"))


_BAND_LABELS = {
    **{v: label for v, label, _, _ in PRICE_BANDS},
    **{v: label for v, label, _, _ in HOUR_BANDS},
    "free": "Free",
    "unknown": "Unknown",
    "other_currency": "Other currency",
    "undated": "No fixed date",
    "online": "Online",
}


_FACETS = TypeAdapter(list[FacetCount])  # one validation call per facet, in Rust


def _facet_list(
    rows: Iterable[Any], name: str, kb: KnowledgeBase | None = None
) -> list[FacetCount]:
    out: list[dict[str, Any]] = []
    for key, count in rows:
        if key is None:
            continue
        value = str(key)
        label = _BAND_LABELS.get(value, value)
        if name == "mode":
            label = MODE_LABELS.get(value, value)
        elif kb is not None:
            entry = kb.entries(name).get(value)  # "category" -> the KB's categories
            label = entry.name if entry is not None else value
        out.append({"value": value, "label": label, "count": int(count)})
    out.sort(key=lambda f: (-f["count"], f["value"]))
    return _FACETS.validate_python(out)


def _reason(approval: sa.Row[Any], owner: str, state: str) -> str:
    authority = str(approval.authority)
    who = f"{authority[6:]} state" if authority.startswith("state:") else authority
    number = f" {approval.number}" if approval.number else ""
    until = f" (valid until {approval.valid_until})" if approval.valid_until else ""
    checked = (
        "verified" if approval.status == "verified" else "declared by the provider, not yet checked"
    )
    return f"{who}-approved {owner}{number}, accepted by {state}{until}; {checked}"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _text_key(text: TextQuery) -> tuple[tuple[str, ...], ...]:
    """What a text query's matches depend on: its concepts' phrases and whether any one
    concept is enough (see backends)."""
    key = tuple(tuple(concept.phrases) for concept in text.concepts)
    return (("any",), *key) if text.any_concept else key


def _expansions_used(text: TextQuery | None) -> Callable[[list[str]], list[str]]:
    """For the words a result matched, the query's corrections and expansions they show
    were used. Built once per query: the stems of its expansions do not change per row."""
    if text is None:
        return lambda matched: []
    corrections = [(str(c), _stem(c.target)) for c in text.corrections]
    expansions = [(str(e), [_stem(w) for w in words_of(e.target)]) for e in text.expansions]
    memo: dict[tuple[str, ...], list[str]] = {}

    def used(matched: list[str]) -> list[str]:
        key = tuple(matched)
        if key not in memo:
            stems = {_stem(w) for term in matched for w in words_of(term)}
            found = [label for label, stem in corrections if stem in stems]
            for label, words in expansions:
                if words and all(w in stems for w in words if len(w) > 2):
                    found.append(label)
            memo[key] = _unique(found)
        return list(memo[key])

    return used


def _distance_text(distance: float | None, place: _Place | None, mode: str) -> str | None:
    if place is None:
        return None
    if mode in ONLINE_MODES:
        return "online: no travel"
    if distance is None:
        return "no location published"
    return f"{distance:.1f} mi ({distance * KM_PER_MILE:.1f} km) from {place.label}"


def _interpretation(text: TextQuery | None) -> Interpretation:
    if text is None:
        return Interpretation()
    return Interpretation(
        concepts=[c.label for c in text.concepts],
        expansions=[str(e) for e in text.expansions],
        corrections=[str(e) for e in text.corrections],
        ignored_words=text.ignored,
    )


def _resolved(place: _Place | None) -> ResolvedPlace | None:
    if place is None:
        return None
    return ResolvedPlace(
        label=place.label,
        latitude=place.lat,
        longitude=place.lon,
        radius_km=None if place.radius_miles is None else place.radius_miles * KM_PER_MILE,
    )

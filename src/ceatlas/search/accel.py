"""In-memory columnar accelerator for the filter, count, facet and sort steps of search.

The SQL path in :mod:`ceatlas.search.service` is the reference; this module computes the
same answers from numpy arrays of the session and course facts that the filters and facets
read, one snapshot per database per process:

* every filter group becomes a boolean mask over sessions (course-level filters are
  evaluated once per course, then spread to sessions through ``course_idx``);
* facet counts are ``np.bincount`` over the masks with that facet's own group left out;
* the page is taken from precomputed static orders (start date, price, CE hours per
  dollar) or by a partial sort (relevance, distance);
* full text still runs in the database (FTS5 / tsvector) and only gives course ids and
  ranks; the rows of the page are fetched by id with the same SQL columns as the SQL path.

Freshness: the migration ``0007`` keeps ``search_catalog_version.version`` bumped by
triggers on every write to the tables read here. Each query reads it (one primary-key
look-up) and reloads the snapshot when it changed, so writes by any process sharing the
database show up in the next search of every process.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy import Connection

from ceatlas.catalog.approval_review import COUNTING_STATUSES
from ceatlas.catalog.store import (
    COURSE_APPROVALS,
    COURSES,
    PROVIDER_APPROVALS,
    PROVIDERS,
    SESSIONS,
)
from ceatlas.search.models import CATALOG_VERSION, SESSION_FACTS
from ceatlas.search.query import ONLINE_MODES as ONLINE
from ceatlas.search.query import TIME_BANDS, WEEKDAYS

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

S, C, P, F = SESSIONS, COURSES, PROVIDERS, SESSION_FACTS
CHUNK = 100_000
# Text matches kept per snapshot, least recently used dropped first: a broad word matches
# most courses and costs more to fetch than everything else a query does, and what
# therapists type is skewed towards a few words ("massage", "pain"). Two tiers: the
# matching course ids and ranks (16 bytes per course) for many texts, and for the most
# recent few also the rank per course and the session mask (about 1.7 MB at 1M sessions).
TEXT_CACHE_PAIRS = 2_000_000
TEXT_CACHE_MASKS = 24
HIGHLIGHT_CACHE_ENTRIES = 50_000  # (query text, course) -> the words it matched
# The facet lists the snapshot keeps, and the course column each is read from: what the
# course reader found a course teaches (primary or secondary), not the provider's tags.
COVERS = {
    "techniques": "covers_techniques",
    "conditions": "covers_conditions",
    "competencies": "covers_competencies",
    "ce_categories": "covers_categories",
}
NULL_DAY = np.iinfo(np.int64).max
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def sql_lower(value: str) -> str:
    """``lower()`` as SQLite does it (ASCII letters only)."""
    return value.translate(_ASCII_LOWER)


class _Vocab:
    """String (or any hashable) values as dense integer codes."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.values: list[Any] = []

    def code(self, value: Any) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found

    def codes(self, values: Sequence[Any]) -> Ints:
        for value in sorted(set(values), key=repr):
            self.code(value)
        return np.fromiter(map(self.index.__getitem__, values), dtype=np.int64, count=len(values))

    def lookup(self, values: Iterable[Any]) -> Ints:
        return np.array([self.index[v] for v in values if v in self.index], dtype=np.int64)

    def table(self, values: Iterable[Any]) -> Bools:
        """A lookup table: ``table[codes]`` is True where the value is one of ``values``."""
        out = np.zeros(len(self.values) + 1, dtype=np.bool_)
        out[self.lookup(values)] = True
        return out


def _days(values: Sequence[Any]) -> Ints:
    """Dates (``date`` objects or ISO strings, ``None`` for NULL) as day numbers."""
    distinct = [v for v in set(values) if v is not None]
    numbers = np.array(distinct, dtype="datetime64[D]").astype(np.int64).tolist()
    table: dict[Any, int] = dict(zip(distinct, numbers, strict=True))
    table[None] = int(NULL_DAY)
    return np.fromiter(map(table.__getitem__, values), dtype=np.int64, count=len(values))


def _floats(values: Sequence[Any]) -> Floats:
    """Numbers with ``None`` as NaN (scaled integers stay exact below 2**53)."""
    return np.array(values, dtype=np.float64).reshape(-1)


def day_number(value: dt.date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """Least recently used entries dropped first once their total weight passes ``limit``
    (weight 1 each unless ``weigh`` says otherwise; the newest entry always stays, and a
    limit of 0 keeps nothing). Not locked: its owner holds a lock around every call."""

    def __init__(self, limit: int, weigh: Callable[[V], int] = lambda _: 1) -> None:
        self.limit = limit
        self._weigh = weigh
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._weight = 0

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> None:
        if self.limit <= 0:
            return
        if key in self._entries:
            self._weight -= self._weigh(self._entries.pop(key))
        self._entries[key] = value
        self._weight += self._weigh(value)
        while self._weight > self.limit and len(self._entries) > 1:
            _, dropped = self._entries.popitem(last=False)
            self._weight -= self._weigh(dropped)

    def __contains__(self, key: K) -> bool:
        return key in self._entries

    def clear(self) -> None:
        self._entries.clear()
        self._weight = 0


@dataclass
class Snapshot:
    """Column arrays of one database's catalog, as of ``version``."""

    version: int
    # sessions (ordered by id)
    session_id: Ints
    course_idx: Ints
    mode: Ints
    modes: _Vocab
    price: Floats
    currency: Ints
    currencies: _Vocab
    start: Ints
    month: Ints
    months: list[str]
    days_mask: Ints
    start_minute: Floats
    lat: Floats
    lon: Floats
    lat_order: Ints  # sessions by latitude (NaN last), for the radius box
    lat_sorted: Floats
    state: Ints
    states: _Vocab
    seats: Floats
    deadline: Ints
    brank: Ints
    base_order: Ints
    # courses (ordered by id)
    course_id: Ints
    provider_idx: Ints
    hours: Floats
    level: Ints
    levels: _Vocab
    language: Ints
    languages: _Vocab
    lists: dict[str, dict[str, Ints]]
    pairs: dict[str, tuple[Ints, Ints, list[str]]]
    # providers (ordered by id)
    provider_key: list[str]
    provider_name: list[str]
    # approvals
    course_approval: tuple[Ints, Ints, Ints]
    provider_approval: tuple[Ints, Ints, Ints]
    authorities: _Vocab
    _orders: dict[str, Ints] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _text: Lru[Hashable, tuple[Floats, Bools]] = field(
        default_factory=lambda: Lru(TEXT_CACHE_MASKS)
    )
    _pairs: Lru[Hashable, tuple[Ints, Floats]] = field(
        default_factory=lambda: Lru(TEXT_CACHE_PAIRS, lambda pairs: len(pairs[0]))
    )
    _highlights: Lru[tuple[Hashable, int], list[str]] = field(
        default_factory=lambda: Lru(HIGHLIGHT_CACHE_ENTRIES)
    )

    @property
    def size(self) -> int:
        return len(self.session_id)

    def memo(self, name: str, make: Callable[[], Any]) -> Any:
        """A value derived from the snapshot, computed once."""
        with self._lock:
            if name not in self._memo:
                self._memo[name] = make()
            return self._memo[name]

    def text_match(
        self, key: Hashable, fetch: Callable[[], tuple[Ints, Floats]]
    ) -> tuple[Floats, Bools]:
        """A text query's rank per course (NaN: no match) and mask over the sessions, from
        the matching course ids and ranks ``fetch`` reads; cached per snapshot.

        A snapshot is replaced when the catalog changes, so its cache never outlives the
        data it was read from by more than the query that notices the change."""
        with self._lock:
            found = self._text.get(key)
            if found is not None:
                return found
            pairs = self._pairs.get(key)
        if pairs is None:
            pairs = fetch()  # outside the lock: a slow text query must not stall others
            with self._lock:
                if key not in self._pairs:
                    self._pairs.put(key, pairs)
        ids, values = pairs
        ranks = np.full(len(self.course_id), np.nan)
        where = _course_index(self.course_id, ids)
        known = where >= 0
        ranks[where[known]] = values[known]
        found = (ranks, ~np.isnan(ranks)[self.course_idx])
        with self._lock:
            self._text.put(key, found)
        return found

    def clear_caches(self) -> None:
        """Forget cached text matches and highlights (benchmarks measure cold queries)."""
        with self._lock:
            self._text.clear()
            self._pairs.clear()
            self._highlights.clear()

    def highlights(
        self, key: Hashable, courses: list[int]
    ) -> tuple[dict[int, list[str]], list[int]]:
        """Known highlights of text ``key`` for ``courses``, and the courses not known."""
        found: dict[int, list[str]] = {}
        missing: list[int] = []
        with self._lock:
            for course in courses:
                words = self._highlights.get((key, course))
                if words is None:
                    missing.append(course)
                else:
                    found[course] = list(words)
        return found, missing

    def remember_highlights(self, key: Hashable, words: dict[int, list[str]]) -> None:
        with self._lock:
            for course, matched in words.items():
                self._highlights.put((key, course), list(matched))

    def order(self, name: str, key: Callable[[], Floats]) -> Ints:
        """A static order of every session: ``key`` ascending, then start date, then id."""
        with self._lock:
            found = self._orders.get(name)
            if found is None:
                found = np.lexsort((self.brank, key())).astype(np.int64)
                self._orders[name] = found
            return found


def _chunks(conn: Connection, statement: sa.Select[Any]) -> Iterator[list[tuple[Any, ...]]]:
    """Rows straight from the driver (no per-value processing), ``CHUNK`` at a time."""
    sql = str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK):
            yield list(rows)
    finally:
        cursor.close()


def _raw(column: Any, type_: Any) -> Any:
    return sa.type_coerce(column, type_)


def _course_index(course_id: Ints, ids: Ints) -> Ints:
    """Position of each id in the sorted ``course_id`` array, -1 where absent."""
    if len(course_id) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    pos = np.searchsorted(course_id, ids).clip(0, len(course_id) - 1)
    return np.where(course_id[pos] == ids, pos, -1).astype(np.int64)


def load(conn: Connection, version: int, elements: Callable[[Any], Any]) -> Snapshot:
    """Read every fact the filters, facets and sorts use into arrays."""
    # courses and providers
    providers = conn.execute(sa.select(P.c.id, P.c.key, P.c.name).order_by(P.c.id)).all()
    provider_ids = np.array([int(r[0]) for r in providers], dtype=np.int64)
    course_rows = conn.execute(
        sa.select(
            C.c.id,
            C.c.provider_id,
            _raw(C.c.ce_hours, sa.BigInteger),
            C.c.level,
            C.c.language,
        ).order_by(C.c.id)
    ).all()
    nc = len(course_rows)
    course_id = np.array([int(r[0]) for r in course_rows], dtype=np.int64)
    provider_idx = np.full(nc, -1, dtype=np.int64)
    if len(provider_ids):
        pids = np.array([-1 if r[1] is None else int(r[1]) for r in course_rows], dtype=np.int64)
        pos = np.searchsorted(provider_ids, pids).clip(0, len(provider_ids) - 1)
        provider_idx = np.where(provider_ids[pos] == pids, pos, -1).astype(np.int64)
    levels, languages = _Vocab(), _Vocab()
    level = levels.codes([None if r[3] is None else sql_lower(r[3]) for r in course_rows])
    language = languages.codes([None if r[4] is None else sql_lower(r[4]) for r in course_rows])
    lists: dict[str, dict[str, Ints]] = {}
    pairs: dict[str, tuple[Ints, Ints, list[str]]] = {}
    for name, column in COVERS.items():
        values = elements(C.c[column])
        element_rows = conn.execute(
            sa.select(C.c.id, values.c.value)
            .select_from(C.join(values, sa.true()))
            .distinct()
            .order_by(values.c.value, C.c.id)
        ).all()
        members: dict[str, list[int]] = {}
        for cid, value in element_rows:
            if isinstance(value, str):
                members.setdefault(value, []).append(int(cid))
        lists[name] = {
            v: _course_index(course_id, np.array(ix, dtype=np.int64)) for v, ix in members.items()
        }
        names = list(members)
        pair_course = np.concatenate(
            [lists[name][v] for v in names] or [np.zeros(0, dtype=np.int64)]
        )
        pair_value = np.concatenate(
            [np.full(len(lists[name][v]), k, dtype=np.int64) for k, v in enumerate(names)]
            or [np.zeros(0, dtype=np.int64)]
        )
        pairs[name] = (pair_course, pair_value, names)
    # approvals
    authorities = _Vocab()

    def approvals(table: sa.Table, owner: Any, index: Callable[[Ints], Ints]) -> tuple[Ints, ...]:
        rows = conn.execute(
            sa.select(owner, table.c.authority, _raw(table.c.valid_until, sa.String)).where(
                table.c.status.in_(COUNTING_STATUSES)  # rejected and expired claims never count
            )
        ).all()
        owners = index(np.array([int(r[0]) for r in rows], dtype=np.int64))
        return (
            owners,
            authorities.codes([r[1] for r in rows]),
            _days([r[2] for r in rows]),
        )

    ca = approvals(COURSE_APPROVALS, COURSE_APPROVALS.c.course_id, partial_index(course_id))
    pa = approvals(
        PROVIDER_APPROVALS, PROVIDER_APPROVALS.c.provider_id, partial_index(provider_ids)
    )
    # sessions, in chunks
    modes, currencies, states = _Vocab(), _Vocab(), _Vocab()
    parts: dict[str, list[Any]] = {}
    statement = (
        sa.select(
            S.c.id,
            S.c.course_id,
            S.c.mode,
            _raw(S.c.start_date, sa.String),
            _raw(S.c.price, sa.BigInteger),
            S.c.currency,
            S.c.latitude,
            S.c.longitude,
            S.c.region,
            S.c.seats_remaining,
            _raw(S.c.registration_deadline, sa.String),
            F.c.days_mask,
            F.c.start_minute,
        )
        .select_from(S.outerjoin(F, F.c.session_id == S.c.id))
        .order_by(S.c.id)
    )
    for rows in _chunks(conn, statement):
        cols = list(zip(*rows, strict=True))
        got = {
            "session_id": np.array(cols[0], dtype=np.int64),
            "course_idx": _course_index(course_id, np.array(cols[1], dtype=np.int64)),
            "mode": modes.codes(cols[2]),
            "start": _days(cols[3]),
            "price": _floats(cols[4]),
            "currency": currencies.codes(cols[5]),
            "lat": _floats(cols[6]),
            "lon": _floats(cols[7]),
            "region": states.codes(cols[8]),
            "seats": _floats(cols[9]),
            "deadline": _days(cols[10]),
            "days_mask": np.nan_to_num(_floats(cols[11])).astype(np.int64),
            "start_minute": _floats(cols[12]),
        }
        for name, array in got.items():
            parts.setdefault(name, []).append(array)
    empty_i = np.zeros(0, dtype=np.int64)
    empty_f = np.zeros(0, dtype=np.float64)

    def joined(name: str, empty: Any) -> Any:
        return np.concatenate(parts[name]) if name in parts else empty

    # Facet keys as the SQL path computes them: coalesce(currency, 'USD'); state 'online'
    # for online modes, else coalesce(region, 'unknown').
    currency = joined("currency", empty_i)
    currency_names = ["USD" if c is None else c for c in currencies.values]
    currencies = _Vocab()
    currency = currencies.codes(currency_names)[currency] if len(currency) else currency
    region_names = ["unknown" if r is None else r for r in states.values]
    online_code = len(region_names)
    states = _Vocab()
    state_codes = states.codes([*region_names, "online"])
    state = state_codes[joined("region", empty_i)] if "region" in parts else empty_i
    online = modes.table(ONLINE)[joined("mode", empty_i)]
    state = np.where(online, state_codes[online_code], state)
    start = joined("start", empty_i)
    session_id = joined("session_id", empty_i)
    start_key = np.where(start == NULL_DAY, np.iinfo(np.int64).max, start)
    base_order = np.lexsort((session_id, start_key)).astype(np.int64)
    brank = np.empty(len(base_order), dtype=np.int64)
    brank[base_order] = np.arange(len(base_order), dtype=np.int64)
    month_numbers = np.where(
        start == NULL_DAY,
        -1,
        start.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64),
    )
    lat = joined("lat", empty_f)
    lat_order = np.argsort(lat, kind="stable").astype(np.int64)
    month_values, month = np.unique(month_numbers, return_inverse=True)
    months = [
        "undated" if m < 0 else str(np.datetime64(int(m), "M")) for m in month_values.tolist()
    ]
    return Snapshot(
        version=version,
        session_id=session_id,
        course_idx=joined("course_idx", empty_i),
        mode=joined("mode", empty_i),
        modes=modes,
        price=joined("price", empty_f),
        currency=currency,
        currencies=currencies,
        start=start,
        month=month.astype(np.int64).reshape(-1),
        months=months,
        days_mask=joined("days_mask", empty_i),
        start_minute=joined("start_minute", empty_f),
        lat=lat,
        lon=joined("lon", empty_f),
        lat_order=lat_order,
        lat_sorted=lat[lat_order],
        state=state.astype(np.int64),
        states=states,
        seats=joined("seats", empty_f),
        deadline=joined("deadline", empty_i),
        brank=brank,
        base_order=base_order,
        course_id=course_id,
        provider_idx=provider_idx,
        hours=_floats([r[2] for r in course_rows]),
        level=level,
        levels=levels,
        language=language,
        languages=languages,
        lists=lists,
        pairs=pairs,
        provider_key=[str(r[1]) for r in providers],
        provider_name=[str(r[2]) for r in providers],
        course_approval=(ca[0], ca[1], ca[2]),
        provider_approval=(pa[0], pa[1], pa[2]),
        authorities=authorities,
    )


def partial_index(ids: Ints) -> Callable[[Ints], Ints]:
    return lambda owners: _course_index(ids, owners)


_VERSION_SQL = str(
    sa.select(CATALOG_VERSION.c.version)
    .where(CATALOG_VERSION.c.id == 1)
    .compile(compile_kwargs={"literal_binds": True})
)


class Accelerator:
    """Snapshots per database URL, reloaded when the catalog version changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshots: dict[str, Snapshot] = {}

    @staticmethod
    def version(conn: Connection) -> int | None:
        """The catalog change counter, or None where migration 0007 is not applied."""
        try:
            found = conn.exec_driver_sql(_VERSION_SQL).scalar()
        except sa.exc.DBAPIError:
            conn.rollback()
            return None
        return None if found is None else int(found)

    def snapshot(self, conn: Connection, elements: Callable[[Any], Any]) -> Snapshot | None:
        version = self.version(conn)
        if version is None:
            return None
        key = str(conn.engine.url)
        with self._lock:
            found = self._snapshots.get(key)
            if found is not None and found.version == version:
                return found
            found = load(conn, version, elements)
            self._snapshots[key] = found
            return found


ACCELERATOR = Accelerator()


# --- evaluating a query --------------------------------------------------------------------


@dataclass
class Inputs:
    """What the service's SQL plan resolved, that the masks need too."""

    today: dt.date
    text: tuple[Floats, Bools] | None  # rank per course (NaN: no match), session mask
    place: tuple[float, float, float | None] | None  # lat, lon, radius in miles
    box: tuple[float, float] | None  # half-height, half-width (degrees) of the radius box
    accepted: list[str] | None  # jurisdiction's accepted approvers; None: no state filter
    state_false: bool
    pathway: tuple[list[str], list[str]] | None  # techniques, competencies
    pathway_false: bool
    terms: dict[str, list[str]]  # resolved list-filter values by group
    price_limit: int | None
    hours_min: int | None
    hours_max: int | None


@dataclass
class Masks:
    base: Bools
    groups: dict[str, Bools]
    place: tuple[float, float, float] | None  # lat, lon, earth radius
    ranks: Floats | None  # per course, NaN where the text does not match
    _cache: dict[str | None, Bools] = field(default_factory=dict)
    _indexes: dict[str | None, Ints] = field(default_factory=dict)

    def distance_at(self, snap: Snapshot, idx: Ints) -> Floats:
        """Distances (miles) of sessions ``idx`` from the place, NaN where unknown."""
        assert self.place is not None
        plat, plon, earth = self.place
        return _haversine(snap.lat[idx], snap.lon[idx], plat, plon, earth)

    def where(self, without: str | None = None) -> Bools:
        key = without if without in self.groups else None
        found = self._cache.get(key)
        if found is None:
            found = self.base.copy()
            for name, mask in self.groups.items():
                if name != key:
                    found &= mask
            self._cache[key] = found
        return found

    def indexes(self, without: str | None = None) -> Ints:
        """``where(without)`` as the sorted indexes of its matching sessions: facets gather
        several columns at these rows, and one nonzero pass beats one per column."""
        key = without if without in self.groups else None
        found = self._indexes.get(key)
        if found is None:
            found = np.flatnonzero(self.where(key))
            self._indexes[key] = found
        return found


def _haversine(lat: Floats, lon: Floats, plat: float, plon: float, radius: float) -> Floats:
    """The SQL path's distance formula, operation for operation."""
    import math

    half_dlat = np.radians(lat - plat) / 2
    half_dlon = np.radians(lon - plon) / 2
    a = np.power(np.sin(half_dlat), 2) + math.cos(math.radians(plat)) * np.cos(
        np.radians(lat)
    ) * np.power(np.sin(half_dlon), 2)
    with np.errstate(invalid="ignore"):
        out: Floats = (2 * radius) * np.arcsin(np.sqrt(a))
    return out


def masks(snap: Snapshot, query: Any, inputs: Inputs, earth_radius: float) -> Masks:
    """One boolean mask per filter group of the SQL plan (same names, same meaning)."""
    n = snap.size
    groups: dict[str, Bools] = {}
    mode = snap.mode

    def mode_in(values: Iterable[str]) -> Bools:
        found: Bools = snap.modes.table(values)[mode]
        return found

    def add(group: str, mask: Bools) -> None:
        groups[group] = groups[group] & mask if group in groups else mask

    def course_level(group: str, course_mask: Bools) -> None:
        add(group, course_mask[snap.course_idx])

    base = snap.memo("everything", lambda: np.ones(n, dtype=np.bool_))
    ranks: Floats | None = None
    if inputs.text is not None:
        ranks, base = inputs.text
    if inputs.price_limit is not None:
        usd = snap.currencies.index.get(query.currency, -1)
        price = snap.price
        add("budget", (price == 0) | ((price <= inputs.price_limit) & (snap.currency == usd)))
    self_paced = snap.memo("self_paced", lambda: mode_in(["self_paced_online"]))
    if not query.include_self_paced:
        add("self_paced", ~self_paced)

    def scheduled(dated: Bools) -> Bools:
        return (self_paced | dated) if query.include_self_paced else dated

    if query.date_from or query.date_to:
        dated = (snap.start != NULL_DAY) & (
            snap.start >= day_number(query.date_from or inputs.today)
        )
        if query.date_to:
            dated &= snap.start <= day_number(query.date_to)
        add("dates", scheduled(dated))
    else:  # as the SQL path: no session that has already started
        # Most queries give no dates: the mask is kept for the current day only.
        by_day: dict[dt.date, Bools] = snap.memo(f"upcoming:{query.include_self_paced}", dict)
        upcoming = by_day.get(inputs.today)
        if upcoming is None:
            upcoming = scheduled(
                (snap.start == NULL_DAY) | (snap.start >= day_number(inputs.today))
            )
            by_day.clear()
            by_day[inputs.today] = upcoming
        add("dates", upcoming)
    if query.days:
        wanted = sum(1 << WEEKDAYS.index(d) for d in query.days)
        others = 127 & ~wanted
        days = snap.days_mask
        add("days", scheduled((days != 0) & ((days & others) == 0)))
    if query.time_of_day:
        minute = snap.start_minute
        band = np.zeros(n, dtype=np.bool_)
        for t in query.time_of_day:
            low, high = TIME_BANDS[t]
            band |= (minute >= low) & (minute < high)
        add("time_of_day", scheduled(band))
    if query.modes:
        add("modes", mode_in(query.modes))
    place: tuple[float, float, float] | None = None
    if inputs.place is not None:
        plat, plon, radius = inputs.place
        place = (plat, plon, earth_radius)
        if radius is not None and inputs.box is not None:
            dlat, dlon = inputs.box
            first = int(np.searchsorted(snap.lat_sorted, plat - dlat, side="left"))
            last = int(np.searchsorted(snap.lat_sorted, plat + dlat, side="right"))
            candidates = snap.lat_order[first:last]
            if dlon < 180.0:
                lon = snap.lon[candidates]
                candidates = candidates[(lon >= plon - dlon) & (lon <= plon + dlon)]
            near = _haversine(snap.lat[candidates], snap.lon[candidates], plat, plon, earth_radius)
            inside = np.zeros(n, dtype=np.bool_)
            inside[candidates[near <= radius]] = True
            online = snap.memo("online", lambda: mode_in(ONLINE))
            add("place", online | inside)
    hours = snap.hours
    if inputs.hours_min is not None:
        course_level("hours", hours >= inputs.hours_min)
    if inputs.hours_max is not None:
        course_level("hours", hours <= inputs.hours_max)
    if query.levels:
        course_level("levels", snap.levels.table(sql_lower(v) for v in query.levels)[snap.level])
    if query.languages:
        wanted_languages = snap.languages.table(sql_lower(v) for v in query.languages)
        course_level("languages", wanted_languages[snap.language])

    def having(column: str, values: Iterable[str]) -> Bools:
        out = np.zeros(len(snap.course_id), dtype=np.bool_)
        members = snap.lists[column]
        for value in values:
            found = members.get(value)
            if found is not None:
                out[found] = True
        return out

    for group, column in (
        ("categories", "ce_categories"),
        ("techniques", "techniques"),
        ("conditions", "conditions"),
        ("competencies", "competencies"),
    ):
        if group in inputs.terms:
            course_level(group, having(column, inputs.terms[group]))
    if inputs.pathway_false:
        add("pathway", np.zeros(n, dtype=np.bool_))
    elif inputs.pathway is not None:
        techniques, competencies = inputs.pathway
        course_level(
            "pathway", having("techniques", techniques) | having("competencies", competencies)
        )
    if query.providers:
        keys = set(query.providers)
        lowered = {v.lower() for v in query.providers}
        chosen = np.array(
            [
                k in keys or sql_lower(name) in lowered
                for k, name in zip(snap.provider_key, snap.provider_name, strict=True)
            ]
            + [False],
            dtype=np.bool_,
        )
        course_level("providers", chosen[snap.provider_idx])
    if inputs.state_false:
        add("state", np.zeros(n, dtype=np.bool_))
    elif inputs.accepted is not None:
        today = day_number(inputs.today)
        accepted = snap.authorities.table(inputs.accepted)
        ok = np.zeros(len(snap.course_id), dtype=np.bool_)
        owners, authority, until = snap.course_approval
        valid = accepted[authority] & ((until == NULL_DAY) | (until >= today))
        ok[owners[valid & (owners >= 0)]] = True
        p_ok = np.zeros(len(snap.provider_key) + 1, dtype=np.bool_)
        owners, authority, until = snap.provider_approval
        valid = accepted[authority] & ((until == NULL_DAY) | (until >= today))
        p_ok[owners[valid & (owners >= 0)]] = True
        ok |= p_ok[snap.provider_idx]
        course_level("state", ok)
    if query.min_seats is not None:
        seats = snap.seats
        add("seats", np.isnan(seats) | (seats >= query.min_seats))
    if query.registration_open:
        deadline = snap.deadline
        add("registration", (deadline == NULL_DAY) | (deadline >= day_number(inputs.today)))
    return Masks(base=base, groups=groups, place=place, ranks=ranks)


def session_key(snap: Snapshot, m: Masks, sort: str, idx: Ints) -> Floats | None:
    """The primary sort key of sessions ``idx`` (ascending, NaN last); None: start date."""
    key: Floats
    if sort == "relevance" and m.ranks is not None:
        key = -m.ranks[snap.course_idx[idx]]
        return key
    if sort == "price":
        key = snap.price[idx]
        return key
    if sort == "distance" and m.place is not None:
        return m.distance_at(snap, idx)
    if sort == "hours_per_dollar":
        key = -hours_per_dollar(snap)[idx]
        return key
    return None


def hours_per_dollar(snap: Snapshot) -> Floats:
    hours = snap.hours[snap.course_idx]
    price = snap.price
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Floats = np.where(
            np.isnan(hours) | np.isnan(price),
            np.nan,
            np.where(price == 0, 1e12, hours / price),
        )
    return out


def _nan_last(values: Floats) -> Floats:
    out: Floats = np.where(np.isnan(values), np.inf, values)
    return out


def _first_in_order(order: Ints, mask: Bools, limit: int) -> Ints:
    """The first ``limit`` entries of ``order`` that ``mask`` selects. A page needs only
    the first few, so read the order in growing chunks instead of all of it."""
    found: list[Ints] = []
    count, start, step = 0, 0, max(4096, 4 * limit)
    while count < limit and start < len(order):
        chunk = order[start : start + step]
        hits = chunk[mask[chunk]]
        found.append(hits)
        count += len(hits)
        start += step
        step *= 4
    picked: Ints = np.concatenate(found)[:limit] if found else order[:0]
    return picked


def ordered(snap: Snapshot, m: Masks, sort: str, mask: Bools, limit: int) -> Ints:
    """Indexes of the first ``limit`` matching sessions in the SQL path's order."""
    if sort in ("start_date", "price", "hours_per_dollar"):
        if sort == "start_date":
            order = snap.base_order
        else:
            every = np.arange(snap.size, dtype=np.int64)
            order = snap.order(sort, lambda: _nan_last(session_key(snap, m, sort, every)))  # type: ignore[arg-type]
        return _first_in_order(order, mask, limit)
    idx = np.flatnonzero(mask)
    key = session_key(snap, m, sort, idx)
    if key is None:
        return _first_in_order(snap.base_order, mask, limit)
    k = _nan_last(key)
    if len(idx) > limit > 0:
        kth = np.partition(k, limit - 1)[limit - 1]
        keep = k <= kth
        idx, k = idx[keep], k[keep]
    order = np.lexsort((snap.brank[idx], k))
    result: Ints = idx[order][:limit]
    return result


def grouped_courses(snap: Snapshot, m: Masks, sort: str, mask: Bools) -> tuple[Ints, Ints]:
    """Matching courses (indexes) in the SQL path's grouped order, and their session counts."""
    cidx = snap.course_idx[mask]
    counts = np.bincount(cidx, minlength=len(snap.course_id))
    courses = np.flatnonzero(counts)
    start = snap.start[mask].astype(np.float64)
    start[snap.start[mask] == NULL_DAY] = np.inf
    first = np.full(len(snap.course_id), np.inf)
    np.minimum.at(first, cidx, start)
    keys: list[Any] = [snap.course_id[courses], first[courses]]
    key = session_key(snap, m, sort, np.flatnonzero(mask))
    if key is not None:
        best = np.full(len(snap.course_id), np.inf)
        np.minimum.at(best, cidx, _nan_last(key))
        keys.append(best[courses])
    order = np.lexsort(tuple(keys))
    return courses[order], counts

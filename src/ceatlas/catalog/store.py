"""Batched, idempotent upserts of catalog records by stable identifier.

A batch is one transaction, and a record (a course with its sessions and approvals, or a
program with its embedded courses) never spans two batches, so a killed import leaves
whole records only; running it again upserts by key and adds no duplicates. Unchanged rows
(same content hash) are not written at all, so importing the same file twice changes nothing.

Provenance: a writer given an :class:`Origin` stamps every course and session it writes,
and every one it sees unchanged, with the origin and the moment (``last_seen_at``); these
columns are outside the content hash, so they never make a row count as changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    Engine,
    Float,
    Integer,
    String,
    Table,
    Time,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DataError, IntegrityError

from ceatlas.catalog.models import (
    Course,
    CourseApproval,
    CourseSession,
    Program,
    Provider,
    ProviderApproval,
)
from ceatlas.catalog.records import (
    CourseRecord,
    ProgramRecord,
    ProviderRecord,
    Record,
    RecordError,
    SessionRecord,
)
from ceatlas.catalog.repeats import Earlier
from ceatlas.orm import ScaledDecimal

PROVIDERS: Table = Provider.__table__  # type: ignore[assignment]
PROVIDER_APPROVALS: Table = ProviderApproval.__table__  # type: ignore[assignment]
COURSES: Table = Course.__table__  # type: ignore[assignment]
COURSE_APPROVALS: Table = CourseApproval.__table__  # type: ignore[assignment]
SESSIONS: Table = CourseSession.__table__  # type: ignore[assignment]
PROGRAMS: Table = Program.__table__  # type: ignore[assignment]

_KEY_CHUNK = 900  # stays under SQLite's bound-parameter limit on old builds too


# Written by the course reader (catalog.understanding), never by an import.
READER_COLUMNS = frozenset(
    {
        "covers_techniques",
        "covers_conditions",
        "covers_competencies",
        "covers_categories",
        "covers_regions",
        "primary_terms",
    }
)


# Where a course or session came from and when it was last seen (see ``Origin``).
PROVENANCE_COLUMNS = frozenset({"origin_kind", "origin", "last_seen_at"})
ORIGIN_KINDS = ("source", "file", "form", "api", "sample")


@dataclass(frozen=True)
class Origin:
    """Where written rows come from: ``kind`` is one of :data:`ORIGIN_KINDS` (a registered
    source's page, an imported file, the provider's form, its write API, the sample
    catalog); ``ref`` the page address or the file's name (None for a form or the API)."""

    kind: str
    ref: str | None = None

    def values(self, now: dt.datetime) -> dict[str, Any]:
        return {"origin_kind": self.kind, "origin": self.ref, "last_seen_at": now}


def _columns(table: Table) -> tuple[str, ...]:
    skip = {"id", "key", "content_hash", "updated_at", "provider_id", "course_id"}
    hidden = skip | READER_COLUMNS | PROVENANCE_COLUMNS
    return tuple(c.name for c in table.columns if c.name not in hidden)


PROVIDER_COLUMNS = _columns(PROVIDERS)
COURSE_COLUMNS = _columns(COURSES)
SESSION_COLUMNS = _columns(SESSIONS)
PROGRAM_COLUMNS = _columns(PROGRAMS)
APPROVAL_COLUMNS = ("authority", "authority_name", "number", "valid_until")


def content_hash(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: Counts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass
class WriteTotals:
    providers: Counts = field(default_factory=Counts)
    courses: Counts = field(default_factory=Counts)
    sessions: Counts = field(default_factory=Counts)
    programs: Counts = field(default_factory=Counts)
    sessions_pruned: int = 0

    def add(self, other: WriteTotals) -> None:
        for name in ("providers", "courses", "sessions", "programs"):
            getattr(self, name).add(getattr(other, name))
        self.sessions_pruned += other.sessions_pruned


@dataclass
class _Row:
    key: str
    values: dict[str, Any]
    digest: str
    children: list[dict[str, Any]] = field(default_factory=list)


class CatalogWriter:
    """Writes batches of records; remembers ids of providers and courses it has seen."""

    def __init__(
        self, engine: Engine, *, track_sessions: bool = False, origin: Origin | None = None
    ) -> None:
        """``origin``: stamped on the courses and sessions written or seen (None: the
        provenance columns are left as they are)."""
        self.engine = engine
        self.origin = origin
        self.totals = WriteTotals()
        self._provider_ids: dict[str, int] = {}
        self._course_ids: dict[str, int] = {}
        self._seen_sessions: dict[str, set[str]] | None = {} if track_sessions else None
        self._native: _NativeSessions | None = None

    def write(self, batch: Sequence[tuple[Any, Record]]) -> list[tuple[Any, RecordError]]:
        """Write a batch in one transaction; return the records rejected at write time.

        When the database refuses the batch's data, each record is retried on its own so
        that one bad record cannot cost the others. Connection failures are not a record's
        fault: they propagate.
        """
        rejected = self._unresolvable(batch)
        good = [item for item in batch if all(item[0] is not r[0] for r in rejected)]
        provider_cache, course_cache = dict(self._provider_ids), dict(self._course_ids)
        try:
            with self.engine.begin() as conn:
                totals = self._write(conn, [record for _, record in good])
        except (IntegrityError, DataError):
            self._provider_ids, self._course_ids = provider_cache, course_cache
            return rejected + self._write_one_by_one(good)
        self.totals.add(totals)
        self._remember_sessions(record for _, record in good)
        return rejected

    def prune(self) -> int:
        """Delete sessions of the imported courses that the import did not contain."""
        if not self._seen_sessions:
            return 0
        removed = 0
        with self.engine.begin() as conn:
            for course_key, keys in self._seen_sessions.items():
                course_id = self._course_ids.get(course_key)
                if course_id is None:
                    continue
                existing = conn.execute(
                    select(SESSIONS.c.id, SESSIONS.c.key).where(SESSIONS.c.course_id == course_id)
                ).all()
                stale = [row.id for row in existing if row.key not in keys]
                for chunk in _chunks(stale):
                    conn.execute(delete(SESSIONS).where(SESSIONS.c.id.in_(chunk)))
                removed += len(stale)
        self.totals.sessions_pruned += removed
        return removed

    # --- internals -------------------------------------------------------------------

    def stored_course(self, key: str) -> Earlier | None:
        """Course ``key`` as the catalog holds it (its columns, approvals, provider)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    COURSES.c.id, COURSES.c.provider_id, *(COURSES.c[c] for c in COURSE_COLUMNS)
                ).where(COURSES.c.key == key)
            ).first()
            if row is None:
                return None
            approvals = [
                dict(zip(APPROVAL_COLUMNS, a, strict=True))
                for a in conn.execute(
                    select(*(COURSE_APPROVALS.c[c] for c in APPROVAL_COLUMNS))
                    .where(COURSE_APPROVALS.c.course_id == row.id)
                    .order_by(COURSE_APPROVALS.c.id)
                )
            ]
            provider = None
            if row.provider_id is not None:
                provider_key = conn.execute(
                    select(PROVIDERS.c.key).where(PROVIDERS.c.id == row.provider_id)
                ).scalar_one()
                provider = ProviderRecord(provider_key, {}, ref_only=True)
        values = {c: row._mapping[c] for c in COURSE_COLUMNS}
        return Earlier(values, approvals, provider)

    def _write_one_by_one(
        self, batch: Sequence[tuple[Any, Record]]
    ) -> list[tuple[Any, RecordError]]:
        rejected: list[tuple[Any, RecordError]] = []
        for where, record in batch:
            provider_cache, course_cache = dict(self._provider_ids), dict(self._course_ids)
            try:
                with self.engine.begin() as conn:
                    totals = self._write(conn, [record])
            except (IntegrityError, DataError) as error:
                self._provider_ids, self._course_ids = provider_cache, course_cache
                reason = str(getattr(error, "orig", error)).splitlines()[0]
                rejected.append((where, RecordError("", f"the database refused it: {reason}")))
                continue
            self.totals.add(totals)
            self._remember_sessions([record])
        return rejected

    def _remember_sessions(self, records: Iterable[Record]) -> None:
        if self._seen_sessions is None:
            return
        for course in _courses_of(records):
            self._seen_sessions.setdefault(course.key, set()).update(s.key for s in course.sessions)

    def _unresolvable(self, batch: Sequence[tuple[Any, Record]]) -> list[tuple[Any, RecordError]]:
        """Records naming a provider by bare @id that neither the batch nor the catalog has."""
        full = {p.key for _, r in batch for p in _providers_of([r]) if not p.ref_only}
        refs = {p.key for _, r in batch for p in _providers_of([r]) if p.ref_only}
        missing = refs - full - set(self._provider_ids)
        if missing:
            with self.engine.connect() as conn:
                for chunk in _chunks(sorted(missing)):
                    rows = conn.execute(
                        select(PROVIDERS.c.key, PROVIDERS.c.id).where(PROVIDERS.c.key.in_(chunk))
                    )
                    for key, ident in rows:
                        self._provider_ids[key] = ident
                        missing.discard(key)
        if not missing:
            return []
        rejected = []
        for where, record in batch:
            unknown = [p.key for p in _providers_of([record]) if p.ref_only and p.key in missing]
            if unknown:
                rejected.append(
                    (
                        where,
                        RecordError(
                            "provider",
                            f"unknown provider {unknown[0]!r}: it is "
                            "neither in this import nor in the catalog",
                        ),
                    )
                )
        return rejected

    def _native_sessions(self, conn: Connection) -> _NativeSessions:
        if self._native is None:
            self._native = _NativeSessions(conn)
        return self._native

    def _write(self, conn: Connection, records: list[Record]) -> WriteTotals:
        totals = WriteTotals()
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        seen = self.origin.values(now.replace(microsecond=0)) if self.origin else None
        providers = {
            p.key: _Row(
                p.key,
                p.values,
                content_hash(*(p.values[c] for c in PROVIDER_COLUMNS), _approval_rows(p.approvals)),
                p.approvals,
            )
            for p in _providers_of(records)
            if not p.ref_only
        }
        totals.providers = self._upsert(
            conn, PROVIDERS, providers, now, self._provider_ids, PROVIDER_APPROVALS, "provider_id"
        )
        courses = {}
        sessions: dict[str, _Row] = {}
        for course in _courses_of(records):
            provider_id = self._provider_ids[course.provider.key] if course.provider else None
            values = dict(course.values, provider_id=provider_id)
            digest = content_hash(
                *(course.values[c] for c in COURSE_COLUMNS),
                course.provider.key if course.provider else None,
                _approval_rows(course.approvals),
            )
            courses[course.key] = _Row(course.key, values, digest, course.approvals)
        totals.courses = self._upsert(
            conn, COURSES, courses, now, self._course_ids, COURSE_APPROVALS, "course_id", seen=seen
        )
        native = self._native_sessions(conn)
        for course in _courses_of(records):
            course_id = self._course_ids[course.key]
            for session in course.sessions:
                sessions[session.key] = native.row(session, course_id)
        totals.sessions = self._upsert(
            conn, SESSIONS, sessions, now, None, None, None, native, seen=seen
        )
        programs = {}
        for program in (r for r in records if isinstance(r, ProgramRecord)):
            provider_id = self._provider_ids[program.provider.key] if program.provider else None
            values = dict(program.values, provider_id=provider_id)
            digest = content_hash(
                *(program.values[c] for c in PROGRAM_COLUMNS),
                program.provider.key if program.provider else None,
            )
            programs[program.key] = _Row(program.key, values, digest)
        totals.programs = self._upsert(conn, PROGRAMS, programs, now, None, None, None)
        return totals

    def _upsert(
        self,
        conn: Connection,
        table: Table,
        rows: dict[str, _Row],
        now: dt.datetime,
        id_cache: dict[str, int] | None,
        child_table: Table | None,
        child_fk: str | None,
        native: _NativeSessions | None = None,
        *,
        seen: dict[str, Any] | None = None,
    ) -> Counts:
        """Insert new rows, update changed ones; with ``seen`` (provenance values) stamp
        new, changed and unchanged rows alike."""
        counts = Counts()
        if not rows:
            return counts
        existing: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(list(rows)):
            query = select(table.c.key, table.c.id, table.c.content_hash).where(
                table.c.key.in_(chunk)
            )
            existing.update((key, (ident, digest)) for key, ident, digest in conn.execute(query))
        fresh, changed, same = [], [], []
        stamp = seen or {}
        for key, row in rows.items():
            found = existing.get(key)
            if found is None:
                fresh.append(
                    {
                        **row.values,
                        **stamp,
                        "key": key,
                        "content_hash": row.digest,
                        "updated_at": now,
                    }
                )
            elif found[1] != row.digest:
                changed.append(
                    {
                        **row.values,
                        **stamp,
                        "_id": found[0],
                        "content_hash": row.digest,
                        "updated_at": now,
                    }
                )
            else:
                same.append(found[0])
            if found is not None and id_cache is not None:
                id_cache[key] = found[0]
        if seen and same:
            for chunk in _chunks(same):
                conn.execute(update(table).where(table.c.id.in_(chunk)).values(seen))
        if fresh and native is not None:
            native.insert(conn, [rows[f["key"]] for f in fresh], now, seen)
        elif fresh:
            if id_cache is not None:
                result = conn.execute(insert(table).returning(table.c.key, table.c.id), fresh)
                id_cache.update((key, ident) for key, ident in result)
            else:
                conn.execute(insert(table), fresh)
        if changed:
            names = [n for n in changed[0] if n != "_id"]
            statement = (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({n: bindparam(n) for n in names})
            )
            conn.execute(statement, changed)
        if child_table is not None and child_fk is not None and id_cache is not None:
            touched = [
                r for k, r in rows.items() if k not in existing or existing[k][1] != r.digest
            ]
            _replace_children(conn, child_table, child_fk, touched, id_cache)
        counts.inserted, counts.updated = len(fresh), len(changed)
        counts.unchanged = len(rows) - len(fresh) - len(changed)
        return counts


def _replace_children(
    conn: Connection, table: Table, fk: str, rows: list[_Row], ids: dict[str, int]
) -> None:
    owner_ids = [ids[r.key] for r in rows]
    reviewed = "status" in table.c
    reviews = _reviews(conn, table, fk, owner_ids) if reviewed else {}
    fresh = _FRESH_REVIEW | {"declared_at": dt.datetime.now(dt.UTC).replace(tzinfo=None)}
    for chunk in _chunks(owner_ids):
        conn.execute(delete(table).where(table.c[fk].in_(chunk)))
    children = [
        {**child, fk: ids[r.key]}
        | ((reviews.get(_claim(ids[r.key], child)) or fresh) if reviewed else {})
        for r in rows
        for child in r.children
    ]
    if children:
        conn.execute(insert(table), children)


_FRESH_REVIEW: dict[str, Any] = {
    "status": "declared",
    "reviewed_by": None,
    "reviewed_at": None,
    "evidence": None,
}


def _claim(owner: int, child: dict[str, Any]) -> tuple[int, str, str]:
    return owner, str(child.get("authority") or ""), str(child.get("number") or "")


def _reviews(
    conn: Connection, table: Table, fk: str, owner_ids: list[int]
) -> dict[tuple[int, str, str], dict[str, Any]]:
    """The review of each approval claim of ``owner_ids`` by (owner, authority, number).

    A claim imported again with the same authority and number keeps its status (a verified
    claim stays verified); a changed number is a new claim and arrives declared.
    """
    columns = ("status", "declared_at", "reviewed_by", "reviewed_at", "evidence")
    out: dict[tuple[int, str, str], dict[str, Any]] = {}
    for chunk in _chunks(owner_ids):
        found = conn.execute(
            select(table.c[fk], table.c.authority, table.c.number, *(table.c[c] for c in columns))
            .where(table.c[fk].in_(chunk))
            .order_by(table.c.id)
        )
        for row in found:
            claim = _claim(row[0], {"authority": row[1], "number": row[2]})
            out.setdefault(claim, dict(zip(columns, row[3:], strict=True)))
    return out


def _fast_converter(kind: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The value as the driver takes it, written the way SQLAlchemy would store it."""
    if isinstance(kind, ScaledDecimal):
        factor = kind.factor
        return lambda v: int((v * factor).to_integral_value())
    if isinstance(kind, JSON):
        return lambda v: json.dumps(v) if v else "[]"
    if dialect.name == "sqlite":
        if isinstance(kind, Date):
            return dt.date.isoformat
        if isinstance(kind, Time):
            return lambda v: v.isoformat(timespec="microseconds")
        if isinstance(kind, Float | Integer | String):
            return None
    processor: Callable[[Any], Any] | None = kind._cached_bind_processor(dialect)
    return processor


class _NativeSessions:
    """Sessions as tuples in the driver's own types, inserted with a bare executemany.

    Sessions are the bulk of any catalog; going through SQLAlchemy's per-row parameter
    processing costs more than the database itself. The column types' own bind processors
    are applied here once per value, so the stored form is exactly what SQLAlchemy writes.
    """

    def __init__(self, conn: Connection) -> None:
        dialect = conn.dialect
        self.columns = ("course_id", *SESSION_COLUMNS)
        found = (_fast_converter(SESSIONS.c[c].type, dialect) for c in self.columns)
        self.converters = [(i, f) for i, f in enumerate(found) if f is not None]
        self.stamp = SESSIONS.c.updated_at.type._cached_bind_processor(dialect)
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        names = ("key", *self.columns, "content_hash", "updated_at")
        provenance = (*names, "origin_kind", "origin", "last_seen_at")
        # Only our own table and column names go into these statements; values are bound.
        self.sql, self.sql_seen = (
            f"INSERT INTO {SESSIONS.name} ({', '.join(n)}) "  # noqa: S608
            f"VALUES ({', '.join([mark] * len(n))})"
            for n in (names, provenance)
        )

    def row(self, session: SessionRecord, course_id: int) -> _Row:
        values = session.values
        converted = [course_id, *map(values.__getitem__, SESSION_COLUMNS)]
        for index, convert in self.converters:
            value = converted[index]
            if value is not None:
                converted[index] = convert(value)
        row = _Row(session.key, dict(values, course_id=course_id), content_hash(*converted))
        row.children = [{"native": converted}]
        return row

    def insert(
        self,
        conn: Connection,
        rows: list[_Row],
        now: dt.datetime,
        seen: dict[str, Any] | None = None,
    ) -> None:
        stamp = self.stamp(now) if self.stamp else now
        if seen is None:
            params = [(r.key, *r.children[0]["native"], r.digest, stamp) for r in rows]
            conn.exec_driver_sql(self.sql, params)
            return
        moment = seen["last_seen_at"]
        extra = (seen["origin_kind"], seen["origin"], self.stamp(moment) if self.stamp else moment)
        params = [(r.key, *r.children[0]["native"], r.digest, stamp, *extra) for r in rows]
        conn.exec_driver_sql(self.sql_seen, params)

    @staticmethod
    def digest_of(row: _Row) -> str:
        return row.digest


def _approval_rows(approvals: list[dict[str, Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(a[c] for c in APPROVAL_COLUMNS) for a in approvals)


def _providers_of(records: Iterable[Record]) -> Iterable[ProviderRecord]:
    for record in records:
        if isinstance(record, ProviderRecord):
            yield record
        elif isinstance(record, CourseRecord):
            if record.provider:
                yield record.provider
        else:
            if record.provider:
                yield record.provider
            yield from (c.provider for c in record.courses if c.provider)


def _courses_of(records: Iterable[Record]) -> Iterable[CourseRecord]:
    for record in records:
        if isinstance(record, CourseRecord):
            yield record
        elif isinstance(record, ProgramRecord):
            yield from record.courses


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _KEY_CHUNK):
        yield items[start : start + _KEY_CHUNK]


def mark_seen(
    conn: Connection, session_keys: Sequence[str], origin: Origin, now: dt.datetime
) -> None:
    """Stamp the sessions ``session_keys`` and their courses as seen now at ``origin`` (a
    source page answering 304 or unchanged still lists them)."""
    values = origin.values(now)
    for chunk in _chunks(list(session_keys)):
        conn.execute(update(SESSIONS).where(SESSIONS.c.key.in_(chunk)).values(values))
        courses = select(SESSIONS.c.course_id).where(SESSIONS.c.key.in_(chunk))
        conn.execute(update(COURSES).where(COURSES.c.id.in_(courses)).values(values))

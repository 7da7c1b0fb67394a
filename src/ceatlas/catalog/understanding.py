"""Keep every course's reading up to date: what the course reader found, stored per course.

A course is read again when it is new, when its content changed (its content hash) or
when the knowledge base changed (a fingerprint of the KB files). Terms an administrator
confirmed are never replaced by a re-read.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)

from ceatlas.catalog import reader_embed
from ceatlas.catalog.models import Course, CourseReading, CourseTerm
from ceatlas.catalog.reader import InferredTerm, TermIndex, read_course
from ceatlas.kb import KnowledgeBase

BATCH = 2000
_DECLARED = (
    ("techniques", "techniques"),
    ("conditions", "conditions"),
    ("competencies", "competencies"),
    ("ce_categories", "categories"),
)


@cache
def _fingerprint(directory: Path, version: str) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted(directory.rglob("*.yaml")):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{version}+{digest.hexdigest()[:10]}"


def kb_stamp(kb: KnowledgeBase) -> str:
    """The KB version and a fingerprint of its files, e.g. ``1.0.0+3f2a9c01de``."""
    return _fingerprint(kb.source_dir, kb.version)


_INDEXES: dict[str, TermIndex] = {}
_EMBEDDERS: dict[str, reader_embed.TitleEmbedder] = {}


def _index(kb: KnowledgeBase) -> TermIndex:
    stamp = kb_stamp(kb)
    if stamp not in _INDEXES:
        _INDEXES[stamp] = TermIndex.build(kb)
    return _INDEXES[stamp]


def _embedder(kb: KnowledgeBase) -> reader_embed.TitleEmbedder:
    stamp = kb_stamp(kb)
    if stamp not in _EMBEDDERS:
        _EMBEDDERS[stamp] = reader_embed.TitleEmbedder.build(kb)
    return _EMBEDDERS[stamp]


@dataclass(frozen=True)
class ReadReport:
    courses: int
    terms: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.courses / self.seconds if self.seconds else float(self.courses)


def _declared(kb: KnowledgeBase, row: Any) -> list[tuple[str, str]]:
    found = []
    for column, kind in _DECLARED:
        entries = kb.entries(kind)
        found += [(kind, v) for v in getattr(row, column) or [] if v in entries]
    return found


def _stale_ids(engine: Engine, stamp: str) -> list[int]:
    reading = cast(Table, CourseReading.__table__)
    course = cast(Table, Course.__table__)
    query = (
        select(course.c.id)
        .select_from(course.outerjoin(reading, reading.c.course_id == course.c.id))
        .where(
            or_(
                reading.c.course_id.is_(None),
                reading.c.kb_version != stamp,
                reading.c.content_hash != course.c.content_hash,
            )
        )
        .order_by(course.c.id)
    )
    with engine.connect() as conn:
        return list(conn.scalars(query))


def _batches(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def read_catalog(
    engine: Engine,
    kb: KnowledgeBase,
    *,
    everything: bool = False,
    course_ids: Sequence[int] | None = None,
    batch: int = BATCH,
    embeddings: bool | None = None,
) -> ReadReport:
    """Read every course that is new, changed, or read with another KB (all: ``everything``;
    only these: ``course_ids``). ``embeddings``: use the embedding assist
    (:mod:`.reader_embed`); ``None`` follows ``CEATLAS_READER_EMBEDDINGS``."""
    started = time.perf_counter()
    use_embeddings = reader_embed.wanted() if embeddings is None else embeddings
    embedder = _embedder(kb) if use_embeddings else None
    # a reading made with the embedding assist is stamped apart, so switching it on or off
    # reads every course again
    stamp = kb_stamp(kb) + ("+e" if embedder else "")
    index = _index(kb)
    if course_ids is not None:
        ids = list(course_ids)
    elif everything:
        with engine.connect() as conn:
            ids = list(conn.scalars(select(Course.id).order_by(Course.id)))
    else:
        ids = _stale_ids(engine, stamp)
    courses = terms = 0
    for chunk in _batches(ids, batch):
        courses_done, terms_done = _read_batch(engine, kb, index, stamp, chunk, embedder)
        courses += courses_done
        terms += terms_done
    return ReadReport(courses, terms, time.perf_counter() - started)


def _read_batch(
    engine: Engine,
    kb: KnowledgeBase,
    index: TermIndex,
    stamp: str,
    ids: Sequence[int],
    embedder: reader_embed.TitleEmbedder | None = None,
) -> tuple[int, int]:
    term = cast(Table, CourseTerm.__table__)
    readings = cast(Table, CourseReading.__table__)
    with engine.begin() as conn:
        rows = conn.execute(
            select(
                Course.id,
                Course.title,
                Course.description,
                Course.content_hash,
                Course.techniques,
                Course.conditions,
                Course.competencies,
                Course.ce_categories,
            ).where(Course.id.in_(ids))
        ).all()
        confirmed = {
            (r.course_id, r.kind, r.term)
            for r in conn.execute(
                select(term.c.course_id, term.c.kind, term.c.term).where(
                    and_(term.c.course_id.in_(ids), term.c.provenance == "confirmed")
                )
            )
        }
        conn.execute(
            delete(term).where(and_(term.c.course_id.in_(ids), term.c.provenance != "confirmed"))
        )
        conn.execute(delete(readings).where(readings.c.course_id.in_(ids)))
        read = [
            read_course(index, row.title, row.description, declared=_declared(kb, row))
            for row in rows
        ]
        if embedder is not None and rows:
            read = embedder.assist([row.title for row in rows], read)
        values = []
        for row, found in zip(rows, read, strict=True):
            values += [
                _term_row(row.id, t, stamp)
                for t in found
                if (row.id, t.kind, t.id) not in confirmed
            ]
        if values:
            conn.execute(insert(term), values)
        _store_covers(conn, [row.id for row in rows])
        if rows:
            conn.execute(
                insert(readings),
                [
                    {"course_id": r.id, "content_hash": r.content_hash, "kb_version": stamp}
                    for r in rows
                ],
            )
    return len(rows), len(values)


_COVERS = {
    "techniques": "covers_techniques",
    "conditions": "covers_conditions",
    "competencies": "covers_competencies",
    "categories": "covers_categories",
    "regions": "covers_regions",
}
COUNTED = ("primary", "secondary")


def _store_covers(conn: Connection, ids: Sequence[int]) -> None:
    """Write each course's primary and secondary terms onto its row (``covers_*`` and
    ``primary_terms``), the columns search, recommendations and the planner read."""
    if not ids:
        return
    t = cast(Table, CourseTerm.__table__)
    found: dict[int, dict[str, list[str]]] = {
        cid: {column: [] for column in (*_COVERS.values(), "primary_terms")} for cid in ids
    }
    rows = conn.execute(
        select(t.c.course_id, t.c.kind, t.c.term, t.c.centrality)
        .where(and_(t.c.course_id.in_(ids), t.c.centrality.in_(COUNTED)))
        .order_by(t.c.course_id, t.c.kind, t.c.term)
    )
    for course_id, kind, term, centrality in rows:
        column = _COVERS.get(kind)
        if column is None:
            continue
        found[course_id][column].append(term)
        if centrality == "primary":
            found[course_id]["primary_terms"].append(f"{kind}:{term}")
    course = cast(Table, Course.__table__)
    conn.execute(
        update(course)
        .where(course.c.id == bindparam("course_id"))
        .values(
            {column: bindparam(f"v_{column}") for column in (*_COVERS.values(), "primary_terms")}
        ),
        [
            {"course_id": cid, **{f"v_{k}": v for k, v in columns.items()}}
            for cid, columns in found.items()
        ],
    )


def _term_row(course_id: int, t: InferredTerm, stamp: str) -> dict[str, object]:
    return {
        "course_id": course_id,
        "kind": t.kind,
        "term": t.id,
        "centrality": t.centrality,
        "confidence": t.confidence,
        "evidence": t.evidence[:300],
        "provenance": t.provenance,
        "kb_version": stamp,
    }


@dataclass(frozen=True)
class StoredTerm:
    kind: str
    term: str
    centrality: str
    confidence: float
    evidence: str
    provenance: str


def course_terms(engine: Engine, course_id: int) -> list[StoredTerm]:
    """A course's stored terms, most central first."""
    order = {"primary": 0, "secondary": 1, "mentioned": 2}
    t = cast(Table, CourseTerm.__table__)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                t.c.kind, t.c.term, t.c.centrality, t.c.confidence, t.c.evidence, t.c.provenance
            ).where(t.c.course_id == course_id)
        ).all()
    found = [StoredTerm(*row) for row in rows]
    return sorted(found, key=lambda x: (order.get(x.centrality, 3), -x.confidence, x.term))


class TermError(ValueError):
    """A bad confirmation: the message names the field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


CONFIRMABLE = ("primary", "secondary", "mentioned", "none")


def confirm_term(
    engine: Engine, kb: KnowledgeBase, course_id: int, kind: str, term: str, centrality: str
) -> StoredTerm:
    """An administrator's word on one term of a course: its centrality, or ``none`` (the
    course does not teach it). The reader never replaces a confirmed term."""
    if kind not in ("conditions", "techniques", "competencies", "categories"):
        raise TermError("use conditions, techniques, competencies or categories", "kind")
    entry = kb.get(kind, term)
    if entry is None:
        close = kb.closest(kind, term)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise TermError(f"{term!r} is not one of the knowledge base's {kind}{hint}", "term")
    if centrality not in CONFIRMABLE:
        raise TermError(f"use one of {', '.join(CONFIRMABLE)}", "centrality")
    t = cast(Table, CourseTerm.__table__)
    with engine.begin() as conn:
        if conn.scalar(select(Course.id).where(Course.id == course_id)) is None:
            raise TermError(f"no course with id {course_id}", "course")
        conn.execute(
            delete(t).where(t.c.course_id == course_id, t.c.kind == kind, t.c.term == entry.id)
        )
        evidence = "confirmed by an administrator"
        row = {
            "course_id": course_id,
            "kind": kind,
            "term": entry.id,
            "centrality": centrality,
            "confidence": 1.0,
            "evidence": evidence,
            "provenance": "confirmed",
            "kb_version": kb_stamp(kb),
        }
        conn.execute(insert(t), [row])
        _store_covers(conn, [course_id])
    return StoredTerm(kind, entry.id, centrality, 1.0, evidence, "confirmed")

"""A provider publishing its own listings: courses, sessions and programs, one at a time or
as an uploaded file.

Every write goes through the catalog library, the same way an import does: the input
(:mod:`ceatlas.catalog.publishing_input`) is turned into schema.org JSON-LD, read and
checked by ``SchemaOrgReader`` (whose errors name the field), scoped to the provider, and
written by ``CatalogWriter`` (so the search tables' triggers see ordinary upserts). Scoping
is the security boundary: every record is attached to the provider's own catalog entry, and
a record whose key already belongs to another provider's course, session or program is
refused.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from ceatlas.catalog.importer import Importer, ImportReport
from ceatlas.catalog.models import Course, CourseSession, Program, Provider
from ceatlas.catalog.publishing_input import (
    COURSE_PATHS,
    MAX_UPLOAD,
    PROGRAM_PATHS,
    SESSION_PATHS,
    CourseIn,
    ProgramIn,
    PublishError,
    SessionIn,
    approval_problem,
    checked_web_url,
    course_jsonld,
    our_field,
    program_jsonld,
    session_jsonld,
)
from ceatlas.catalog.records import (
    CourseRecord,
    ProgramRecord,
    ProviderRecord,
    Record,
    RecordError,
    SessionRecord,
)
from ceatlas.catalog.schemaorg_read import SchemaOrgReader
from ceatlas.catalog.scratch import scratch
from ceatlas.catalog.sources import SUFFIXES, Where
from ceatlas.catalog.store import APPROVAL_COLUMNS, COURSE_COLUMNS, CatalogWriter, Origin
from ceatlas.catalog.understanding import read_catalog
from ceatlas.catalog.vocabulary import Resolver, TermMapper
from ceatlas.kb import KnowledgeBase


class Publisher:
    """Writes the listings of one catalog provider, and only those."""

    def __init__(
        self,
        engine: Engine,
        resolver: Resolver | None,
        provider_id: int,
        today: dt.date | None = None,
        via: str = "form",
    ) -> None:
        """``today`` is the day sessions are checked against (the app's clock; default: the
        system date); ``via`` the provenance recorded for single writes: form or api."""
        self.engine = engine
        self.today = today or dt.date.today()
        self.resolver = resolver
        self.terms = TermMapper(resolver)
        self.provider_id = provider_id
        self.via = via
        with Session(engine) as db:
            key = db.scalar(select(Provider.key).where(Provider.id == provider_id))
        if key is None:
            raise PublishError("the provider of this account is not in the catalog", None, 404)
        self.provider_key = key

    # --- ownership ----------------------------------------------------------------------

    def _ref(self) -> ProviderRecord:
        return ProviderRecord(self.provider_key, {}, ref_only=True)

    def own_course(self, db: Session, course_id: int) -> Course:
        course = db.get(Course, course_id)
        if course is None:
            raise PublishError("course not found", "course_id", 404)
        if course.provider_id != self.provider_id:
            raise PublishError("this course belongs to another provider", "course_id", 403)
        return course

    def own_session(self, db: Session, session_id: int) -> CourseSession:
        found = db.get(CourseSession, session_id)
        if found is None:
            raise PublishError("session not found", "session_id", 404)
        self.own_course(db, found.course_id)
        return found

    def own_program(self, db: Session, program_id: int) -> Program:
        program = db.get(Program, program_id)
        if program is None:
            raise PublishError("program not found", "program_id", 404)
        if program.provider_id != self.provider_id:
            raise PublishError("this program belongs to another provider", "program_id", 403)
        return program

    def scope(self, record: Record) -> RecordError | None:
        """Attach ``record`` to this provider; an error if it would touch another's listing."""
        with Session(self.engine) as db:
            return self._scope(db, record)

    def _scope(self, db: Session, record: Record) -> RecordError | None:
        if isinstance(record, ProviderRecord):
            if record.key != self.provider_key:
                return RecordError("@id", "you can only publish your own provider's details")
            return None
        if isinstance(record, CourseRecord):
            record.provider = self._ref()
            owner = db.scalar(select(Course.provider_id).where(Course.key == record.key))
            if owner is not None and owner != self.provider_id:
                return RecordError("@id", f"course {record.key!r} belongs to another provider")
            for i, session in enumerate(record.sessions):
                other = db.scalar(
                    select(Course.provider_id)
                    .join(CourseSession, CourseSession.course_id == Course.id)
                    .where(CourseSession.key == session.key)
                )
                if other is not None and other != self.provider_id:
                    return RecordError(
                        f"hasCourseInstance[{i}].@id",
                        f"session {session.key!r} belongs to another provider",
                    )
            return None
        record.provider = self._ref()
        owner = db.scalar(select(Program.provider_id).where(Program.key == record.key))
        if owner is not None and owner != self.provider_id:
            return RecordError("@id", f"program {record.key!r} belongs to another provider")
        embedded = {c.key for c in record.courses}
        for course in record.courses:
            error = self._scope(db, course)
            if error is not None:
                return error.within("hasCourse")
        refs = [k for g in record.values["structure"] for k in g["courses"] if k not in embedded]
        if refs:
            others = db.scalars(
                select(Course.key).where(
                    Course.key.in_(refs), Course.provider_id != self.provider_id
                )
            ).first()
            if others is not None:
                return RecordError("hasCourse", f"course {others!r} belongs to another provider")
        return None

    # --- reading and writing ----------------------------------------------------------

    def _read(self, document: dict[str, Any], paths: dict[str, str]) -> Record:
        outcomes = list(SchemaOrgReader(self.terms).records(document))
        _, outcome = outcomes[0]
        if isinstance(outcome, RecordError):
            raise PublishError(outcome.reason, our_field(outcome.field, paths))
        assert outcome is not None
        return outcome

    def _write(self, record: Record, field: str | None) -> None:
        error = self.scope(record)
        if error is not None:
            raise PublishError(error.reason, field, 409)
        rejected = CatalogWriter(self.engine, origin=Origin(self.via)).write([(None, record)])
        if rejected:
            raise PublishError(rejected[0][1].reason, field, 409)

    def _course_record(
        self, db: Session, course: Course, sessions: list[SessionRecord]
    ) -> CourseRecord:
        """The course as stored, to write with new or changed ``sessions``."""
        values = {c: getattr(course, c) for c in COURSE_COLUMNS}
        approvals = [{c: getattr(a, c) for c in APPROVAL_COLUMNS} for a in course.approvals]
        return CourseRecord(course.key, values, self._ref(), approvals, sessions)

    # --- courses ------------------------------------------------------------------------

    def _check_terms(self, data: CourseIn) -> None:
        """A provider's techniques and conditions must be knowledge-base terms: a typo or an
        unknown word is refused with the closest terms, so it never reaches a public page."""
        if not isinstance(self.resolver, KnowledgeBase):
            return
        for kind, field, words in (
            ("techniques", "techniques", data.techniques),
            ("conditions", "conditions", data.conditions),
            ("categories", "ce_categories", data.ce_categories or []),
        ):
            for word in words:
                if self.resolver.resolve(kind, word) is None:
                    close = self.resolver.closest(kind, word)
                    hint = f"; did you mean {' or '.join(close)}?" if close else ""
                    what = "CE category" if kind == "categories" else kind[:-1]
                    raise PublishError(
                        f"{word!r} is not a {what} in the knowledge base{hint} "
                        f"(describe anything else in the description)",
                        field,
                    )
        states = {j.id for j in self.resolver.jurisdictions.values() if j.kind == "state"}
        for text in data.approvals or []:
            problem = approval_problem(text, states)
            if problem is not None:
                raise PublishError(problem, "approvals")

    def create_course(self, data: CourseIn) -> int:
        self._check_terms(data)
        record = self._read(course_jsonld(data, self.provider_key), COURSE_PATHS)
        assert isinstance(record, CourseRecord)
        with Session(self.engine) as db:
            if db.scalar(select(Course.id).where(Course.key == record.key)) is not None:
                field = "course_code" if data.course_code else "url" if data.url else "title"
                raise PublishError(
                    f"a course with this {field.replace('_', ' ')} exists", field, 409
                )
        self._write(record, "title")
        course_id = self._id_of(Course, record.key)
        self._read_course(course_id)
        return course_id

    def update_course(self, course_id: int, data: CourseIn) -> None:
        self._check_terms(data)
        record = self._read(course_jsonld(data, self.provider_key), COURSE_PATHS)
        assert isinstance(record, CourseRecord)
        with Session(self.engine) as db:
            course = self.own_course(db, course_id)
            kept = {c: getattr(course, c) for c in _KEPT_COURSE_COLUMNS}
            if data.ce_categories is not None:
                del kept["ce_categories"]
            record.key = course.key
            record.values.update(kept)
            stored = [{c: getattr(a, c) for c in APPROVAL_COLUMNS} for a in course.approvals]
            if data.approvals is None:  # not sent: the stored approvals stay
                record.approvals = stored
            else:  # approvers the form cannot name (an import's "other") stay as they are
                record.approvals += [a for a in stored if a["authority"] == "other"]
        self._write(record, "title")
        self._read_course(course_id)

    def _read_course(self, course_id: int) -> None:
        """Read the course's words into KB terms (the course reader), as every way in does."""
        if isinstance(self.resolver, KnowledgeBase):
            read_catalog(self.engine, self.resolver, course_ids=[course_id])

    def delete_course(self, course_id: int) -> None:
        with Session(self.engine) as db:
            course = self.own_course(db, course_id)
            db.execute(delete(Course).where(Course.id == course.id))
            db.commit()

    # --- sessions -----------------------------------------------------------------------

    def _session_record(self, db: Session, course: Course, data: SessionIn) -> SessionRecord:
        document = {
            "@type": "Course",
            "name": course.title,
            "hasCourseInstance": [session_jsonld(data)],
        }
        record = self._read(document, SESSION_PATHS)
        assert isinstance(record, CourseRecord)
        return record.sessions[0]

    def _check_start(self, start: dt.date | None, stored: dt.date | None = None) -> None:
        """A session is published for today or later: a start date before ``today`` is
        refused, unless it is the start date the session already has (see update_session)."""
        if start is not None and start < self.today and start != stored:
            raise PublishError(
                f"start date {start.isoformat()} is in the past; sessions are published for "
                f"dates from {self.today.isoformat()} on",
                "start_date",
            )

    def create_session(self, course_id: int, data: SessionIn) -> int:
        """Add a session to one of this provider's courses; a start date before today is
        refused (422 naming the date), nothing is saved."""
        with Session(self.engine) as db:
            course = self.own_course(db, course_id)
            self._check_start(data.start_date)
            session = self._session_record(db, course, data)
            session.key = f"{course.key}#s-{secrets.token_hex(6)}"
            record = self._course_record(db, course, [session])
        self._write(record, "start_date")
        return self._id_of(CourseSession, session.key)

    def update_session(self, session_id: int, data: SessionIn) -> None:
        """Change a session. Moving it to a start date before today is refused (422 naming
        the date), nothing is saved. A session that already started keeps its start date and
        can still be corrected (price, place, end date, seats...): only a change of its start
        date to another past day is refused."""
        with Session(self.engine) as db:
            existing = self.own_session(db, session_id)
            self._check_start(data.start_date, existing.start_date)
            course = self.own_course(db, existing.course_id)
            session = self._session_record(db, course, data)
            session.key = existing.key
            record = self._course_record(db, course, [session])
        self._write(record, "start_date")

    def delete_session(self, session_id: int) -> None:
        with Session(self.engine) as db:
            found = self.own_session(db, session_id)
            db.execute(delete(CourseSession).where(CourseSession.id == found.id))
            db.commit()

    # --- programs -----------------------------------------------------------------------

    def _program_record(self, data: ProgramIn) -> ProgramRecord:
        keys: list[list[str]] = []
        with Session(self.engine) as db:
            for group in data.groups:
                group_keys = []
                for course_id in group.courses:
                    try:
                        group_keys.append(self.own_course(db, course_id).key)
                    except PublishError as error:
                        raise PublishError(
                            f"course {course_id}: {error.message}", "groups", 422
                        ) from None
                keys.append(group_keys)
        record = self._read(program_jsonld(data, self.provider_key, keys), PROGRAM_PATHS)
        assert isinstance(record, ProgramRecord)
        return record

    def create_program(self, data: ProgramIn) -> int:
        record = self._program_record(data)
        with Session(self.engine) as db:
            if db.scalar(select(Program.id).where(Program.key == record.key)) is not None:
                raise PublishError("a program with this name exists", "name", 409)
        self._write(record, "name")
        return self._id_of(Program, record.key)

    def update_program(self, program_id: int, data: ProgramIn) -> None:
        record = self._program_record(data)
        with Session(self.engine) as db:
            record.key = self.own_program(db, program_id).key
        self._write(record, "name")

    def delete_program(self, program_id: int) -> None:
        with Session(self.engine) as db:
            program = self.own_program(db, program_id)
            db.execute(delete(Program).where(Program.id == program.id))
            db.commit()

    # --- files and feeds ----------------------------------------------------------------

    def upload(self, filename: str, data: bytes) -> ImportReport:
        """Import a JSON-LD, NDJSON, HTML or CSV file's records as this provider's."""
        suffix = Path(filename).suffix.lower()
        if suffix not in SUFFIXES:
            allowed = ", ".join(sorted(SUFFIXES))
            raise PublishError(f"unsupported file type {suffix or '(none)'}; use {allowed}", "file")
        if len(data) > MAX_UPLOAD:
            raise PublishError(f"the file is larger than {MAX_UPLOAD // 2**20} MB", "file", 413)
        with scratch("upload") as folder:
            path = folder / f"upload{suffix}"
            path.write_bytes(data)
            report = _ScopedImporter(self, Origin("file", Path(filename).name)).run([path])
        report.files = [Path(filename).name]
        for i, problem in enumerate(report.problems):
            where = problem.where.replace(str(path), Path(filename).name)
            report.problems[i] = type(problem)(where, problem.field, problem.reason)
        return report

    def import_documents(self, documents: Iterable[Any], label: str) -> ImportReport:
        """Import JSON-LD documents (an API sync) as this provider's."""
        return _ScopedImporter(self, Origin("api")).import_documents(documents, label)

    def _id_of(self, model: type[Course] | type[CourseSession] | type[Program], key: str) -> int:
        with Session(self.engine) as db:
            found = db.scalar(select(model.id).where(model.key == key))
        assert found is not None
        return int(found)


# Course fields the form does not edit: an edit keeps what an import put there (CE
# categories only when the update does not send them).
_KEPT_COURSE_COLUMNS = (
    "body_regions",
    "competencies",
    "ce_categories",
    "prerequisites",
    "workload_hours",
)


class _ScopedImporter(Importer):
    """The catalog importer, with every record scoped to one provider before it is written."""

    def __init__(self, publisher: Publisher, origin: Origin) -> None:
        super().__init__(publisher.engine, publisher.resolver, today=publisher.today, origin=origin)
        self.publisher = publisher

    def _flush(self, batch: list[tuple[Where, Record]]) -> None:
        kept: list[tuple[Where, Record]] = []
        with Session(self.engine) as db:
            for where, record in batch:
                error = self.publisher._scope(db, record)
                if error is None:
                    kept.append((where, record))
                else:
                    self._problem(where, error)
        if kept:
            super()._flush(kept)


def create_provider(
    engine: Engine, resolver: Resolver | None, name: str, url: str | None = None
) -> str:
    """Add a catalog provider (for an approved account to publish as); returns its key."""
    document: dict[str, Any] = {"@type": "Organization", "name": name.strip()}
    if url and url.strip():
        try:
            document["url"] = checked_web_url(url.strip())
        except ValueError as error:
            raise PublishError(str(error), "new_url") from None
    try:
        # read as a provider even with a name alone (an import skips such a bare node)
        record = SchemaOrgReader(TermMapper(resolver)).provider(document, {}, required=True)
    except RecordError as error:
        raise PublishError(error.reason, "new_provider_name") from None
    assert isinstance(record, ProviderRecord)
    with Session(engine) as db:
        if db.scalar(select(Provider.id).where(Provider.key == record.key)) is not None:
            raise PublishError(
                f"a provider with key {record.key!r} exists: link to it instead",
                "new_provider_name",
                409,
            )
    rejected = CatalogWriter(engine).write([(None, record)])
    if rejected:
        raise PublishError(rejected[0][1].reason, "new_provider_name", 409)
    return record.key

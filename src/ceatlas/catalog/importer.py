"""Import catalog files: read, validate, upsert in batches, and report every rejected record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ceatlas.catalog import repeats
from ceatlas.catalog.limits import ImportLimits
from ceatlas.catalog.records import CourseRecord, Notice, ProgramRecord, Record, RecordError
from ceatlas.catalog.schemaorg_read import LOCATED, SchemaOrgReader
from ceatlas.catalog.sources import SUFFIXES, Item, UnsupportedFileError, Where, read_file
from ceatlas.catalog.store import CatalogWriter, Origin, WriteTotals
from ceatlas.catalog.vocabulary import Resolver, TermMapper

BATCH_SESSIONS = 2000
BATCH_RECORDS = 500


@dataclass(frozen=True)
class Problem:
    """A rejected record: where it is, which field, and why."""

    where: str
    field: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.field}: {self.reason}"
            if self.field
            else f"{self.where}: {self.reason}"
        )


@dataclass
class ImportReport:
    files: list[str] = field(default_factory=list)
    records_imported: int = 0
    records_rejected: int = 0
    nodes_ignored: int = 0
    files_rejected: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Problems past the listing limit (catalog.limits), counted by reason instead.
    problems_not_listed: dict[str, int] = field(default_factory=dict)
    # Records that described a course already seen in this import, merged into it.
    merged: list[str] = field(default_factory=list)
    # Sessions with an address but no coordinates, placed at their ZIP code's or city's centre.
    located: list[str] = field(default_factory=list)
    # Nodes left out on purpose (an Event that is not a class, a cancelled date), with why.
    skipped: list[str] = field(default_factory=list)
    # Read, but doubtfully or in part (a session skipped, JSON read leniently, no provider).
    warnings: list[str] = field(default_factory=list)
    totals: WriteTotals = field(default_factory=WriteTotals)
    # Sessions written that start before the import's day: kept as history, never searched.
    past_sessions: int = 0

    def not_listed_note(self) -> list[str]:
        """The problems past the listing limit in words, most frequent first."""
        counts = sorted(self.problems_not_listed.items(), key=lambda kv: -kv[1])
        return [f"and {n:,} more problems like '{reason}'" for reason, n in counts]

    def past_note(self) -> str | None:
        """The past sessions in words, or None when there are none."""
        n = self.past_sessions
        if not n:
            return None
        are = "session is" if n == 1 else "sessions are"
        return f"{n} {are} in the past and kept as history (search leaves them out)"

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        t = self.totals
        return {
            "files": self.files,
            "records_imported": self.records_imported,
            "records_rejected": self.records_rejected,
            "nodes_ignored": self.nodes_ignored,
            "files_rejected": self.files_rejected,
            "providers": vars(t.providers),
            "courses": vars(t.courses),
            "sessions": {**vars(t.sessions), "pruned": t.sessions_pruned},
            "programs": vars(t.programs),
            "problems": [vars(p) for p in self.problems],
            "problems_not_listed": self.problems_not_listed,
            "merged": self.merged,
            "located": self.located,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "past_sessions": self.past_sessions,
        }


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the catalog files inside any folder, in name order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(f for f in path.rglob("*") if f.suffix.lower() in SUFFIXES))
        else:
            found.append(path)
    return found


class Importer:
    def __init__(
        self,
        engine: Engine,
        resolver: Resolver | None,
        *,
        strict: bool = False,
        prune: bool = False,
        progress: Callable[[int], None] | None = None,
        today: dt.date | None = None,
        origin_kind: str = "file",
        origin: Origin | None = None,
    ) -> None:
        """``today``: sessions starting before it are written as history and counted in
        the report's ``past_sessions`` (default: the system date). Provenance: what is
        written is stamped ``origin`` if given, else ``origin_kind`` with each file's name
        (or the documents' label)."""
        self.engine = engine
        self.today = today or dt.date.today()
        self.terms = TermMapper(resolver)
        self.strict = strict
        self.prune = prune
        self.progress = progress
        self.origin_kind = origin_kind
        self.writer = CatalogWriter(engine, track_sessions=prune, origin=origin)
        self._fixed_origin = origin is not None
        self.report = ImportReport(totals=self.writer.totals)
        self.limits = ImportLimits.from_env()
        self._courses_written: set[str] = set()  # course keys this import has written
        self._pending: dict[str, CourseRecord] = {}  # courses of the batch not yet written
        self._past_keys: set[str] = set()  # sessions written that start before today

    def run(self, paths: Iterable[Path]) -> ImportReport:
        for path in expand_paths(paths):
            self.import_file(path)
        if self.prune:
            self.writer.prune()
        return self.report

    def import_documents(self, documents: Iterable[Any], label: str) -> ImportReport:
        """Import JSON-LD documents held in memory (e.g. the sample catalog)."""
        reader = SchemaOrgReader(self.terms)
        self.report.files.append(label)
        self._origin_from(label)

        def items() -> Iterator[Item]:
            for number, document in enumerate(documents, start=1):
                for index, outcome in reader.records(document):
                    yield Where(label, None, number, index), outcome

        self._write(items())
        return self.report

    def _origin_from(self, name: str) -> None:
        if not self._fixed_origin:
            self.writer.origin = Origin(self.origin_kind, name)

    def import_file(self, path: Path) -> None:
        self.report.files.append(str(path))
        self._origin_from(path.name)
        if not path.is_file():
            self._reject_file(path, "no such file")
            return
        try:
            if self.strict and self._has_errors(path):
                self.report.files_rejected.append(str(path))
                return
            self._write(read_file(path, self.terms, self.progress))
        except UnsupportedFileError as error:
            self._reject_file(path, str(error).removeprefix(f"{path}: "))
        except OSError as error:
            self._reject_file(path, error.strerror or str(error))

    def _reject_file(self, path: Path, reason: str) -> None:
        self.report.files_rejected.append(str(path))
        self.report.problems.append(Problem(str(path), "", reason))

    def _has_errors(self, path: Path) -> bool:
        """Strict mode: validate the whole file first; report every error, write nothing."""
        found = False
        for where, outcome in read_file(path, self.terms):
            if isinstance(outcome, RecordError):
                self._problem(where, outcome)
                found = True
        return found

    def _problem(self, where: Where, error: RecordError) -> None:
        self.report.records_rejected += 1
        if len(self.report.problems) < self.limits.max_listed:
            self.report.problems.append(Problem(str(where), error.field, error.reason))
            return
        reason = f"{error.field}: {error.reason}" if error.field else error.reason
        counts = self.report.problems_not_listed
        counts[reason] = counts.get(reason, 0) + 1

    def _write(self, items: Iterable[Item]) -> None:
        batch: list[tuple[Where, Record]] = []
        sessions = 0
        for where, outcome in items:
            if outcome is None:
                self.report.nodes_ignored += 1
            elif isinstance(outcome, Notice):
                target = self.report.skipped if outcome.kind == "skipped" else self.report.warnings
                target.append(f"{where}: {outcome}")
            elif isinstance(outcome, RecordError):
                self._problem(where, outcome)
            else:
                self._merge_repeats(where, outcome)
                self._note_located(where, outcome)
                batch.append((where, outcome))
                self._pending.update((c.key, c) for c in repeats.courses_in(outcome))
                sessions += _session_count(outcome)
                if sessions >= BATCH_SESSIONS or len(batch) >= BATCH_RECORDS:
                    self._flush(batch)
                    self._pending.clear()
                    batch, sessions = [], 0
        if batch:
            self._flush(batch)
            self._pending.clear()

    def _note_located(self, where: Where, record: Record) -> None:
        for course in repeats.courses_in(record):
            for session in course.sessions:
                how = session.values.pop(LOCATED, None)
                if how:
                    self.report.located.append(
                        f"{where}: {session.key}: no coordinates given; placed at the centre "
                        f"of {how} for distances (approximate)"
                    )

    def _merge_repeats(self, where: Where, record: Record) -> None:
        """A course written or pending earlier in this import keeps what that record said
        (see :mod:`ceatlas.catalog.repeats`)."""
        for course in repeats.courses_in(record):
            found = self._pending.get(course.key)
            earlier = None if found is None else repeats.Earlier.of(found)
            if earlier is None and course.key in self._courses_written:
                earlier = self.writer.stored_course(course.key)
            if earlier is None:
                continue
            repeats.merge(course, earlier)
            self.report.merged.append(
                f"{where}: {course.key}: the same course as an earlier record of this import; "
                "merged into it (values given here win, lists are combined)"
            )

    def _flush(self, batch: list[tuple[Where, Record]]) -> None:
        rejected = self.writer.write(batch)
        for where, error in rejected:
            self._problem(where, error)
        failed = {id(where) for where, _ in rejected}
        for where, record in batch:
            if id(where) not in failed:
                self._courses_written.update(c.key for c in repeats.courses_in(record))
                self._note_past(record)
        self.report.records_imported += len(batch) - len(rejected)

    def _note_past(self, record: Record) -> None:
        """Count the record's sessions starting before ``today`` (each session key once)."""
        for course in repeats.courses_in(record):
            for session in course.sessions:
                start = session.values.get("start_date")
                if isinstance(start, dt.date) and start < self.today:
                    self._past_keys.add(session.key)
        self.report.past_sessions = len(self._past_keys)


def _session_count(record: Record) -> int:
    if isinstance(record, CourseRecord):
        return len(record.sessions) + 1
    if isinstance(record, ProgramRecord):
        return sum(len(c.sessions) + 1 for c in record.courses) + 1
    return 1

"""The catalog service: the one entry point the CLI, the web app and scripts call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, func, select

from ceatlas.catalog import export
from ceatlas.catalog.importer import Importer, ImportReport
from ceatlas.catalog.store import COURSES, PROGRAMS, PROVIDERS, SESSIONS
from ceatlas.catalog.understanding import ReadReport, read_catalog
from ceatlas.catalog.vocabulary import Resolver
from ceatlas.db import migrate
from ceatlas.kb import KnowledgeBase


@dataclass
class CatalogStats:
    providers: int
    courses: int
    sessions: int
    programs: int
    sessions_by_mode: dict[str, int]
    states: int
    cities: int
    first_start: str | None
    last_start: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


class Catalog:
    def __init__(self, engine: Engine, resolver: Resolver | None = None) -> None:
        self.engine = engine
        self.resolver = resolver

    def init(self) -> None:
        """Create or upgrade the schema, then read courses that are new, changed or read
        with an older knowledge base (the migration step after a KB change)."""
        migrate(self.engine)
        self.read_courses()

    def import_paths(
        self,
        paths: Iterable[Path],
        *,
        strict: bool = False,
        prune: bool = False,
        progress: Callable[[int], None] | None = None,
        today: dt.date | None = None,
    ) -> ImportReport:
        """Import catalog files. Sessions starting before ``today`` (default: the system
        date) are kept as history and counted in the report's ``past_sessions``."""
        importer = Importer(
            self.engine, self.resolver, strict=strict, prune=prune, progress=progress, today=today
        )
        report = importer.run(paths)
        self.read_courses()
        return report

    def import_documents(
        self,
        documents: Iterable[Any],
        label: str,
        today: dt.date | None = None,
        origin_kind: str = "file",
    ) -> ImportReport:
        """Import JSON-LD documents held in memory, recorded as from ``label`` (provenance
        ``origin_kind``: file, or sample for the sample catalog)."""
        importer = Importer(self.engine, self.resolver, today=today, origin_kind=origin_kind)
        report = importer.import_documents(documents, label)
        self.read_courses()
        return report

    def read_courses(self, everything: bool = False) -> ReadReport | None:
        """Read new and changed courses (all with ``everything``) into KB terms."""
        if not isinstance(self.resolver, KnowledgeBase):
            return None
        return read_catalog(self.engine, self.resolver, everything=everything)

    def load_sample(self, today: dt.date) -> ImportReport:
        """Load (or refresh) the sample catalog, its dates placed relative to ``today``."""
        from ceatlas.catalog.sample import build_sample

        return self.import_documents(build_sample(today), "sample catalog", today, "sample")

    def export(self, out: TextIO, fmt: str) -> int:
        writers = {
            "jsonld": export.write_jsonld,
            "ndjson": export.write_ndjson,
            "csv": export.write_csv,
        }
        return writers[fmt](self.engine, out)

    def stats(self) -> CatalogStats:
        with self.engine.connect() as conn:

            def count(table: Any) -> int:
                return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

            modes = dict(
                conn.execute(select(SESSIONS.c.mode, func.count()).group_by(SESSIONS.c.mode))
                .tuples()
                .all()
            )
            located = select(SESSIONS.c.region, SESSIONS.c.city).where(SESSIONS.c.city.is_not(None))
            states = conn.execute(
                select(func.count(func.distinct(SESSIONS.c.region))).where(
                    SESSIONS.c.region.is_not(None)
                )
            ).scalar_one()
            cities = conn.execute(
                select(func.count()).select_from(located.distinct().subquery())
            ).scalar_one()
            first, last = conn.execute(
                select(func.min(SESSIONS.c.start_date), func.max(SESSIONS.c.start_date))
            ).one()
            return CatalogStats(
                providers=count(PROVIDERS),
                courses=count(COURSES),
                sessions=count(SESSIONS),
                programs=count(PROGRAMS),
                sessions_by_mode={k: int(v) for k, v in sorted(modes.items())},
                states=int(states),
                cities=int(cities),
                first_start=first.isoformat() if first else None,
                last_start=last.isoformat() if last else None,
            )

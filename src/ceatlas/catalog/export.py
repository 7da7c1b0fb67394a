"""Stream the catalog out as schema.org JSON-LD (NDJSON or one document) or CSV."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, Table, select

from ceatlas.catalog.csv_format import HEADER, format_row
from ceatlas.catalog.schemaorg_write import CONTEXT, course_jsonld, program_jsonld
from ceatlas.catalog.store import (
    COURSE_APPROVALS,
    COURSES,
    PROGRAMS,
    PROVIDER_APPROVALS,
    PROVIDERS,
    SESSIONS,
)

FORMATS = ("jsonld", "ndjson", "csv")
_CHUNK = 500


def _approvals_by_owner(
    conn: Connection, table: Table, fk: str, ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        rows = conn.execute(select(table).where(table.c[fk].in_(ids)).order_by(table.c.id))
        for row in rows.mappings():
            found[row[fk]].append(dict(row))
    return found


def _providers(conn: Connection) -> dict[int, dict[str, Any]]:
    providers = {row["id"]: dict(row) for row in conn.execute(select(PROVIDERS)).mappings()}
    approvals = _approvals_by_owner(conn, PROVIDER_APPROVALS, "provider_id", list(providers))
    for ident, provider in providers.items():
        provider["approvals"] = approvals.get(ident, [])
    return providers


def iter_courses(
    engine: Engine,
) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any], list[dict[str, Any]]]]:
    """(provider, course, sessions) for every course, in id order, a chunk at a time."""
    with engine.connect() as conn:
        providers = _providers(conn)
        last_id = 0
        while True:
            courses = [
                dict(row)
                for row in conn.execute(
                    select(COURSES)
                    .where(COURSES.c.id > last_id)
                    .order_by(COURSES.c.id)
                    .limit(_CHUNK)
                ).mappings()
            ]
            if not courses:
                return
            ids = [c["id"] for c in courses]
            approvals = _approvals_by_owner(conn, COURSE_APPROVALS, "course_id", ids)
            sessions: dict[int, list[dict[str, Any]]] = defaultdict(list)
            rows = conn.execute(
                select(SESSIONS).where(SESSIONS.c.course_id.in_(ids)).order_by(SESSIONS.c.id)
            )
            for row in rows.mappings():
                sessions[row["course_id"]].append(dict(row))
            for course in courses:
                course["approvals"] = approvals.get(course["id"], [])
                provider = providers.get(course["provider_id"]) if course["provider_id"] else None
                yield provider, course, sessions.get(course["id"], [])
            last_id = ids[-1]


def iter_programs(engine: Engine) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any]]]:
    with engine.connect() as conn:
        providers = _providers(conn)
        for row in conn.execute(select(PROGRAMS).order_by(PROGRAMS.c.id)).mappings():
            program = dict(row)
            yield (
                (providers.get(program["provider_id"]) if program["provider_id"] else None),
                program,
            )


def jsonld_documents(engine: Engine) -> Iterator[dict[str, Any]]:
    for provider, course, sessions in iter_courses(engine):
        yield course_jsonld(course, provider, sessions)
    for provider, program in iter_programs(engine):
        yield program_jsonld(program, provider)


def write_ndjson(engine: Engine, out: TextIO) -> int:
    count = 0
    for document in jsonld_documents(engine):
        out.write(json.dumps(document, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_jsonld(engine: Engine, out: TextIO) -> int:
    """One JSON-LD document with every course and program in its ``@graph``."""
    out.write('{"@context": ' + json.dumps(CONTEXT) + ', "@graph": [\n')
    count = 0
    for document in jsonld_documents(engine):
        document.pop("@context", None)
        out.write((",\n" if count else "") + json.dumps(document, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


def write_csv(engine: Engine, out: TextIO) -> int:
    """Courses and sessions as CSV (programs are not representable in the CSV format)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    count = 0
    for provider, course, sessions in iter_courses(engine):
        rows: list[dict[str, Any] | None] = list(sessions) or [None]
        for session in rows:
            writer.writerow(format_row(provider, course, session))
            count += 1
    return count

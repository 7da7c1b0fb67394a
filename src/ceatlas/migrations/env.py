"""Alembic environment: the engine is handed in by ceatlas.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from ceatlas.models import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through ceatlas.db.migrate(engine)")


def include_object(
    obj: object, name: str | None, kind: str, reflected: bool, other: object
) -> bool:
    # Search indexes (FTS tables, document table, triggers) are managed by hand in 0002.
    return not (name or "").startswith("search_course_")


with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()

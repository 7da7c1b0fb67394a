"""Alembic environment: the engine is handed in by ceatlas.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from ceatlas.db import include_in_autogenerate
from ceatlas.models import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through ceatlas.db.migrate(engine)")


with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_in_autogenerate,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()

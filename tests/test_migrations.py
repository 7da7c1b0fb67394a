"""The migrations build exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

import ceatlas.models  # noqa: F401  (every domain's tables on the metadata)
from ceatlas.db import current_revisions, head_revisions, include_in_autogenerate
from ceatlas.orm import Base


def test_database_is_at_every_head(engine: Engine) -> None:
    assert current_revisions(engine) == head_revisions()


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include_in_autogenerate, "compare_type": True}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []

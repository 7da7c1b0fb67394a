"""catalog: provenance of courses and sessions (where each came from, when last seen)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 19:00:00

``origin_kind`` is source (a registered source's page), file (an imported file), form
(the provider's form), api (the provider's write API) or sample; ``origin`` the page
address or file name; ``last_seen_at`` when an import or sync last saw the row.

Backfill, facts only: sessions a source page lists in its last import (and their
courses) came from that page and were seen when it was last fetched; courses and sessions
of sample providers came from the sample catalog. Everything else stays unknown (null).
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_TABLES = ("course", "course_session")


def upgrade() -> None:
    for table in _TABLES:  # plain ALTER TABLE ADD COLUMN: the search triggers stay
        op.add_column(table, sa.Column("origin_kind", sa.String(20), nullable=True))
        op.add_column(table, sa.Column("origin", sa.String(1000), nullable=True))
        op.add_column(table, sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    course = sa.table("course", sa.column("id"), sa.column("provider_id"), *_origin())
    session = sa.table("course_session", sa.column("key"), sa.column("course_id"), *_origin())
    provider = sa.table("provider", sa.column("id"), sa.column("is_sample"))
    page = sa.table(
        "catalog_source_page",
        sa.column("url"),
        sa.column("fetched_at"),
        sa.column("session_keys", sa.Text()),
        sa.column("status"),
    )
    samples = sa.select(provider.c.id).where(provider.c.is_sample.is_(True))
    conn.execute(
        course.update().where(course.c.provider_id.in_(samples)).values(origin_kind="sample")
    )
    sample_courses = sa.select(course.c.id).where(course.c.origin_kind == "sample")
    conn.execute(
        session.update().where(session.c.course_id.in_(sample_courses)).values(origin_kind="sample")
    )
    pages = conn.execute(
        sa.select(page.c.url, page.c.fetched_at, page.c.session_keys).where(page.c.status == "ok")
    ).all()
    for url, fetched_at, raw in pages:
        keys = _keys(raw)
        for start in range(0, len(keys), 900):
            chunk = keys[start : start + 900]
            values = {"origin_kind": "source", "origin": url, "last_seen_at": fetched_at}
            conn.execute(session.update().where(session.c.key.in_(chunk)).values(values))
            courses = sa.select(session.c.course_id).where(session.c.key.in_(chunk))
            conn.execute(course.update().where(course.c.id.in_(courses)).values(values))


def _origin() -> list[sa.ColumnClause[Any]]:
    return [sa.column("origin_kind"), sa.column("origin"), sa.column("last_seen_at")]


def _keys(raw: Any) -> list[str]:
    """The JSON list as the driver hands it back (a list on PostgreSQL, text on SQLite)."""
    value = json.loads(raw) if isinstance(raw, str | bytes) else raw
    return [str(k) for k in value or []]


def downgrade() -> None:
    for table in _TABLES:
        for name in ("last_seen_at", "origin", "origin_kind"):
            op.drop_column(table, name)

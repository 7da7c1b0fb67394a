"""search speed: a catalog change token for the in-memory search accelerator

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-23 17:30:00

``search_catalog_version`` holds one row (id 1) whose ``version`` is set to a new random
64-bit value by every write to the tables search reads (sessions, courses, providers and
both approval tables), in the writing transaction. Each process's in-memory accelerator
reads it (one primary-key look-up) before every query and reloads when it differs from
its snapshot's, so writes by any process show up in every process's next search.

Random rather than a counter: a database replaced by a copy (tests copy a template to the
same kind of path) or truncated and refilled could otherwise come back to a value a stale
snapshot already has. The write is an upsert, so a truncated token table comes back on
the next write. Maintained by triggers, like the text index:

* SQLite: row triggers (SQLite has no statement triggers) on insert, update and delete.
* PostgreSQL: statement triggers on insert, update, delete and truncate, so a bulk
  ``executemany`` changes the token once per statement, not once per row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("course_session", "course", "provider", "course_approval", "provider_approval")
EVENTS = ("insert", "update", "delete")
_SQLITE_BUMP = (
    "INSERT INTO search_catalog_version (id, version) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version"
)
_PG_BUMP = (
    "INSERT INTO search_catalog_version (id, version) "
    "VALUES (1, floor((random() - 0.5) * 18446744073709549568.0)::bigint) "
    "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version"
)


def _trigger(table: str, event: str) -> str:
    return f"search_version_{table}_{event}"


def upgrade() -> None:
    op.create_table(
        "search_catalog_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_catalog_version")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(_PG_BUMP)
        for table in TABLES:
            for event in (*EVENTS, "truncate"):
                op.execute(
                    f"CREATE TRIGGER {_trigger(table, event)} AFTER {event.upper()} ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION search_catalog_version_bump()"
                )
    else:
        op.execute(_SQLITE_BUMP)
        for statement in sqlite_triggers():
            op.execute(statement)


_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION search_catalog_version_bump() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$ BEGIN {_PG_BUMP}; RETURN NULL; END $$"
)


def sqlite_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER {_trigger(table, event)} AFTER {event.upper()} ON {table} "
        f"BEGIN {_SQLITE_BUMP}; END"
        for table in TABLES
        for event in EVENTS
    ]


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for event in (*EVENTS, "truncate") if postgres else EVENTS:
            on = f" ON {table}" if postgres else ""
            op.execute(f"DROP TRIGGER IF EXISTS {_trigger(table, event)}{on}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS search_catalog_version_bump()")
    op.drop_table("search_catalog_version")

"""search speed: a catalog change counter for the in-memory search accelerator

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-23 17:30:00

``search_catalog_version`` holds one row (id 1) whose ``version`` goes up with every write
to the tables search reads (sessions, courses, providers and both approval tables), in the
writing transaction. Each process's in-memory accelerator reads it (one primary-key
look-up) before every query and reloads when it changed, so writes by any process show up
in every other process's next search. Maintained by triggers, like the text index:

* SQLite: row triggers (SQLite has no statement triggers) on insert, update and delete.
* PostgreSQL: one statement trigger per table and event, so a bulk ``executemany`` bumps
  the counter once per statement, not once per row.
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
_BUMP = "UPDATE search_catalog_version SET version = version + 1 WHERE id = 1"


def _trigger(table: str, event: str) -> str:
    return f"search_version_{table}_{event}"


def upgrade() -> None:
    op.create_table(
        "search_catalog_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_catalog_version")),
    )
    op.execute("INSERT INTO search_catalog_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION search_catalog_version_bump() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {_BUMP}; RETURN NULL; END $$"
        )
        for table in TABLES:
            for event in EVENTS:
                op.execute(
                    f"CREATE TRIGGER {_trigger(table, event)} AFTER {event.upper()} ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION search_catalog_version_bump()"
                )
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(
                    f"CREATE TRIGGER {_trigger(table, event)} AFTER {event.upper()} ON {table} "
                    f"BEGIN {_BUMP}; END"
                )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for event in EVENTS:
            on = f" ON {table}" if postgres else ""
            op.execute(f"DROP TRIGGER IF EXISTS {_trigger(table, event)}{on}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS search_catalog_version_bump()")
    op.drop_table("search_catalog_version")

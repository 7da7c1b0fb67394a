"""catalog: the source registry (sites kept in sync, their pages, and each sync's report)

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-03 16:40:00

``catalog_source`` holds a registered address with its schedule and health,
``catalog_source_page`` each page's validators, hash and the session keys it produced,
``catalog_source_run`` the history of syncs.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _source_fk(table: str) -> sa.Column[int]:
    return sa.Column(
        "source_id",
        sa.Integer(),
        sa.ForeignKey(
            "catalog_source.id", ondelete="CASCADE", name=f"fk_{table}_source_id_catalog_source"
        ),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "catalog_source",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("provider_key", sa.String(512), nullable=True),
        sa.Column("every_seconds", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("health", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_source"),
        sa.UniqueConstraint("url", name="uq_catalog_source_url"),
    )
    op.create_table(
        "catalog_source_page",
        sa.Column("id", sa.Integer(), primary_key=True),
        _source_fk("catalog_source_page"),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("listed_by", sa.String(1000), nullable=True),
        sa.Column("kind", sa.String(20), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("etag", sa.String(300), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("content_hash", sa.String(32), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("links", _JSON, nullable=False),
        sa.Column("session_keys", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_source_page"),
        sa.UniqueConstraint("source_id", "url", name="uq_catalog_source_page_source_id"),
    )
    op.create_index("ix_catalog_source_page_source_id", "catalog_source_page", ["source_id"])
    op.create_table(
        "catalog_source_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        _source_fk("catalog_source_run"),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("report", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_source_run"),
    )
    op.create_index("ix_catalog_source_run_source_id", "catalog_source_run", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_catalog_source_run_source_id", "catalog_source_run")
    op.drop_table("catalog_source_run")
    op.drop_index("ix_catalog_source_page_source_id", "catalog_source_page")
    op.drop_table("catalog_source_page")
    op.drop_table("catalog_source")

"""approval claims carry a review status

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-03 19:00:00

``provider_approval`` and ``course_approval`` gain ``status`` (declared, verified, rejected,
expired), ``declared_at``, ``reviewed_by``, ``reviewed_at`` and ``evidence``. Every row that
exists when this runs becomes ``declared``: it was published on the provider's word and
nobody has checked it yet; its ``declared_at`` is the time of the upgrade.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLES = ("provider_approval", "course_approval")


def upgrade() -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("status", sa.String(20), server_default="declared", nullable=False)
            )
            batch_op.add_column(sa.Column("declared_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("reviewed_by", sa.String(320), nullable=True))
            batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("evidence", sa.Text(), nullable=True))
        op.execute(
            sa.table(table, sa.column("declared_at", sa.DateTime()))
            .update()
            .values(declared_at=now)
        )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ("evidence", "reviewed_at", "reviewed_by", "declared_at", "status"):
                batch_op.drop_column(column)

"""compliance: the audit trail of a CE record (what was added, changed or deleted, and when)

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-03 16:00:00

One row per license, CE entry or certificate added, changed or deleted, written in the
same transaction as the change, with a summary in the therapist's words. The transcript
can print it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ce_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey(
                "account_user.id", ondelete="CASCADE", name="fk_ce_change_user_id_account_user"
            ),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("what", sa.String(20), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ce_change"),
    )
    op.create_index("ix_ce_change_user_id", "ce_change", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_ce_change_user_id", "ce_change")
    op.drop_table("ce_change")

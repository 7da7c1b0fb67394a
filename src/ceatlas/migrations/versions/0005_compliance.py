"""compliance: a therapist's licenses, credentials and completed CE

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-23 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def _user_fk(table: str) -> sa.Column[int]:
    return sa.Column(
        "user_id",
        sa.Integer(),
        sa.ForeignKey(
            "account_user.id", ondelete="CASCADE", name=f"fk_{table}_user_id_account_user"
        ),
        nullable=False,
    )


def upgrade() -> None:
    json = sa.JSON().with_variant(JSONB(), "postgresql")
    op.create_table(
        "ce_license",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user_fk("ce_license"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("jurisdiction", sa.String(10), nullable=False),
        sa.Column("number", sa.String(100), nullable=True),
        sa.Column("cycle_start", sa.Date(), nullable=True),
        sa.Column("cycle_end", sa.Date(), nullable=True),
        sa.Column("first_renewal", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ce_license"),
    )
    op.create_index("ix_ce_license_user_id", "ce_license", ["user_id"])
    op.create_table(
        "ce_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user_fk("ce_entry"),
        sa.Column("course_key", sa.String(512), nullable=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("provider", sa.String(300), nullable=True),
        sa.Column("approvals", json, nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.BigInteger(), nullable=False),
        sa.Column("categories", json, nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("certificate_name", sa.String(255), nullable=True),
        sa.Column("certificate_path", sa.String(1000), nullable=True),
        sa.Column("certificate_type", sa.String(100), nullable=True),
        sa.Column("certificate_size", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ce_entry"),
    )
    op.create_index("ix_ce_entry_user_id", "ce_entry", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_ce_entry_user_id", "ce_entry")
    op.drop_table("ce_entry")
    op.drop_index("ix_ce_license_user_id", "ce_license")
    op.drop_table("ce_license")

"""accounts: users with roles, therapist profiles

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_user",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column(
            "role",
            sa.Enum("therapist", "provider", "admin", name="role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column(
            "provider_id",
            sa.Integer(),
            sa.ForeignKey(
                "provider.id", ondelete="SET NULL", name="fk_account_user_provider_id_provider"
            ),
            nullable=True,
        ),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_account_user"),
        sa.UniqueConstraint("email", name="uq_account_user_email"),
    )
    op.create_index("ix_account_user_provider_id", "account_user", ["provider_id"])
    op.create_table(
        "therapist_profile",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey(
                "account_user.id",
                ondelete="CASCADE",
                name="fk_therapist_profile_user_id_account_user",
            ),
            nullable=False,
        ),
        sa.Column("home_postal_code", sa.String(10), nullable=True),
        sa.Column("max_travel_km", sa.Integer(), nullable=True),
        sa.Column("budget", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("available_days", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("available_times", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("preferred_modes", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_therapist_profile"),
    )


def downgrade() -> None:
    op.drop_table("therapist_profile")
    op.drop_index("ix_account_user_provider_id", "account_user")
    op.drop_table("account_user")

"""web accounts: API tokens, saved sessions ("my plan"), failed log-ins for rate limiting

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _user_fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(
        "account_user.id", ondelete="CASCADE", name=f"fk_{table}_user_id_account_user"
    )


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), _user_fk("api_token"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_token"),
        sa.UniqueConstraint("token_hash", name="uq_api_token_token_hash"),
    )
    op.create_index("ix_api_token_user_id", "api_token", ["user_id"])
    op.create_table(
        "saved_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), _user_fk("saved_session"), nullable=False),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey(
                "course_session.id",
                ondelete="CASCADE",
                name="fk_saved_session_session_id_course_session",
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_session"),
        sa.UniqueConstraint("user_id", "session_id", name="uq_saved_session_user_id"),
    )
    op.create_index("ix_saved_session_user_id", "saved_session", ["user_id"])
    op.create_index("ix_saved_session_session_id", "saved_session", ["session_id"])
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failure"),
    )
    op.create_index("ix_login_failure_key", "login_failure", ["key"])
    op.create_index("ix_login_failure_at", "login_failure", ["at"])


def downgrade() -> None:
    op.drop_table("login_failure")
    op.drop_table("saved_session")
    op.drop_table("api_token")

"""saved searches with their matches, and the private calendar feed

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-03 16:10:00

``saved_search`` keeps a therapist's search (its query string), ``saved_search_hit`` the
sessions it has matched and whether the therapist was told; ``therapist_profile.
calendar_feed`` is the private calendar address's generation (0: off).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_search",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey(
                "account_user.id", ondelete="CASCADE", name="fk_saved_search_user_id_account_user"
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("query", sa.String(4000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("feed", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("capped", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_search"),
    )
    op.create_index("ix_saved_search_user_id", "saved_search", ["user_id"])
    op.create_table(
        "saved_search_hit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "saved_search_id",
            sa.Integer(),
            sa.ForeignKey(
                "saved_search.id",
                ondelete="CASCADE",
                name="fk_saved_search_hit_saved_search_id_saved_search",
            ),
            nullable=False,
        ),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey(
                "course_session.id",
                ondelete="CASCADE",
                name="fk_saved_search_hit_session_id_course_session",
            ),
            nullable=False,
        ),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("notified", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_search_hit"),
        sa.UniqueConstraint(
            "saved_search_id", "session_id", name="uq_saved_search_hit_saved_search_id"
        ),
    )
    op.create_index("ix_saved_search_hit_saved_search_id", "saved_search_hit", ["saved_search_id"])
    op.create_index("ix_saved_search_hit_session_id", "saved_search_hit", ["session_id"])
    with op.batch_alter_table("therapist_profile") as batch:
        batch.add_column(
            sa.Column("calendar_feed", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("therapist_profile") as batch:
        batch.alter_column("calendar_feed", server_default=None, existing_type=sa.Integer())


def downgrade() -> None:
    with op.batch_alter_table("therapist_profile") as batch:
        batch.drop_column("calendar_feed")
    op.drop_table("saved_search_hit")
    op.drop_table("saved_search")

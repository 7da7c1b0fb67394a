"""catalog: the terms the course reader found in each course (centrality, evidence)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 18:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "course_term",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "course_id",
            sa.Integer(),
            sa.ForeignKey("course.id", ondelete="CASCADE", name="fk_course_term_course_id_course"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("term", sa.String(100), nullable=False),
        sa.Column("centrality", sa.String(10), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence", sa.String(300), nullable=False),
        sa.Column("provenance", sa.String(10), nullable=False),
        sa.Column("kb_version", sa.String(20), nullable=False),
    )
    op.create_index("ix_course_term_course_id", "course_term", ["course_id"])
    op.create_index("ix_course_term_lookup", "course_term", ["kind", "term", "centrality"])
    op.create_table(
        "course_reading",
        sa.Column(
            "course_id",
            sa.Integer(),
            sa.ForeignKey(
                "course.id", ondelete="CASCADE", name="fk_course_reading_course_id_course"
            ),
            primary_key=True,
        ),
        sa.Column("content_hash", sa.String(32), nullable=False),
        sa.Column("kb_version", sa.String(20), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("course_reading")
    op.drop_index("ix_course_term_lookup", table_name="course_term")
    op.drop_index("ix_course_term_course_id", table_name="course_term")
    op.drop_table("course_term")

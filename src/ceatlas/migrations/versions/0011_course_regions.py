"""catalog: the body regions each course works on, as the course reader found them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 07:00:00

``covers_regions`` holds the knowledge base's body-region ids a course works on centrally
or in part (named in its words, or where a condition it is about sits). Recommendations
use it to leave out a technique course aimed at another part of the body than the
caseload's complaints. Every stored reading is dropped, so the next ``ceatlas init`` (or
``ceatlas read-courses``) reads every course again and fills it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    kind = sa.JSON().with_variant(JSONB(), "postgresql")
    empty = sa.text("'[]'::jsonb") if postgres else sa.text("'[]'")
    op.add_column("course", sa.Column("covers_regions", kind, nullable=False, server_default=empty))
    op.execute("DELETE FROM course_reading")


def downgrade() -> None:
    op.drop_column("course", "covers_regions")

"""catalog: what each course covers as the course reader found it, on the course row

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 21:50:00

``covers_techniques``, ``covers_conditions``, ``covers_competencies`` and
``covers_categories`` hold the knowledge-base ids a course teaches centrally or in part
(centrality primary or secondary, after administrators' confirmations); ``primary_terms``
the ``kind:id`` pairs it is mainly about. Search facets and filters, recommendations and the
planner read these columns instead of the provider's own tags, so an untagged course is
found by what its title and description say. Every stored reading is dropped, so the next
``ceatlas init`` (or ``ceatlas read-courses``) reads every course again and fills them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = (
    "covers_techniques",
    "covers_conditions",
    "covers_competencies",
    "covers_categories",
    "primary_terms",
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    kind = sa.JSON().with_variant(JSONB(), "postgresql")
    empty = sa.text("'[]'::jsonb") if postgres else sa.text("'[]'")
    for name in COLUMNS:
        op.add_column("course", sa.Column(name, kind, nullable=False, server_default=empty))
    op.execute("DELETE FROM course_reading")


def downgrade() -> None:
    for name in reversed(COLUMNS):
        op.drop_column("course", name)

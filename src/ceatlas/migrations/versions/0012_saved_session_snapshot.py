"""my plan: a saved session outlives its catalog row, with what it was when saved

Revision ID: 0012
Revises: 0004
Create Date: 2026-12-03 10:00:00

A session a therapist saved used to vanish from "My plan" when its provider withdrew it
(the row was deleted with the session). Now the saved row stays, its ``session_id``
becomes NULL (``ON DELETE SET NULL``), and the columns added here keep what the session
was when it was saved (course, provider, dates, way of learning, place, price, CE hours),
so the plan can say which session was withdrawn and what changed in those still listed.
Existing rows are filled from their sessions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0004"
branch_labels = None
depends_on = None

_FK = "fk_saved_session_session_id_course_session"
_COLUMNS = (
    ("course_key", sa.String(500)),
    ("course_title", sa.String(500)),
    ("provider_name", sa.String(300)),
    ("start_date", sa.Date()),
    ("end_date", sa.Date()),
    ("mode", sa.String(40)),
    ("place", sa.String(300)),
    ("price", sa.BigInteger()),  # hundredths, like the catalog's ScaledDecimal columns
    ("currency", sa.String(3)),
    ("ce_hours", sa.BigInteger()),  # hundredths
)


def upgrade() -> None:
    with op.batch_alter_table("saved_session") as batch:
        for name, kind in _COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
        batch.alter_column("session_id", existing_type=sa.Integer(), nullable=True)
        batch.drop_constraint(_FK, type_="foreignkey")
        batch.create_foreign_key(_FK, "course_session", ["session_id"], ["id"], ondelete="SET NULL")
    op.execute(
        """
        UPDATE saved_session SET
            course_key = (SELECT c.key FROM course_session s JOIN course c ON c.id = s.course_id
                          WHERE s.id = saved_session.session_id),
            course_title = (SELECT c.title FROM course_session s
                            JOIN course c ON c.id = s.course_id
                            WHERE s.id = saved_session.session_id),
            provider_name = (SELECT p.name FROM course_session s
                             JOIN course c ON c.id = s.course_id
                             JOIN provider p ON p.id = c.provider_id
                             WHERE s.id = saved_session.session_id),
            start_date = (SELECT s.start_date FROM course_session s
                          WHERE s.id = saved_session.session_id),
            end_date = (SELECT s.end_date FROM course_session s
                        WHERE s.id = saved_session.session_id),
            mode = (SELECT s.mode FROM course_session s WHERE s.id = saved_session.session_id),
            place = (SELECT CASE WHEN s.city IS NULL THEN s.region
                                 WHEN s.region IS NULL THEN s.city
                                 ELSE s.city || ', ' || s.region END
                     FROM course_session s WHERE s.id = saved_session.session_id),
            price = (SELECT s.price FROM course_session s WHERE s.id = saved_session.session_id),
            currency = (SELECT s.currency FROM course_session s
                        WHERE s.id = saved_session.session_id),
            ce_hours = (SELECT c.ce_hours FROM course_session s
                        JOIN course c ON c.id = s.course_id
                        WHERE s.id = saved_session.session_id)
        """
    )


def downgrade() -> None:
    op.execute("DELETE FROM saved_session WHERE session_id IS NULL")
    with op.batch_alter_table("saved_session") as batch:
        batch.drop_constraint(_FK, type_="foreignkey")
        batch.create_foreign_key(_FK, "course_session", ["session_id"], ["id"], ondelete="CASCADE")
        batch.alter_column("session_id", existing_type=sa.Integer(), nullable=False)
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)

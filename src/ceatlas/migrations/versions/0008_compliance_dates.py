"""compliance: a license's issue date (first renewal, prorated hours) and a card's expiry date

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-02 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ce_license", sa.Column("issued_on", sa.Date(), nullable=True))
    op.add_column("ce_entry", sa.Column("expires_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("ce_entry", "expires_on")
    op.drop_column("ce_license", "issued_on")

"""e-mail: the outbox, one-time links (password reset, address check), e-mail preferences

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 16:10:00

Adds ``mail_outbox`` (every message sent, once), ``account_token`` (hashes of e-mailed
one-time links), ``account_user.email_verified_at`` (NULL for existing accounts: they are
asked to confirm their address) and ``therapist_profile.email_opt_out`` (empty: every kind
of message on).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _user_fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(
        "account_user.id", ondelete="CASCADE", name=f"fk_{table}_user_id_account_user"
    )


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), _user_fk("mail_outbox"), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", _JSON, nullable=False),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mail_outbox"),
        sa.UniqueConstraint("key", name="uq_mail_outbox_key"),
    )
    op.create_index("ix_mail_outbox_user_id", "mail_outbox", ["user_id"])
    op.create_index("ix_mail_outbox_status", "mail_outbox", ["status"])
    op.create_index("ix_mail_outbox_next_attempt_at", "mail_outbox", ["next_attempt_at"])
    op.create_table(
        "account_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), _user_fk("account_token"), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_account_token"),
        sa.UniqueConstraint("token_hash", name="uq_account_token_token_hash"),
    )
    op.create_index("ix_account_token_user_id", "account_token", ["user_id"])
    with op.batch_alter_table("account_user") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("therapist_profile") as batch:
        batch.add_column(
            sa.Column("email_opt_out", _JSON, nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("therapist_profile") as batch:
        batch.alter_column("email_opt_out", server_default=None, existing_type=_JSON)


def downgrade() -> None:
    with op.batch_alter_table("therapist_profile") as batch:
        batch.drop_column("email_opt_out")
    with op.batch_alter_table("account_user") as batch:
        batch.drop_column("email_verified_at")
    op.drop_table("account_token")
    op.drop_table("mail_outbox")

"""accounts: server-side login sessions; API tokens get an expiry and scopes

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-03 19:00:00

``login_session`` holds one row per signed-in browser: the SHA-256 of the random id its
cookie carries, the account, when it signed in and was last seen, and a few words about
the device ("Firefox on Windows"); no IP address.

``api_token`` gains ``expires_at`` and ``scopes``. Tokens made before this revision keep
working: they get the scopes "read write" (they could write before) and expire 90 days
after this upgrade runs (the default lifetime of a new token), so their owners have three
months to replace them; the tokens page shows the date.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None

#: the lifetime given to tokens made before expiry existed
EXISTING_TOKEN_DAYS = 90


def upgrade() -> None:
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey(
                "account_user.id", ondelete="CASCADE", name="fk_login_session_user_id_account_user"
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("device", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_session"),
        sa.UniqueConstraint("id_hash", name="uq_login_session_id_hash"),
    )
    op.create_index("ix_login_session_user_id", "login_session", ["user_id"])
    expires = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0) + dt.timedelta(
        days=EXISTING_TOKEN_DAYS
    )
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("scopes", sa.String(100), nullable=True))
    token = sa.table(
        "api_token", sa.column("expires_at", sa.DateTime()), sa.column("scopes", sa.String())
    )
    op.execute(token.update().values(expires_at=expires, scopes="read write"))
    with op.batch_alter_table("api_token") as batch:
        batch.alter_column("expires_at", existing_type=sa.DateTime(), nullable=False)
        batch.alter_column("scopes", existing_type=sa.String(100), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("scopes")
        batch.drop_column("expires_at")
    op.drop_index("ix_login_session_user_id", table_name="login_session")
    op.drop_table("login_session")

"""The outbox: every e-mail CE Atlas sends is first a row here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ceatlas.orm import Base, JSONList


class OutboxMessage(Base):
    """One message to send. ``key`` is unique: enqueuing the same reminder twice (a second
    run of ``ceatlas notify``, two hosts at once) adds nothing.

    ``status`` is ``pending`` (waiting for ``next_attempt_at``), ``sending`` (claimed by a
    sender at ``claimed_at``), ``sent`` or ``failed`` (gave up after the last retry).
    A ``secret`` message (one holding a one-time link) has its body erased once sent.
    """

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(300), unique=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # Extra headers as [name, value] pairs (List-Unsubscribe...).
    headers: Mapped[list[Any]] = mapped_column(JSONList, default=list)
    secret: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

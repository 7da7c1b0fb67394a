"""A therapist's private CE record: licenses and credentials, completed CE, certificates.

Every row belongs to one account (``account_user.id``) and is deleted with it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ceatlas.orm import Base, JSONList, ScaledDecimal


class CeLicense(Base):
    """A state license (``kind="license"``) or a national credential (``"credential"``).

    ``jurisdiction`` is a knowledge-base jurisdiction id: a USPS code, ``NCBTMB`` or ``AMTA``.
    The CE cycle runs from ``cycle_start`` to ``cycle_end`` (the renewal date); when only
    the renewal date is known, the knowledge base's CE period gives the start.
    """

    __tablename__ = "ce_license"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    jurisdiction: Mapped[str] = mapped_column(String(10))
    number: Mapped[str | None] = mapped_column(String(100))
    cycle_start: Mapped[dt.date | None] = mapped_column(Date)
    cycle_end: Mapped[dt.date | None] = mapped_column(Date)
    first_renewal: Mapped[bool] = mapped_column(default=False)
    #: the date the license was issued: decides a first renewal and prorated hours
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CeEntry(Base):
    """One completed CE activity.

    ``categories`` is a list of ``{"id": category, "hours": "2.00"}``: the CE subject
    categories (knowledge-base ids) the certificate names, with the hours of each.
    ``approvals`` is a list of ``{"authority": "NCBTMB", "number": "451234"}``.
    ``format`` is ``in_person``, ``live_online`` or ``self_paced``.
    """

    __tablename__ = "ce_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), index=True
    )
    course_key: Mapped[str | None] = mapped_column(String(512))
    title: Mapped[str] = mapped_column(String(500))
    provider: Mapped[str | None] = mapped_column(String(300))
    approvals: Mapped[list[dict[str, Any]]] = mapped_column(JSONList, default=list)
    completed_on: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    #: for a card (CPR, BLS): the day it expires; a record of a card may have 0 CE hours
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    categories: Mapped[list[dict[str, Any]]] = mapped_column(JSONList, default=list)
    format: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    certificate_name: Mapped[str | None] = mapped_column(String(255))
    certificate_path: Mapped[str | None] = mapped_column(String(1000))
    certificate_type: Mapped[str | None] = mapped_column(String(100))
    certificate_size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CeChange(Base):
    """One change to a CE record: a license, entry or certificate added, changed or deleted.

    Written in the same transaction as the change it describes; ``summary`` says what
    changed in the therapist's words (never a secret). Private to its owner like the rest.
    """

    __tablename__ = "ce_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: ``license``, ``entry`` or ``certificate`` (a certificate's row id is its entry's)
    what: Mapped[str] = mapped_column(String(20))
    row_id: Mapped[int] = mapped_column(Integer)
    #: ``added``, ``changed`` or ``deleted``
    action: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)

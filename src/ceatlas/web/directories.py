"""The provider and program directories (``/providers``, ``/programs``): every provider or
program in the catalog, by name, with a name filter and pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from ceatlas.catalog import models as m

PER_PAGE = 50


@dataclass(frozen=True)
class ProviderRow:
    id: int
    name: str
    place: str
    courses: int
    is_sample: bool


@dataclass(frozen=True)
class ProgramRow:
    id: int
    name: str
    provider: str | None
    provider_id: int | None
    total_hours: Decimal | None
    credential: str | None
    courses: int
    is_sample: bool


T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    rows: list[T]
    total: int
    page: int
    pages: int


def _contains(column: InstrumentedAttribute[str], text: str) -> sa.ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped.lower()}%", escape="\\")


def _page(total: int, page: int) -> tuple[int, int]:
    pages = max(1, -(-total // PER_PAGE))
    return min(max(1, page), pages), pages


def providers(db: Session, text: str = "", page: int = 1) -> Listing[ProviderRow]:
    """Providers by name (those whose name contains ``text``), with their course counts."""
    where = [_contains(m.Provider.name, text)] if text.strip() else []
    total = db.scalar(sa.select(sa.func.count()).select_from(m.Provider).where(*where)) or 0
    page, pages = _page(total, page)
    counts = (
        sa.select(m.Course.provider_id, sa.func.count().label("n"))
        .group_by(m.Course.provider_id)
        .subquery()
    )
    rows = db.execute(
        sa.select(m.Provider, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.provider_id == m.Provider.id)
        .where(*where)
        .order_by(sa.func.lower(m.Provider.name), m.Provider.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return Listing(
        [
            ProviderRow(
                p.id,
                p.name,
                ", ".join(v for v in (p.city, p.region) if v),
                int(n),
                p.is_sample,
            )
            for p, n in rows
        ],
        total,
        page,
        pages,
    )


def programs(db: Session, text: str = "", page: int = 1) -> Listing[ProgramRow]:
    """Programs by name (those whose name contains ``text``)."""
    where = [_contains(m.Program.name, text)] if text.strip() else []
    total = db.scalar(sa.select(sa.func.count()).select_from(m.Program).where(*where)) or 0
    page, pages = _page(total, page)
    found = db.scalars(
        sa.select(m.Program)
        .where(*where)
        .order_by(sa.func.lower(m.Program.name), m.Program.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return Listing(
        [
            ProgramRow(
                p.id,
                p.name,
                p.provider.name if p.provider else None,
                p.provider_id,
                p.total_hours,
                p.credential_awarded,
                len({k for g in p.structure for k in (g.get("courses") or [])}),
                bool(p.provider and p.provider.is_sample),
            )
            for p in found
        ],
        total,
        page,
        pages,
    )

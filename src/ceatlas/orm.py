"""Declarative base and column types shared by every domain's models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONList = JSON().with_variant(JSONB(), "postgresql")


class ScaledDecimal(TypeDecorator[Decimal]):
    """An exact decimal stored as a scaled integer (cents for money, hundredths for hours).

    SQLite has no exact decimal type; integers compare, sort and sum exactly on both backends.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int = 2) -> None:
        super().__init__()
        self.places = places
        self.factor = 10**places

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * self.factor).to_integral_value())

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        scaled: Decimal = Decimal(int(value)) / self.factor
        return scaled.quantize(Decimal(1).scaleb(-self.places))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

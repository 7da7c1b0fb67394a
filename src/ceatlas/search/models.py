"""Search-side tables and indexes, kept in sync with the catalog by database triggers.

``search_session_facts`` holds per-session values that are awkward to compute in a query:
the weekdays a session meets (a 7-bit mask, bit 0 = Sunday) and its local start minute.
The text indexes (SQLite FTS5 ``search_course_fts``, PostgreSQL ``search_course_document``)
are created by the migration only: they are backend-specific and cascade with ``course``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, Table

from ceatlas.catalog.store import SESSIONS
from ceatlas.orm import Base

SESSION_FACTS = Table(
    "search_session_facts",
    Base.metadata,
    Column(
        "session_id",
        Integer,
        ForeignKey("course_session.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("days_mask", Integer, nullable=False, default=0),
    Column("start_minute", Integer, nullable=True),
)

# One row (id 1): bumped by triggers on every write to the tables search reads (migration
# 0007), so each process's in-memory accelerator knows when to reload.
CATALOG_VERSION = Table(
    "search_catalog_version",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
)

# B-tree indexes on the session facets that search filters and sorts on.
SESSION_INDEXES = (
    Index("ix_search_session_mode", SESSIONS.c.mode),
    Index("ix_search_session_price", SESSIONS.c.price),
    Index("ix_search_session_lat_lon", SESSIONS.c.latitude, SESSIONS.c.longitude),
)

WEEKDAY_BITS = {
    "Sunday": 1,
    "Monday": 2,
    "Tuesday": 4,
    "Wednesday": 8,
    "Thursday": 16,
    "Friday": 32,
    "Saturday": 64,
}

"""Source registry tables: the sites a catalog is kept in sync with, and what each sync saw.

``catalog_source`` is a registered address (a provider's page, a sitemap or a feed) with
its schedule and health; ``catalog_source_page`` the state of each page fetched under it
(validators for conditional requests, the content's hash, the session keys its last
import produced, so that sessions it no longer lists can be retired); ``catalog_source_run``
one row per sync of a source: the history of what each sync did and changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ceatlas.orm import Base, JSONList

URL = String(1000)


class CatalogSource(Base):
    __tablename__ = "catalog_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(URL, unique=True)
    provider_key: Mapped[str | None] = mapped_column(String(512))
    every_seconds: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # What the source turned out to be at its last fetch: page, sitemap, feed or json.
    kind: Mapped[str | None] = mapped_column(String(20))
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The last sync's counts, changes, skipped pages and errors (see ``sync.SourceReport``).
    health: Mapped[dict[str, Any]] = mapped_column(JSONList, default=dict)


class CatalogSourcePage(Base):
    __tablename__ = "catalog_source_page"
    __table_args__ = (UniqueConstraint("source_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_source.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(URL)
    # The sitemap or feed that listed this page (null: the source's own address).
    listed_by: Mapped[str | None] = mapped_column(URL)
    kind: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(32))
    fetched_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)
    # Sitemaps and feeds: the addresses they list; pages: the session keys last imported.
    links: Mapped[list[str]] = mapped_column(JSONList, default=list)
    session_keys: Mapped[list[str]] = mapped_column(JSONList, default=list)


class CatalogSourceRun(Base):
    __tablename__ = "catalog_source_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_source.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ok: Mapped[bool]
    report: Mapped[dict[str, Any]] = mapped_column(JSONList, default=dict)

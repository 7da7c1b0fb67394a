"""The source registry: add, list and remove the sites the catalog is kept in sync with."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine, Table, delete, func, select

from ceatlas.catalog.source_models import CatalogSource, CatalogSourcePage, CatalogSourceRun

SOURCES: Table = CatalogSource.__table__  # type: ignore[assignment]
PAGES: Table = CatalogSourcePage.__table__  # type: ignore[assignment]
RUNS: Table = CatalogSourceRun.__table__  # type: ignore[assignment]

_EVERY = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
DEFAULT_EVERY = 86400


class SourceError(ValueError):
    """A source cannot be added or found; the message says which and why."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def normalize_url(url: str) -> str:
    """The address as stored: an absolute http(s) URL, scheme and host in lower case,
    without its #fragment. Raises :class:`SourceError` naming a URL that is not one."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise SourceError(f"invalid URL {url!r}: {error}") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise SourceError(f"invalid URL {url!r}: expected an http:// or https:// address")
    if not parts.hostname:
        raise SourceError(f"invalid URL {url!r}: no host name")
    if any(c.isspace() for c in text):
        raise SourceError(f"invalid URL {url!r}: contains spaces")
    host = parts.hostname.lower()
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def private_address(url: str) -> str | None:
    """Why ``url``'s host may not be fetched for a provider (it names or resolves to a
    loopback, private, link-local or reserved address); None when it is a public host.
    A host that does not resolve is refused too."""
    host = urlsplit(url).hostname or ""
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return f"the host {host!r} could not be found"
    for address in found:
        ip = ipaddress.ip_address(str(address).split("%", 1)[0])
        if not ip.is_global:
            return f"the host {host!r} is not a public internet address"
    return None


def parse_every(text: str) -> int:
    """``30m``, ``6h``, ``1d`` or ``1w`` in seconds (at least 5 minutes)."""
    found = _EVERY.match(text)
    if not found:
        raise SourceError(f"--every: expected a number and m, h, d or w (e.g. 1d), got {text!r}")
    seconds = int(found.group(1)) * _UNITS[found.group(2)]
    if seconds < 300:
        raise SourceError(f"--every: at least 5m between syncs, got {text!r}")
    return seconds


def format_every(seconds: int) -> str:
    for unit in ("w", "d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class SourceInfo:
    id: int
    url: str
    provider: str | None
    every: str
    kind: str | None
    created_at: dt.datetime
    last_sync_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_error_at: dt.datetime | None
    last_error: str | None
    pages: int
    health: dict[str, Any]

    def due(self, now: dt.datetime, every_seconds: int) -> bool:
        if self.last_sync_at is None:
            return True
        return now >= self.last_sync_at + dt.timedelta(seconds=every_seconds)

    def as_dict(self) -> dict[str, Any]:
        data = dict(vars(self))
        for name in ("created_at", "last_sync_at", "last_success_at", "last_error_at"):
            value = data[name]
            data[name] = value.isoformat() + "Z" if value else None
        return data


def add_source(
    engine: Engine, url: str, *, provider: str | None = None, every_seconds: int = DEFAULT_EVERY
) -> int:
    """Register ``url``; returns its id. A URL already registered is refused, naming its id."""
    stored = normalize_url(url)
    with engine.begin() as conn:
        existing = conn.execute(select(SOURCES.c.id).where(SOURCES.c.url == stored)).scalar()
        if existing is not None:
            raise SourceError(f"{stored} is already registered as source {existing}")
        ident: int = conn.execute(
            SOURCES.insert()
            .values(
                url=stored,
                provider_key=provider,
                every_seconds=every_seconds,
                created_at=utcnow(),
                health={},
            )
            .returning(SOURCES.c.id)
        ).scalar_one()
    return ident


def remove_source(engine: Engine, ident: int) -> str:
    """Forget source ``ident`` and its pages' state; the sessions it brought stay in the
    catalog (a later import or sync of another source may own them). Returns its URL."""
    with engine.begin() as conn:
        url = conn.execute(select(SOURCES.c.url).where(SOURCES.c.id == ident)).scalar()
        if url is None:
            raise SourceError(f"no source with id {ident}")
        conn.execute(delete(PAGES).where(PAGES.c.source_id == ident))
        conn.execute(delete(RUNS).where(RUNS.c.source_id == ident))
        conn.execute(delete(SOURCES).where(SOURCES.c.id == ident))
    return str(url)


def running(engine: Engine, ident: int, now: dt.datetime | None = None) -> bool:
    """Whether a sync of source ``ident`` started in the last hour and has not finished."""
    since = (now or utcnow()) - dt.timedelta(hours=1)
    with engine.connect() as conn:
        found = conn.execute(
            select(RUNS.c.id)
            .where(
                RUNS.c.source_id == ident,
                RUNS.c.finished_at.is_(None),
                RUNS.c.started_at >= since,
            )
            .limit(1)
        ).first()
    return found is not None


def list_sources(
    engine: Engine, ids: list[int] | None = None, *, provider: str | None = None
) -> list[SourceInfo]:
    """Sources by id (those in ``ids``; those owned by ``provider`` when given)."""
    pages = (
        select(PAGES.c.source_id, func.count().label("n"))
        .where(PAGES.c.status != "gone")
        .group_by(PAGES.c.source_id)
        .subquery()
    )
    query = (
        select(SOURCES, func.coalesce(pages.c.n, 0).label("pages"))
        .outerjoin(pages, pages.c.source_id == SOURCES.c.id)
        .order_by(SOURCES.c.id)
    )
    if ids:
        query = query.where(SOURCES.c.id.in_(ids))
    if provider is not None:
        query = query.where(SOURCES.c.provider_key == provider)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    found = [
        SourceInfo(
            id=r.id,
            url=r.url,
            provider=r.provider_key,
            every=format_every(r.every_seconds),
            kind=r.kind,
            created_at=r.created_at,
            last_sync_at=r.last_sync_at,
            last_success_at=r.last_success_at,
            last_error_at=r.last_error_at,
            last_error=r.last_error,
            pages=int(r.pages),
            health=dict(r.health or {}),
        )
        for r in rows
    ]
    if ids:
        missing = sorted(set(ids) - {s.id for s in found})
        if missing:
            raise SourceError(f"no source with id {', '.join(map(str, missing))}")
    return found

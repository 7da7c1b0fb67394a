"""Catalog sources on the site: their health for administrators (/admin/catalog-sources),
a provider's own website as its source (/provider/sources), and where a course page's
listing came from.

A sync asked for from a page runs after the answer is sent (a background task), so a
slow site never holds the page; a second sync of a source already running is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ceatlas.accounts.service import Account
from ceatlas.catalog.models import Provider
from ceatlas.catalog.source_registry import (
    SourceError,
    SourceInfo,
    add_source,
    list_sources,
    parse_every,
    private_address,
    remove_source,
    running,
)
from ceatlas.catalog.sync import SyncOptions, sync_sources
from ceatlas.web.auth import Admin, ProviderAccount, verify_csrf
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.errors import WebError, not_found
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import read_form

router = APIRouter()
Csrf = [Depends(verify_csrf)]
EVERY_CHOICES = [("6h", "every 6 hours"), ("1d", "once a day"), ("1w", "once a week")]
SHOWN_CHANGES = 50

_ORIGIN_WORDS = {
    "source": "Listed from the provider's own website",
    "file": "Added from a catalog file",
    "form": "Entered by the provider on CE Atlas",
    "api": "Sent by the provider's own booking system",
    "sample": "A sample listing, made up to show how CE Atlas works",
}
_SEEN_WORDS = {
    "source": "checked",
    "file": "last loaded",
    "form": "last saved",
    "api": "last updated",
}


def origin_words(kind: str | None, seen: dt.datetime | None) -> str:
    """Where a listing came from, in words for therapists, e.g. "Listed from the
    provider's own website, checked Dec 2, 2026."; unknown origins say so."""
    words = _ORIGIN_WORDS.get(kind or "")
    if words is None:
        return "Where this listing came from was not recorded."
    if seen is None or kind not in _SEEN_WORDS:
        return words + "."
    return f"{words}, {_SEEN_WORDS[kind]} {_date(seen)}."


def _date(moment: dt.datetime) -> str:
    return f"{moment:%b} {moment.day}, {moment.year}"


def _moment(moment: dt.datetime | None) -> str:
    if moment is None:
        return "never"
    return f"{_date(moment)} at {moment:%H:%M} UTC"


_HTTP = re.compile(r"HTTP (\d{3})")
_MORE = re.compile(r" \((and \d+ more)\)$")


def reason_words(reason: str) -> str:
    """A sync's reason for a failure or a skipped page, in plain words."""
    if reason.startswith("refused: "):
        return "a listing was refused: " + reason.removeprefix("refused: ")
    if "robots.txt" in reason and "forbidden" in reason:
        return "the website asks robots not to read this page (its robots.txt)"
    if reason.startswith("timed out"):
        return "the website did not answer in time"
    if "ConnectError" in reason or "ConnectTimeout" in reason:
        return "the website could not be reached"
    found = _HTTP.search(reason)
    if found:
        code = int(found.group(1))
        if code in (404, 410):
            return "the page no longer exists"
        if code >= 500:
            return "the website had an error on its side"
        return "the website refused to show the page"
    return reason


@dataclass(frozen=True)
class SourceView:
    """A source as its health table shows it."""

    id: int
    url: str
    provider: str | None
    provider_name: str | None
    every: str
    kind: str
    last_sync: str
    last_success: str
    last_error: str | None
    found: int
    new: int
    updated: int
    retired: int
    refused: int
    pages: int
    changes: list[str]
    more_changes: int
    problems: list[str]
    never_synced: bool


_KINDS = {"page": "a page", "sitemap": "a sitemap", "feed": "a feed", "json": "a data file"}
_EVERY_WORDS = dict(EVERY_CHOICES)


def _view(info: SourceInfo, names: dict[str, str]) -> SourceView:
    health = info.health
    sessions = health.get("sessions", {})
    changes = [str(c) for c in health.get("changes", [])]
    problems = [f"{e['url']}: {reason_words(str(e['reason']))}" for e in health.get("errors", [])]
    last_error = None
    if info.last_error:
        url, _, reason = info.last_error.partition(": ")
        more = _MORE.search(reason)
        words = reason_words(_MORE.sub("", reason)) + (f" ({more.group(1)})" if more else "")
        last_error = f"{_moment(info.last_error_at)}: {url}: {words}"
    return SourceView(
        id=info.id,
        url=info.url,
        provider=info.provider,
        provider_name=names.get(info.provider or ""),
        every=_EVERY_WORDS.get(info.every, f"every {info.every}"),
        kind=_KINDS.get(info.kind or "", "not fetched yet"),
        last_sync=_moment(info.last_sync_at),
        last_success=_moment(info.last_success_at),
        last_error=last_error,
        found=sum(int(sessions.get(k, 0)) for k in ("inserted", "updated", "unchanged")),
        new=int(sessions.get("inserted", 0)),
        updated=int(sessions.get("updated", 0)),
        retired=int(health.get("sessions_retired", 0)),
        refused=int(health.get("records_rejected", 0)),
        pages=info.pages,
        changes=changes[:SHOWN_CHANGES],
        more_changes=max(0, len(changes) - SHOWN_CHANGES),
        problems=problems,
        never_synced=not health,
    )


def _views(ctx: WebContext, found: list[SourceInfo]) -> list[SourceView]:
    keys = {s.provider for s in found if s.provider}
    with Session(ctx.engine) as db:
        query = select(Provider.key, Provider.name).where(Provider.key.in_(keys))
        names = dict(db.execute(query).tuples().all())
    return [_view(s, names) for s in found]


def _options(ctx: WebContext) -> SyncOptions:
    settings = ctx.settings
    return SyncOptions(
        user_agent=settings.sync_user_agent,
        timeout=settings.sync_timeout,
        host_delay=settings.sync_host_delay,
    )


def _sync(ctx: WebContext, ident: int) -> None:
    """Sync source ``ident`` (a background task: its report is kept as the source's health)."""
    sync_sources(ctx.engine, ctx.kb, _options(ctx), ids=[ident], today=ctx.today())


def _start_sync(ctx: WebContext, tasks: BackgroundTasks, ident: int) -> str:
    if running(ctx.engine, ident):
        return "busy"
    tasks.add_task(_sync, ctx, ident)
    return "started"


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- administrators ----------------------------------------------------------------------

ADMIN_PAGE = "/admin/catalog-sources"


@router.get(ADMIN_PAGE, response_class=HTMLResponse)
def admin_sources(request: Request, ctx: Ctx, account: Admin) -> Response:
    """Every registered source with its health."""
    context = {
        "nav": "area",
        "area": "catalog-sources",
        "sources": _views(ctx, list_sources(ctx.engine)),
        "done": _done(request),
    }
    return render(request, "admin_catalog_sources.html", context)


def _admin_source(ctx: WebContext, ident: int) -> SourceInfo:
    try:
        return list_sources(ctx.engine, [ident])[0]
    except SourceError:
        raise not_found("source") from None


@router.post(ADMIN_PAGE + "/{ident}/sync", dependencies=Csrf)
def admin_sync(ctx: Ctx, account: Admin, ident: int, tasks: BackgroundTasks) -> Response:
    source = _admin_source(ctx, ident)
    return _see_other(f"{ADMIN_PAGE}?{_start_sync(ctx, tasks, source.id)}={source.id}")


@router.post(ADMIN_PAGE + "/{ident}/remove", dependencies=Csrf)
def admin_remove(ctx: Ctx, account: Admin, ident: int) -> Response:
    source = _admin_source(ctx, ident)
    remove_source(ctx.engine, source.id)
    return _see_other(f"{ADMIN_PAGE}?removed={source.id}")


def _done(request: Request) -> str | None:
    """The notice after a sync was asked for or a source removed (from the query)."""
    params = request.query_params
    for name, words in (
        ("started", "The sync has started; reload this page in a minute to see its result."),
        ("busy", "A sync of this source is already running; its result will show here."),
        ("removed", "The source was removed. The sessions it brought stay listed."),
        ("added", "Your website was added. The first sync has started."),
    ):
        if params.get(name):
            return words
    return None


# --- providers ---------------------------------------------------------------------------

PROVIDER_PAGE = "/provider/sources"


def _provider_key(ctx: WebContext, account: Account) -> str:
    with Session(ctx.engine) as db:
        key = db.scalar(select(Provider.key).where(Provider.id == account.provider_id))
    if key is None:
        raise not_found("provider")
    return key


def _provider_page(
    request: Request,
    ctx: WebContext,
    account: Account,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    key = _provider_key(ctx, account)
    context: dict[str, Any] = {
        "nav": "area",
        "area": "sources",
        "sources": _views(ctx, list_sources(ctx.engine, provider=key)),
        "every_choices": EVERY_CHOICES,
        "errors": errors or {},
        "values": values or {"every": "1d"},
        "done": _done(request),
    }
    return render(request, "provider_sources.html", context, status)


@router.get(PROVIDER_PAGE, response_class=HTMLResponse)
def provider_sources(request: Request, ctx: Ctx, account: ProviderAccount) -> Response:
    """The provider's own sources with their health, and the form to add one."""
    return _provider_page(request, ctx, account)


@router.post(PROVIDER_PAGE, response_class=HTMLResponse, dependencies=Csrf)
async def provider_add(
    request: Request, ctx: Ctx, account: ProviderAccount, tasks: BackgroundTasks
) -> Response:
    form = await read_form(request)
    values = {"url": form.get("url").strip(), "every": form.get("every") or "1d"}
    errors: dict[str, str] = {}
    if values["every"] not in _EVERY_WORDS:
        errors["every"] = "Choose how often: every 6 hours, once a day or once a week."
    if not values["url"]:
        errors["url"] = "Enter your website's address, e.g. https://www.example.com/classes."
    if errors:
        return _provider_page(request, ctx, account, errors, values, 422)
    key = _provider_key(ctx, account)
    try:
        if ctx.settings.mode == "production":
            reason = private_address(values["url"])
            if reason:
                raise SourceError(f"{reason}; enter your website's public address")
        ident = add_source(
            ctx.engine, values["url"], provider=key, every_seconds=parse_every(values["every"])
        )
    except SourceError as error:
        message = str(error)
        if "already registered" in message:
            message = "This address is already registered; it is synced already."
        elif message.startswith("invalid URL"):
            message = "Enter a full web address starting with https:// or http://."
        return _provider_page(request, ctx, account, {"url": message}, values, 422)
    _start_sync(ctx, tasks, ident)
    return _see_other(f"{PROVIDER_PAGE}?added={ident}")


def _own_source(ctx: WebContext, account: Account, ident: int) -> SourceInfo:
    """Source ``ident`` if this provider owns it: 404 when there is none, 403 when it is
    another provider's (or the catalog's own)."""
    source = _admin_source(ctx, ident)
    if source.provider != _provider_key(ctx, account):
        raise WebError(403, "this source belongs to another provider")
    return source


@router.post(PROVIDER_PAGE + "/{ident}/sync", dependencies=Csrf)
def provider_sync(
    ctx: Ctx, account: ProviderAccount, ident: int, tasks: BackgroundTasks
) -> Response:
    source = _own_source(ctx, account, ident)
    return _see_other(f"{PROVIDER_PAGE}?{_start_sync(ctx, tasks, source.id)}={source.id}")


@router.post(PROVIDER_PAGE + "/{ident}/remove", dependencies=Csrf)
def provider_remove(ctx: Ctx, account: ProviderAccount, ident: int) -> Response:
    source = _own_source(ctx, account, ident)
    remove_source(ctx.engine, source.id)
    return _see_other(f"{PROVIDER_PAGE}?removed={source.id}")

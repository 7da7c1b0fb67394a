"""Private feeds a calendar app or a feed reader fetches on its own (no login): the
therapist's calendar and saved searches' Atom feeds, and the pages that manage them.

A feed's address carries a signed token (:mod:`ceatlas.accounts.feed_tokens`) in its
query string (kept out of the access log); a new address retires the old one.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ceatlas.accounts import AccountError
from ceatlas.accounts.feed_tokens import read_feed_token
from ceatlas.accounts.saved_searches import CalendarFeed, SavedSearches
from ceatlas.notify.saved_search import query_string
from ceatlas.web.auth import Therapist, verify_csrf
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.errors import WebError
from ceatlas.web.feeds import (
    CALENDAR,
    SEARCH,
    atom_for,
    calendar_for,
    describe,
    save_search,
    search_feed_url,
)
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import read_form

router = APIRouter()
Csrf = [Depends(verify_csrf)]


def _not_found() -> Response:
    return Response("This feed address is not valid (it may have been replaced).", 404)


@router.get("/calendar/plan.ics")
def calendar_feed(ctx: Ctx, token: str = "") -> Response:
    found = read_feed_token(ctx.settings.session_secret(), token)
    if found is None or found[0] != CALENDAR:
        return _not_found()
    _, user_id, generation = found
    if generation <= 0 or CalendarFeed(ctx.engine).generation(user_id) != generation:
        return _not_found()
    return Response(
        calendar_for(ctx, user_id),
        media_type="text/calendar",
        headers={"cache-control": "private, max-age=900", "referrer-policy": "no-referrer"},
    )


@router.get("/feeds/saved-search.atom")
def saved_search_feed(ctx: Ctx, token: str = "") -> Response:
    found = read_feed_token(ctx.settings.session_secret(), token)
    if found is None or found[0] != SEARCH:
        return _not_found()
    saved = SavedSearches(ctx.engine).by_id(found[1])
    if saved is None or saved.feed != found[2]:
        return _not_found()
    body = atom_for(ctx, saved, search_feed_url(ctx, saved.id, saved.feed))
    return Response(
        body,
        media_type="application/atom+xml",
        headers={"cache-control": "private, max-age=900"},
    )


# --- the calendar address, on "My plan" -----------------------------------------------------


@router.post("/me/calendar", dependencies=Csrf)
async def calendar_switch(request: Request, ctx: Ctx, account: Therapist) -> Response:
    """``action=new``: turn the address on or replace it; ``action=off``: turn it off."""
    form = await read_form(request)
    feed = CalendarFeed(ctx.engine)
    if form.get("action") == "off":
        feed.turn_off(account.id)
    else:
        feed.new_address(account.id)
    return RedirectResponse("/me/plan#calendar", status_code=303)


# --- saved searches -------------------------------------------------------------------------


def _searches_page(
    request: Request,
    ctx: WebContext,
    user_id: int,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    store = SavedSearches(ctx.engine)
    rows: list[dict[str, Any]] = [
        {
            "search": s,
            "url": "/?" + query_string(s.query),
            "parts": describe(s.query),
            "feed": search_feed_url(ctx, s.id, s.feed),
        }
        for s in store.list(user_id)
    ]
    context = {
        "nav": "area",
        "area": "searches",
        "rows": rows,
        "errors": errors or {},
        "saved_now": request.query_params.get("saved") == "1",
    }
    return render(request, "me_searches.html", context, status)


@router.get("/me/searches", response_class=HTMLResponse)
def searches_page(request: Request, ctx: Ctx, account: Therapist) -> Response:
    return _searches_page(request, ctx, account.id)


@router.post("/me/searches", response_class=HTMLResponse, dependencies=Csrf)
async def save_search_page(request: Request, ctx: Ctx, account: Therapist) -> Response:
    """Keep the search whose query string is in ``query`` under ``name``."""
    form = await read_form(request)
    try:
        # up to ten searches: off the event loop, so other requests are not held
        await run_in_threadpool(save_search, ctx, account.id, form.get("name"), form.get("query"))
    except AccountError as error:
        return _searches_page(request, ctx, account.id, {error.field or "_": error.message}, 400)
    return RedirectResponse("/me/searches?saved=1", status_code=303)


@router.post("/me/searches/{search_id}/delete", dependencies=Csrf)
def delete_search(ctx: Ctx, account: Therapist, search_id: int) -> Response:
    try:
        SavedSearches(ctx.engine).delete(account.id, search_id)
    except AccountError as error:
        raise WebError(404, "saved search not found") from error
    return RedirectResponse("/me/searches", status_code=303)


@router.post("/me/searches/{search_id}/feed", dependencies=Csrf)
def new_search_feed(ctx: Ctx, account: Therapist, search_id: int) -> Response:
    try:
        SavedSearches(ctx.engine).new_feed_address(account.id, search_id)
    except AccountError as error:
        raise WebError(404, "saved search not found") from error
    return RedirectResponse(f"/me/searches#search-{search_id}", status_code=303)

"""Private feeds a calendar app or a feed reader fetches on its own (no login): the
therapist's calendar and saved searches' Atom feeds, and the pages that manage them.

A feed's address carries a signed token (:mod:`ceatlas.accounts.feed_tokens`) in its
query string (kept out of the access log); a new address retires the old one.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ceatlas.accounts import AccountError
from ceatlas.accounts.feed_tokens import feed_token, read_feed_token
from ceatlas.accounts.saved_searches import CalendarFeed, SavedSearches
from ceatlas.notify.saved_search import matching_sessions, query_json, query_string
from ceatlas.search import SearchError
from ceatlas.web.auth import Therapist, verify_csrf
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.errors import WebError
from ceatlas.web.feeds import atom_for, calendar_for
from ceatlas.web.labels import mode_label
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import read_form
from ceatlas.web.search_params import parse

router = APIRouter()
Csrf = [Depends(verify_csrf)]
CALENDAR = "calendar"
SEARCH = "search"
_NOT_FOUND = Response("This feed address is not valid (it may have been replaced).", 404)


def calendar_url(ctx: WebContext, user_id: int, generation: int) -> str:
    token = feed_token(ctx.settings.session_secret(), CALENDAR, user_id, generation)
    return ctx.settings.link("/calendar/plan.ics?" + urlencode({"token": token}))


def search_feed_url(ctx: WebContext, search_id: int, generation: int) -> str:
    token = feed_token(ctx.settings.session_secret(), SEARCH, search_id, generation)
    return ctx.settings.link("/feeds/saved-search.atom?" + urlencode({"token": token}))


@router.get("/calendar/plan.ics")
def calendar_feed(ctx: Ctx, token: str = "") -> Response:
    found = read_feed_token(ctx.settings.session_secret(), token)
    if found is None or found[0] != CALENDAR:
        return _NOT_FOUND
    _, user_id, generation = found
    if generation <= 0 or CalendarFeed(ctx.engine).generation(user_id) != generation:
        return _NOT_FOUND
    return Response(
        calendar_for(ctx, user_id),
        media_type="text/calendar",
        headers={"cache-control": "private, max-age=900", "referrer-policy": "no-referrer"},
    )


@router.get("/feeds/saved-search.atom")
def saved_search_feed(ctx: Ctx, token: str = "") -> Response:
    found = read_feed_token(ctx.settings.session_secret(), token)
    if found is None or found[0] != SEARCH:
        return _NOT_FOUND
    saved = SavedSearches(ctx.engine).by_id(found[1])
    if saved is None or saved.feed != found[2]:
        return _NOT_FOUND
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

_NAMES = {
    "q": "words",
    "max_price": "up to",
    "date_from": "from",
    "date_to": "until",
    "days": "on",
    "time_of_day": "in the",
    "near": "near",
    "radius": "within",
    "state": "counts for",
    "categories": "subjects",
    "techniques": "techniques",
    "conditions": "conditions",
    "providers": "providers",
    "min_hours": "at least (CE hours)",
    "max_hours": "at most (CE hours)",
}


def describe(saved: str) -> list[str]:
    """A saved query in words, one part per filter ("words: sciatica", "In person")."""
    data: dict[str, Any] = json.loads(saved)
    parts: list[str] = []
    for key in sorted(data, key=lambda k: k != "q"):  # the words first
        value = data[key]
        values = value if isinstance(value, list) else [value]
        if key == "modes":
            parts.append(" or ".join(mode_label(str(v)) for v in values))
        elif key == "radius":
            parts.append(f"within {value} {data.get('unit', 'mi')}")
        elif key in ("unit", "currency", "lat", "lon"):
            continue
        elif isinstance(value, bool):
            parts.append(key.replace("_", " ") + (": yes" if value else ": no"))
        else:
            label = _NAMES.get(key, key.replace("_", " "))
            shown = ", ".join(str(v).replace("_", " ") for v in values)
            parts.append(f"{label}: {shown}")
    return parts


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
async def save_search(request: Request, ctx: Ctx, account: Therapist) -> Response:
    """Keep the search whose query string is in ``query`` under ``name``."""
    form = await read_form(request)
    try:
        query = parse(parse_qsl(form.get("query")), strict=False)
        saved = query_json(query)
        if saved == "{}":
            raise AccountError("search for something first: a search of everything", "query")
        ids, capped = matching_sessions(ctx.search, ctx.kb, saved, ctx.today())
        SavedSearches(ctx.engine).save(
            account.id,
            form.get("name") or query.q or "My search",
            saved,
            ids,
            capped=capped,
            today=ctx.today(),
        )
    except (WebError, SearchError) as error:
        message = error.message if isinstance(error, WebError) else str(error)
        return _searches_page(request, ctx, account.id, {"query": message}, 400)
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

"""A therapist's e-mail choices, saved searches and private calendar address (theirs
alone). Writes that use the session cookie need the X-CSRF-Token header."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field

from ceatlas.accounts.preferences import EMAIL_KINDS, EmailPreferences
from ceatlas.accounts.saved_searches import CalendarFeed, SavedSearches, SavedSearchView
from ceatlas.notify.saved_search import query_string
from ceatlas.web.api.me import AUTH_RESPONSES
from ceatlas.web.auth import Therapist, verify_csrf
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.feeds import (
    calendar_address,
    calendar_url,
    describe,
    save_search,
    search_feed_url,
)
from ceatlas.web.schemas import MAX_ID, ErrorResponse, UtcDateTime

router = APIRouter(prefix="/me", tags=["me"], responses=AUTH_RESPONSES)
Csrf = Annotated[None, Depends(verify_csrf)]
SearchId = Annotated[int, Path(ge=1, le=MAX_ID, description="A saved search's id.")]
Kind = Literal["renewal", "plan", "saved_search"]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such saved search of mine"}
}


class EmailChoices(BaseModel):
    enabled: list[Kind] = Field(description="The kinds of e-mail I get.")
    kinds: dict[str, str] = Field(
        default_factory=lambda: dict(EMAIL_KINDS), description="Every kind, in words."
    )


class EmailChoicesIn(BaseModel):
    enabled: list[Kind] = Field(max_length=len(EMAIL_KINDS))


class SavedSearchOut(BaseModel):
    id: int
    name: str
    query: dict[str, Any] = Field(
        description="The search's parameters, as /api/v1/search takes them."
    )
    in_words: list[str]
    search_url: str = Field(description="The search page with this search.")
    feed_url: str = Field(description="The private Atom feed of its new sessions.")
    created_at: UtcDateTime
    checked_on: dt.date | None = Field(description="The day new sessions were last looked for.")
    capped: bool = Field(description="It matches more sessions than are followed (1,000).")


class SavedSearchIn(BaseModel):
    name: str = Field("", max_length=200)
    query: str = Field(
        max_length=4000,
        description="The query string of a search, as in the search page's address "
        "(e.g. q=sciatica&modes=in_person&near=33602&radius=50).",
    )


class CalendarOut(BaseModel):
    address: str | None = Field(description="The private calendar address (None: off).")


def _search_out(ctx: WebContext, s: SavedSearchView) -> SavedSearchOut:
    return SavedSearchOut(
        id=s.id,
        name=s.name,
        query=json.loads(s.query),
        in_words=describe(s.query),
        search_url=ctx.settings.link("/?" + query_string(s.query)),
        feed_url=search_feed_url(ctx, s.id, s.feed),
        created_at=s.created_at,
        checked_on=s.checked_on,
        capped=s.capped,
    )


@router.get("/email-choices", response_model=EmailChoices, summary="Which e-mails I get")
def get_email_choices(ctx: Ctx, account: Therapist) -> EmailChoices:
    enabled = EmailPreferences(ctx.engine).enabled(account.id)
    return EmailChoices(enabled=sorted(enabled))


@router.put("/email-choices", response_model=EmailChoices, summary="Choose which e-mails I get")
def put_email_choices(
    ctx: Ctx, account: Therapist, _csrf: Csrf, body: EmailChoicesIn
) -> EmailChoices:
    enabled = EmailPreferences(ctx.engine).set_enabled(account.id, set(body.enabled))
    return EmailChoices(enabled=sorted(enabled))


@router.get("/searches", response_model=list[SavedSearchOut], summary="My saved searches")
def get_searches(ctx: Ctx, account: Therapist) -> list[SavedSearchOut]:
    return [_search_out(ctx, s) for s in SavedSearches(ctx.engine).list(account.id)]


@router.post("/searches", response_model=SavedSearchOut, status_code=201, summary="Save a search")
def post_search(ctx: Ctx, account: Therapist, _csrf: Csrf, body: SavedSearchIn) -> SavedSearchOut:
    return _search_out(ctx, save_search(ctx, account.id, body.name, body.query))


@router.delete(
    "/searches/{search_id}", status_code=204, summary="Delete a saved search", responses=NOT_FOUND
)
def delete_search(ctx: Ctx, account: Therapist, _csrf: Csrf, search_id: SearchId) -> Response:
    SavedSearches(ctx.engine).delete(account.id, search_id)
    return Response(status_code=204)


@router.post(
    "/searches/{search_id}/feed",
    response_model=SavedSearchOut,
    summary="A new feed address for a saved search (the old one stops working)",
    responses=NOT_FOUND,
)
def new_search_feed(
    ctx: Ctx, account: Therapist, _csrf: Csrf, search_id: SearchId
) -> SavedSearchOut:
    return _search_out(ctx, SavedSearches(ctx.engine).new_feed_address(account.id, search_id))


@router.get("/calendar", response_model=CalendarOut, summary="My private calendar address")
def get_calendar(ctx: Ctx, account: Therapist) -> CalendarOut:
    return CalendarOut(address=calendar_address(ctx, account.id))


@router.post(
    "/calendar",
    response_model=CalendarOut,
    summary="Turn on, or replace, my private calendar address (the old one stops working)",
)
def new_calendar(ctx: Ctx, account: Therapist, _csrf: Csrf) -> CalendarOut:
    generation = CalendarFeed(ctx.engine).new_address(account.id)
    return CalendarOut(address=calendar_url(ctx, account.id, generation))


@router.delete("/calendar", status_code=204, summary="Turn my private calendar address off")
def calendar_off(ctx: Ctx, account: Therapist, _csrf: Csrf) -> Response:
    CalendarFeed(ctx.engine).turn_off(account.id)
    return Response(status_code=204)

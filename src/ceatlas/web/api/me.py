"""The signed-in account, and a therapist's own profile and plan (visible to them alone)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from ceatlas.accounts.profile import Plan, Plans, ProfileIn, ProfileOut, Profiles
from ceatlas.web.auth import CurrentAccount, Therapist, csrf_token, verify_csrf
from ceatlas.web.context import Ctx
from ceatlas.web.schemas import MAX_ID, ErrorResponse, UtcDateTime

AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Not logged in"},
    403: {"model": ErrorResponse, "description": "Not a therapist account, or no CSRF token"},
    422: {"model": ErrorResponse, "description": "A field is invalid (see error.field)"},
}
router = APIRouter(prefix="/me", tags=["me"], responses=AUTH_RESPONSES)
Csrf = Annotated[None, Depends(verify_csrf)]
SessionId = Annotated[int, Path(ge=1, le=MAX_ID, description="A session id.")]


class Me(BaseModel):
    id: int
    email: str
    role: str
    display_name: str
    provider_id: int | None
    approved: bool
    csrf_token: str = Field(description="Send as X-CSRF-Token on writes that use the cookie.")


class PlanItemOut(BaseModel):
    session_id: int
    course_id: int
    course_title: str
    provider_name: str | None
    mode: str
    start_date: dt.date | None
    end_date: dt.date | None
    city: str | None
    region: str | None
    price: Decimal | None
    currency: str
    ce_hours: Decimal | None
    added_at: UtcDateTime
    seats_remaining: int | None = None
    ended: bool = Field(False, description="The session has ended: it can go to the CE record.")
    cheaper_session_id: int | None = Field(
        None, description="A cheaper upcoming session of the same course, if any."
    )
    changes: list[str] = Field(
        default_factory=list,
        description="What the provider changed since the session was saved (or last noted).",
    )


class OtherSessionOut(BaseModel):
    course_id: int
    session_id: int
    start_date: dt.date | None
    price: Decimal | None
    currency: str


class WithdrawnOut(BaseModel):
    """A saved session its provider withdrew: as it was when saved."""

    id: int = Field(description="The saved entry's id (the session itself is gone).")
    course_title: str
    provider_name: str | None
    mode: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    place: str | None
    price: Decimal | None
    currency: str
    ce_hours: Decimal | None
    added_at: UtcDateTime
    other_sessions: list[OtherSessionOut] = Field(
        description="Up to three upcoming sessions of the same course."
    )


class PlanOut(BaseModel):
    items: list[PlanItemOut]
    total_cost: dict[str, Decimal] = Field(description="Sum of prices per currency.")
    total_hours: Decimal = Field(description="CE hours, each course counted once.")
    unpriced: int = Field(description="Saved sessions without a price (not in the total).")
    rows_hours: Decimal = Field(
        description="The saved sessions' CE hours added up (a course saved twice counts twice)."
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Withdrawn or changed sessions, two sessions of one course, sessions on "
        "the same days, full sessions, cheaper sessions: in words.",
    )
    withdrawn: list[WithdrawnOut] = Field(
        default_factory=list, description="Saved sessions withdrawn by their providers."
    )


class PlanAdd(BaseModel):
    session_id: int = Field(ge=1, le=MAX_ID)


class PlanReplace(BaseModel):
    session_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(max_length=200)


def _plan(plan: Plan) -> PlanOut:
    return PlanOut(
        items=[
            PlanItemOut(
                **{k: v for k, v in vars(item).items() if k not in ("cheaper", "changes")},
                changes=list(item.changes),
                cheaper_session_id=item.cheaper[0] if item.cheaper else None,
            )
            for item in plan.items
        ],
        total_cost=plan.total_cost,
        total_hours=plan.total_hours,
        unpriced=plan.unpriced,
        rows_hours=plan.rows_hours,
        warnings=plan.warnings,
        withdrawn=[
            WithdrawnOut(
                id=w.saved_id,
                **{k: v for k, v in vars(w).items() if k not in ("saved_id", "others")},
                other_sessions=[
                    OtherSessionOut(
                        course_id=cid, session_id=sid, start_date=start, price=price, currency=cur
                    )
                    for cid, sid, start, price, cur in w.others
                ],
            )
            for w in plan.withdrawn
        ],
    )


@router.get("", response_model=Me, summary="The signed-in account")
def me(request: Request, account: CurrentAccount) -> Me:
    return Me(
        id=account.id,
        email=account.email,
        role=account.role.value,
        display_name=account.display_name,
        provider_id=account.provider_id,
        approved=account.approved,
        csrf_token=csrf_token(request),
    )


@router.get("/profile", response_model=ProfileOut, summary="My profile")
def get_profile(ctx: Ctx, account: Therapist) -> ProfileOut:
    return Profiles(ctx.engine).get(account.id)


@router.put("/profile", response_model=ProfileOut, summary="Replace my profile")
def put_profile(ctx: Ctx, account: Therapist, _csrf: Csrf, body: ProfileIn) -> ProfileOut:
    return Profiles(ctx.engine).save(account.id, body)


@router.get("/plan", response_model=PlanOut, summary="My plan: saved sessions and totals")
def get_plan(ctx: Ctx, account: Therapist) -> PlanOut:
    return _plan(Plans(ctx.engine).get(account.id, ctx.today()))


@router.put("/plan", response_model=PlanOut, summary="Replace my plan's sessions")
def put_plan(ctx: Ctx, account: Therapist, _csrf: Csrf, body: PlanReplace) -> PlanOut:
    plans = Plans(ctx.engine)
    plans.replace(account.id, body.session_ids)
    return _plan(plans.get(account.id, ctx.today()))


@router.post(
    "/plan",
    response_model=PlanOut,
    status_code=201,
    summary="Save a session to my plan",
    responses={
        200: {"model": PlanOut, "description": "Already saved"},
        404: {"model": ErrorResponse, "description": "No such session"},
    },
)
def add_to_plan(
    ctx: Ctx, account: Therapist, _csrf: Csrf, body: PlanAdd, response: Response
) -> PlanOut:
    plans = Plans(ctx.engine)
    if not plans.add(account.id, body.session_id):
        response.status_code = 200
    return _plan(plans.get(account.id, ctx.today()))


@router.delete(
    "/plan/{session_id}",
    response_model=PlanOut,
    summary="Remove a session from my plan",
    responses={404: {"model": ErrorResponse, "description": "Not in the plan"}},
)
def remove_from_plan(ctx: Ctx, account: Therapist, _csrf: Csrf, session_id: SessionId) -> PlanOut:
    plans = Plans(ctx.engine)
    plans.remove(account.id, session_id)
    return _plan(plans.get(account.id, ctx.today()))


@router.post(
    "/plan/{session_id}/noted",
    response_model=PlanOut,
    summary="I have seen what the provider changed in this saved session",
    responses={404: {"model": ErrorResponse, "description": "Not in the plan"}},
)
def note_plan_changes(ctx: Ctx, account: Therapist, _csrf: Csrf, session_id: SessionId) -> PlanOut:
    plans = Plans(ctx.engine)
    plans.note_changes(account.id, session_id)
    return _plan(plans.get(account.id, ctx.today()))


@router.delete(
    "/plan/withdrawn/{saved_id}",
    response_model=PlanOut,
    summary="Take a withdrawn session off my plan",
    responses={404: {"model": ErrorResponse, "description": "No such withdrawn session"}},
)
def remove_withdrawn(
    ctx: Ctx,
    account: Therapist,
    _csrf: Csrf,
    saved_id: Annotated[int, Path(ge=1, le=MAX_ID, description="A withdrawn entry's id.")],
) -> PlanOut:
    plans = Plans(ctx.engine)
    plans.dismiss(account.id, saved_id)
    return _plan(plans.get(account.id, ctx.today()))

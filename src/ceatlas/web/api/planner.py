"""The optimal plan for the signed-in therapist's goals (JSON, iCalendar, PDF)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from ceatlas.compliance import ComplianceError
from ceatlas.planner.goals import GoalError, GoalSpec
from ceatlas.planner.serialize import plan_json
from ceatlas.planner.service import Planner, PlanOptions, PlanOutcome
from ceatlas.web.api.ce import records
from ceatlas.web.auth import Therapist
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.errors import WebError
from ceatlas.web.schemas import file_response

router = APIRouter(prefix="/me/pathway-plan", tags=["me"])
Names = list[str]


class PlanRequest(BaseModel):
    pathways: Names = Field(default_factory=list, max_length=10)
    licenses: Names = Field(default_factory=list, max_length=10)
    competencies: Names = Field(default_factory=list, max_length=30)
    techniques: Names = Field(default_factory=list, max_length=30)
    caseload: Names = Field(default_factory=list, max_length=30)
    budget: float | None = Field(default=None, ge=0)
    date_from: str | None = None
    date_to: str | None = None
    days: Names | None = None
    times: Names | None = None
    modes: Names | None = None
    near: str | None = Field(default=None, max_length=100)
    max_km: float | None = Field(default=None, ge=0)
    per_month: int | None = Field(default=None, ge=1, le=31)
    objective: Literal["cost", "finish", "trips", "mix"] = "cost"


def _outcome(ctx: WebContext, account_id: int, body: PlanRequest) -> PlanOutcome:
    spec = GoalSpec(
        tuple(body.pathways),
        tuple(body.licenses),
        tuple(body.competencies),
        tuple(body.techniques),
        tuple(body.caseload),
    )
    options = PlanOptions(
        budget=body.budget,
        date_from=body.date_from,
        date_to=body.date_to,
        days=body.days,
        times=body.times,
        modes=body.modes,
        near=body.near,
        max_km=body.max_km,
        per_month=body.per_month,
        objective=body.objective,
        time_limit=5.0,
    )
    try:
        return Planner(ctx.engine, ctx.kb, records(ctx)).plan(
            account_id, spec, options, ctx.today()
        )
    except (GoalError, ComplianceError) as error:
        raise WebError(422, error.message, error.field) from None


@router.post("", summary="Plan the sessions that reach my goals")
def make_plan(ctx: Ctx, account: Therapist, body: PlanRequest) -> dict[str, Any]:
    return plan_json(_outcome(ctx, account.id, body))


@router.post(
    "/plan.ics",
    summary="The plan as iCalendar",
    response_class=Response,
    responses=file_response("text/calendar", "The plan as an iCalendar file"),
)
def plan_ics(ctx: Ctx, account: Therapist, body: PlanRequest) -> Response:
    from ceatlas.planner.export import plan_calendar

    outcome = _outcome(ctx, account.id, body)
    if outcome.result.plan is None:
        raise WebError(422, "no plan within these limits", "plan")
    data = plan_calendar(outcome.result.plan, outcome.deadlines)
    return Response(data, media_type="text/calendar")


@router.post(
    "/plan.pdf",
    summary="The plan as PDF",
    response_class=Response,
    responses=file_response("application/pdf", "The plan as a PDF file"),
)
def plan_pdf(ctx: Ctx, account: Therapist, body: PlanRequest) -> Response:
    from ceatlas.planner.export import plan_pdf as render

    return Response(render(_outcome(ctx, account.id, body).result), media_type="application/pdf")

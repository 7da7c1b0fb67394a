"""``POST /api/v1/recommend``: techniques and courses for a caseload;
``POST /api/v1/recommend/caseloads``: the same for several caseloads in one call (a clinic's
days, say), each answered on its own, in the order given; together at most as many
complaints as one caseload may have.

Anonymous and stateless: the caseload is read, answered and forgotten (nothing is stored,
so no account or CSRF token is needed). Fields or values that look like client identifiers
are refused with a 422 that names the field.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ceatlas.recommend import (
    Caseload,
    Constraints,
    MatcherUnavailableError,
    PlannerHandover,
    Recommendations,
    Recommender,
)
from ceatlas.recommend.caseload import MAX_COMPLAINTS, refuse_identifier_fields
from ceatlas.recommend.matching import shared_matcher
from ceatlas.search import SearchError
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.errors import ERROR_RESPONSES, WebError

router = APIRouter(tags=["recommend"])


class RecommendRequest(Caseload):
    """A caseload (complaints and clients a month, no client identifiers) and constraints."""

    model_config = ConfigDict(extra="forbid")

    constraints: Constraints = Field(default_factory=Constraints)
    matcher: Literal["lexical", "embedding", "auto"] = Field(
        "auto",
        description="auto: lexical + embeddings when the model is loaded (it loads in the "
        "background after the first request), else lexical.",
    )
    assume_best: bool = Field(False, description="Count uncertain complaints as their best match.")
    max_techniques: int = Field(5, ge=1, le=20)
    max_courses: int = Field(10, ge=0, le=50)


class RecommendResponse(Recommendations):
    planner: PlannerHandover = Field(
        description="What to hand to the planner: technique and condition ids, and the "
        "'ceatlas plan' command line."
    )


MAX_CASELOADS = 10


class SeveralRequest(BaseModel):
    """Several caseloads answered one by one under the same constraints and options."""

    model_config = ConfigDict(extra="forbid")

    caseloads: list[Caseload] = Field(min_length=1, max_length=MAX_CASELOADS)
    constraints: Constraints = Field(default_factory=Constraints)
    matcher: Literal["lexical", "embedding", "auto"] = "auto"
    assume_best: bool = False
    max_techniques: int = Field(5, ge=1, le=20)
    max_courses: int = Field(10, ge=0, le=50)

    @model_validator(mode="before")
    @classmethod
    def _no_identifier_fields(cls, data: Any) -> Any:
        refuse_identifier_fields(data, "")
        return data

    @model_validator(mode="after")
    def _not_too_many(self) -> SeveralRequest:
        # one call does at most the work of one full caseload
        total = sum(len(c.complaints) for c in self.caseloads)
        if total > MAX_COMPLAINTS:
            raise ValueError(
                f"at most {MAX_COMPLAINTS} complaints in all caseloads together ({total} given)"
            )
        return self


class SeveralResponse(BaseModel):
    results: list[RecommendResponse] = Field(description="One answer per caseload, in order.")


def run(ctx: WebContext, body: RecommendRequest) -> RecommendResponse:
    """The one entry point the API and the page share."""
    return _answer(ctx, Caseload(complaints=body.complaints), body)


def _answer(
    ctx: WebContext, caseload: Caseload, body: RecommendRequest | SeveralRequest
) -> RecommendResponse:
    try:
        matcher = shared_matcher(ctx.kb, body.matcher, wait=body.matcher != "auto")
        result = Recommender(ctx.kb, ctx.engine, matcher=matcher).recommend(
            caseload,
            body.constraints,
            today=ctx.today(),
            assume_best=body.assume_best,
            max_techniques=body.max_techniques,
            max_courses=body.max_courses,
        )
    except MatcherUnavailableError as error:
        raise WebError(422, str(error), "matcher") from None
    except SearchError as error:
        raise WebError(422, str(error), "constraints") from None
    return RecommendResponse(
        **result.model_dump(),
        planner=result.planner_handover(),
    )


@router.post(
    "/recommend",
    summary="Techniques and courses for the complaints your clients bring",
    responses=ERROR_RESPONSES,
)
def recommend(ctx: Ctx, body: RecommendRequest) -> RecommendResponse:
    return run(ctx, body)


@router.post(
    "/recommend/caseloads",
    summary="Techniques and courses for several caseloads in one call",
    responses=ERROR_RESPONSES,
)
def recommend_several(ctx: Ctx, body: SeveralRequest) -> SeveralResponse:
    return SeveralResponse(results=[_answer(ctx, caseload, body) for caseload in body.caseloads])

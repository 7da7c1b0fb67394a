"""``GET /api/v1/search``: every SearchQuery field as a query parameter."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from ceatlas.recommend.matching import shared_matcher
from ceatlas.recommend.query import understood_search
from ceatlas.search import SearchError, SearchResult
from ceatlas.web.context import Ctx
from ceatlas.web.errors import ERROR_RESPONSES, WebError
from ceatlas.web.schemas import ErrorResponse
from ceatlas.web.search_params import openapi_parameters, parse

router = APIRouter(tags=["search"])

_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The query cannot run (e.g. unknown place)"},
    422: ERROR_RESPONSES[422],
}


@router.get(
    "/search",
    response_model=SearchResult,
    responses=_RESPONSES,
    openapi_extra={"parameters": openapi_parameters()},
    summary="Search course sessions",
)
def search(request: Request, ctx: Ctx) -> Response:
    """Sessions (or courses with ``group_by_course``) matching every filter given, with
    facet counts and an explanation of why each result matched. Words that find nothing are
    read as a client's complaint and searched as its condition (``read_as_complaint``
    says so; ``literal=true`` keeps the words). Lists may be repeated
    parameters or comma-separated; blank parameters are ignored; unknown ones are a 422."""
    query = parse(request.query_params.multi_items(), strict=True)
    try:
        result = understood_search(
            lambda: shared_matcher(ctx.kb, "auto", wait=False),
            query,
            lambda q: ctx.search.search(q, ctx.today()),
        )
    except SearchError as error:
        field = "near" if query.near else None
        raise WebError(400, str(error), field) from None
    # Serialised by pydantic directly: the result is already a validated SearchResult, and
    # FastAPI's re-validation of the response model cost as much as a cached answer.
    return Response(result.model_dump_json(), media_type="application/json")

"""``GET /api/v1/providers`` and ``GET /api/v1/programs``: the directories, page by page.

Public, like the search. ``q`` keeps the rows whose name contains it; ``page`` picks a page
of ``per_page`` rows, and a page past the last gives the last page (``page`` in the answer
says which). Unknown parameters and a page number that is not a whole number from 1 are a
422.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ceatlas.web import queries
from ceatlas.web.context import Ctx, Db
from ceatlas.web.errors import ERROR_RESPONSES
from ceatlas.web.schemas import ProgramList, ProviderList

router = APIRouter(tags=["catalog"], responses={422: ERROR_RESPONSES[422]})


class DirectoryQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field("", max_length=200, description="Part of the name (any case).")
    page: int = Field(1, ge=1, le=100_000, description="Page number; past the last: the last.")


Params = Annotated[DirectoryQuery, Query()]


@router.get("/providers", response_model=ProviderList, summary="The provider directory")
def list_providers(ctx: Ctx, db: Db, params: Params) -> ProviderList:
    """Providers by name, each with its place, courses, upcoming sessions, the ways of
    teaching of those sessions and its approvals as published."""
    return queries.provider_list(db, ctx.kb, params.q, params.page, ctx.today())


@router.get("/programs", response_model=ProgramList, summary="The program directory")
def list_programs(ctx: Ctx, db: Db, params: Params) -> ProgramList:
    """Programs by name, each with its structure, hours (stated total beside the CE hours of
    its required courses), the price range of its courses' upcoming sessions, how many of
    its courses have no price, and its next start."""
    return queries.program_list(db, params.q, params.page, ctx.today())

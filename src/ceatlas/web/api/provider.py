"""A provider's authenticated writes: its own courses, sessions, programs and feed imports.

Authenticate with an API token (``Authorization: Bearer ...``) or a session cookie plus
``X-CSRF-Token``. Every id must belong to the account's provider: another provider's
listing is a 403, an unknown one a 404, a key already taken a 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ceatlas.catalog.models import Course, CourseSession, Program
from ceatlas.catalog.publishing import Publisher
from ceatlas.catalog.publishing_input import CourseIn, ProgramIn, SessionIn
from ceatlas.web.auth import ProviderAccount, verify_csrf
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.schemas import MAX_ID, ErrorResponse


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("The request cannot be used"),
    401: _error("No valid API token or session"),
    403: _error("Not an approved provider, another provider's listing, or no CSRF token"),
    404: _error("No such listing"),
    409: _error("The id or key is already used"),
    422: _error("A field is invalid (see error.field)"),
}
router = APIRouter(prefix="/provider", tags=["provider"], responses=RESPONSES)
Csrf = Annotated[None, Depends(verify_csrf)]
CourseId = Annotated[int, Path(ge=1, le=MAX_ID)]
SessionId = Annotated[int, Path(ge=1, le=MAX_ID)]
ProgramId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Written(BaseModel):
    id: int
    url: str = Field(description="The public page.")


class CourseSummary(BaseModel):
    id: int
    key: str
    title: str
    sessions: int


class Listings(BaseModel):
    provider_id: int
    courses: list[CourseSummary]
    programs: list[Written]


class ImportSummary(BaseModel):
    records_imported: int
    records_rejected: int
    nodes_ignored: int
    courses: dict[str, int]
    sessions: dict[str, int]
    programs: dict[str, int]
    problems: list[dict[str, str]]
    problems_not_listed: dict[str, int] = Field(
        {}, description="Problems past the listing limit, counted by reason."
    )
    merged: list[str] = []  # records that repeated a course of this request, merged into it
    past_sessions: int = Field(
        0, description="Sessions starting before today: kept as history, left out of search."
    )
    past_note: str | None = Field(None, description="The same in words, when there are any.")


def _publisher(ctx: WebContext, account: ProviderAccount) -> Publisher:
    assert account.provider_id is not None
    return Publisher(ctx.engine, ctx.kb, account.provider_id, ctx.today(), via="api")


@router.get("/listings", response_model=Listings, summary="My courses and programs")
def listings(ctx: Ctx, account: ProviderAccount) -> Listings:
    with Session(ctx.engine) as db:
        courses = db.execute(
            select(Course.id, Course.key, Course.title, func.count(CourseSession.id))
            .outerjoin(CourseSession, CourseSession.course_id == Course.id)
            .where(Course.provider_id == account.provider_id)
            .group_by(Course.id, Course.key, Course.title)
            .order_by(Course.id)
        ).all()
        programs = db.execute(
            select(Program.id).where(Program.provider_id == account.provider_id)
        ).scalars()
        return Listings(
            provider_id=account.provider_id or 0,
            courses=[CourseSummary(id=i, key=k, title=t, sessions=n) for i, k, t, n in courses],
            programs=[Written(id=i, url=f"/programs/{i}") for i in programs],
        )


@router.post("/courses", response_model=Written, status_code=201, summary="Publish a course")
def create_course(ctx: Ctx, account: ProviderAccount, _csrf: Csrf, body: CourseIn) -> Written:
    course_id = _publisher(ctx, account).create_course(body)
    return Written(id=course_id, url=f"/courses/{course_id}")


@router.put("/courses/{course_id}", response_model=Written, summary="Change a course")
def update_course(
    ctx: Ctx, account: ProviderAccount, _csrf: Csrf, course_id: CourseId, body: CourseIn
) -> Written:
    _publisher(ctx, account).update_course(course_id, body)
    return Written(id=course_id, url=f"/courses/{course_id}")


@router.delete("/courses/{course_id}", status_code=204, summary="Delete a course and its sessions")
def delete_course(ctx: Ctx, account: ProviderAccount, _csrf: Csrf, course_id: CourseId) -> Response:
    _publisher(ctx, account).delete_course(course_id)
    return Response(status_code=204)


@router.post(
    "/courses/{course_id}/sessions",
    response_model=Written,
    status_code=201,
    summary="Add a session to a course",
)
def create_session(
    ctx: Ctx, account: ProviderAccount, _csrf: Csrf, course_id: CourseId, body: SessionIn
) -> Written:
    """A start date before today is a 422 naming the date (``field`` is start_date)."""
    session_id = _publisher(ctx, account).create_session(course_id, body)
    return Written(id=session_id, url=f"/courses/{course_id}#session-{session_id}")


@router.put("/sessions/{session_id}", response_model=Written, summary="Change a session")
def update_session(
    ctx: Ctx, account: ProviderAccount, _csrf: Csrf, session_id: SessionId, body: SessionIn
) -> Written:
    """Moving a session to a start date before today is a 422 naming the date; a session
    that already started can be corrected as long as its start date stays the same."""
    _publisher(ctx, account).update_session(session_id, body)
    return Written(id=session_id, url=f"/sessions/{session_id}")


@router.delete("/sessions/{session_id}", status_code=204, summary="Delete a session")
def delete_session(
    ctx: Ctx, account: ProviderAccount, _csrf: Csrf, session_id: SessionId
) -> Response:
    _publisher(ctx, account).delete_session(session_id)
    return Response(status_code=204)


@router.post("/programs", response_model=Written, status_code=201, summary="Publish a program")
def create_program(ctx: Ctx, account: ProviderAccount, _csrf: Csrf, body: ProgramIn) -> Written:
    program_id = _publisher(ctx, account).create_program(body)
    return Written(id=program_id, url=f"/programs/{program_id}")


@router.put("/programs/{program_id}", response_model=Written, summary="Change a program")
def update_program(
    ctx: Ctx, account: ProviderAccount, _csrf: Csrf, program_id: ProgramId, body: ProgramIn
) -> Written:
    _publisher(ctx, account).update_program(program_id, body)
    return Written(id=program_id, url=f"/programs/{program_id}")


@router.delete("/programs/{program_id}", status_code=204, summary="Delete a program")
def delete_program(
    ctx: Ctx, account: ProviderAccount, _csrf: Csrf, program_id: ProgramId
) -> Response:
    _publisher(ctx, account).delete_program(program_id)
    return Response(status_code=204)


@router.post("/import", response_model=ImportSummary, summary="Sync: import JSON-LD")
def import_jsonld(
    ctx: Ctx,
    account: ProviderAccount,
    _csrf: Csrf,
    document: Annotated[
        dict[str, Any] | list[Any],
        Body(description="A schema.org JSON-LD document (Course, Program or @graph)."),
    ],
) -> ImportSummary:
    """Upsert courses, sessions and programs by their ids, as this provider's listings.

    Records that are invalid, or whose id belongs to another provider, are listed in
    ``problems``; the others are written. Sessions starting before today are written as
    history and counted in ``past_sessions`` (search leaves them out).
    """
    report = _publisher(ctx, account).import_documents([document], "request")
    t = report.totals
    return ImportSummary(
        records_imported=report.records_imported,
        records_rejected=report.records_rejected,
        nodes_ignored=report.nodes_ignored,
        courses=vars(t.courses),
        sessions=vars(t.sessions),
        programs=vars(t.programs),
        problems=[vars(p) for p in report.problems],
        problems_not_listed=report.problems_not_listed,
        merged=report.merged,
        past_sessions=report.past_sessions,
        past_note=report.past_note(),
    )

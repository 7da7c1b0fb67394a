"""Courses, sessions, providers and programs by id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ceatlas.web import queries
from ceatlas.web.context import Ctx, Db
from ceatlas.web.errors import ERROR_RESPONSES, not_found
from ceatlas.web.schemas import MAX_ID, Course, Program, Provider, SessionDetail

router = APIRouter(tags=["catalog"], responses=ERROR_RESPONSES)
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="The numeric id, as in page URLs.")]


@router.get("/courses/{course_id}", response_model=Course, summary="One course")
def get_course(ctx: Ctx, db: Db, course_id: Id) -> Course:
    """A course with its provider, approvals and every session."""
    course = queries.load_course(db, course_id)
    if course is None:
        raise not_found("course")
    return queries.course_detail(course, ctx.kb)


@router.get("/sessions/{session_id}", response_model=SessionDetail, summary="One session")
def get_session(db: Db, session_id: Id) -> SessionDetail:
    found = queries.session_detail(db, session_id)
    if found is None:
        raise not_found("session")
    return found


@router.get("/providers/{provider_id}", response_model=Provider, summary="One provider")
def get_provider(ctx: Ctx, db: Db, provider_id: Id) -> Provider:
    """A provider with its approvals, courses and programs."""
    found = queries.provider_detail(db, provider_id, ctx.kb, ctx.today())
    if found is None:
        raise not_found("provider")
    return found


@router.get("/programs/{program_id}", response_model=Program, summary="One program")
def get_program(ctx: Ctx, db: Db, program_id: Id) -> Program:
    """A program's ordered requirement groups with their courses, its hours, and what its
    required courses cost at their cheapest upcoming sessions."""
    found = queries.program_detail(db, program_id, ctx.today())
    if found is None:
        raise not_found("program")
    return found

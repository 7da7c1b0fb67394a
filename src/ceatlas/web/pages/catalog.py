"""Course, provider and program pages, and a session's calendar file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from ceatlas.accounts import Role
from ceatlas.catalog import models as m
from ceatlas.compliance import CeRecords
from ceatlas.planner.fit import counts_for_licenses
from ceatlas.web import queries
from ceatlas.web.auth import OptionalAccount
from ceatlas.web.context import Ctx, Db
from ceatlas.web.errors import WebError, not_found
from ceatlas.web.ics import session_calendar
from ceatlas.web.labels import mode_label
from ceatlas.web.license_fit import LicenseFit, checked_count, license_fits
from ceatlas.web.pages.common import SAMPLE_NOTICE, render
from ceatlas.web.pages.sources import origin_words
from ceatlas.web.schemas import MAX_ID
from ceatlas.web.templating import _query_url

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="The numeric id, as in page URLs.")]
Page = Annotated[int, Query(ge=1, le=100_000, description="Page number.")]


@router.get("/courses/{course_id}", response_class=HTMLResponse)
def course_page(
    request: Request, ctx: Ctx, db: Db, course_id: Id, account: OptionalAccount
) -> HTMLResponse:
    course = queries.load_course(db, course_id)
    if course is None:
        raise not_found("course")
    detail = queries.course_detail(course, ctx.kb)
    fits = []
    toward: list[tuple[str, list[str]]] = []
    if account is not None and account.role == Role.THERAPIST:
        licenses = CeRecords(ctx.engine, ctx.kb, ctx.settings.data_dir).licenses(account.id)
        fits = license_fits(
            licenses, detail.approvals, detail.provider_approvals, ctx.kb, ctx.today()
        )
        toward = _toward_by_mode(ctx, db, account.id, course_id, {f.state: f for f in fits})
    programs = [
        p
        for p in db.scalars(select(m.Program).order_by(m.Program.name))
        if any(course.key in (g.get("courses") or []) for g in p.structure)
    ]
    return render(
        request,
        "course.html",
        {
            "course": detail,
            "reading": queries.course_reading(db, ctx.kb, course_id),
            "cautions": queries.course_cautions(ctx.kb, course),
            "jsonld": queries.course_jsonld_text(course),
            "programs": programs,
            "license_fits": fits,
            "license_toward": toward,
            "sample_notice": SAMPLE_NOTICE if detail.is_sample else None,
            "listing_origin": origin_words(course.origin_kind, course.last_seen_at),
        },
    )


def _toward_by_mode(
    ctx: Ctx, db: Db, user_id: int, course_id: int, fits: dict[str, LicenseFit]
) -> list[tuple[str, list[str]]]:
    """For each way this course's upcoming sessions are given: what they count toward, per
    license (in person may count toward hands-on hours that online does not), corrected by
    whether the approval was checked (``fits``, by state name)."""
    today = ctx.today()
    sessions = db.execute(
        select(m.CourseSession.key, m.CourseSession.mode).where(
            m.CourseSession.course_id == course_id
        )
    ).all()
    if not sessions:
        return []
    statuses = CeRecords(ctx.engine, ctx.kb, ctx.settings.data_dir).status(user_id, today)
    found = counts_for_licenses(ctx.engine, ctx.kb, statuses, [k for k, _ in sessions], today)
    by_mode: dict[str, list[str]] = {}
    for key, mode in sessions:
        lines = [checked_count(lc, fits)[0] for lc in found.get(key, [])]
        if lines:
            by_mode.setdefault(mode_label(mode), lines)
    return sorted(by_mode.items())


@router.get("/sessions/{session_id}.ics")
def session_ics(request: Request, ctx: Ctx, db: Db, session_id: Id) -> Response:
    session = db.get(m.CourseSession, session_id)
    if session is None:
        raise not_found("session")
    try:
        body = session_calendar(session, ctx.settings.public_url)
    except ValueError as error:
        raise WebError(404, f"session {session_id}: {error}") from None
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="ceatlas-session-{session_id}.ics"'},
    )


@router.get("/sessions/{session_id}")
def session_page(db: Db, session_id: Id) -> RedirectResponse:
    session = db.get(m.CourseSession, session_id)
    if session is None:
        raise not_found("session")
    return RedirectResponse(f"/courses/{session.course_id}#session-{session.id}", status_code=303)


def _directory_pages(path: str, text: str, page: int, pages: int) -> list[dict[str, Any]]:
    if pages <= 1:
        return []
    params = [("q", text)] if text else []
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    return [
        {
            "label": str(n),
            "url": _query_url(path, params, page=n),
            "current": n == page,
        }
        for n in shown
    ]


NameFilter = Annotated[str, Query(max_length=200, description="Part of the name.")]


def _directory(request: Request, kind: str, listing: Any, text: str) -> HTMLResponse:
    return render(
        request,
        f"{kind}.html",
        {
            "listing": listing,
            "q": text,
            "pages": _directory_pages(f"/{kind}", text, listing.page, listing.pages),
            "sample_notice": SAMPLE_NOTICE if any(r.is_sample for r in listing.rows) else None,
        },
    )


@router.get("/providers", response_class=HTMLResponse)
def providers_page(
    request: Request, ctx: Ctx, db: Db, q: NameFilter = "", page: Page = 1
) -> HTMLResponse:
    """Every provider in the catalog, by name, with its place, courses, upcoming sessions,
    ways of teaching and approvals (what ``GET /api/v1/providers`` gives)."""
    listing = queries.provider_list(db, ctx.kb, q, page, ctx.today())
    return _directory(request, "providers", listing, q)


@router.get("/programs", response_class=HTMLResponse)
def programs_page(
    request: Request, ctx: Ctx, db: Db, q: NameFilter = "", page: Page = 1
) -> HTMLResponse:
    """Every program in the catalog, by name, with its school, structure, hours, course
    fees and next start (what ``GET /api/v1/programs`` gives)."""
    listing = queries.program_list(db, q, page, ctx.today())
    return _directory(request, "programs", listing, q)


@router.get("/providers/{provider_id}", response_class=HTMLResponse)
def provider_page(request: Request, ctx: Ctx, db: Db, provider_id: Id) -> HTMLResponse:
    provider = queries.provider_detail(db, provider_id, ctx.kb, ctx.today())
    if provider is None:
        raise not_found("provider")
    return render(
        request,
        "provider.html",
        {"provider": provider, "sample_notice": SAMPLE_NOTICE if provider.is_sample else None},
    )


@router.get("/programs/{program_id}", response_class=HTMLResponse)
def program_page(request: Request, ctx: Ctx, db: Db, program_id: Id) -> HTMLResponse:
    program = queries.program_detail(db, program_id, ctx.today())
    if program is None:
        raise not_found("program")
    return render(
        request,
        "program.html",
        {"program": program, "sample_notice": SAMPLE_NOTICE if program.is_sample else None},
    )

"""The provider area: its own courses, sessions and programs, uploads and API tokens."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ceatlas.accounts.models import Role
from ceatlas.accounts.tokens import ApiTokens
from ceatlas.catalog.models import Course, CourseSession, Program
from ceatlas.catalog.publishing import Publisher
from ceatlas.catalog.publishing_input import (
    CourseIn,
    ProgramIn,
    PublishError,
    SessionIn,
    field_of_message,
)
from ceatlas.kb import KnowledgeBase
from ceatlas.web import labels
from ceatlas.web.auth import CurrentAccount, ProviderAccount, verify_csrf
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import FormData, read_form

router = APIRouter(prefix="/provider")
Csrf = [Depends(verify_csrf)]
MODES = list(labels.MODE_LABELS.items())
COURSE_FIELDS = (
    "title",
    "description",
    "course_code",
    "ce_hours",
    "level",
    "language",
    "techniques",
    "conditions",
    "credential_awarded",
    "url",
    "ce_categories",
    "approvals",
)
# sent blank, these clear the course's list (omitted from an API update, they are kept)
CLEARABLE = ("ce_categories", "approvals")
SESSION_FIELDS = tuple(SessionIn.model_fields)
PROGRAM_GROUPS = 3
M = TypeVar("M", bound=BaseModel)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _publisher(ctx: WebContext, provider_id: int | None) -> Publisher:
    assert provider_id is not None
    return Publisher(ctx.engine, ctx.kb, provider_id, ctx.today())


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return render(request, name, {"nav": "area"} | context, status)


def _errors(error: ValidationError) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in error.errors():
        field: str | None = str(item["loc"][0]) if item["loc"] else None
        message = str(item["msg"])
        if field is None:
            field, message = field_of_message(message)
        found.setdefault(field or "_", message.removeprefix("Value error, "))
    return found


def _parse(model: type[M], raw: dict[str, Any]) -> tuple[M | None, dict[str, str]]:
    try:
        return model.model_validate(raw), {}
    except ValidationError as error:
        return None, _errors(error)


def _course_raw(form: FormData) -> dict[str, Any]:
    raw: dict[str, Any] = {name: form.get(name) for name in COURSE_FIELDS}
    for name in CLEARABLE:
        raw[name] = raw[name] if raw[name].strip() else []
    return raw


def _as_typed(raw: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the provider typed them (an emptied list field shows empty,
    not as "[]")."""
    return {name: "" if value == [] else value for name, value in raw.items()}


def _session_raw(form: FormData) -> dict[str, Any]:
    return {name: form.get(name) for name in SESSION_FIELDS}


def _text_values(model: BaseModel) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in model.model_dump(mode="json").items():
        if isinstance(value, list):
            values[key] = ", ".join(str(v) for v in value)
        else:
            values[key] = "" if value is None else str(value)
    return values


# --- home ---------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def home(request: Request, ctx: Ctx, account: CurrentAccount) -> Response:
    if account.role is not Role.PROVIDER:
        from ceatlas.web.errors import WebError

        raise WebError(403, "this is for provider accounts")
    if not account.can_publish:
        return _page(request, "provider_pending.html", {"account": account})
    with Session(ctx.engine) as db:
        courses = db.execute(
            select(Course.id, Course.title, Course.ce_hours, func.count(CourseSession.id))
            .outerjoin(CourseSession, CourseSession.course_id == Course.id)
            .where(Course.provider_id == account.provider_id)
            .group_by(Course.id, Course.title, Course.ce_hours)
            .order_by(Course.title)
        ).all()
        programs = db.execute(
            select(Program.id, Program.name)
            .where(Program.provider_id == account.provider_id)
            .order_by(Program.name)
        ).all()
    context = {"area": "listings", "courses": courses, "programs": programs, "account": account}
    return _page(request, "provider_home.html", context)


# --- courses ------------------------------------------------------------------------------


def _course_form(
    request: Request,
    values: dict[str, str],
    errors: dict[str, str],
    course_id: int | None = None,
    sessions: list[CourseSession] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "area": "listings",
        "values": values,
        "errors": errors,
        "course_id": course_id,
        "sessions": sessions or [],
    }
    return _page(request, "provider_course_form.html", context, status)


@router.get("/courses/new", response_class=HTMLResponse)
def new_course_page(request: Request, account: ProviderAccount) -> Response:
    return _course_form(request, {}, {})


@router.post("/courses/new", response_class=HTMLResponse, dependencies=Csrf)
async def new_course(request: Request, ctx: Ctx, account: ProviderAccount) -> Response:
    raw = _course_raw(await read_form(request))
    data, errors = _parse(CourseIn, raw)
    if data is None:
        return _course_form(request, _as_typed(raw), errors, status=422)
    try:
        course_id = _publisher(ctx, account.provider_id).create_course(data)
    except PublishError as error:
        return _course_form(
            request, _as_typed(raw), {error.field or "_": error.message}, status=error.status
        )
    return _see_other(f"/provider/courses/{course_id}/edit?created=1")


def _course_values(course: Course, kb: KnowledgeBase) -> dict[str, str]:
    """The course as the form shows it: CE categories by name, approvals as
    AUTHORITY:number (FL:MCE1234 for the Florida board); approvals by another, named
    approver (which the form cannot take) are left out and kept when it is saved."""
    data = {name: getattr(course, name) for name in COURSE_FIELDS if name not in CLEARABLE}
    categories = kb.entries("categories")
    data["ce_categories"] = [
        categories[c].name if c in categories else c for c in course.ce_categories
    ]
    data["approvals"] = [  # another approver by name (from an import) is kept on save
        a.authority.removeprefix("state:") + (f":{a.number}" if a.number else "")
        for a in course.approvals
        if a.authority != "other"
    ]
    return _text_values(CourseIn.model_validate(data))


@router.get("/courses/{course_id}/edit", response_class=HTMLResponse)
def edit_course_page(
    request: Request, ctx: Ctx, account: ProviderAccount, course_id: int
) -> Response:
    publisher = _publisher(ctx, account.provider_id)
    with Session(ctx.engine) as db:
        course = publisher.own_course(db, course_id)
        values = _course_values(course, ctx.kb)
        sessions = list(course.sessions)
        db.expunge_all()
    return _course_form(request, values, {}, course_id, sessions)


@router.post("/courses/{course_id}/edit", response_class=HTMLResponse, dependencies=Csrf)
async def edit_course(
    request: Request, ctx: Ctx, account: ProviderAccount, course_id: int
) -> Response:
    publisher = _publisher(ctx, account.provider_id)
    with Session(ctx.engine) as db:
        course = publisher.own_course(db, course_id)
        sessions = list(course.sessions)
        db.expunge_all()
    raw = _course_raw(await read_form(request))
    data, errors = _parse(CourseIn, raw)
    if data is None:
        return _course_form(request, _as_typed(raw), errors, course_id, sessions, 422)
    try:
        publisher.update_course(course_id, data)
    except PublishError as error:
        errors = {error.field or "_": error.message}
        return _course_form(request, _as_typed(raw), errors, course_id, sessions, error.status)
    return _see_other(f"/provider/courses/{course_id}/edit?saved=1")


@router.post("/courses/{course_id}/delete", dependencies=Csrf)
def delete_course(ctx: Ctx, account: ProviderAccount, course_id: int) -> Response:
    _publisher(ctx, account.provider_id).delete_course(course_id)
    return _see_other("/provider?deleted=1")


# --- sessions -----------------------------------------------------------------------------


def _session_form(
    request: Request,
    course: Course,
    values: dict[str, str],
    errors: dict[str, str],
    session_id: int | None = None,
    status: int = 200,
) -> Response:
    context = {
        "area": "listings",
        "course": course,
        "values": values,
        "errors": errors,
        "session_id": session_id,
        "modes": MODES,
    }
    return _page(request, "provider_session_form.html", context, status)


@router.get("/courses/{course_id}/sessions/new", response_class=HTMLResponse)
def new_session_page(
    request: Request, ctx: Ctx, account: ProviderAccount, course_id: int
) -> Response:
    with Session(ctx.engine) as db:
        course = _publisher(ctx, account.provider_id).own_course(db, course_id)
        return _session_form(request, course, {"mode": "in_person", "currency": "USD"}, {})


@router.post("/courses/{course_id}/sessions/new", response_class=HTMLResponse, dependencies=Csrf)
async def new_session(
    request: Request, ctx: Ctx, account: ProviderAccount, course_id: int
) -> Response:
    publisher = _publisher(ctx, account.provider_id)
    raw = _session_raw(await read_form(request))
    with Session(ctx.engine) as db:
        course = publisher.own_course(db, course_id)
        data, errors = _parse(SessionIn, raw)
        if data is None:
            return _session_form(request, course, raw, errors, status=422)
        try:
            publisher.create_session(course_id, data)
        except PublishError as error:
            errors = {error.field or "_": error.message}
            return _session_form(request, course, raw, errors, status=error.status)
    return _see_other(f"/provider/courses/{course_id}/edit?session=1")


def _session_values(found: CourseSession) -> dict[str, str]:
    data = {name: getattr(found, name, None) for name in SESSION_FIELDS}
    data["currency"] = found.currency or "USD"
    try:
        return _text_values(SessionIn.model_validate(data))
    except ValidationError:  # stored by an import in a shape the form does not make
        return {k: "" if v is None else str(v) for k, v in data.items() if k != "instructors"}


@router.get("/sessions/{session_id}/edit", response_class=HTMLResponse)
def edit_session_page(
    request: Request, ctx: Ctx, account: ProviderAccount, session_id: int
) -> Response:
    publisher = _publisher(ctx, account.provider_id)
    with Session(ctx.engine) as db:
        found = publisher.own_session(db, session_id)
        course = publisher.own_course(db, found.course_id)
        return _session_form(request, course, _session_values(found), {}, session_id)


@router.post("/sessions/{session_id}/edit", response_class=HTMLResponse, dependencies=Csrf)
async def edit_session(
    request: Request, ctx: Ctx, account: ProviderAccount, session_id: int
) -> Response:
    publisher = _publisher(ctx, account.provider_id)
    raw = _session_raw(await read_form(request))
    with Session(ctx.engine) as db:
        found = publisher.own_session(db, session_id)
        course = publisher.own_course(db, found.course_id)
        data, errors = _parse(SessionIn, raw)
        if data is None:
            return _session_form(request, course, raw, errors, session_id, 422)
        try:
            publisher.update_session(session_id, data)
        except PublishError as error:
            errors = {error.field or "_": error.message}
            return _session_form(request, course, raw, errors, session_id, error.status)
        return _see_other(f"/provider/courses/{course.id}/edit?session=1")


@router.post("/sessions/{session_id}/delete", dependencies=Csrf)
def delete_session(ctx: Ctx, account: ProviderAccount, session_id: int) -> Response:
    publisher = _publisher(ctx, account.provider_id)
    with Session(ctx.engine) as db:
        course_id = publisher.own_session(db, session_id).course_id
    publisher.delete_session(session_id)
    return _see_other(f"/provider/courses/{course_id}/edit?session=1")


# --- programs -----------------------------------------------------------------------------


def _own_courses(ctx: WebContext, provider_id: int | None) -> list[tuple[int, str]]:
    with Session(ctx.engine) as db:
        rows = db.execute(
            select(Course.id, Course.title)
            .where(Course.provider_id == provider_id)
            .order_by(Course.title)
        ).all()
    return [(int(i), str(t)) for i, t in rows]


def _program_raw(form: FormData) -> dict[str, Any]:
    groups = []
    for g in range(PROGRAM_GROUPS):
        courses = [int(c) for c in form.getlist(f"group{g}_courses") if c.isdigit()]
        title = form.get(f"group{g}_title")
        if courses or title:
            groups.append(
                {"title": title, "choose": form.get(f"group{g}_choose") or None, "courses": courses}
            )
    raw: dict[str, Any] = {
        name: form.get(name)
        for name in ("name", "description", "total_hours", "credential_awarded", "url")
    }
    raw["groups"] = groups
    return raw


def _program_form(
    request: Request,
    ctx: WebContext,
    account_provider: int | None,
    raw: dict[str, Any],
    errors: dict[str, str],
    program_id: int | None = None,
    status: int = 200,
) -> Response:
    groups = list(raw.get("groups") or [])
    groups += [{"title": "", "choose": "", "courses": []}] * (PROGRAM_GROUPS - len(groups))
    context = {
        "area": "listings",
        "values": {k: "" if v is None else v for k, v in raw.items() if k != "groups"},
        "groups": groups[:PROGRAM_GROUPS],
        "errors": errors,
        "program_id": program_id,
        "courses": _own_courses(ctx, account_provider),
    }
    return _page(request, "provider_program_form.html", context, status)


@router.get("/programs/new", response_class=HTMLResponse)
def new_program_page(request: Request, ctx: Ctx, account: ProviderAccount) -> Response:
    return _program_form(request, ctx, account.provider_id, {}, {})


@router.post("/programs/new", response_class=HTMLResponse, dependencies=Csrf)
async def new_program(request: Request, ctx: Ctx, account: ProviderAccount) -> Response:
    raw = _program_raw(await read_form(request))
    data, errors = _parse(ProgramIn, raw)
    if data is None:
        return _program_form(request, ctx, account.provider_id, raw, errors, None, 422)
    try:
        program_id = _publisher(ctx, account.provider_id).create_program(data)
    except PublishError as error:
        errors = {error.field or "_": error.message}
        return _program_form(request, ctx, account.provider_id, raw, errors, None, error.status)
    return _see_other(f"/provider/programs/{program_id}/edit?saved=1")


@router.get("/programs/{program_id}/edit", response_class=HTMLResponse)
def edit_program_page(
    request: Request, ctx: Ctx, account: ProviderAccount, program_id: int
) -> Response:
    publisher = _publisher(ctx, account.provider_id)
    with Session(ctx.engine) as db:
        program = publisher.own_program(db, program_id)
        ids = dict(db.execute(select(Course.key, Course.id)).tuples().all())
        raw: dict[str, Any] = {
            "name": program.name,
            "description": program.description,
            "total_hours": program.total_hours,
            "credential_awarded": program.credential_awarded,
            "url": program.url,
            "groups": [
                {
                    "title": g.get("title") or "",
                    "choose": g.get("choose") or "",
                    "courses": [ids[k] for k in g.get("courses") or [] if k in ids],
                }
                for g in program.structure
            ],
        }
    return _program_form(request, ctx, account.provider_id, raw, {}, program_id)


@router.post("/programs/{program_id}/edit", response_class=HTMLResponse, dependencies=Csrf)
async def edit_program(
    request: Request, ctx: Ctx, account: ProviderAccount, program_id: int
) -> Response:
    publisher = _publisher(ctx, account.provider_id)
    with Session(ctx.engine) as db:
        publisher.own_program(db, program_id)
    raw = _program_raw(await read_form(request))
    data, errors = _parse(ProgramIn, raw)
    if data is None:
        return _program_form(request, ctx, account.provider_id, raw, errors, program_id, 422)
    try:
        publisher.update_program(program_id, data)
    except PublishError as error:
        errors = {error.field or "_": error.message}
        return _program_form(
            request, ctx, account.provider_id, raw, errors, program_id, error.status
        )
    return _see_other(f"/provider/programs/{program_id}/edit?saved=1")


@router.post("/programs/{program_id}/delete", dependencies=Csrf)
def delete_program(ctx: Ctx, account: ProviderAccount, program_id: int) -> Response:
    _publisher(ctx, account.provider_id).delete_program(program_id)
    return _see_other("/provider?deleted=1")


# --- upload -------------------------------------------------------------------------------


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, account: ProviderAccount) -> Response:
    return _page(request, "provider_upload.html", {"area": "upload", "report": None, "errors": {}})


@router.post("/upload", response_class=HTMLResponse, dependencies=Csrf)
async def upload(request: Request, ctx: Ctx, account: ProviderAccount) -> Response:
    form = await read_form(request)
    file = form.files.get("file")
    if file is None or not file.filename:
        errors = {"file": "choose a JSON-LD or CSV file to upload"}
        context = {"area": "upload", "report": None, "errors": errors}
        return _page(request, "provider_upload.html", context, 422)
    try:
        # parsing and writing a file is CPU and database work: a worker thread, so the
        # server keeps answering other requests meanwhile
        publisher = _publisher(ctx, account.provider_id)
        report = await run_in_threadpool(publisher.upload, file.filename, file.data)
    except PublishError as error:
        context = {"area": "upload", "report": None, "errors": {"file": error.message}}
        return _page(request, "provider_upload.html", context, error.status)
    return _page(
        request, "provider_upload.html", {"area": "upload", "report": report, "errors": {}}
    )


# --- API tokens ---------------------------------------------------------------------------


def _tokens_page(
    request: Request,
    ctx: WebContext,
    user_id: int,
    errors: dict[str, str],
    secret: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "area": "tokens",
        "tokens": ApiTokens(ctx.engine).list(user_id),
        "errors": errors,
        "secret": secret,
        "values": {},
    }
    return _page(request, "provider_tokens.html", context, status)


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, ctx: Ctx, account: ProviderAccount) -> Response:
    return _tokens_page(request, ctx, account.id, {})


@router.post("/tokens", response_class=HTMLResponse, dependencies=Csrf)
async def create_token(request: Request, ctx: Ctx, account: ProviderAccount) -> Response:
    from ceatlas.accounts import AccountError

    form = await read_form(request)
    try:
        _, secret = ApiTokens(ctx.engine).create(
            account.id, form.get("name"), form.get("days") or 90, form.get("access") or "write"
        )
    except AccountError as error:
        errors = {error.field or "_": error.message}
        return _tokens_page(request, ctx, account.id, errors, status=error.status)
    return _tokens_page(request, ctx, account.id, {}, secret)


@router.post("/tokens/{token_id}/revoke", dependencies=Csrf)
def revoke_token(ctx: Ctx, account: ProviderAccount, token_id: int) -> Response:
    ApiTokens(ctx.engine).revoke(account.id, token_id)
    return _see_other("/provider/tokens")

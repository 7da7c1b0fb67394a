"""The therapist area: profile and "my plan" (private to the signed-in therapist)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ceatlas.accounts import AccountError
from ceatlas.accounts.preferences import EMAIL_KINDS, EmailPreferences
from ceatlas.accounts.profile import Plans, ProfileIn, Profiles
from ceatlas.catalog.models import CourseSession
from ceatlas.compliance import CeRecords, ComplianceError
from ceatlas.compliance.from_plan import record_session
from ceatlas.search.query import WEEKDAYS
from ceatlas.web import labels
from ceatlas.web.auth import Therapist, safe_next, verify_csrf
from ceatlas.web.context import Ctx
from ceatlas.web.feeds import calendar_address
from ceatlas.web.ics import sessions_calendar
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import read_form
from ceatlas.web.schemas import MAX_ID

router = APIRouter()
Csrf = [Depends(verify_csrf)]
DAYS = [(d, d.capitalize()) for d in (*WEEKDAYS[1:], WEEKDAYS[0])]
TIMES = [("morning", "Mornings"), ("afternoon", "Afternoons"), ("evening", "Evenings")]
MODES = list(labels.MODE_LABELS.items())
LIST_FIELDS = ("available_days", "available_times", "preferred_modes")


def _area(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return render(request, name, {"nav": "area"} | context, status)


@router.get("/me")
def me_home(account: Therapist) -> Response:
    return RedirectResponse("/me/plan", status_code=303)


@router.get("/me/profile", response_class=HTMLResponse)
def profile_page(request: Request, ctx: Ctx, account: Therapist) -> Response:
    profile = Profiles(ctx.engine).get(account.id)
    values = profile.model_dump(mode="json")
    context = _profile_context(values, {}, saved=False) | _email_context(ctx, account.id)
    context["email_saved"] = request.query_params.get("email_saved") == "1"
    return _area(request, "me_profile.html", context)


def _email_context(ctx: Ctx, user_id: int) -> dict[str, Any]:
    return {
        "email_kinds": list(EMAIL_KINDS.items()),
        "email_on": EmailPreferences(ctx.engine).enabled(user_id),
        "email_saved": False,
    }


@router.post("/me/profile/email", dependencies=Csrf)
async def save_email_preferences(request: Request, ctx: Ctx, account: Therapist) -> Response:
    """Which reminder e-mails to get (unknown kinds in the form are ignored)."""
    form = await read_form(request)
    chosen = {kind for kind in form.getlist("email") if kind in EMAIL_KINDS}
    EmailPreferences(ctx.engine).set_enabled(account.id, chosen)
    return RedirectResponse("/me/profile?email_saved=1#email", status_code=303)


def _profile_context(values: dict[str, Any], errors: dict[str, str], saved: bool) -> dict[str, Any]:
    shown = {k: "" if v is None else v for k, v in values.items()}
    return {
        "area": "profile",
        "values": shown,
        "errors": errors,
        "saved": saved,
        "days": DAYS,
        "times": TIMES,
        "modes": MODES,
    }


@router.post("/me/profile", response_class=HTMLResponse, dependencies=Csrf)
async def save_profile(request: Request, ctx: Ctx, account: Therapist) -> Response:
    form = await read_form(request)
    raw: dict[str, Any] = {
        "home_postal_code": form.get("home_postal_code"),
        "max_travel_miles": form.get("max_travel_miles"),
        "budget": form.get("budget"),
    } | {name: form.getlist(name) for name in LIST_FIELDS}
    try:
        data = ProfileIn.model_validate(raw)
    except ValidationError as error:
        errors: dict[str, str] = {}
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "_"
            errors.setdefault(field, str(item["msg"]).removeprefix("Value error, "))
        context = _profile_context(raw, errors, False) | _email_context(ctx, account.id)
        return _area(request, "me_profile.html", context, 400)
    saved = Profiles(ctx.engine).save(account.id, data)
    context = _profile_context(saved.model_dump(mode="json"), {}, saved=True)
    return _area(request, "me_profile.html", context | _email_context(ctx, account.id))


@router.get("/me/plan", response_class=HTMLResponse)
def plan_page(request: Request, ctx: Ctx, account: Therapist) -> Response:
    plan = Plans(ctx.engine).get(account.id, ctx.today())
    context = {"area": "plan", "plan": plan, "calendar_feed": calendar_address(ctx, account.id)}
    return _area(request, "me_plan.html", context)


@router.get("/me/plan.ics")
def plan_calendar_file(request: Request, ctx: Ctx, account: Therapist) -> Response:
    """My plan's dated sessions as an iCalendar file (private: the therapist's own)."""
    ids = Plans(ctx.engine).session_ids(account.id)
    with Session(ctx.engine) as db:
        sessions = list(db.scalars(select(CourseSession).where(CourseSession.id.in_(ids))))
        body = sessions_calendar(sessions, ctx.settings.public_url)
    return Response(
        body,
        media_type="text/calendar",
        headers={
            "content-disposition": 'attachment; filename="ceatlas-my-plan.ics"',
            "cache-control": "private, no-store",
        },
    )


@router.get("/me/plan.pdf")
def plan_pdf_file(request: Request, ctx: Ctx, account: Therapist) -> Response:
    """My plan as a PDF (private: the therapist's own)."""
    from ceatlas.accounts.plan_pdf import my_plan_pdf

    day = ctx.today()
    plan = Plans(ctx.engine).get(account.id, day)
    body = my_plan_pdf(plan, account.display_name, day, ctx.settings.link("/"))
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "content-disposition": 'attachment; filename="ceatlas-my-plan.pdf"',
            "cache-control": "private, no-store",
        },
    )


@router.post("/me/plan/sessions", dependencies=Csrf)
async def save_plan(request: Request, ctx: Ctx, account: Therapist) -> Response:
    """Save every session of a plan the planner made (its session keys) to my plan."""
    form = await read_form(request)
    keys = [k for k in form.getlist("session_key") if k.strip()]
    if not keys or len(keys) > 50:
        raise AccountError("choose 1 to 50 sessions to save", "session_key", 422)
    with Session(ctx.engine) as db:
        rows = db.execute(
            select(CourseSession.key, CourseSession.id).where(CourseSession.key.in_(keys))
        ).all()
    found = {row.key: row.id for row in rows}
    missing = [k for k in keys if k not in found]
    if missing:
        raise AccountError(
            f"{len(missing)} of these sessions are no longer in the catalog; plan again",
            "session_key",
            404,
        )
    plans = Plans(ctx.engine)
    for key in keys:
        plans.add(account.id, found[key])
    return RedirectResponse("/me/plan", status_code=303)


@router.post("/me/plan/{session_id}/record", dependencies=Csrf)
def record_session_page(
    request: Request, ctx: Ctx, account: Therapist, session_id: int
) -> Response:
    """An ended session of my plan into my CE record (then the certificate upload)."""
    if session_id not in Plans(ctx.engine).session_ids(account.id):
        raise AccountError("this session is not in your plan", "session_id", 404)
    records = CeRecords(ctx.engine, ctx.kb, ctx.settings.data_dir)
    try:
        entry = record_session(records, account.id, session_id, ctx.today())
    except ComplianceError as error:
        plan = Plans(ctx.engine).get(account.id, ctx.today())
        context = {
            "area": "plan",
            "plan": plan,
            "error": error.message,
            "error_id": session_id,
            "calendar_feed": None,
        }
        return _area(request, "me_plan.html", context, error.status)
    Plans(ctx.engine).remove(account.id, session_id)
    return RedirectResponse(f"/me/ce?added={entry.id}#entry-{entry.id}", status_code=303)


@router.post("/me/plan", dependencies=Csrf)
async def save_session(request: Request, ctx: Ctx, account: Therapist) -> Response:
    form = await read_form(request)
    value = form.get("session_id")
    if not value.isdigit() or not 0 < int(value) < MAX_ID:
        raise AccountError("choose a session to save", "session_id", 422)
    Plans(ctx.engine).add(account.id, int(value))
    return RedirectResponse(safe_next(form.get("next"), "/me/plan"), status_code=303)


@router.post("/me/plan/{session_id}/delete", dependencies=Csrf)
def remove_session(ctx: Ctx, account: Therapist, session_id: int) -> Response:
    Plans(ctx.engine).remove(account.id, session_id)
    return RedirectResponse("/me/plan", status_code=303)


@router.post("/me/plan/{session_id}/noted", dependencies=Csrf)
def note_changes(ctx: Ctx, account: Therapist, session_id: int) -> Response:
    """The therapist has seen what the provider changed in a saved session."""
    if not 0 < session_id < MAX_ID:
        raise AccountError("this session is not in your plan", "session_id", 404)
    Plans(ctx.engine).note_changes(account.id, session_id)
    return RedirectResponse("/me/plan", status_code=303)


@router.post("/me/plan/withdrawn/{saved_id}/remove", dependencies=Csrf)
def remove_withdrawn(ctx: Ctx, account: Therapist, saved_id: int) -> Response:
    """Take a session its provider withdrew off my plan."""
    if not 0 < saved_id < MAX_ID:
        raise AccountError("no withdrawn session with this id in your plan", "id", 404)
    Plans(ctx.engine).dismiss(account.id, saved_id)
    return RedirectResponse("/me/plan#withdrawn", status_code=303)

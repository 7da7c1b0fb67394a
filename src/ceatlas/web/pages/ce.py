"""The therapist's "Licenses & CE" page: progress per license, what is missing, the CE
record forms, and the pathway planner with its calendar and PDF (private to them)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ceatlas.compliance import CeRecords, ComplianceError, EntryInput, EntryView, LicenseView
from ceatlas.planner.goals import GoalError, GoalSpec
from ceatlas.planner.service import Planner, PlanOptions, PlanOutcome
from ceatlas.web.auth import Therapist, verify_csrf
from ceatlas.web.ce_chart import hours_chart
from ceatlas.web.certificates import certificate_response
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.errors import WebError
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import FormData, read_form

router = APIRouter()
Csrf = [Depends(verify_csrf)]
PLAN_FIELDS = (
    "pathway",
    "license",
    "technique",
    "caseload",
    "budget",
    "date_to",
    "mode",
    "near",
    "max_km",
    "per_month",
    "objective",
)


def _records(ctx: WebContext) -> CeRecords:
    return CeRecords(ctx.engine, ctx.kb, ctx.settings.data_dir)


def _plan_query(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in PLAN_FIELDS}


def _outcome(ctx: WebContext, user_id: int, q: dict[str, str]) -> PlanOutcome:
    def listed(name: str) -> tuple[str, ...]:
        return tuple(v.strip() for v in q.get(name, "").split(",") if v.strip())

    def number(name: str) -> float | None:
        text = q.get(name, "")
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise GoalError(f"{text!r} is not a number", name) from None

    per_month = number("per_month")
    return Planner(ctx.engine, ctx.kb, _records(ctx)).plan(
        user_id,
        GoalSpec(
            pathways=listed("pathway"),
            licenses=listed("license"),
            techniques=listed("technique"),
            caseload=listed("caseload"),
        ),
        PlanOptions(
            budget=q.get("budget") or None,
            date_to=q.get("date_to") or None,
            modes=list(listed("mode")) or None,
            near=q.get("near") or None,
            max_km=number("max_km"),
            per_month=int(per_month) if per_month else None,
            objective=q.get("objective") or "cost",
            time_limit=5.0,
        ),
        ctx.today(),
    )


def _page(
    request: Request,
    ctx: WebContext,
    user_id: int,
    errors: dict[str, str] | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
    duplicate_license: int | None = None,
) -> Response:
    """The CE page; after a refused form, ``values`` are what was typed (shown again)."""
    records = _records(ctx)
    q = _plan_query(request)
    outcome = None
    plan_error = None
    if any(q.get(k) for k in ("pathway", "license", "technique", "caseload")):
        try:
            outcome = _outcome(ctx, user_id, q)
        except (GoalError, ComplianceError) as error:
            plan_error = f"{error.field}: {error.message}"
    statuses = records.status(user_id, ctx.today())
    context: dict[str, Any] = {
        "nav": "area",
        "area": "ce",
        "statuses": statuses,
        "charts": [hours_chart(s, ctx.today()) for s in statuses],
        "licenses": records.licenses(user_id),
        "entries": records.entries(user_id),
        "changes": records.history(user_id)[:20],
        "duplicate_license": duplicate_license,
        "jurisdiction_names": {j.id: j.name for j in ctx.kb.jurisdictions.values()},
        "errors": errors or {},
        "values": values if values is not None else dict(request.query_params),
        "plan_query": q,
        "plan_qs": urlencode({k: v for k, v in q.items() if v}),
        "outcome": outcome,
        "plan_error": plan_error,
        "added_entry": request.query_params.get("added", ""),
        "pathways": sorted((p.id, p.name) for p in ctx.kb.pathways.values()),
        "jurisdictions": sorted((j.name, j.id) for j in ctx.kb.jurisdictions.values()),
    }
    return render(request, "ce/index.html", context, status)


@router.get("/me/ce", response_class=HTMLResponse)
def ce_page(request: Request, ctx: Ctx, account: Therapist) -> Response:
    return _page(request, ctx, account.id)


@router.post("/me/ce/licenses", response_class=HTMLResponse, dependencies=Csrf)
async def add_license(request: Request, ctx: Ctx, account: Therapist) -> Response:
    form = await read_form(request)
    try:
        _records(ctx).add_license(
            account.id,
            form.get("jurisdiction"),
            kind="credential" if form.get("jurisdiction") in ("NCBTMB", "AMTA") else "license",
            number=form.get("number"),
            cycle_start=form.get("cycle_start") or None,
            cycle_end=form.get("cycle_end"),
            first_renewal=form.get("first_renewal") == "on",
            issued_on=form.get("issued_on") or None,
            today=ctx.today(),
        )
    except ComplianceError as error:
        errors = {f"license_{error.field}": error.message}
        return _page(
            request, ctx, account.id, errors, 400, form.values, duplicate_license=error.row_id
        )
    return RedirectResponse("/me/ce", status_code=303)


def _not_found(error: ComplianceError) -> WebError:
    what = "certificate" if error.field == "certificate" else "CE record item"
    return WebError(404, f"{what} not found")


def _license_values(lic: LicenseView) -> dict[str, str]:
    return {
        "number": lic.number or "",
        "cycle_start": lic.cycle_start.isoformat() if lic.cycle_start else "",
        "cycle_end": lic.cycle_end.isoformat() if lic.cycle_end else "",
        "issued_on": lic.issued_on.isoformat() if lic.issued_on else "",
        "first_renewal": "on" if lic.first_renewal else "",
    }


def _license_page(
    request: Request,
    ctx: WebContext,
    lic: LicenseView,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    name = {j.id: j.name for j in ctx.kb.jurisdictions.values()}.get(
        lic.jurisdiction, lic.jurisdiction
    )
    context = {
        "nav": "area",
        "area": "ce",
        "license": lic,
        "license_name": f"{name} {lic.kind}",
        "values": values,
        "errors": errors or {},
    }
    return render(request, "ce/edit_license.html", context, status)


@router.get("/me/ce/licenses/{license_id}/edit", response_class=HTMLResponse)
def edit_license_form(request: Request, ctx: Ctx, account: Therapist, license_id: int) -> Response:
    try:
        lic = _records(ctx).license(account.id, license_id)
    except ComplianceError as error:
        raise _not_found(error) from None
    return _license_page(request, ctx, lic, _license_values(lic))


@router.post("/me/ce/licenses/{license_id}/edit", response_class=HTMLResponse, dependencies=Csrf)
async def edit_license(request: Request, ctx: Ctx, account: Therapist, license_id: int) -> Response:
    form = await read_form(request)
    records = _records(ctx)
    try:
        lic = records.license(account.id, license_id)
    except ComplianceError as error:
        raise _not_found(error) from None
    try:
        records.update_license(
            account.id,
            license_id,
            today=ctx.today(),
            number=form.get("number"),
            cycle_start=form.get("cycle_start") or None,
            cycle_end=form.get("cycle_end"),
            issued_on=form.get("issued_on") or None,
            first_renewal=form.get("first_renewal") == "on",
        )
    except ComplianceError as error:
        errors = {f"license_{error.field}": error.message}
        return _license_page(request, ctx, lic, form.values, errors, 400)
    return RedirectResponse(f"/me/ce#license-{license_id}", status_code=303)


@router.post("/me/ce/licenses/{license_id}/delete", dependencies=Csrf)
def delete_license(ctx: Ctx, account: Therapist, license_id: int) -> Response:
    try:
        _records(ctx).delete_license(account.id, license_id)
    except ComplianceError as error:
        raise _not_found(error) from None
    return RedirectResponse("/me/ce", status_code=303)


@router.post("/me/ce/entries", response_class=HTMLResponse, dependencies=Csrf)
async def add_entry(request: Request, ctx: Ctx, account: Therapist) -> Response:
    form = await read_form(request)
    records = _records(ctx)
    upload = form.files.get("certificate")
    try:
        if upload is not None and upload.data:
            # all or nothing: a refused certificate must not leave the entry saved
            records.check_certificate(upload.data)
        entry = records.add_entry(account.id, _entry_input(form), ctx.today())
        if upload is not None and upload.data:
            records.attach_certificate(account.id, entry.id, upload.filename, upload.data, None)
    except ComplianceError as error:
        errors = {f"entry_{error.field}": error.message}
        return _page(request, ctx, account.id, errors, 400, values=form.values)
    return RedirectResponse("/me/ce", status_code=303)


def _entry_input(form: FormData, old: EntryView | None = None) -> EntryInput:
    """The entry as the form gives it; fields the form does not show (catalog course,
    notes) keep ``old``'s values."""
    return EntryInput(
        title=form.get("title"),
        completed_on=form.get("completed_on"),
        hours=form.get("hours"),
        format=form.get("format"),
        provider=form.get("provider"),
        approvals=[a for a in form.get("approvals").split(",") if a.strip()],
        categories=[c for c in form.get("categories").split(",") if c.strip()],
        expires_on=form.get("expires_on") or None,
        course_key=old.course_key if old else None,
        notes=old.notes if old else None,
    )


def _entry_values(entry: EntryView) -> dict[str, str]:
    """The form's fields filled in with a recorded entry."""
    approvals = [
        a["authority"] + (f":{a['number']}" if a.get("number") else "") for a in entry.approvals
    ]
    return {
        "title": entry.title,
        "provider": entry.provider or "",
        "completed_on": entry.completed_on.isoformat(),
        "hours": f"{entry.hours.normalize():f}",
        "format": entry.format,
        "approvals": ", ".join(approvals),
        "categories": ", ".join(f"{k}:{v.normalize():f}" for k, v in entry.categories.items()),
        "expires_on": entry.expires_on.isoformat() if entry.expires_on else "",
    }


def _entry_page(
    request: Request,
    entry: EntryView,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "nav": "area",
        "area": "ce",
        "entry": entry,
        "values": values,
        "errors": errors or {},
    }
    return render(request, "ce/edit_entry.html", context, status)


def _own_entry(ctx: WebContext, user_id: int, entry_id: int) -> EntryView:
    try:
        return _records(ctx).entry(user_id, entry_id)
    except ComplianceError as error:
        raise _not_found(error) from None


@router.get("/me/ce/entries/{entry_id}/edit", response_class=HTMLResponse)
def edit_entry_form(request: Request, ctx: Ctx, account: Therapist, entry_id: int) -> Response:
    entry = _own_entry(ctx, account.id, entry_id)
    return _entry_page(request, entry, _entry_values(entry))


@router.post("/me/ce/entries/{entry_id}/edit", response_class=HTMLResponse, dependencies=Csrf)
async def edit_entry(request: Request, ctx: Ctx, account: Therapist, entry_id: int) -> Response:
    form = await read_form(request)
    records = _records(ctx)
    entry = _own_entry(ctx, account.id, entry_id)
    upload = form.files.get("certificate")
    try:
        if upload is not None and upload.data:
            # all or nothing: a refused replacement certificate changes nothing
            records.check_certificate(upload.data)
        records.update_entry(account.id, entry_id, _entry_input(form, entry), ctx.today())
        if upload is not None and upload.data:
            records.attach_certificate(account.id, entry_id, upload.filename, upload.data, None)
    except ComplianceError as error:
        if error.status == 404:
            raise _not_found(error) from None
        return _entry_page(
            request, entry, form.values, {f"entry_{error.field}": error.message}, 400
        )
    return RedirectResponse(f"/me/ce#entry-{entry_id}", status_code=303)


@router.get("/me/ce/entries/{entry_id}/certificate")
def view_certificate(
    ctx: Ctx, account: Therapist, entry_id: int, download: bool = False
) -> Response:
    """The entry's certificate, shown in the browser or (``?download=1``) saved."""
    try:
        name, kind, data = _records(ctx).certificate(account.id, entry_id)
    except ComplianceError as error:
        raise _not_found(error) from None
    return certificate_response(name, kind, data, download)


@router.post("/me/ce/entries/{entry_id}/certificate/delete", dependencies=Csrf)
def delete_certificate(ctx: Ctx, account: Therapist, entry_id: int) -> Response:
    try:
        _records(ctx).remove_certificate(account.id, entry_id)
    except ComplianceError as error:
        raise _not_found(error) from None
    return RedirectResponse(f"/me/ce#entry-{entry_id}", status_code=303)


@router.post("/me/ce/entries/{entry_id}/certificate", dependencies=Csrf)
async def upload_certificate(
    request: Request, ctx: Ctx, account: Therapist, entry_id: int
) -> Response:
    """The certificate of an entry already in the record (e.g. one added from my plan)."""
    form = await read_form(request)
    upload = form.files.get("certificate")
    try:
        if upload is None or not upload.data:
            raise ComplianceError("choose the certificate file (PDF, PNG or JPEG)", "certificate")
        _records(ctx).attach_certificate(account.id, entry_id, upload.filename, upload.data, None)
    except ComplianceError as error:
        if error.status == 404:
            raise _not_found(error) from None
        return _page(request, ctx, account.id, {f"certificate_{entry_id}": error.message}, 400)
    return RedirectResponse(f"/me/ce#entry-{entry_id}", status_code=303)


@router.post("/me/ce/entries/{entry_id}/delete", dependencies=Csrf)
def delete_entry(ctx: Ctx, account: Therapist, entry_id: int) -> Response:
    try:
        _records(ctx).delete_entry(account.id, entry_id)
    except ComplianceError:
        return Response("not found", status_code=404)
    return RedirectResponse("/me/ce", status_code=303)


@router.get("/me/ce/transcript.pdf")
def transcript(ctx: Ctx, account: Therapist, with_changes: bool = False) -> Response:
    from ceatlas.compliance.transcript import transcript_pdf

    records = _records(ctx)
    day = ctx.today()
    data = transcript_pdf(
        account.display_name,
        account.email,
        records.licenses(account.id),
        records.entries(account.id),
        records.status(account.id, day),
        day,
        records.names(),
        records.history(account.id) if with_changes else None,
    )
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="ce-transcript.pdf"'},
    )


@router.get("/me/ce/plan.ics")
def plan_ics(request: Request, ctx: Ctx, account: Therapist) -> Response:
    from ceatlas.planner.export import plan_calendar

    try:
        outcome = _outcome(ctx, account.id, _plan_query(request))
    except (GoalError, ComplianceError) as error:
        return Response(f"{error.field}: {error.message}", status_code=422)
    if outcome.result.plan is None:
        return Response("no plan within these limits", status_code=422)
    return Response(
        plan_calendar(outcome.result.plan, outcome.deadlines),
        media_type="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="ce-plan.ics"'},
    )


@router.get("/me/ce/plan.pdf")
def plan_pdf(request: Request, ctx: Ctx, account: Therapist) -> Response:
    from ceatlas.planner.export import plan_pdf as render_pdf

    try:
        outcome = _outcome(ctx, account.id, _plan_query(request))
    except (GoalError, ComplianceError) as error:
        return Response(f"{error.field}: {error.message}", status_code=422)
    return Response(
        render_pdf(outcome.result),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="ce-plan.pdf"'},
    )

"""The admin area's verification queue: approval claims declared by providers, oldest
first, each with where to look it up and a form to verify, reject or mark it expired with
the evidence (:mod:`ceatlas.catalog.approval_review`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ceatlas.catalog.approval_review import VERDICTS, ReviewError, list_claims, review
from ceatlas.web.auth import Admin, verify_csrf
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.errors import not_found
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import read_form

router = APIRouter(prefix="/admin/approvals", include_in_schema=False)
Csrf = [Depends(verify_csrf)]
QUEUE_LIMIT = 200
DONE_WORDS = {"verified": "Verified", "rejected": "Rejected", "expired": "Marked expired"}


def _page(
    request: Request,
    ctx: WebContext,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    claims = list_claims(ctx.engine, ctx.kb, "declared", QUEUE_LIMIT + 1)
    done = request.query_params.get("done", "")
    context: dict[str, Any] = {
        "nav": "area",
        "area": "approvals",
        "claims": claims[:QUEUE_LIMIT],
        "more": len(claims) > QUEUE_LIMIT,
        "errors": errors or {},
        "values": values or {},
        "done": DONE_WORDS.get(done, "") if status == 200 else "",
    }
    return render(request, "admin_approvals.html", context, status)


@router.get("", response_class=HTMLResponse)
def queue(request: Request, ctx: Ctx, account: Admin) -> Response:
    """Declared claims, oldest first."""
    return _page(request, ctx)


@router.post("", response_class=HTMLResponse, dependencies=Csrf)
async def decide(request: Request, ctx: Ctx, account: Admin) -> Response:
    """Save one verdict; a refused one re-shows the queue with the message and the text
    typed, and saves nothing."""
    form = await read_form(request)
    ref, verdict, evidence = form.get("claim"), form.get("verdict"), form.get("evidence")
    if verdict not in VERDICTS:
        return _page(
            request, ctx, {ref: "choose verify, reject or mark expired"}, {ref: evidence}, 422
        )
    try:
        await run_in_threadpool(review, ctx.engine, ctx.kb, ref, verdict, evidence, account.email)
    except ReviewError as error:
        if error.status == 404:
            raise not_found("approval claim") from None
        return _page(request, ctx, {ref: str(error)}, {ref: evidence}, error.status)
    return RedirectResponse(f"/admin/approvals?done={VERDICTS[verdict]}", status_code=303)

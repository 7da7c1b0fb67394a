"""The admin area: approve provider accounts, browse the knowledge base's sources."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ceatlas.accounts import AccountError, Accounts, Role, User
from ceatlas.catalog.models import Provider
from ceatlas.catalog.publishing import create_provider
from ceatlas.catalog.publishing_input import PublishError
from ceatlas.web.auth import Admin, verify_csrf
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import read_form

router = APIRouter(prefix="/admin")
Csrf = [Depends(verify_csrf)]


def _home(
    request: Request,
    ctx: WebContext,
    errors: dict[int, dict[str, str]] | None = None,
    values: dict[int, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    accounts = Accounts(ctx.engine)
    with Session(ctx.engine) as db:
        approved = db.execute(
            select(User.id, User.email, User.display_name, Provider.id, Provider.name)
            .join(Provider, Provider.id == User.provider_id)
            .where(User.role == Role.PROVIDER, User.approved.is_(True))
            .order_by(User.email)
        ).all()
    context: dict[str, Any] = {
        "nav": "area",
        "area": "providers",
        "pending": accounts.pending_providers(),
        "approved": approved,
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "admin_home.html", context, status)


@router.get("", response_class=HTMLResponse)
def home(request: Request, ctx: Ctx, account: Admin) -> Response:
    return _home(request, ctx)


def _provider_key(ctx: WebContext, text: str) -> str | None:
    """A provider given by its key or its numeric id."""
    with Session(ctx.engine) as db:
        if text.isdigit():
            return db.scalar(select(Provider.key).where(Provider.id == int(text)))
        return db.scalar(select(Provider.key).where(Provider.key == text))


@router.post("/providers/{user_id}/approve", response_class=HTMLResponse, dependencies=Csrf)
async def approve(request: Request, ctx: Ctx, account: Admin, user_id: int) -> Response:
    form = await read_form(request)
    existing = form.get("provider").strip()
    new_name = form.get("new_provider_name").strip()
    values = {user_id: {k: form.get(k) for k in ("provider", "new_provider_name", "new_url")}}

    def problem(field: str, message: str, status: int = 422) -> Response:
        return _home(request, ctx, {user_id: {field: message}}, values, status)

    if bool(existing) == bool(new_name):
        return problem("provider", "give an existing provider, or the name of a new one")
    try:
        if existing:
            key = _provider_key(ctx, existing)
            if key is None:
                return problem("provider", f"no provider with key or id {existing!r}", 404)
        else:
            key = create_provider(ctx.engine, ctx.kb, new_name, form.get("new_url") or None)
        Accounts(ctx.engine).approve_provider(user_id, key)
    except (AccountError, PublishError) as error:
        field = error.field if error.field in ("new_provider_name", "new_url") else "provider"
        if isinstance(error, PublishError) and "web address" in error.message:
            field = "new_url"
        return problem(field, error.message, error.status)
    return RedirectResponse("/admin?approved=1", status_code=303)


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request, ctx: Ctx, account: Admin) -> Response:
    found = sorted(ctx.kb.all_sources(), key=lambda pair: pair[0].title.lower())
    context = {"nav": "area", "area": "sources", "sources": found}
    return render(request, "admin_sources.html", context)

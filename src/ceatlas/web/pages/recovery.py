"""Getting back into an account and keeping its address right: forgotten password (an
e-mailed one-time link), confirming the e-mail address, changing it, and the one-click
unsubscribe link of reminder e-mails."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ceatlas.accounts import AccountError, Accounts
from ceatlas.accounts.links import EXPIRED, AccountLinks
from ceatlas.accounts.preferences import EMAIL_KINDS, EmailPreferences
from ceatlas.accounts.service import normalise_email
from ceatlas.mail.unsubscribe import read_unsubscribe_token
from ceatlas.web.auth import CurrentAccount, OptionalAccount, log_in, off_the_loop, verify_csrf
from ceatlas.web.context import Ctx
from ceatlas.web.mailing import account_mail, send_after_response
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import home_for, read_form

router = APIRouter()
Csrf = [Depends(verify_csrf)]
# Pages whose address holds a one-time secret: never sent on to another site.
_PRIVATE_HEADERS = {"referrer-policy": "no-referrer", "cache-control": "no-store"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _private(response: Response) -> Response:
    response.headers.update(_PRIVATE_HEADERS)
    return response


# --- forgotten password -------------------------------------------------------------------


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_page(request: Request) -> Response:
    return render(request, "password_forgot.html", {"values": {}, "errors": {}, "sent": False})


@router.post("/password/forgot", response_class=HTMLResponse, dependencies=Csrf)
async def forgot(request: Request, ctx: Ctx, tasks: BackgroundTasks) -> Response:
    form = await read_form(request)
    values = {"email": form.get("email")}
    try:
        address = normalise_email(form.get("email"))
    except AccountError as error:
        context = {"values": values, "errors": {"email": error.message}, "sent": False}
        return render(request, "password_forgot.html", context, 400)
    issued = AccountLinks(ctx.engine).issue_reset(address)
    if issued is not None:
        send_after_response(tasks, ctx, [account_mail(ctx).reset_link(issued)])
    # The same answer whether or not an account uses the address.
    context = {"values": {"email": address}, "errors": {}, "sent": True}
    return render(request, "password_forgot.html", context)


@router.get("/password/reset", response_class=HTMLResponse)
def reset_page(request: Request, ctx: Ctx, token: str = "") -> Response:
    usable = bool(token) and AccountLinks(ctx.engine).reset_is_usable(token)
    context = {"token": token if usable else "", "errors": {}, "expired": not usable}
    return _private(render(request, "password_reset.html", context, 200 if usable else 410))


@router.post("/password/reset", response_class=HTMLResponse, dependencies=Csrf)
async def reset(request: Request, ctx: Ctx, tasks: BackgroundTasks) -> Response:
    form = await read_form(request)
    token = form.get("token")
    if form.get("new_password") != form.get("confirm_password"):
        errors = {"confirm_password": "the two new passwords are not the same"}
        context = {"token": token, "errors": errors, "expired": False}
        return _private(render(request, "password_reset.html", context, 400))
    moment = _now()
    try:
        account = await off_the_loop(
            request,
            AccountLinks(ctx.engine).reset_password,
            token,
            form.get("new_password"),
            moment,
        )
    except AccountError as error:
        expired = error.message == EXPIRED
        context = {
            "token": "" if expired else token,
            "errors": {} if expired else {error.field or "_": error.message},
            "expired": expired,
        }
        return _private(render(request, "password_reset.html", context, error.status))
    send_after_response(tasks, ctx, [account_mail(ctx).password_changed(account, moment)])
    log_in(request, account)
    return _private(render(request, "password_reset_done.html", {"home": home_for(account.role)}))


# --- confirming the address ---------------------------------------------------------------


@router.get("/account/verify", response_class=HTMLResponse)
def verify_page(request: Request, token: str = "") -> Response:
    """A button that confirms (a GET changes nothing: mail scanners open links too)."""
    context = {"token": token, "done": None, "expired": not token}
    return _private(render(request, "verify_email.html", context))


@router.post("/account/verify", response_class=HTMLResponse, dependencies=Csrf)
async def verify(request: Request, ctx: Ctx) -> Response:
    form = await read_form(request)
    try:
        account = AccountLinks(ctx.engine).verify_email(form.get("token"))
    except AccountError as error:
        context = {"token": "", "done": None, "expired": True}
        return _private(render(request, "verify_email.html", context, error.status))
    context = {"token": "", "done": account.email, "expired": False}
    return _private(render(request, "verify_email.html", context))


@router.post("/account/verify/send", dependencies=Csrf)
def send_verification(ctx: Ctx, account: CurrentAccount, tasks: BackgroundTasks) -> Response:
    if not account.email_verified:
        issued = AccountLinks(ctx.engine).issue_verification(account.id)
        send_after_response(tasks, ctx, [account_mail(ctx).verification_link(issued)])
    return RedirectResponse("/account/email?sent=1", status_code=303)


# --- changing the address -----------------------------------------------------------------


def _email_page(
    request: Request,
    account: CurrentAccount,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "area": "email",
        "nav": "area",
        "me": account,
        "errors": errors or {},
        "values": values or {},
        "sent": request.query_params.get("sent") == "1",
        "changed": request.query_params.get("changed") == "1",
    }
    return render(request, "account_email.html", context, status)


@router.get("/account/email", response_class=HTMLResponse)
def email_page(request: Request, account: CurrentAccount) -> Response:
    return _email_page(request, account)


@router.post("/account/email", response_class=HTMLResponse, dependencies=Csrf)
async def change_email(
    request: Request, ctx: Ctx, account: CurrentAccount, tasks: BackgroundTasks
) -> Response:
    form = await read_form(request)
    values = {"email": form.get("email")}
    try:
        old, changed = await off_the_loop(
            request,
            Accounts(ctx.engine).change_email,
            account.id,
            form.get("password"),
            form.get("email"),
        )
    except AccountError as error:
        errors = {error.field or "_": error.message}
        return _email_page(request, account, errors, values, error.status)
    moment = _now()
    mail = account_mail(ctx)
    issued = AccountLinks(ctx.engine).issue_verification(changed.id, moment)
    send_after_response(
        tasks, ctx, [mail.email_changed(old, changed, moment), mail.verification_link(issued)]
    )
    log_in(request, changed)
    return RedirectResponse("/account/email?changed=1", status_code=303)


# --- unsubscribe --------------------------------------------------------------------------


def _unsubscribe_target(ctx: Ctx, token: str) -> tuple[int, str] | None:
    found = read_unsubscribe_token(ctx.settings.session_secret(), token)
    if found is None or found[1] not in EMAIL_KINDS:
        return None
    return found


@router.get("/unsubscribe", response_class=HTMLResponse)
def unsubscribe_page(request: Request, ctx: Ctx, token: str = "") -> Response:
    found = _unsubscribe_target(ctx, token)
    context = {
        "token": token if found else "",
        "kind": EMAIL_KINDS[found[1]] if found else "",
        "done": False,
    }
    return _private(render(request, "unsubscribe.html", context, 200 if found else 404))


@router.post("/unsubscribe", response_class=HTMLResponse)
async def unsubscribe(request: Request, ctx: Ctx, account: OptionalAccount) -> Response:
    """One-click unsubscribe (RFC 8058): the signed token is the authority, so mail
    programs may post here without a session or CSRF token."""
    token = request.query_params.get("token", "")
    if not token:
        token = (await read_form(request)).get("token")
    found = _unsubscribe_target(ctx, token)
    if found is None:
        context = {"token": "", "kind": "", "done": False}
        return _private(render(request, "unsubscribe.html", context, 404))
    try:
        EmailPreferences(ctx.engine).turn_off(*found)
    except AccountError as error:
        context = {"token": "", "kind": "", "done": False}
        return _private(render(request, "unsubscribe.html", context, error.status))
    context = {"token": "", "kind": EMAIL_KINDS[found[1]], "done": True, "me": account}
    return _private(render(request, "unsubscribe.html", context))

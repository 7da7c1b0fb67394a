"""Sign up, log in, log out, change password, and the list of signed-in browsers.

Password hashing (argon2, deliberately slow) runs in the thread pool, never on the event
loop, so other requests are answered while a log-in is checked."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ceatlas.accounts import AccountError, Accounts, Role
from ceatlas.accounts.links import AccountLinks
from ceatlas.accounts.ratelimit import LoginLimiter, SignupLimiter
from ceatlas.accounts.service import Account
from ceatlas.web.auth import (
    CurrentAccount,
    OptionalAccount,
    current_session_id,
    log_in,
    log_out,
    login_sessions,
    off_the_loop,
    safe_next,
    verify_csrf,
)
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.mailing import account_mail, send_after_response
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import home_for, read_form
from ceatlas.web.proxies import client_ip

router = APIRouter()
Csrf = [Depends(verify_csrf)]
ROLES = [("therapist", "Massage therapist"), ("provider", "CE provider or school")]


def _client_ip(request: Request) -> str:
    """The visitor's address (behind a trusted proxy, the one it forwarded)."""
    return client_ip(request.scope)


def _about(seconds: int) -> str:
    """ "about 15 minute(s)": a wait in words (never under a minute)."""
    return f"about {max(1, round(seconds / 60))} minute(s)"


def _too_many(response: Response, wait: int) -> Response:
    """A 429 page, with the seconds to wait in Retry-After."""
    response.headers["retry-after"] = str(wait)
    return response


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request, account: OptionalAccount) -> Response:
    if account is not None:
        return _see_other(home_for(account.role.value))
    return render(
        request, "signup.html", {"values": {"role": "therapist"}, "errors": {}, "roles": ROLES}
    )


@router.post("/signup", response_class=HTMLResponse, dependencies=Csrf)
async def signup(request: Request, ctx: Ctx, tasks: BackgroundTasks) -> Response:
    form = await read_form(request)
    values = {k: form.get(k) for k in ("display_name", "email", "role")}
    role = Role.PROVIDER if form.get("role") == "provider" else Role.THERAPIST
    wait = SignupLimiter(ctx.engine).attempt(_client_ip(request))
    if wait:
        message = f"too many sign-ups from this network; try again in {_about(wait)}"
        context = {"values": values, "errors": {"_": message}, "roles": ROLES}
        return _too_many(render(request, "signup.html", context, 429), wait)
    try:
        made = await off_the_loop(
            request,
            Accounts(ctx.engine).register,
            form.get("email"),
            form.get("password"),
            form.get("display_name"),
            role,
        )
    except AccountError as error:
        context = {"values": values, "errors": {error.field or "_": error.message}, "roles": ROLES}
        return render(request, "signup.html", context, error.status)
    # The same answer whether or not the address already had an account: a new account
    # gets its confirmation link, an existing one's owner a warning with a reset link.
    links = AccountLinks(ctx.engine)
    mail = account_mail(ctx)
    if made.created:
        queued = mail.verification_link(links.issue_verification(made.account.id))
    else:
        queued = mail.sign_up_attempt(made.account, links.issue_reset(made.account.email))
    send_after_response(tasks, ctx, [queued])
    return render(request, "signup_sent.html", {"email": made.account.email})


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, account: OptionalAccount, next: str = "") -> Response:
    if account is not None:
        return _see_other(safe_next(next, home_for(account.role.value)))
    return render(request, "login.html", {"values": {"next": safe_next(next, "")}, "errors": {}})


@router.post("/login", response_class=HTMLResponse, dependencies=Csrf)
async def login(request: Request, ctx: Ctx) -> Response:
    form = await read_form(request)
    email, password = form.get("email"), form.get("password")
    values = {"email": email, "next": safe_next(form.get("next"), "")}
    wait, account = await off_the_loop(request, _check_login, request, ctx, email, password)
    if wait:
        message = (
            f"too many failed attempts; try again in {_about(wait)}, "
            "or reset your password (Forgot your password?)"
        )
        context = {"values": values, "errors": {"_": message}}
        return _too_many(render(request, "login.html", context, 429), wait)
    if account is None:
        errors = {"password": "the e-mail address or the password is not right"}
        return render(request, "login.html", {"values": values, "errors": errors}, 401)
    return _see_other(safe_next(form.get("next"), home_for(account.role.value)))


def _check_login(
    request: Request, ctx: WebContext, email: str, password: str
) -> tuple[int, Account | None]:
    """The whole log-in (limits, argon2, recording the outcome, starting the session), in
    a worker thread: the seconds to wait (nothing checked), or the account signed in
    (``None``: wrong e-mail or password, failure recorded)."""
    ip = _client_ip(request)
    limiter = LoginLimiter(ctx.engine)
    wait = limiter.retry_after(email, ip)
    if wait:
        return wait, None
    account = Accounts(ctx.engine).authenticate(email, password)
    if account is None:
        limiter.failed(email, ip)
        return 0, None
    limiter.succeeded(email, ip)
    log_in(request, account)
    return 0, account


@router.post("/logout", dependencies=Csrf)
def logout(request: Request) -> Response:
    log_out(request)
    return _see_other("/")


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, account: CurrentAccount) -> Response:
    return render(request, "password.html", {"errors": {}, "done": False})


@router.post("/account/password", response_class=HTMLResponse, dependencies=Csrf)
async def change_password(
    request: Request, ctx: Ctx, account: CurrentAccount, tasks: BackgroundTasks
) -> Response:
    form = await read_form(request)
    if form.get("new_password") != form.get("confirm_password"):
        errors = {"confirm_password": "the two new passwords are not the same"}
        return render(request, "password.html", {"errors": errors, "done": False}, 400)
    try:
        await off_the_loop(
            request,
            Accounts(ctx.engine).change_password,
            account.id,
            form.get("current_password"),
            form.get("new_password"),
        )
    except AccountError as error:
        errors = {error.field or "_": error.message}
        return render(request, "password.html", {"errors": errors, "done": False}, error.status)
    # A fresh session (and CSRF token) for this browser; every other session has ended.
    changed = Accounts(ctx.engine).get(account.id)
    assert changed is not None
    moment = dt.datetime.fromisoformat(changed.password_changed)
    send_after_response(tasks, ctx, [account_mail(ctx).password_changed(changed, moment)])
    log_in(request, changed)
    return render(request, "password.html", {"errors": {}, "done": True})


# --- signed-in browsers -------------------------------------------------------------------


def ago(moment: dt.datetime, now: dt.datetime) -> str:
    """How long ago ``moment`` was, in words: "just now", "2 minutes ago", "3 days ago"."""
    seconds = max(0, int((now - moment).total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"


_ENDED = {
    "one": "That browser has been signed out.",
    "others": "Every other browser has been signed out.",
}


def _sessions_page(
    request: Request, account: CurrentAccount, ended: str = "", status: int = 200
) -> Response:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    this = current_session_id(request)
    rows = [
        {
            "id": s.id,
            "device": s.device,
            "since": s.created_at,
            "active": ago(s.last_seen_at, now),
            "this": s.id == this,
        }
        for s in login_sessions(request).list(account.id, now)
    ]
    context = {"area": "sessions", "nav": "area", "me": account, "sessions": rows, "ended": ended}
    return render(request, "account_sessions.html", context, status)


@router.get("/account/sessions", response_class=HTMLResponse)
def sessions_page(request: Request, account: CurrentAccount) -> Response:
    ended = _ENDED.get(request.query_params.get("ended", ""), "")
    return _sessions_page(request, account, ended)


@router.post("/account/sessions/others/end", dependencies=Csrf)
def end_other_sessions(request: Request, account: CurrentAccount) -> Response:
    this = current_session_id(request)
    login_sessions(request).end_others(account.id, this if this is not None else -1)
    return _see_other("/account/sessions?ended=others")


@router.post("/account/sessions/{session_id}/end", dependencies=Csrf)
def end_session(request: Request, account: CurrentAccount, session_id: int) -> Response:
    """Sign one browser out (this one too: then the answer goes to the log-in page)."""
    this = current_session_id(request)
    login_sessions(request).end_one(account.id, session_id)
    if session_id == this:
        log_out(request)
        return _see_other("/login")
    return _see_other("/account/sessions?ended=one")

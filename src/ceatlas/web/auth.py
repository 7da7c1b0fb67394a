"""Who is asking: session or API-token accounts, role checks and CSRF, as FastAPI dependencies.

Use the aliases in handlers: ``def page(account: Therapist)``. For ``/api/`` paths a missing
account is a 401 and a wrong role a 403, both JSON errors; for pages a missing account is a
303 redirect to ``/login?next=...`` and a wrong role a 403 page.

A signed-in browser's signed cookie (``ceatlas.web.sessions``) carries a random login
session id and the CSRF token, never the account: the session itself is a database row
(``ceatlas.accounts.login_sessions``), so logging out, a password change or reset, or
ending it from the sessions page makes a copied cookie worthless. An ``Authorization:
Bearer <token>`` header (a provider's API token) authenticates API calls instead; such
requests ignore the cookie and need no CSRF token; an expired token is a 401 and a
read-only one a 403 on anything but GET, HEAD and OPTIONS. Every state-changing form depends
on ``verify_csrf`` and writes ``{{ csrf_field() }}``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import os
import secrets
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from jinja2 import pass_context
from markupsafe import Markup, escape

from ceatlas.accounts.errors import AccountError
from ceatlas.accounts.login_sessions import LoginSessions, SessionLimits
from ceatlas.accounts.models import Role
from ceatlas.accounts.service import Account
from ceatlas.accounts.tokens import ApiTokens
from ceatlas.catalog.publishing_input import PublishError
from ceatlas.config import Settings
from ceatlas.web.context import WebContext, get_context
from ceatlas.web.errors import WebError, wants_json
from ceatlas.web.proxies import TrustedProxies
from ceatlas.web.sessions import SessionCookies

__all__ = [
    "Admin",
    "CurrentAccount",
    "OptionalAccount",
    "ProviderAccount",
    "Therapist",
    "csrf_token",
    "current_session_id",
    "install",
    "log_in",
    "log_out",
    "login_sessions",
    "off_the_loop",
    "optional_account",
    "require_account",
    "require_admin",
    "require_provider",
    "require_therapist",
    "safe_next",
    "verify_csrf",
]

SESSION_ID = "sid"  # the random id of the login session (its SHA-256 is in the database)
SESSION_CSRF = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_UNSET = object()
T = TypeVar("T")


class LoginRequiredError(Exception):
    """A page needs a signed-in account: answered with a redirect to the log-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    return None


def _session(request: Request) -> dict[str, Any]:
    session: dict[str, Any] = request.scope.setdefault("session", {})
    return session


def login_sessions(request: Request) -> LoginSessions:
    """The login sessions store, with the configured lifetime and idle time."""
    settings = get_context(request).settings
    limits = SessionLimits(
        lifetime=dt.timedelta(days=settings.session_lifetime_days),
        idle=dt.timedelta(hours=settings.session_idle_hours),
    )
    return LoginSessions(get_context(request).engine, limits)


def _token_account(request: Request, token: str) -> Account:
    """The account an API token acts for; 401 unknown or expired, 403 read-only writing."""
    found = ApiTokens(get_context(request).engine).use(token)
    if found is None:
        raise WebError(401, "the API token is unknown or was revoked", "authorization")
    if found.expired:
        day = f"{found.token.expires_at:%Y-%m-%d}"
        raise WebError(
            401,
            f"this API token expired on {day}; create a new one on the API tokens page",
            "authorization",
        )
    if request.method not in _SAFE_METHODS and not found.token.can_write:
        raise WebError(
            403,
            "this API token may only read; create one that may also change your listings",
            "authorization",
        )
    return found.account


def _load(request: Request) -> Account | None:
    cached = getattr(request.state, "ceatlas_account", _UNSET)
    if cached is not _UNSET:
        assert cached is None or isinstance(cached, Account)
        return cached
    token = _bearer(request)
    account: Account | None = None
    if token is not None:
        account = _token_account(request, token)
    else:
        session = _session(request)
        secret = session.get(SESSION_ID)
        active = login_sessions(request).active(secret) if isinstance(secret, str) else None
        if active is not None:
            account = active.account
            request.state.ceatlas_session_id = active.session_id
        elif secret is not None:
            session.pop(SESSION_ID, None)  # ended, expired, or the account is gone
    request.state.ceatlas_account = account
    return account


def current_session_id(request: Request) -> int | None:
    """The row id of this browser's login session (``None`` when not signed in)."""
    _load(request)
    found = getattr(request.state, "ceatlas_session_id", None)
    return found if isinstance(found, int) else None


def optional_account(request: Request) -> Account | None:
    """The signed-in account (session cookie or API token), or ``None``."""
    return _load(request)


def require_account(request: Request) -> Account:
    account = _load(request)
    if account is None:
        if wants_json(request):
            raise WebError(401, "log in or send an API token (Authorization: Bearer ...)")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequiredError(target)
    return account


def _forbidden(message: str) -> WebError:
    return WebError(403, message)


def require_therapist(account: Annotated[Account, Depends(require_account)]) -> Account:
    if account.role is not Role.THERAPIST:
        raise _forbidden("this is for therapist accounts")
    return account


def require_provider(account: Annotated[Account, Depends(require_account)]) -> Account:
    """An approved provider account linked to a catalog provider (``provider_id`` is set)."""
    if account.role is not Role.PROVIDER:
        raise _forbidden("this is for provider accounts")
    if not account.can_publish:
        raise _forbidden("your provider account is waiting for an administrator's approval")
    return account


def require_admin(account: Annotated[Account, Depends(require_account)]) -> Account:
    if account.role is not Role.ADMIN:
        raise _forbidden("this is for administrators")
    return account


OptionalAccount = Annotated[Account | None, Depends(optional_account)]
CurrentAccount = Annotated[Account, Depends(require_account)]
Therapist = Annotated[Account, Depends(require_therapist)]
ProviderAccount = Annotated[Account, Depends(require_provider)]
Admin = Annotated[Account, Depends(require_admin)]


# --- CSRF -----------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use; it lives in the signed session)."""
    session = _session(request)
    token = session.get(SESSION_CSRF)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF] = token
    return token


@pass_context
def _csrf_field(context: Any) -> Markup:
    token = csrf_token(context["request"])
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">')  # noqa: S704


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token (form field or header) is wrong.

    Requests authenticated by an API token are exempt: a browser never adds that header
    to a cross-site request on its own.
    """
    if request.method in _SAFE_METHODS or _bearer(request) is not None:
        return
    expected = _session(request).get(SESSION_CSRF)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and "form" in request.headers.get("content-type", ""):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not (isinstance(expected, str) and sent and hmac.compare_digest(expected, sent)):
        raise WebError(
            403,
            "this form has expired or did not come from this site; reload the page and retry",
            CSRF_FIELD,
        )


Csrf = Depends(verify_csrf)


# --- password hashing off the event loop ---------------------------------------------------

#: argon2 checks running at once per process (each already uses several threads); more
#: wait their turn without holding a thread, so other requests keep their share of the CPU
HASHING_AT_ONCE = max(1, min(4, os.cpu_count() or 1))


async def off_the_loop(request: Request, work: Callable[..., T], *args: Any) -> T:
    """Run ``work(*args)`` (password hashing: CPU-bound) in a worker thread, at most
    :data:`HASHING_AT_ONCE` at a time, so the event loop keeps answering meanwhile."""
    limiter = getattr(request.app.state, "ceatlas_hashing", None)
    if not isinstance(limiter, anyio.CapacityLimiter):
        limiter = anyio.CapacityLimiter(HASHING_AT_ONCE)
        request.app.state.ceatlas_hashing = limiter
    return await anyio.to_thread.run_sync(functools.partial(work, *args), limiter=limiter)


# --- signing in and out ---------------------------------------------------------------------


def log_in(request: Request, account: Account) -> None:
    """Start a fresh login session for ``account`` (a new id and CSRF token: no session
    fixation); the browser's previous session, if any, ends."""
    session = _session(request)
    store = login_sessions(request)
    previous = session.get(SESSION_ID)
    if isinstance(previous, str):
        store.end(previous)
    session.clear()
    session[SESSION_ID] = store.start(account.id, request.headers.get("user-agent", ""))
    session[SESSION_CSRF] = secrets.token_urlsafe(32)
    request.state.ceatlas_account = account
    request.state.ceatlas_session_id = None


def log_out(request: Request) -> None:
    """End this browser's login session in the database, then forget the cookie."""
    session = _session(request)
    secret = session.get(SESSION_ID)
    if isinstance(secret, str):
        login_sessions(request).end(secret)
    session.clear()
    request.state.ceatlas_account = None
    request.state.ceatlas_session_id = None


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go to after logging in (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


@pass_context
def _saved_session_ids(context: Any) -> frozenset[int]:
    """Sessions in the signed-in therapist's plan (empty for anyone else)."""
    from ceatlas.accounts.profile import Plans

    account = _current_account(context)
    if account is None or account.role is not Role.THERAPIST:
        return frozenset()
    engine = get_context(context["request"]).engine
    return frozenset(Plans(engine).session_ids(account.id))


@pass_context
def _current_account(context: Any) -> Account | None:
    try:
        return _load(context["request"])
    except WebError:
        return None


def install(app: FastAPI, settings: Settings) -> None:
    """Session cookies, trusted proxies, the log-in redirect and the template globals."""
    app.add_middleware(
        SessionCookies,
        secret=settings.session_secret(),
        secure=settings.mode == "production",
        max_age=settings.session_lifetime_days * 24 * 3600,
    )
    app.add_middleware(TrustedProxies, networks=settings.trusted_proxies)

    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequiredError)
        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='/')}", status_code=303)

    async def on_account_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AccountError | PublishError)
        error = WebError(exc.status, exc.message, exc.field)
        if wants_json(request):
            return JSONResponse(error.body(), status_code=error.status)
        from ceatlas.web.pages.common import error_page

        return error_page(request, error)

    app.add_exception_handler(LoginRequiredError, on_login_required)
    app.add_exception_handler(AccountError, on_account_error)
    app.add_exception_handler(PublishError, on_account_error)
    ctx: WebContext = app.state.ceatlas
    ctx.templates.env.globals.update(
        csrf_field=_csrf_field,
        current_account=_current_account,
        saved_session_ids=_saved_session_ids,
    )

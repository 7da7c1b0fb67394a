"""Signed session cookies (HMAC-SHA256 over JSON; a pure ASGI middleware).

The cookie holds a small dict: the CSRF token and, once signed in, the random id of the
login session (whose row in the database says which account it is; see
``ceatlas.web.auth``), with its issue time. It is HttpOnly and SameSite=Lax, and Secure in
production mode. A cookie older than ``max_age`` or with a bad signature is ignored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "ceatlas_session"
MAX_AGE = 14 * 24 * 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    def __init__(self, secret: str, max_age: int = MAX_AGE) -> None:
        self.key = hashlib.sha256(b"ceatlas-session:" + secret.encode()).digest()
        self.max_age = max_age

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self.key, payload.encode(), hashlib.sha256).digest())

    def dumps(self, data: dict[str, Any], now: float | None = None) -> str:
        body = {"d": data, "t": int(now if now is not None else time.time())}
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return f"{payload}.{self._mac(payload)}"

    def loads(self, value: str, now: float | None = None) -> dict[str, Any] | None:
        payload, _, mac = value.partition(".")
        if not mac or not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            body = json.loads(_unb64(payload))
        except ValueError:
            return None
        if not isinstance(body, dict) or not isinstance(body.get("d"), dict):
            return None
        issued = body.get("t")
        current = now if now is not None else time.time()
        if not isinstance(issued, int) or current - issued > self.max_age:
            return None
        data: dict[str, Any] = body["d"]
        return data


class SessionCookies:
    """Put ``scope["session"]`` (a dict) on every request; write it back when it changed."""

    def __init__(self, app: ASGIApp, *, secret: str, secure: bool, max_age: int = MAX_AGE) -> None:
        self.app = app
        self.signer = Signer(secret, max_age)
        self.max_age = max_age
        self.flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")

    def _read(self, scope: Scope) -> dict[str, Any]:
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie = cookie_parser(value.decode("latin-1")).get(COOKIE)
                if cookie:
                    return self.signer.loads(cookie) or {}
        return {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        initial = self._read(scope)
        had_cookie = bool(initial)
        scope["session"] = dict(initial)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                session: dict[str, Any] = scope["session"]
                headers = MutableHeaders(scope=message)
                if session and session != initial:
                    value = self.signer.dumps(session)
                    headers.append(
                        "set-cookie", f"{COOKIE}={value}; Max-Age={self.max_age}{self.flags}"
                    )
                elif not session and had_cookie:
                    headers.append("set-cookie", f"{COOKIE}=; Max-Age=0{self.flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)

"""Security headers on every response (a pure ASGI middleware: no buffering of bodies).

Responses from the private parts of the site (:func:`ceatlas.web.logs.is_private`: a
therapist's record and plan, the provider and admin areas, account pages) are marked
``Cache-Control: no-store`` unless the route chose its own caching (a calendar feed), so
no shared cache or browser history keeps a transcript or a CE status."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ceatlas.web.logs import is_private

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
STATIC_CACHE = b"public, max-age=31536000, immutable"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers: list[tuple[bytes, bytes]] = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if hsts:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        versioned_static = path.startswith("/static/") and b"v=" in scope.get("query_string", b"")
        private = is_private(path)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in self.headers:
                    if name not in present:
                        headers.append((name, value))
                if private and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", CSP.encode()))
                if versioned_static and message.get("status") == 200:
                    headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
                    headers.append((b"cache-control", STATIC_CACHE))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

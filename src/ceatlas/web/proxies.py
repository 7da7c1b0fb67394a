"""The client's address behind trusted reverse proxies (``CEATLAS_TRUSTED_PROXIES``).

A pure ASGI middleware: when the direct peer is one of the trusted proxies, the address
in ``X-Forwarded-For`` becomes the request's client (``scope["client"]``), so rate limits
and the access log see the visitor, not the proxy; ``X-Forwarded-Proto`` likewise sets
the scheme. The header is read from the right: the nearest address that is not itself a
trusted proxy is the client (addresses further left were written by the client and can be
anything). From any other peer the headers are ignored. With no trusted proxies (the
default) nothing changes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxies:
    """Believe ``X-Forwarded-For``/``-Proto`` only from peers inside ``networks``."""

    def __init__(self, app: ASGIApp, *, networks: Iterable[str]) -> None:
        self.app = app
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in networks
        )

    def trusted(self, host: str) -> bool:
        address = _address(host)
        return address is not None and any(address in net for net in self.networks)

    def client(self, peer: str, forwarded_for: str) -> str:
        """The client address for a request from ``peer`` carrying ``forwarded_for``."""
        if not self.trusted(peer):
            return peer
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        for hop in reversed(hops):
            if _address(hop) is None:
                return peer  # a malformed entry: trust nothing beyond the proxy
            if not self.trusted(hop):
                return hop.strip("[]")
        return hops[0].strip("[]") if hops else peer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.networks and scope.get("client"):
            peer, port = scope["client"]
            forwarded = _joined(scope, b"x-forwarded-for")
            if forwarded and self.trusted(peer):
                scope["client"] = (self.client(peer, forwarded), port)
                proto = _joined(scope, b"x-forwarded-proto").split(",")[-1].strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = proto
        await self.app(scope, receive, send)


def _joined(scope: Scope, name: bytes) -> str:
    """Every value of header ``name``, in order, joined by commas."""
    return ",".join(v.decode("latin-1") for k, v in scope.get("headers", []) if k == name)


def client_ip(scope: Scope) -> str:
    """The request's client address (after :class:`TrustedProxies`), or "unknown"."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"

"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Received:
    """What the server accepted: parsed messages with their envelope recipients."""

    host: str = "127.0.0.1"
    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


class _Credentials:
    def __init__(self, username: str, password: str) -> None:
        self.expected = (username.encode(), password.encode())

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        ok = isinstance(auth, LoginPassword) and (auth.login, auth.password) == self.expected
        return AuthResult(success=ok, handled=False)


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[Received]:
    """Run an SMTP server on 127.0.0.1 until the block ends; with ``login``, it offers
    AUTH and accepts only that user name and password (over plain text: a loopback test
    server)."""
    received = Received(port=free_port())
    options: dict[str, Any] = {}
    if login is not None:
        options = {
            "authenticator": _Credentials(*login),
            "auth_require_tls": False,
        }
    loop = asyncio.new_event_loop()
    controller = Controller(
        received, hostname="127.0.0.1", port=received.port, loop=loop, **options
    )
    controller.start()
    try:
        yield received
    finally:
        controller.stop()
        loop.close()

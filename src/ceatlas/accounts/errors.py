"""Errors raised by the accounts service, each naming the field at fault."""

from __future__ import annotations


class AccountError(Exception):
    """A request about an account cannot be honoured; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status

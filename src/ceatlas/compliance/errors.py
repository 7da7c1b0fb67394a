"""Errors of the compliance domain, each naming the field at fault."""

from __future__ import annotations


class ComplianceError(Exception):
    """A CE record request cannot be honoured; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field
        self.status = status

"""Errors of the compliance domain, each naming the field at fault."""

from __future__ import annotations


class ComplianceError(Exception):
    """A CE record request cannot be honoured; ``field`` names the input at fault.

    ``row_id`` names the row the error is about, when there is one (the license already
    recorded for a state, so a page can link to its edit form)."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        status: int = 400,
        row_id: int | None = None,
    ) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field
        self.status = status
        self.row_id = row_id

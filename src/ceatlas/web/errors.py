"""One error shape for the API (``{"error": {"message", "field"}}``) and HTML error pages."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ceatlas.web.schemas import MAX_ID, ErrorBody, ErrorDetail, ErrorResponse

log = logging.getLogger("ceatlas.web")
DATA_ERROR = (
    "a value in this request is out of range or has characters that cannot be stored (such as NUL)"
)
_WORD = re.compile(r"[a-z_]+")
_NAMED = re.compile(r"^([a-z_]+): (.+)$", re.DOTALL)


class WebError(Exception):
    """An answer that is an error: the status, a message for people and the field at fault."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        errors: list[ErrorDetail] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.errors = errors or [ErrorDetail(message=message, field=field)]

    def body(self) -> dict[str, Any]:
        error = ErrorBody(message=self.message, field=self.field, errors=self.errors)
        return ErrorResponse(error=error).model_dump(mode="json")


def not_found(what: str) -> WebError:
    return WebError(404, f"{what} not found")


def validation_error(
    error: ValidationError | RequestValidationError, known_fields: tuple[str, ...] = ()
) -> WebError:
    """A 422 naming the first field at fault (and listing every problem); a body that is
    not JSON at all is a 400 saying where the JSON breaks."""
    for item in error.errors():
        if item.get("type") == "json_invalid":
            reason = str((item.get("ctx") or {}).get("error") or "not valid JSON")
            at = [part for part in item.get("loc", ()) if isinstance(part, int)]
            where = f" at character {at[0] + 1}" if at else ""
            return WebError(400, f"the request body is not valid JSON: {reason}{where}")
    details: list[ErrorDetail] = []
    for item in error.errors():
        loc = [str(part) for part in item.get("loc", ()) if part not in ("query", "path", "body")]
        message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        field = loc[0] if loc else None
        if field is None and known_fields:
            # Model-level checks ("date_from is after date_to") name their fields in words.
            field = next((w for w in _WORD.findall(message) if w in known_fields), None)
        named = _NAMED.match(message)
        if field is None and named:
            # A model-level rule that names its field ("start_date: needs a date").
            field, message = named.group(1), named.group(2)
        if item.get("type") == "extra_forbidden":
            message = "unknown parameter"
        details.append(ErrorDetail(message=message, field=field))
    first = details[0] if details else ErrorDetail(message="invalid request")
    text = f"{first.field}: {first.message}" if first.field else first.message
    return WebError(422, text, first.field, details)


OUT_OF_RANGE = "a number in this request is out of range"


def ids_in_range(request: Request) -> None:
    """A dependency of every route: a whole-number path parameter beyond the database's id
    range is refused with 422, the same on every route and both backends (before, SQLite
    could not bind a 64-bit overflow and answered 500, and PostgreSQL answered 404)."""
    for name, value in request.path_params.items():
        text = str(value)
        if text.lstrip("-").isdigit() and abs(int(text)) > MAX_ID:
            raise WebError(422, f"{name}: {OUT_OF_RANGE}", name)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def install(app: FastAPI) -> None:
    """Register the handlers: JSON for /api/, an HTML page for everything else."""

    def render(request: Request, error: WebError) -> Response:
        if wants_json(request):
            return JSONResponse(error.body(), status_code=error.status)
        from ceatlas.web.pages.common import error_page

        return error_page(request, error)

    async def on_web_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebError)
        return render(request, exc)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = {404: "Not found", 405: "Method not allowed"}.get(
            exc.status_code, str(exc.detail)
        )
        response = render(request, WebError(exc.status_code, message))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return render(request, validation_error(exc))

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return render(request, WebError(500, "Internal error; it has been logged."))

    async def on_data_error(request: Request, exc: Exception) -> Response:
        # The database refused a value taken from the request (a number beyond its integer
        # range, a NUL character in text): the request is at fault, not the server.
        log.info("database refused a value on %s %s: %s", request.method, request.url.path, exc)
        return render(request, WebError(400, DATA_ERROR))

    async def on_overflow(request: Request, exc: Exception) -> Response:
        # SQLite cannot bind an integer beyond 64 bits taken from a form or query
        log.info("integer out of range on %s %s", request.method, request.url.path)
        return render(request, WebError(422, OUT_OF_RANGE))

    app.add_exception_handler(WebError, on_web_error)
    app.add_exception_handler(OverflowError, on_overflow)
    app.add_exception_handler(DataError, on_data_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_crash)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Not found"},
    422: {"model": ErrorResponse, "description": "A parameter is invalid (see error.field)"},
}

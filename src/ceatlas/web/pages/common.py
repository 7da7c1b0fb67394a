"""Rendering helpers shared by the pages."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from ceatlas.web.context import WebContext, get_context
from ceatlas.web.errors import WebError

SAMPLE_NOTICE = (
    "the providers and courses shown here are fictional, loaded to try CE Atlas. "
    "Do not register or pay."
)
_TITLES = {
    400: "Cannot run this search",
    401: "Please log in",
    403: "Not allowed",
    404: "Page not found",
    409: "Conflict",
    422: "Invalid request",
    429: "Too many attempts",
}


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    ctx: WebContext = get_context(request)
    values = {"nav": None, "sample_notice": None} | context
    response: HTMLResponse = ctx.templates.TemplateResponse(
        request, name, values, status_code=status_code
    )
    return response


def error_page(request: Request, error: WebError) -> Response:
    title = _TITLES.get(error.status, "Something went wrong")
    message = error.message if error.status < 500 else "Please try again later."
    if error.status == 404:
        message = f"Sorry, that {error.message.removesuffix(' not found')} does not exist."
        if error.message == "Not found":
            message = "Sorry, there is no page at this address."
    return render(request, "error.html", {"title": title, "message": message}, error.status)

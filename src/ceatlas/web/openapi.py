"""The OpenAPI document, adjusted where JSON Schema formats and our values disagree.

Session times are local wall-clock times ("09:00:00", with the time zone in a separate
field). JSON Schema's ``format: time`` is RFC 3339's full-time, which requires an offset,
so validators (and clients generated from the schema) would reject every real value: such
fields are documented with a pattern instead.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter

from ceatlas.web.schemas import ErrorResponse

REF = "#/components/schemas/{model}"

LOCAL_TIME = {
    "type": "string",
    "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$",
    "description": "Local time of day (HH:MM[:SS]); the time zone is given separately.",
}


def _local_times(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            return {k: v for k, v in node.items() if k != "format"} | LOCAL_TIME
        return {k: _local_times(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_local_times(v) for v in node]
    return node


ACCOUNT_PATHS = ("/api/v1/me", "/api/v1/provider")
BODY_ERROR = "The body is not valid JSON, or a value cannot be stored"
NOT_FOUND = "Nothing with this id (or it is another account's)"
BAD_REQUEST = "The request cannot be used (an unknown place, a value out of range)"


def _error(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/ErrorResponse"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _document_errors(document: dict[str, Any]) -> None:
    """Answers every operation can give whatever its router says: list them.

    Everything under ``/api/v1/me`` and ``/api/v1/provider`` needs an account (401 without
    one, 403 with the wrong role or without a CSRF token); a body that is not JSON is a 400;
    an operation with a path parameter answers 404 for an id that names nothing.
    """
    used = False
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "patch"):
                continue
            responses = operation.setdefault("responses", {})
            if path == ACCOUNT_PATHS[0] or path.startswith(tuple(p + "/" for p in ACCOUNT_PATHS)):
                responses.setdefault("401", _error("Not logged in"))
                responses.setdefault("403", _error("Not allowed for this account"))
                used = True
            if "{" in path:
                # an id that names nothing, or another account's record
                responses.setdefault("404", _error(NOT_FOUND))
            if "requestBody" in operation:
                responses.setdefault("400", _error(BODY_ERROR))
            elif path.startswith("/api/"):
                responses.setdefault("400", _error(BAD_REQUEST))
            used = True
    if used:
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        generated = TypeAdapter(ErrorResponse).json_schema(ref_template=REF)
        for name, definition in generated.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas.setdefault("ErrorResponse", generated)


def install(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if not getattr(app.state, "openapi_adjusted", False):
            document = build()
            _document_errors(document)
            app.openapi_schema = _local_times(document)
            app.state.openapi_adjusted = True
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

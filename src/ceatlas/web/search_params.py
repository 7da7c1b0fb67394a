"""Query strings to :class:`SearchQuery`, and the OpenAPI description of those parameters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from ceatlas.search import SearchQuery
from ceatlas.web.errors import WebError, validation_error

FIELDS: tuple[str, ...] = tuple(SearchQuery.model_fields)
LIST_FIELDS: tuple[str, ...] = tuple(
    name
    for name, info in SearchQuery.model_fields.items()
    if getattr(info.annotation, "__origin__", None) is list
)


def parse(
    params: Iterable[tuple[str, str]], *, strict: bool, defaults: dict[str, Any] | None = None
) -> SearchQuery:
    """Build a query from ``key=value`` pairs; blank values count as absent.

    ``strict``: unknown parameters are an error (the API); else they are ignored (pages).
    Raises :class:`WebError` (422, naming the field) when a value is invalid.
    """
    pairs = [(k, v) for k, v in params if v.strip() != ""]
    if not strict:
        pairs = [(k, v) for k, v in pairs if k in FIELDS]
    merged: dict[str, Any] = dict(defaults or {})
    seen: set[str] = set()
    for key, value in pairs:
        if key in seen and key in LIST_FIELDS:
            merged[key] = [*merged[key], value]
        elif key in seen:
            raise WebError(422, f"{key}: given more than once", key)
        else:
            merged[key] = [value] if key in LIST_FIELDS else value
            seen.add(key)
    try:
        return SearchQuery.model_validate(merged)
    except ValidationError as error:
        raise validation_error(error, FIELDS) from None


def openapi_parameters() -> list[dict[str, Any]]:
    """Every SearchQuery field as an OpenAPI query parameter (schema from the model)."""
    schema = SearchQuery.model_json_schema(ref_template="#/components/schemas/{model}")
    properties: dict[str, Any] = schema["properties"]
    out = []
    for name in FIELDS:
        prop = dict(properties[name])
        description = prop.pop("description", None)
        prop.pop("title", None)
        if name in LIST_FIELDS:
            description = (description or "") + " Repeat the parameter or separate with commas."
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": False,
            "schema": prop,
        }
        if description:
            parameter["description"] = description.strip()
        if name in LIST_FIELDS:
            parameter["style"] = "form"
            parameter["explode"] = True
        out.append(parameter)
    return out

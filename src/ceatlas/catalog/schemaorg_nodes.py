"""Small helpers for schema.org nodes as real sites publish them: prefixed or full-IRI
property names, one value or a list, strings where objects are expected."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ceatlas.catalog import parsing as p
from ceatlas.catalog.records import RecordError

CE_NAMESPACE = "https://w3id.org/ceatlas/ns#"
_PREFIXES = (
    "https://schema.org/",
    "http://schema.org/",
    "schema:",
    "sdo:",
    CE_NAMESPACE,
    "ce:",
)

_BARE: dict[str, str] = {}


def _bare(name: str) -> str:
    found = _BARE.get(name)
    if found is None:
        found = name
        for prefix in _PREFIXES:
            if name.startswith(prefix):
                found = name[len(prefix) :]
                break
        if len(_BARE) < 10_000:  # names repeat; a hostile file cannot grow the memo forever
            _BARE[name] = found
    return found


def bare_keys(obj: dict[str, Any]) -> dict[str, Any]:
    """One object's properties with schema.org and ce: prefixes removed (a json object_hook)."""
    for key in obj:
        if ":" in key:
            return {_bare(k): v for k, v in obj.items()}
    return obj


def bare_document(value: Any) -> Any:
    """``bare_keys`` applied throughout a document already in memory."""
    if isinstance(value, dict):
        return bare_keys({k: bare_document(v) for k, v in value.items()})
    if isinstance(value, list):
        return [bare_document(v) for v in value]
    return value


def node(obj: Any) -> dict[str, Any]:
    """An object (keys already bare), or an empty one for anything else."""
    return obj if isinstance(obj, dict) else {}


def types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    items = raw if isinstance(raw, list) else [raw]
    return {_bare(str(t)) for t in items if t}


def many(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, dict) and "@list" in value:
        return many(value["@list"])
    return value if isinstance(value, list) else [value]


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S")


def absolute_iri(value: Any) -> str | None:
    """An identifier with a scheme (https:, urn:, name:); relative ones such as "./" are not."""
    iri = value.get("@id") if isinstance(value, dict) else value
    if isinstance(iri, str) and _SCHEME.match(iri.strip()) and len(iri) <= 512:
        return iri.strip()
    return None


def url_of(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id", value.get("url"))
    return p.bounded(p.text(value), 1000)


def at(field: str, parse: Callable[[Any], Any], value: Any) -> Any:
    """Run a parser and place its error at ``field``."""
    if value is None:
        return None
    try:
        return parse(value)
    except RecordError as error:
        raise error.within(field) from None


def text_name(value: Any) -> str | None:
    if isinstance(value, dict):
        obj = node(value)
        return p.text(obj.get("name") or obj.get("alternateName") or obj.get("termCode"))
    return p.text(value)

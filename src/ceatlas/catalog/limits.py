"""Limits on what one catalog file may ask of the importer, so that a hostile or broken
file is refused with a reason instead of exhausting memory, recursion or the report.

Each limit has a default and an environment variable that changes it:

- ``CEATLAS_IMPORT_MAX_OBJECTS`` (200,000): JSON objects in one document, one NDJSON
  line or one script block of a page; counted before parsing, so six million empty objects
  are refused without building them;
- ``CEATLAS_IMPORT_MAX_DEPTH`` (64): how deeply objects and lists may nest (schema.org
  markup nests a handful of levels; Python's own parser gives up near a thousand);
- ``CEATLAS_IMPORT_MAX_LISTED`` (1,000): problems listed one by one in an import report;
  past it the rest are counted by reason ("and 6,640,981 more like 'expected a JSON
  object'").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ImportLimits:
    max_objects: int = 200_000
    max_depth: int = 64
    max_listed: int = 1_000

    @classmethod
    def from_env(cls) -> ImportLimits:
        """The defaults, changed by any ``CEATLAS_IMPORT_MAX_*`` variable that is set."""
        default = cls()
        return cls(
            max_objects=_int("CEATLAS_IMPORT_MAX_OBJECTS", default.max_objects),
            max_depth=_int("CEATLAS_IMPORT_MAX_DEPTH", default.max_depth),
            max_listed=_int("CEATLAS_IMPORT_MAX_LISTED", default.max_listed),
        )


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def too_many_objects(text: str, limits: ImportLimits) -> str | None:
    """Why ``text`` is refused before parsing (more objects than allowed), or None. Braces
    inside strings count too, so the figure is an upper bound ("about")."""
    found = text.count("{")
    if found <= limits.max_objects:
        return None
    return (
        f"about {found:,} JSON objects in one document, more than the {limits.max_objects:,} "
        "allowed (CEATLAS_IMPORT_MAX_OBJECTS); split the file"
    )


def too_deep(document: Any, limits: ImportLimits) -> str | None:
    """Why a parsed document is refused (nested deeper than allowed), or None. Walks the
    document with a stack, never by recursion."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limits.max_depth:
            return deeper_than(limits)
        stack.extend((child, depth + 1) for child in children)
    return None


def deeper_than(limits: ImportLimits) -> str:
    return (
        f"objects and lists nested more than {limits.max_depth} levels deep "
        "(CEATLAS_IMPORT_MAX_DEPTH); schema.org markup needs a handful"
    )

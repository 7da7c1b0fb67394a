"""Map the words publishers use for techniques, conditions and the like to knowledge-base ids."""

from __future__ import annotations

import re
from typing import Protocol

_NON_WORD = re.compile(r"[^a-z0-9]+")

KINDS = ("techniques", "conditions", "competencies", "categories")


class Resolver(Protocol):
    def resolve(self, kind: str, text: str) -> str | None: ...


def slug(text: str) -> str:
    return _NON_WORD.sub("-", text.lower()).strip("-")


class TermMapper:
    """Knowledge-base id for a known term; the publisher's own words (trimmed) otherwise.

    Results are cached per kind: the same few hundred terms recur across a million sessions.
    """

    def __init__(self, resolver: Resolver | None) -> None:
        self._resolver = resolver
        self._cache: dict[tuple[str, str], tuple[str, bool]] = {}

    def known(self, kind: str, text: str) -> bool:
        return self._lookup(kind, text)[1]

    def map(self, kind: str, text: str) -> str:
        return self._lookup(kind, text)[0]

    def _lookup(self, kind: str, text: str) -> tuple[str, bool]:
        cache_key = (kind, text)
        hit = self._cache.get(cache_key)
        if hit is None:
            found = self._resolver.resolve(kind, text) if self._resolver else None
            hit = (found, True) if found else (" ".join(text.split()), False)
            self._cache[cache_key] = hit
        return hit

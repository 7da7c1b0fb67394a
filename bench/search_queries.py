"""Deterministic mixed search queries for the search benchmark, built from the KB vocabulary
and the generator's places.

Shapes (share of the mix):

* ``text`` (35 %): free text only (a KB name, synonym, lay phrase or two terms), facets on.
* ``filters`` (25 %): one to four filters, no text, facets on.
* ``full`` (25 %): text + filters + a place with a radius (+ distance or price sort), facets on.
* ``broad`` (15 %): one very common word ("massage", "therapy") that matches most of the
  catalog, sometimes with one filter or grouped by course, facets on.

Every query is a flat ``dict[str, str]`` of query-string parameters, so the same queries
run in-process (``SearchQuery.from_params``) and over HTTP.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from ceatlas.catalog.places import PLACES
from ceatlas.kb.base import KnowledgeBase

SHAPES: tuple[tuple[str, float], ...] = (
    ("text", 0.35),
    ("filters", 0.25),
    ("full", 0.25),
    ("broad", 0.15),
)
BROAD_WORDS = ("massage", "therapy", "massage therapy", "techniques", "pain", "care")
MODES = ("self_paced_online", "live_online", "in_person", "hybrid")
PRICES = ("75", "150", "250", "400", "800")
RADII = ("10", "25", "50", "100", "250")
LEVELS = ("beginner", "intermediate", "advanced")


def _entries(kb: KnowledgeBase, kind: str) -> list[Any]:
    return sorted(kb.entries(kind).values(), key=lambda e: str(e.id))


def _phrases(kb: KnowledgeBase) -> list[str]:
    """Text a therapist might type: names, synonyms, abbreviations, lay phrases."""
    out: list[str] = []
    for kind in ("techniques", "conditions", "competencies"):
        for entry in _entries(kb, kind):
            out.append(str(entry.name))
            out.extend(str(s) for s in getattr(entry, "synonyms", []))
            out.extend(str(s) for s in getattr(entry, "abbreviations", []))
            out.extend(str(s) for s in getattr(entry, "lay_phrases", []))
    return sorted(set(out))


def _text(rng: random.Random, phrases: list[str]) -> str:
    first = rng.choice(phrases)
    if rng.random() < 0.25:
        return f"{first} {rng.choice(phrases)}"
    return first


def _filters(rng: random.Random, kb: KnowledgeBase, count: int) -> dict[str, str]:
    states = sorted(
        j for j, v in kb.jurisdictions.items() if isinstance(v.accepted_approvers, list)
    )
    techniques = [str(e.id) for e in _entries(kb, "techniques")]
    conditions = [str(e.id) for e in _entries(kb, "conditions")]
    makers: list[Callable[[], dict[str, str]]] = [
        lambda: {"modes": ",".join(rng.sample(MODES, rng.randint(1, 2)))},
        lambda: {"max_price": rng.choice(PRICES)},
        lambda: {"date_from": f"2027-{rng.randint(1, 6):02d}-01", "date_to": "2027-12-31"},
        lambda: {"days": rng.choice(("weekend", "weekdays", "saturday"))},
        lambda: {"time_of_day": rng.choice(("morning", "evening", "afternoon"))},
        lambda: {"state": rng.choice(states)},
        lambda: {"techniques": rng.choice(techniques)},
        lambda: {"conditions": rng.choice(conditions)},
        lambda: {"levels": rng.choice(LEVELS)},
        lambda: {"min_hours": str(rng.choice((3, 6, 12, 24)))},
        lambda: {"registration_open": "true", "min_seats": "2"},
    ]
    out: dict[str, str] = {}
    for make in rng.sample(makers, count):
        out.update(make())
    return out


def _place(rng: random.Random) -> dict[str, str]:
    p = rng.choice(PLACES)
    return {"near": f"{p.city}, {p.state}", "radius": rng.choice(RADII)}


def build_queries(kb: KnowledgeBase, count: int = 500, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` queries, each ``{"id", "shape", "params"}``, the same for the same seed."""
    rng = random.Random(seed)
    phrases = _phrases(kb)
    names = [s for s, _ in SHAPES]
    weights = [w for _, w in SHAPES]
    out: list[dict[str, Any]] = []
    for i in range(count):
        shape = rng.choices(names, weights)[0]
        params: dict[str, str] = {}
        if shape == "text":
            params["q"] = _text(rng, phrases)
        elif shape == "filters":
            params.update(_filters(rng, kb, rng.randint(1, 4)))
        elif shape == "full":
            params["q"] = _text(rng, phrases)
            params.update(_filters(rng, kb, rng.randint(1, 3)))
            params.update(_place(rng))
            params["sort"] = rng.choice(("relevance", "distance", "price"))
        else:
            params["q"] = rng.choice(BROAD_WORDS)
            roll = rng.random()
            if roll < 0.3:
                params.update(_filters(rng, kb, 1))
            elif roll < 0.45:
                params["group_by_course"] = "true"
        out.append({"id": i, "shape": shape, "params": params})
    return out

"""Search words read as a complaint, for when the words themselves find nothing.

"can't lift my arm over my head" names no course, but it is how clients describe a frozen
shoulder. The search page and ``ceatlas search`` ask :func:`read_complaint` when a text
query finds no session: the complaint matcher (the one recommendations use) reads the words,
and if it is as sure as it must be to count a complaint in a caseload, the search is run
again for the condition instead of the words, and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ceatlas.recommend.matching import CONFIDENT, Matcher
from ceatlas.search import ComplaintReading, SearchQuery, SearchResult
from ceatlas.search.relax import explain_nothing


@dataclass(frozen=True)
class SearchReading:
    """What the words were read as, and how sure the reading is."""

    text: str
    condition_id: str
    condition_name: str
    confidence: float
    via: str

    def sentence(self) -> str:
        """``Showing courses for Frozen shoulder, as read from "can't lift my arm..."``."""
        return f"Showing courses for {self.condition_name}, as read from \u201c{self.text}\u201d"

    def as_model(self) -> ComplaintReading:
        """The reading as the search result carries it."""
        return ComplaintReading(
            words=self.text,
            condition=self.condition_id,
            condition_name=self.condition_name,
            confidence=self.confidence,
            via=self.via,
            sentence=self.sentence(),
        )


def read_complaint(matcher: Matcher, text: str) -> SearchReading | None:
    """The condition ``text`` describes, when the matcher is confident (0.6, as for a
    caseload); ``None`` otherwise."""
    words = text.strip()
    if not words:
        return None
    found = matcher.match(words, limit=1)
    if not found or found[0].confidence < CONFIDENT:
        return None
    best = found[0]
    return SearchReading(words, best.condition_id, best.name, best.confidence, best.via)


def search_as_complaint(
    matcher: Matcher, query: SearchQuery, run: Callable[[SearchQuery], SearchResult]
) -> tuple[SearchResult, SearchReading] | None:
    """``query``'s words read as a complaint, and ``run`` again for that condition instead
    of the words: the result and the reading when it finds something, else ``None``."""
    reading = read_complaint(matcher, query.q or "")
    if reading is None or reading.condition_id in query.conditions:
        return None
    again = query.model_copy(
        update={"q": None, "conditions": [*query.conditions, reading.condition_id]}
    )
    found = run(again)
    return (found, reading) if found.total else None


def understood_search(
    matcher: Callable[[], Matcher],
    query: SearchQuery,
    run: Callable[[SearchQuery], SearchResult],
) -> SearchResult:
    """The search every way in answers (page, API, CLI): ``query`` as written; when its
    words find nothing, the same search for the complaint they describe
    (:func:`search_as_complaint`), with ``read_as_complaint`` saying so; and when still
    nothing matches, ``nothing_found`` says why and which single change finds something
    (:func:`ceatlas.search.relax.explain_nothing`). A query with ``literal`` keeps the words
    as written. ``matcher`` is called only when needed (a one-shot CLI call does not load
    the model for words that find courses)."""
    result = run(query)
    if result.total:
        return result
    if query.q and not query.literal:
        found = search_as_complaint(matcher(), query, run)
        if found is not None:
            again, reading = found
            return again.model_copy(update={"read_as_complaint": reading.as_model()})
    return result.model_copy(update={"nothing_found": explain_nothing(query, run)})

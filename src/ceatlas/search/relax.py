"""Why a search found nothing, and the nearest searches that find something.

When no session matches, :func:`explain_nothing` runs the same search again with one filter
at a time taken away or widened (a wider radius, live online as well as in person, any
price, any date...) and counts what each finds, and looks up which words of the text match
no course at all. The page, the API and the CLI show the answer instead of a generic "try
fewer filters": "No course mentions 'blorf'", "12 courses if you include live online".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ceatlas.search.query import SearchQuery
from ceatlas.search.results import NothingFound, Relaxation, SearchResult
from ceatlas.search.text import STOPWORDS, words_of

Run = Callable[[SearchQuery], SearchResult]

# At most this many words of the text are looked up one by one.
MAX_WORDS = 8
# At most this many pairs of changes are tried (the first filters' pairs): each is a search.
MAX_PAIRS = 28
RADIUS_STEPS = (2, 4)
MAX_RADIUS = 500
_ONLINE = ["live_online", "self_paced_online"]


def explain_nothing(query: SearchQuery, run: Run) -> NothingFound:
    """Why ``query`` found nothing: its words that match no course, and the relaxations of
    its filters that find something, with their counts. Each filter is first taken away or
    widened on its own; when no single change finds anything, every two changes together.
    Changes that keep the words come first (most results first), taking the words away
    last."""
    light = {"facets": False, "page": 1, "per_page": 1}
    options = list(_unique(_relaxations(query)))
    keeping_words = [(label, changes) for label, changes in options if "q" not in changes]
    dropping_words = [(label, changes) for label, changes in options if "q" in changes]

    def count(candidates: list[tuple[str, dict[str, Any]]]) -> list[Relaxation]:
        found = []
        for label, changes in candidates:
            total = run(query.model_copy(update=changes | light)).total
            if total:
                found.append(Relaxation(label=label, total=total, changes=changes))
        return sorted(found, key=lambda r: -r.total)

    found = count(keeping_words)
    if not found:
        found = count(list(_pairs(keeping_words))[:MAX_PAIRS])
    found += count(dropping_words)
    return NothingFound(unmatched_words=_unmatched(query, run), relaxations=found)


def _unique(
    options: Iterator[tuple[str, dict[str, Any]]],
) -> Iterator[tuple[str, dict[str, Any]]]:
    seen: set[str] = set()
    for label, changes in options:
        key = repr(sorted(changes.items()))
        if key not in seen:
            seen.add(key)
            yield label, changes


def _pairs(
    options: list[tuple[str, dict[str, Any]]],
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Two changes to different filters together ("within 40 mi and at any price")."""
    for i, (first, a) in enumerate(options):
        for second, b in options[i + 1 :]:
            if not set(a) & set(b):
                yield f"{first} and {second}", a | b


def _unmatched(query: SearchQuery, run: Run) -> list[str]:
    """Words of the text that find no session on their own, with no other filter."""
    if not query.q:
        return []
    words = [w for w in dict.fromkeys(words_of(query.q)) if w not in STOPWORDS][:MAX_WORDS]
    if len(words) <= 1 and not _filters_besides_text(query):
        # one word and nothing else: the word is the whole reason
        return words
    return [
        word
        for word in words
        if not run(
            SearchQuery(q=word, literal=True, facets=False, per_page=1, currency=query.currency)
        ).total
    ]


def _relaxations(query: SearchQuery) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, changes) for each filter ``query`` sets, taken away or widened."""
    if query.q and _filters_besides_text(query):
        plural = len(words_of(query.q)) > 1
        yield f"without the word{'s' if plural else ''} \u201c{query.q}\u201d", {"q": None}
    yield from _place(query)
    yield from _modes(query)
    if query.max_price is not None:
        yield "at any price", {"max_price": None}
    if query.date_from is not None or query.date_to is not None:
        yield "on any date", {"date_from": None, "date_to": None}
    if query.days:
        yield "on any day of the week", {"days": []}
    if query.time_of_day:
        yield "at any time of day", {"time_of_day": []}
    if not query.include_self_paced:
        yield "with self-paced courses too", {"include_self_paced": True}
    if query.min_hours is not None or query.max_hours is not None:
        yield "with any number of CE hours", {"min_hours": None, "max_hours": None}
    if query.state:
        yield "for any state", {"state": None}
    for field, words in _LIST_FILTERS:
        if getattr(query, field):
            yield f"without the {words} filter", {field: []}
    if query.pathway:
        yield "without the pathway filter", {"pathway": None}
    if query.min_seats is not None:
        yield "whatever the seats left", {"min_seats": None}
    if query.registration_open:
        yield "whether or not registration is open", {"registration_open": False}


_LIST_FILTERS = (
    ("techniques", "technique"),
    ("conditions", "condition"),
    ("categories", "subject"),
    ("competencies", "competency"),
    ("levels", "level"),
    ("providers", "provider"),
    ("languages", "language"),
)


def _filters_besides_text(query: SearchQuery) -> bool:
    """True when ``query`` sets any filter (anything besides its words)."""
    without_text = query.model_copy(update={"q": None})
    return any(True for _ in _relaxations(without_text))


def _place(query: SearchQuery) -> Iterator[tuple[str, dict[str, Any]]]:
    if not query.has_place:
        return
    if query.radius is not None:
        for step in RADIUS_STEPS:
            wider = min(query.radius * step, MAX_RADIUS)
            if wider > query.radius:
                yield f"within {wider:g} {query.unit}", {"radius": wider}
    yield "anywhere", {"near": None, "lat": None, "lon": None, "radius": None}


def _modes(query: SearchQuery) -> Iterator[tuple[str, dict[str, Any]]]:
    if not query.modes:
        return
    chosen = list(query.modes)
    if "live_online" not in chosen:
        yield "with live online too", {"modes": [*chosen, "live_online"]}
    if not set(_ONLINE) <= set(chosen):
        online = [*chosen, *(m for m in _ONLINE if m not in chosen)]
        yield "with online courses too", {"modes": online}
    yield "in any format", {"modes": []}

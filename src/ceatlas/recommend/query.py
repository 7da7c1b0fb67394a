"""Search words read as a client's complaint.

"can't lift my arm over my head" names no course, but it is how clients describe a frozen
shoulder. Every way into search (page, API, CLI) answers through :func:`understood_search`:
the complaint matcher (the one recommendations use) reads the words; everyday words it
recognises as a KB lay phrasing are searched as their condition, as are words that find
nothing when the matcher is as sure as it must be to count a complaint in a caseload; the
answer says how it read them. When nothing matches at all, the answer says why
(:mod:`ceatlas.search.relax`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ceatlas.recommend.matching import CONFIDENT, Matcher
from ceatlas.search import ComplaintReading, CourseHit, SearchQuery, SearchResult
from ceatlas.search.relax import explain_nothing

# When the best reading rests only on closeness in meaning, conditions this close to it are
# as likely ("my knee hurts": knee replacement rehabilitation 0.86, limited range of motion
# 0.80, osteoarthritis 0.78), and the search runs for all of them.
CLOSE = 0.1


@dataclass(frozen=True)
class SearchReading:
    """What the words were read as, and how sure the reading is. ``others`` are further
    conditions (id, name) read about as surely, searched too."""

    text: str
    condition_id: str
    condition_name: str
    confidence: float
    via: str
    others: tuple[tuple[str, str], ...] = ()
    #: techniques (id, name) the KB lists for the conditions, the generic ones left out
    techniques: tuple[tuple[str, str], ...] = ()

    @property
    def by_meaning(self) -> bool:
        """The words were read by closeness in meaning alone (the embedding model)."""
        return self.via.startswith("similar in meaning")

    @property
    def condition_ids(self) -> list[str]:
        return [self.condition_id, *(cid for cid, _ in self.others)]

    @property
    def names(self) -> str:
        """ "Frozen shoulder", or "A, B or C" when the words could be several."""
        names = [self.condition_name, *(name for _, name in self.others)]
        if len(names) == 1:
            return names[0]
        return f"{', '.join(names[:-1])} or {names[-1]}"

    def sentence(self) -> str:
        """``Showing courses for Frozen shoulder, as read from "can't lift my arm..."``."""
        return f"Showing courses for {self.names}, as read from \u201c{self.text}\u201d"

    def as_model(self) -> ComplaintReading:
        """The reading as the search result carries it."""
        return ComplaintReading(
            words=self.text,
            condition=self.condition_id,
            condition_name=self.condition_name,
            conditions=self.condition_ids,
            names=self.names,
            techniques=[name for _, name in self.techniques],
            confidence=self.confidence,
            via=self.via,
            sentence=self.sentence(),
        )


def read_complaint(matcher: Matcher, text: str) -> SearchReading | None:
    """The condition ``text`` describes, when the matcher is confident (0.6, as for a
    caseload); ``None`` otherwise. When the best reading rests on closeness in meaning
    alone, the conditions within :data:`CLOSE` of it come too."""
    words = text.strip()
    if not words:
        return None
    found = matcher.match(words, limit=3)
    if not found or found[0].confidence < CONFIDENT:
        return None
    best = found[0]
    others: tuple[tuple[str, str], ...] = ()
    if best.via.startswith("similar in meaning"):  # SearchReading.by_meaning
        others = tuple(
            (m.condition_id, m.name)
            for m in found[1:]
            if m.confidence >= max(CONFIDENT, best.confidence - CLOSE)
        )
    kb = getattr(matcher, "kb", None)
    techniques: tuple[tuple[str, str], ...] = ()
    if kb is not None:
        generic = kb.generic_techniques()
        ids = [best.condition_id, *(cid for cid, _ in others)]
        listed = [t for cid in ids for t in kb.conditions[cid].techniques if t not in generic]
        techniques = tuple((t, kb.techniques[t].name) for t in dict.fromkeys(listed))
    return SearchReading(
        words, best.condition_id, best.name, best.confidence, best.via, others, techniques
    )


def search_as_complaint(
    matcher: Matcher, query: SearchQuery, run: Callable[[SearchQuery], SearchResult]
) -> tuple[SearchResult, SearchReading] | None:
    """``query``'s words read as a complaint, and ``run`` again for that condition instead
    of the words: the result and the reading when it finds something, else ``None``."""
    reading = read_complaint(matcher, query.q or "")
    found = _for_condition(query, reading, run) if reading is not None else None
    return (found, reading) if found is not None and reading is not None else None


# Kinds of KB term the search reads itself (with their synonyms and spelling fixes): a query
# that is one of them is searched as written, never read as a complaint.
_SEARCH_TERMS = ("techniques", "categories", "competencies", "pathways")


def understood_search(
    matcher: Callable[[], Matcher],
    query: SearchQuery,
    run: Callable[[SearchQuery], SearchResult],
) -> SearchResult:
    """The search every way in answers (page, API, CLI).

    Words that describe a client's complaint ("can't lift my arm over my head", "pain
    shooting down my leg") are read by the complaint matcher; when it is confident (as for
    a caseload), the search runs for that condition instead of the words, and
    ``read_as_complaint`` says so. Words that name a technique, subject, competency or
    pathway are searched as written, as is any query with ``literal``. When the condition
    finds nothing, the words are searched as written; when no course holds all the words
    and no filter is to blame, the courses holding some of them are shown, the closest
    first (``some_words_only``); and when still nothing matches, ``nothing_found`` says why
    and which change finds something (:func:`ceatlas.search.relax.explain_nothing`).

    ``matcher`` is called only for a query with words (a one-shot CLI call without words
    does not load the model)."""
    reading = read_query(matcher, query)
    if reading is not None and _lay_words(reading):
        # everyday words: the condition they describe beats the words themselves
        found = _for_condition(query, reading, run)
        if found is not None:
            return found
    result = run(query)
    if result.total:
        return with_some_words(query, result, run)
    if reading is not None and not reading.by_meaning:
        found = _for_condition(query, reading, run)
        if found is not None:
            return found
    nothing = explain_nothing(query, run)
    keeping_words = [r for r in nothing.relaxations if "q" not in r.changes]
    if len(result.interpretation.concepts) > 1 and not query.any_words and not keeping_words:
        # no filter is to blame: the words are never all together; the courses holding
        # some of them rank below full matches would have, instead of nothing at all (on
        # the relevance set this beat a reading by closeness in meaning alone)
        some = run(query.model_copy(update={"any_words": True}))
        if some.total:
            return some.model_copy(update={"some_words_only": True, "nothing_found": nothing})
    if reading is not None and reading.by_meaning:
        found = _for_condition(query, reading, run)
        if found is not None:
            return found
    return result.model_copy(update={"nothing_found": nothing})


def with_some_words(
    query: SearchQuery, result: SearchResult, run: Callable[[SearchQuery], SearchResult]
) -> SearchResult:
    """``result`` with, when all its full matches fit on the first page, the results that
    hold only some of the words after them (``some_words_from``): partial matches rank
    below full ones instead of vanishing ("insurance billing" finds the one course that
    says both, then those about insurance)."""
    if (
        query.page != 1
        or query.any_words
        or result.total >= query.per_page
        or len(result.interpretation.concepts) < 2
    ):
        return result
    shown = _hits(result)
    some = run(query.model_copy(update={"any_words": True}))
    extra = _unseen(_hits(some), shown, query.per_page)
    if not extra:
        return result
    return _with_hits(result, [*shown, *extra], some_words_from=len(shown))


def _hits(result: SearchResult) -> list[Any]:
    """The result's cards: courses when grouped, else sessions."""
    return list(result.courses if result.grouped else result.results)


def _hit_id(hit: Any) -> int:
    return int(hit.course.id if isinstance(hit, CourseHit) else hit.session.id)


def _unseen(candidates: list[Any], shown: list[Any], per_page: int) -> list[Any]:
    """The ``candidates`` not already ``shown``, as many as the page still has room for."""
    have = {_hit_id(h) for h in shown}
    return [h for h in candidates if _hit_id(h) not in have][: max(0, per_page - len(shown))]


def _with_hits(result: SearchResult, hits: list[Any], **update: Any) -> SearchResult:
    field = "courses" if result.grouped else "results"
    return result.model_copy(update={field: hits, **update})


def read_query(matcher: Callable[[], Matcher], query: SearchQuery) -> SearchReading | None:
    """The complaint ``query``'s words describe, when the matcher is confident; ``None``
    for a query without words, with ``literal``, or whose words name a technique, subject,
    competency or pathway (the search reads those itself). This is all the reading adds to
    a search before it runs; it does not touch the catalog."""
    if not query.q or query.literal:
        return None
    found = matcher()
    kb = getattr(found, "kb", None)
    if kb is not None and any(kb.resolve(kind, query.q) for kind in _SEARCH_TERMS):
        return None
    return read_complaint(found, query.q)


def _lay_words(reading: SearchReading) -> bool:
    """True when the words matched one of the KB's everyday phrasings of the condition by
    their own words (as written, misspelt or shared), not only by closeness in meaning:
    on the relevance set, meaning alone read clinical terms as the wrong lay complaint
    ("cervicogenic headache" as tension-type headache)."""
    return "lay phrase" in reading.via and not reading.by_meaning


def _for_condition(
    query: SearchQuery, reading: SearchReading, run: Callable[[SearchQuery], SearchResult]
) -> SearchResult | None:
    """``query`` run for the condition of ``reading`` instead of its words (``None`` when
    that finds nothing or the condition is already a filter)."""
    if set(reading.condition_ids) <= set(query.conditions):
        return None
    again = run(
        query.model_copy(
            update={"q": None, "conditions": [*query.conditions, *reading.condition_ids]}
        )
    )
    if not again.total:
        return None
    found = _with_mentions(query, reading, again, run)
    return found.model_copy(update={"read_as_complaint": reading.as_model()})


def _with_mentions(
    query: SearchQuery,
    reading: SearchReading,
    about: SearchResult,
    run: Callable[[SearchQuery], SearchResult],
) -> SearchResult:
    """``about`` (the courses about the conditions) followed, when they all fit on the first
    page, by courses whose text names a condition (its name or a synonym) without the
    course reader finding it among their subjects ("those on blood thinners" in a course
    about older adults), then by courses mainly about a technique the KB lists for the
    conditions (not the generic ones such as Swedish massage) and about no other
    condition."""
    if query.page != 1 or about.total >= query.per_page:
        return about
    names = [reading.condition_name, *(name for _, name in reading.others)]
    tiers = [query.model_copy(update={"q": name, "any_words": False}) for name in names]
    technique_ids = [tid for tid, _ in reading.techniques]
    if technique_ids:
        techniques = sorted({*query.techniques, *technique_ids})
        tiers.append(query.model_copy(update={"q": None, "techniques": techniques}))

    items = _hits(about)
    starts: list[int | None] = [None, None]  # where mentions, then techniques, start
    conditions = {f"conditions:{cid}" for cid in reading.condition_ids}
    wanted = {f"techniques:{tid}" for tid in technique_ids}

    def on_technique(item: Any) -> bool:
        """Mainly about one of the techniques, and about no other condition (a plantar
        fasciitis course teaching myofascial release is not shown for a frozen shoulder)."""
        main = set(item.course.primary_terms)
        others = {t for t in main if t.startswith("conditions:")} - conditions
        return bool(main & wanted) and not others

    for number, tier in enumerate(tiers):
        if len(items) >= query.per_page:
            break
        found = _hits(run(tier))
        if number == len(names):
            found = [i for i in found if on_technique(i)]
        fresh = _unseen(found, items, query.per_page)
        if fresh:
            slot = 1 if number == len(names) else 0
            if starts[slot] is None:
                starts[slot] = len(items)
            items += fresh
    if len(items) == len(_hits(about)):
        return about
    return _with_hits(about, items, mentions_from=starts[0], techniques_from=starts[1])

"""Does free-text search find the right courses? Previous and current search, side by side.

``tests/search/relevance_queries.yaml`` holds search queries written by hand from the
course texts of ``tests/catalog/reader_set`` (before looking at any result), each with a
kind (``lay``, ``clinical``, ``typo``, ``topic``, ``state``) and a grade per relevant course
(3 centrally about it, 2 substantially covers it, 1 touches it usefully; unlisted 0).

The 200 records are published as an **untagged** catalog (title and description only,
:func:`ceatlas.quality.untagged.documents`) into a fresh SQLite file, and every query is run
at course level (``group_by_course``, ten per page) through the public entry points:

- **previous**: :meth:`SearchService.search` with ``literal=True``, the words as written;
- **fallback only (lexical)**: the search of the morning of 2026-12-03: words as written,
  read as a complaint only when they find nothing (lexical matcher);
- **current**: :func:`ceatlas.recommend.query.understood_search`, which reads everyday
  words as a client's complaint (and words that find nothing) and searches for that
  condition instead, once with
  the lexical complaint matcher and once with ``make_matcher(kb, "auto")`` (combined with
  sentence embeddings when the extra is installed).

Scores per way, overall and per kind: nDCG@10 (gain = grade, log2 discount, ideal DCG from
the query's grades), precision@5 (share of the first five graded 2 or more), and the
zero-result rate (queries with at least one relevant course that return nothing). Queries
with no relevant course are left out of both and reported as how many returned something.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ceatlas.catalog.reader_eval import load_set
from ceatlas.catalog.service import Catalog
from ceatlas.db import make_engine
from ceatlas.kb import KnowledgeBase
from ceatlas.quality.untagged import TODAY, course_key, documents
from ceatlas.recommend.matching import Matcher, make_matcher
from ceatlas.recommend.query import search_as_complaint, understood_search
from ceatlas.search import SearchQuery, SearchResult
from ceatlas.search.service import SearchService

KINDS: tuple[str, ...] = ("lay", "clinical", "typo", "topic", "state")
#: the least number of queries of each kind a valid set holds
MIN_PER_KIND = 8
K = 10
PRECISION_AT = 5
PREVIOUS = "previous"
FALLBACK = "fallback only (lexical)"
#: every day of this date's search has each session of the catalog upcoming (they start
#: 10 to 69 days after it, as :func:`ceatlas.quality.untagged.documents` dates them)
SEARCH_DAY = TODAY

Run = Callable[[SearchQuery], SearchResult]


@dataclass(frozen=True)
class LabelledQuery:
    """One query of the set and its graded relevant courses (record id -> 1..3)."""

    id: str
    kind: str
    q: str
    why: str
    relevant: Mapping[str, int]


def load_queries(path: Path) -> list[LabelledQuery]:
    """The labelled queries of ``path`` (see the file's header for the grades)."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        LabelledQuery(
            id=str(item["id"]),
            kind=str(item["kind"]),
            q=str(item["q"]),
            why=str(item.get("why") or ""),
            relevant={str(k): int(v) for k, v in (item.get("relevant") or {}).items()},
        )
        for item in data["queries"]
    ]


def problems(queries: Sequence[LabelledQuery], record_ids: Iterable[str]) -> list[str]:
    """What makes the set invalid: unknown course keys, grades outside 1..3, unknown kinds,
    repeated ids, or fewer than :data:`MIN_PER_KIND` queries of a kind. Empty when valid."""
    known = set(record_ids)
    out: list[str] = []
    seen: set[str] = set()
    for query in queries:
        if query.id in seen:
            out.append(f"{query.id}: repeated id")
        seen.add(query.id)
        if query.kind not in KINDS:
            out.append(f"{query.id}: unknown kind {query.kind!r}")
        if not query.q.strip():
            out.append(f"{query.id}: empty query")
        for key, grade in query.relevant.items():
            if key not in known:
                out.append(f"{query.id}: unknown course {key}")
            if grade not in (1, 2, 3):
                out.append(f"{query.id}: grade {grade} for {key} is not 1, 2 or 3")
    for kind in KINDS:
        count = sum(1 for q in queries if q.kind == kind)
        if count < MIN_PER_KIND:
            out.append(f"kind {kind}: {count} queries, fewer than {MIN_PER_KIND}")
    return out


def ndcg(ranked: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    """nDCG@k with gain = grade and a log2 discount; the ideal order is the grades sorted
    (0.0 when nothing is relevant)."""
    dcg = sum(grades.get(key, 0) / math.log2(i + 2) for i, key in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def precision(ranked: Sequence[str], grades: Mapping[str, int], k: int = PRECISION_AT) -> float:
    """Share of the first ``k`` places holding a course graded 2 or more."""
    return sum(1 for key in ranked[:k] if grades.get(key, 0) >= 2) / k


@dataclass
class QueryOutcome:
    """One query answered one way."""

    id: str
    kind: str
    q: str
    total: int
    ranked: list[str]
    top_titles: list[str]
    ndcg: float
    precision5: float
    has_relevant: bool
    read_as: str

    @property
    def zero(self) -> bool:
        return self.total == 0


@dataclass
class Score:
    """Means over the queries that have at least one relevant course."""

    queries: int = 0
    ndcg_sum: float = 0.0
    precision5_sum: float = 0.0
    zero: int = 0
    #: queries with no relevant course at all, and how many of them returned something
    no_relevant: int = 0
    answered_anyway: int = 0

    def add(self, outcome: QueryOutcome) -> None:
        if not outcome.has_relevant:
            self.no_relevant += 1
            self.answered_anyway += not outcome.zero
            return
        self.queries += 1
        self.ndcg_sum += outcome.ndcg
        self.precision5_sum += outcome.precision5
        self.zero += outcome.zero

    @property
    def ndcg(self) -> float:
        return self.ndcg_sum / self.queries if self.queries else 0.0

    @property
    def precision5(self) -> float:
        return self.precision5_sum / self.queries if self.queries else 0.0

    @property
    def zero_rate(self) -> float:
        return self.zero / self.queries if self.queries else 0.0


@dataclass
class WayOutcome:
    """Every query answered one way, with the overall and per-kind scores."""

    name: str
    matcher: str | None
    queries: list[QueryOutcome] = field(default_factory=list)
    overall: Score = field(default_factory=Score)
    by_kind: dict[str, Score] = field(default_factory=dict)


@dataclass
class Outcome:
    ways: dict[str, WayOutcome]
    queries: list[LabelledQuery]


def _record_id(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def _described(result: SearchResult) -> str:
    """What the search read the words as: the complaint reading, the spelling corrections
    and concepts it recognised, or "as written"."""
    reading = result.read_as_complaint
    if reading is not None:
        return f"complaint: {reading.condition_name} (via {reading.via}, {reading.confidence:.2f})"
    seen = result.interpretation
    parts = [f"corrected {', '.join(seen.corrections)}"] if seen.corrections else []
    if seen.concepts:
        parts.append(f"concepts {', '.join(seen.concepts)}")
    return "; ".join(parts) or "as written"


def score_query(query: LabelledQuery, result: SearchResult) -> QueryOutcome:
    """Score one course-level result page against the query's grades."""
    ranked = [_record_id(hit.course.key) for hit in result.courses[:K]]
    return QueryOutcome(
        id=query.id,
        kind=query.kind,
        q=query.q,
        total=result.total,
        ranked=ranked,
        top_titles=[hit.course.title for hit in result.courses[:3]],
        ndcg=ndcg(ranked, query.relevant),
        precision5=precision(ranked, query.relevant),
        has_relevant=bool(query.relevant),
        read_as=_described(result),
    )


def search_query(query: LabelledQuery) -> SearchQuery:
    """The query as the search page sends it, one page of ten courses."""
    return SearchQuery(q=query.q, group_by_course=True, per_page=K, facets=False)


def previous(service: SearchService, today: dt.date = SEARCH_DAY) -> Run:
    """The previous search: the words as written (``literal``)."""
    return lambda q: service.search(q.model_copy(update={"literal": True}), today)


def fallback_only(service: SearchService, matcher: Matcher, today: dt.date = SEARCH_DAY) -> Run:
    """The search of 2026-12-03 morning: the words as written, read as a complaint only
    when they find nothing (:func:`ceatlas.recommend.query.search_as_complaint`)."""

    def run(q: SearchQuery) -> SearchResult:
        found = service.search(q.model_copy(update={"literal": True}), today)
        if found.total or not q.q:
            return found
        again = search_as_complaint(matcher, q, lambda x: service.search(x, today))
        return again[0] if again is not None else found

    return run


def current(service: SearchService, matcher: Matcher, today: dt.date = SEARCH_DAY) -> Run:
    """The current search: words that find nothing are read as a complaint."""
    return lambda q: understood_search(lambda: matcher, q, lambda x: service.search(x, today))


def score_way(
    name: str, run: Run, queries: Sequence[LabelledQuery], matcher: str | None = None
) -> WayOutcome:
    """Run every query one way and add up the scores."""
    out = WayOutcome(name, matcher, by_kind={kind: Score() for kind in KINDS})
    for query in queries:
        outcome = score_query(query, run(search_query(query)))
        out.queries.append(outcome)
        out.overall.add(outcome)
        out.by_kind.setdefault(query.kind, Score()).add(outcome)
    return out


def build_catalog(
    kb: KnowledgeBase, records: list[dict[str, Any]], database: Path
) -> SearchService:
    """Import the untagged catalog of ``records`` into a SQLite file at ``database``."""
    engine = make_engine(f"sqlite:///{database}")
    catalog = Catalog(engine, kb)
    catalog.init()
    report = catalog.import_documents(documents(records, kb, tagged=False), "evaluation")
    if report.records_rejected or report.problems:
        raise ValueError(f"the untagged catalog did not import: {report.problems[:3]}")
    return SearchService(engine, kb)


def evaluate(
    kb: KnowledgeBase,
    reader_set: Path,
    queries_path: Path,
    matchers: Sequence[str] = ("lexical", "auto"),
) -> Outcome:
    """The previous search and the current one with each named matcher
    (:func:`ceatlas.recommend.matching.make_matcher`), on one fresh untagged catalog.

    Raises :class:`ValueError` when the query set is invalid (:func:`problems`)."""
    records = load_set(reader_set.glob("*.yaml"))
    queries = load_queries(queries_path)
    wrong = problems(queries, (str(r["id"]) for r in records))
    if wrong:
        raise ValueError("the query set is invalid: " + "; ".join(wrong[:5]))
    assert all(_record_id(course_key(r)) == str(r["id"]) for r in records)
    with tempfile.TemporaryDirectory() as tmp:
        service = build_catalog(kb, records, Path(tmp) / "search-relevance.db")
        try:
            ways = {PREVIOUS: score_way(PREVIOUS, previous(service), queries)}
            lexical = make_matcher(kb, "lexical")
            ways[FALLBACK] = score_way(
                FALLBACK, fallback_only(service, lexical), queries, lexical.name
            )
            for name in matchers:
                matcher = make_matcher(kb, name)
                label = f"current ({'lexical' if matcher.name == 'lexical' else 'combined'})"
                if name not in ("lexical", "auto"):
                    label = f"current ({name})"
                ways[label] = score_way(label, current(service, matcher), queries, matcher.name)
            return Outcome(ways, queries)
        finally:
            service.engine.dispose()


def report(outcome: Outcome) -> str:
    """A Markdown table: nDCG@10, precision@5 and zero results per way, overall and per
    kind, then the queries with no relevant course."""
    names = list(outcome.ways)
    header = "| queries | n | " + " | ".join(
        f"{name} nDCG@10 | {name} P@5 | {name} zero results" for name in names
    )
    lines = [header + " |", "|---|---|" + "---|" * (3 * len(names))]
    rows: list[tuple[str, dict[str, Score]]] = [
        ("all", {n: w.overall for n, w in outcome.ways.items()})
    ]
    rows += [(kind, {n: w.by_kind[kind] for n, w in outcome.ways.items()}) for kind in KINDS]
    for label, scores in rows:
        first = scores[names[0]]
        cells = " | ".join(
            f"{s.ndcg:.3f} | {s.precision5:.3f} | {s.zero} ({s.zero_rate:.0%})"
            for s in (scores[n] for n in names)
        )
        lines.append(f"| {label} | {first.queries} | {cells} |")
    lines += [
        "",
        "| way | queries with no relevant course | answered with courses anyway |",
        "|---|---|---|",
    ]
    for name, way in outcome.ways.items():
        lines.append(f"| {name} | {way.overall.no_relevant} | {way.overall.answered_anyway} |")
    return "\n".join(lines)


def weak(way: WayOutcome, below: float = 0.5) -> list[QueryOutcome]:
    """The queries ``way`` answered badly: nDCG@10 under ``below`` (when a course is
    relevant) or no result at all; worst first."""
    found = [q for q in way.queries if (q.has_relevant and q.ndcg < below) or q.zero]
    return sorted(found, key=lambda q: (q.ndcg if q.has_relevant else 1.0, q.id))


def worst(way: WayOutcome, count: int = 10) -> list[QueryOutcome]:
    """The ``count`` queries with a relevant course that ``way`` scored lowest."""
    return sorted((q for q in way.queries if q.has_relevant), key=lambda q: (q.ndcg, q.id))[:count]


def line(outcome: QueryOutcome) -> str:
    """One query's answer in a line: query, kind, reading, score, top three titles."""
    titles = "; ".join(outcome.top_titles) or "no result"
    score = f"nDCG@10 {outcome.ndcg:.2f}" if outcome.has_relevant else "nothing relevant"
    return (
        f"- `{outcome.id}` \u201c{outcome.q}\u201d ({outcome.kind}): read as {outcome.read_as}; "
        f"{score}, {outcome.total} courses; top 3: {titles}"
    )

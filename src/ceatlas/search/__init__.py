"""Course search: one query model, two backends (SQLite FTS5, PostgreSQL tsvector)."""

from ceatlas.search.query import SearchQuery
from ceatlas.search.results import (
    ComplaintReading,
    CourseHit,
    Explanation,
    FacetCount,
    Interpretation,
    SearchResult,
    SessionHit,
)
from ceatlas.search.service import SearchError, SearchService, resolve_place, search

__all__ = [
    "ComplaintReading",
    "CourseHit",
    "Explanation",
    "FacetCount",
    "Interpretation",
    "SearchError",
    "SearchQuery",
    "SearchResult",
    "SearchService",
    "SessionHit",
    "resolve_place",
    "search",
]

"""Knowledge-base look-ups shared by the KB pages and the KB API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ceatlas.catalog.models import Course, CourseSession, CourseTerm
from ceatlas.kb import KINDS, canonical_kind
from ceatlas.search import SearchError, SearchQuery
from ceatlas.web.context import WebContext
from ceatlas.web.errors import WebError, not_found
from ceatlas.web.queries import course_summary
from ceatlas.web.schemas import CourseSummary

# How a KB kind filters the course search.
SEARCH_FILTER: dict[str, str] = {
    "conditions": "conditions",
    "techniques": "techniques",
    "competencies": "competencies",
    "categories": "categories",
    "pathways": "pathway",
    "jurisdictions": "state",
}
KIND_TITLES: dict[str, str] = {
    "conditions": "Conditions",
    "techniques": "Techniques",
    "competencies": "Competencies",
    "pathways": "Career pathways",
    "jurisdictions": "States and licensing bodies",
    "categories": "CE categories",
    "regions": "Body regions",
}


def kind_of(kind: str) -> str:
    """The canonical plural kind, or a 404 (singular forms are accepted)."""
    try:
        found = canonical_kind(kind)
    except ValueError:
        raise WebError(
            404, f"unknown knowledge-base kind {kind!r}; one of: {', '.join(KINDS)}", "kind"
        ) from None
    return found


def entry_of(ctx: WebContext, kind: str, ident: str) -> Any:
    entry = ctx.kb.entries(kind).get(ident)
    if entry is None:
        raise not_found(f"{kind} entry")
    return entry


def courses_for(ctx: WebContext, kind: str, ident: str, limit: int = 50) -> list[CourseSummary]:
    """Upcoming catalog courses tagged with this entry (through the search library); none
    for a kind the search does not filter on (body regions)."""
    field = SEARCH_FILTER.get(kind)
    if field is None:
        return []
    value: Any = ident if field in ("pathway", "state") else [ident]
    try:
        query = SearchQuery.model_validate(
            {field: value, "group_by_course": True, "per_page": limit, "facets": False}
        )
        result = ctx.search.search(query, ctx.today())
    except (SearchError, ValueError):
        return []
    return [
        CourseSummary(
            id=hit.course.id,
            key=hit.course.key,
            title=hit.course.title,
            ce_hours=hit.course.ce_hours,
            level=hit.course.level,
            url=f"/courses/{hit.course.id}",
        )
        for hit in result.courses
    ]


def courses_in_region(ctx: WebContext, region: str, limit: int = 50) -> list[CourseSummary]:
    """Courses the course reader found working on a body region (its main subject first),
    among courses with a session that has not ended or no end date (self-paced)."""
    today = ctx.today()
    with Session(ctx.engine) as db:
        courses = db.scalars(
            select(Course)
            .join(CourseTerm, CourseTerm.course_id == Course.id)
            .where(
                CourseTerm.kind == "regions",
                CourseTerm.term == region,
                CourseTerm.centrality.in_(("primary", "secondary")),
                exists().where(
                    CourseSession.course_id == Course.id,
                    or_(CourseSession.end_date.is_(None), CourseSession.end_date >= today),
                ),
            )
            .order_by(CourseTerm.centrality, Course.title)
            .limit(limit)
        ).all()
        return [course_summary(c) for c in courses]

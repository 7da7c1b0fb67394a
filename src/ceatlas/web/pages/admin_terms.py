"""The admin area's course terms: find a course, see what the course reader found in it,
and confirm or correct a term (a confirmation is never replaced by a re-read)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ceatlas.catalog.models import Course
from ceatlas.catalog.understanding import CONFIRMABLE, TermError, confirm_term, course_terms
from ceatlas.web.auth import Admin, verify_csrf
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.errors import not_found
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import read_form
from ceatlas.web.schemas import MAX_ID

router = APIRouter(prefix="/admin/courses")
Csrf = [Depends(verify_csrf)]
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="The course's numeric id.")]

KINDS = (
    ("conditions", "Condition"),
    ("techniques", "Technique"),
    ("competencies", "Skill"),
    ("categories", "CE subject"),
    ("regions", "Body region"),
)
CENTRALITY_WORDS = {
    "primary": "Main subject",
    "secondary": "Taught in part",
    "mentioned": "Named in passing",
    "none": "Not taught",
}
PROVENANCE_WORDS = {
    "inferred": "read from the text",
    "declared": "tagged by the provider",
    "confirmed": "confirmed by an administrator",
}
FOUND_LIMIT = 50


@router.get("", response_class=HTMLResponse)
def find(request: Request, ctx: Ctx, account: Admin, q: str = "") -> Response:
    words = q.strip()[:200]
    found: list[Any] = []
    if words:
        with Session(ctx.engine) as db:
            found = list(
                db.execute(
                    select(Course.id, Course.title)
                    .where(func.lower(Course.title).contains(words.lower(), autoescape=True))
                    .order_by(Course.title, Course.id)
                    .limit(FOUND_LIMIT + 1)
                )
            )
    context = {
        "nav": "area",
        "area": "courses",
        "q": words,
        "found": found[:FOUND_LIMIT],
        "more": len(found) > FOUND_LIMIT,
    }
    return render(request, "admin_courses.html", context)


def _terms_page(
    request: Request,
    ctx: WebContext,
    course_id: int,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    with Session(ctx.engine) as db:
        title = db.scalar(select(Course.title).where(Course.id == course_id))
    if title is None:
        raise not_found("course")
    rows = []
    for term in course_terms(ctx.engine, course_id):
        entry = ctx.kb.entries(term.kind).get(term.term)
        rows.append(
            {
                "kind": term.kind,
                "kind_words": dict(KINDS).get(term.kind, term.kind),
                "term": term.term,
                "name": entry.name if entry is not None else term.term,
                "centrality": term.centrality,
                "centrality_words": CENTRALITY_WORDS.get(term.centrality, term.centrality),
                "provenance_words": PROVENANCE_WORDS.get(term.provenance, term.provenance),
                "evidence": term.evidence,
            }
        )
    context = {
        "nav": "area",
        "area": "courses",
        "course_id": course_id,
        "title": title,
        "rows": rows,
        "kinds": KINDS,
        "centralities": [(c, CENTRALITY_WORDS[c]) for c in CONFIRMABLE],
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "admin_course_terms.html", context, status)


@router.get("/{course_id}/terms", response_class=HTMLResponse)
def terms(request: Request, ctx: Ctx, account: Admin, course_id: Id) -> Response:
    return _terms_page(request, ctx, course_id)


@router.post("/{course_id}/terms", response_class=HTMLResponse, dependencies=Csrf)
async def confirm(request: Request, ctx: Ctx, account: Admin, course_id: Id) -> Response:
    form = await read_form(request)
    values = {k: form.get(k).strip() for k in ("kind", "term", "centrality")}
    missing = {k: "choose or type a value" for k, v in values.items() if not v}
    if missing:
        return _terms_page(request, ctx, course_id, missing, values, 422)
    try:
        confirm_term(
            ctx.engine, ctx.kb, course_id, values["kind"], values["term"], values["centrality"]
        )
    except TermError as error:
        if error.field == "course":
            raise not_found("course") from None
        message = str(error).removeprefix(f"{error.field}: ")
        return _terms_page(request, ctx, course_id, {error.field: message}, values, 422)
    return RedirectResponse(f"/admin/courses/{course_id}/terms?saved=1", status_code=303)

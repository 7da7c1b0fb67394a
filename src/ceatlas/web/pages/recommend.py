"""``/recommend``: what to learn next for the complaints your clients bring.

The form posts (with a CSRF token): complaints never travel in the address, so they stay
out of browser history, bookmarks and server logs, and nothing is stored. ``GET`` shows the
empty form. Complaints are one a line, ``complaint: clients a month``;
``matcher=lexical|embedding`` (not in the form) picks a matcher. A line that looks like it
holds a client identifier is refused by line number without echoing it back; a count that
is not a number of clients is refused, never read as 1.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from ceatlas.recommend import Constraints, parse_complaint
from ceatlas.recommend.caseload import MAX_COMPLAINTS
from ceatlas.web.api.recommend import RecommendRequest, RecommendResponse, run
from ceatlas.web.auth import verify_csrf
from ceatlas.web.context import Ctx
from ceatlas.web.errors import WebError, validation_error
from ceatlas.web.labels import MODE_LABELS
from ceatlas.web.pages.common import render
from ceatlas.web.pages.forms import read_form

router = APIRouter()
RADIUS_OPTIONS = ["10", "25", "50", "100", "250"]
Csrf = [Depends(verify_csrf)]
FIELDS = ("complaints", "near", "radius", "budget", "rank_by", "assume_best", "matcher")
EXAMPLE = "pain shooting down the back of my leg: 9\ncan't lift my arm over my head: 3\n"


@router.get("/recommend", response_class=HTMLResponse)
def recommend_form(request: Request) -> HTMLResponse:
    """The empty form. Words in the address are not read: they would be in its history."""
    form: dict[str, Any] = dict.fromkeys(FIELDS, "") | {"modes": []}
    return _page(request, form, [], None, None)


@router.post("/recommend", response_class=HTMLResponse, dependencies=Csrf)
async def recommend_page(request: Request, ctx: Ctx) -> HTMLResponse:
    posted = await read_form(request)
    form: dict[str, Any] = {name: posted.values.get(name, "").strip() for name in FIELDS}
    form["modes"] = [m for m in posted.lists.get("modes", []) if m in MODE_LABELS]
    lines = [line.strip() for line in form["complaints"].splitlines() if line.strip()]
    error: WebError | None = None
    result: RecommendResponse | None = None
    if lines:
        try:
            result = run(ctx, _request(lines, form))
        except WebError as exc:
            error = exc
    return _page(request, form, lines, result, error)


def _page(
    request: Request,
    form: dict[str, Any],
    lines: list[str],
    result: RecommendResponse | None,
    error: WebError | None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "nav": "recommend",
        "form": form,
        "error": error,
        "result": result,
        "example": EXAMPLE,
        "radius_options": RADIUS_OPTIONS,
        "modes": [
            {"value": v, "label": label, "checked": v in form["modes"]}
            for v, label in MODE_LABELS.items()
        ],
        "choices": _choices(result, lines, form) if result else {},
        "course_urls": {c.course.key: f"/courses/{c.course.id}" for c in result.courses}
        if result
        else {},
    }
    return render(request, "recommend/page.html", context, error.status if error else 200)


def _request(lines: list[str], form: dict[str, Any]) -> RecommendRequest:
    if len(lines) > MAX_COMPLAINTS:
        raise WebError(422, f"at most {MAX_COMPLAINTS} complaints", "complaints")
    complaints = []
    for number, line in enumerate(lines, 1):
        try:
            complaints.append(parse_complaint(line))
        except ValidationError as exc:
            message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            message = message.removeprefix("text ")
            raise WebError(422, f"line {number}: {message}", "complaints") from None
    values = {
        "near": form["near"] or None,
        "radius_miles": form["radius"] or None,
        "budget": form["budget"] or None,
        "modes": form["modes"],
        "rank_by": form["rank_by"] or "dollar",
    }
    try:
        constraints = Constraints.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        error = validation_error(exc, tuple(values))
        field = {"near": "near", "radius_miles": "radius", "budget": "budget"}.get(
            error.field or "", error.field
        )
        raise WebError(422, error.message.replace("radius_miles", "radius"), field) from None
    matcher = form["matcher"] if form["matcher"] in ("lexical", "embedding") else "auto"
    return RecommendRequest(
        complaints=complaints,
        constraints=constraints,
        assume_best=form["assume_best"] == "on",
        matcher=matcher,
    )


def _choices(
    result: RecommendResponse, lines: list[str], form: dict[str, Any]
) -> dict[int, list[dict[str, Any]]]:
    """For each uncertain complaint, one small form per candidate that posts the caseload
    again with that condition picked (hidden fields, never the address)."""
    out: dict[int, list[dict[str, Any]]] = {}
    for index, reading in enumerate(result.readings):
        if not reading.needs_choice:
            continue
        choices = []
        for candidate in reading.candidates:
            count = reading.clients_per_month
            picked = f"{candidate.condition_id}: {int(count) if count == int(count) else count}"
            changed = [picked if i == index else line for i, line in enumerate(lines)]
            fields: list[tuple[str, str]] = [("complaints", "\n".join(changed))]
            fields += [(k, form[k]) for k in FIELDS if k != "complaints" and form[k]]
            fields += [("modes", m) for m in form["modes"]]
            choices.append({"label": candidate.name, "fields": fields})
        out[index] = choices
    return out

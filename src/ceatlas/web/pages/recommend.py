"""``/recommend``: what to learn next for the complaints your clients bring.

A GET form: the page is anonymous and stateless (nothing is stored), so the URL carries
the caseload and no CSRF token is needed. Complaints are one a line, ``complaint: clients a
month``; ``matcher=lexical|embedding`` (not in the form) picks a matcher. A line that looks
like it holds a client identifier is refused by line number without echoing it back.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from ceatlas.recommend import Constraints, parse_complaint
from ceatlas.recommend.caseload import MAX_COMPLAINTS
from ceatlas.web.api.recommend import RecommendRequest, RecommendResponse, run
from ceatlas.web.context import Ctx
from ceatlas.web.errors import WebError, validation_error
from ceatlas.web.labels import MODE_LABELS
from ceatlas.web.pages.common import render

router = APIRouter()
RADIUS_OPTIONS = ["10", "25", "50", "100", "250"]
FIELDS = ("complaints", "near", "radius", "budget", "rank_by", "assume_best", "matcher")
EXAMPLE = "pain shooting down the back of my leg: 9\ncan't lift my arm over my head: 3\n"


@router.get("/recommend", response_class=HTMLResponse)
def recommend_page(request: Request, ctx: Ctx) -> HTMLResponse:
    query = request.query_params
    form: dict[str, Any] = {name: query.get(name, "").strip() for name in FIELDS}
    form["modes"] = [m for m in query.getlist("modes") if m in MODE_LABELS]
    lines = [line.strip() for line in form["complaints"].splitlines() if line.strip()]
    error: WebError | None = None
    result: RecommendResponse | None = None
    if lines:
        try:
            result = run(ctx, _request(lines, form))
        except WebError as exc:
            error = exc
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
) -> dict[int, list[dict[str, str]]]:
    """For each uncertain complaint, links that re-run with one candidate picked."""
    out: dict[int, list[dict[str, str]]] = {}
    for index, reading in enumerate(result.readings):
        if not reading.needs_choice:
            continue
        links = []
        for candidate in reading.candidates:
            count = reading.clients_per_month
            picked = f"{candidate.condition_id}: {int(count) if count == int(count) else count}"
            changed = [picked if i == index else line for i, line in enumerate(lines)]
            params: list[tuple[str, str]] = [("complaints", "\n".join(changed))]
            params += [(k, form[k]) for k in FIELDS if k != "complaints" and form[k]]
            params += [("modes", m) for m in form["modes"]]
            links.append({"label": candidate.name, "url": "/recommend?" + urlencode(params)})
        out[index] = links
    return out

"""``/``: the search page. A GET form: the URL carries the whole query."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from ceatlas.accounts import Role
from ceatlas.accounts.service import Account
from ceatlas.compliance import CeRecords
from ceatlas.planner.fit import counts_for_licenses
from ceatlas.recommend.matching import shared_matcher
from ceatlas.recommend.query import understood_search
from ceatlas.search import SearchError, SearchQuery, SearchResult, SessionHit
from ceatlas.web import queries
from ceatlas.web.auth import OptionalAccount
from ceatlas.web.context import Ctx, Db
from ceatlas.web.errors import WebError
from ceatlas.web.labels import (
    MODE_LABELS,
    ONLINE_MODES,
    WEEKDAY_LABELS,
    clock,
    date_range,
    hours,
    mode_label,
    money,
)
from ceatlas.web.license_fit import checked_count, course_fits
from ceatlas.web.pages.common import SAMPLE_NOTICE, render
from ceatlas.web.search_params import FIELDS, LIST_FIELDS, parse
from ceatlas.web.templating import _query_url

router = APIRouter()
RADIUS_OPTIONS = ["10", "25", "50", "100", "250"]
SORTS = {
    "": "Best match (or soonest)",
    "start_date": "Soonest first",
    "price": "Lowest price",
    "distance": "Nearest",
    "hours_per_dollar": "Most CE hours per dollar",
}
# Filters the form shows; anything else in the URL is kept as a hidden field.
FORM_FIELDS = {
    "q", "near", "radius", "unit", "modes", "include_self_paced", "date_from", "date_to",
    "days", "max_price", "min_hours", "max_hours", "state", "techniques", "conditions",
    "categories", "providers", "sort", "group_by_course",
}  # fmt: skip


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, ctx: Ctx, db: Db, account: OptionalAccount) -> HTMLResponse:
    params = [(k, v) for k, v in request.query_params.multi_items() if k in FIELDS and v.strip()]
    # A therapist who opens the page (no query yet) sees what counts for their license.
    licensed = _license_state(ctx, account) if not request.url.query else None
    if licensed is not None:
        params.append(("state", licensed[0]))
    form: dict[str, Any] = dict.fromkeys(FIELDS, "")
    for key, value in params:
        if key in LIST_FIELDS:
            form[key] = [*(form[key] or []), value]
        else:
            form[key] = value
    error: WebError | None = None
    query: SearchQuery | None = None
    result: SearchResult | None = None
    try:
        # one card per course unless the URL asks for every session
        query = parse(params, strict=False, defaults={"per_page": 20, "group_by_course": True})
        try:
            result = understood_search(
                lambda: shared_matcher(ctx.kb, "auto", wait=False),
                query,
                lambda q: ctx.search.search(q, ctx.today()),
            )
        except SearchError as exc:
            raise WebError(400, str(exc), "near" if query.near else None) from None
    except WebError as exc:
        error = exc

    def invalid(name: str) -> Markup:
        if error is not None and error.field == name:
            return Markup(f' aria-invalid="true" aria-describedby="err-{name}"')  # noqa: S704
        return Markup("")

    def field_error(name: str) -> Markup:
        if error is None or error.field != name:
            return Markup("")
        message = error.errors[0].message if error.errors else error.message
        return Markup('<p class="field-error" id="err-{}" role="alert">{}</p>').format(
            name, message
        )

    context: dict[str, Any] = {
        "nav": "search",
        "form": form,
        "error": error,
        "result": result,
        "invalid": invalid,
        "field_error": field_error,
        "radius_options": RADIUS_OPTIONS,
        # a new search from the form reads its words afresh (no "literal")
        "hidden": [(k, v) for k, v in params if k not in FORM_FIELDS | {"page", "literal"}],
        "active_filters": sum(
            1
            for k in FORM_FIELDS - {"q", "sort", "unit", "group_by_course"}
            if form.get(k) not in ("", None, [])
        ),
    }
    context |= _options(ctx, query, result, form)
    if result is not None:
        context |= _results(ctx, db, result, params)
        _add_license_counts(ctx, account, context["cards"])
    if licensed is not None and error is None:
        context["state_from_license"] = licensed[1]
    if result is not None and result.read_as_complaint is not None:
        context["complaint"] = {
            "sentence": result.read_as_complaint.sentence,
            "literal_url": _query_url("/", params, literal="true"),
        }
    status = error.status if error is not None else 200
    return render(request, "search.html", context, status)


def _add_license_counts(ctx: Ctx, account: Account | None, cards: list[dict[str, Any]]) -> None:
    """A signed-in therapist's cards say, per license, whether the session counts and
    toward which requirement of the current cycle (:mod:`ceatlas.planner.fit`)."""
    if account is None or account.role != Role.THERAPIST or not cards:
        return
    today = ctx.today()
    statuses = CeRecords(ctx.engine, ctx.kb, ctx.settings.data_dir).status(account.id, today)
    found = counts_for_licenses(
        ctx.engine, ctx.kb, statuses, [c["session_key"] for c in cards], today
    )
    licenses = CeRecords(ctx.engine, ctx.kb, ctx.settings.data_dir).licenses(account.id)
    fits = course_fits(ctx.engine, ctx.kb, licenses, [c["course_id"] for c in cards], today)
    for card in cards:
        card["licenses"] = []
        for lc in found.get(card["session_key"], []):
            text, counts = checked_count(lc, fits.get(card["course_id"], {}))
            card["licenses"].append({"text": text, "counts": counts})


def _license_state(ctx: Ctx, account: Account | None) -> tuple[str, str] | None:
    """(code, name) of the therapist's first state license whose accepted approvers the KB
    knows (a state filter for any other would show nothing), else ``None``."""
    if account is None or account.role != Role.THERAPIST:
        return None
    for license_ in CeRecords(ctx.engine, ctx.kb, ctx.settings.data_dir).licenses(account.id):
        jurisdiction = ctx.kb.jurisdictions.get(license_.jurisdiction)
        known = jurisdiction is not None and isinstance(jurisdiction.accepted_approvers, list)
        if license_.kind == "license" and known:
            assert jurisdiction is not None
            return jurisdiction.id, jurisdiction.name
    return None


def _counts(result: SearchResult | None, name: str) -> dict[str, int]:
    if result is None:
        return {}
    return {f.value: f.count for f in result.facets.get(name, [])}


def _options(
    ctx: Ctx, query: SearchQuery | None, result: SearchResult | None, form: dict[str, Any]
) -> dict[str, Any]:
    mode_counts = _counts(result, "mode")
    chosen_modes = set(query.modes if query else form["modes"] or [])
    chosen_days = set(query.days if query else form["days"] or [])
    chosen_techniques = set(query.techniques if query else form["techniques"] or [])
    chosen_conditions = set(query.conditions if query else form["conditions"] or [])
    chosen_categories = set(query.categories if query else form["categories"] or [])
    chosen_providers = list(query.providers if query else form["providers"] or [])
    state = (query.state if query else form["state"]) or ""

    def kb_options(kind: str, chosen: set[str], facet: str) -> list[dict[str, Any]]:
        counts = _counts(result, facet)
        entries = sorted(ctx.kb.entries(kind).values(), key=lambda e: e.name.lower())
        return [
            {
                "value": e.id,
                "label": e.name,
                "count": counts.get(e.id, 0),
                "selected": e.id in chosen,
            }
            for e in entries
        ]

    sort = (query.sort if query else form["sort"]) or ""
    return {
        "modes": [
            {
                "value": value,
                "label": label,
                "count": mode_counts.get(value, 0) if result is not None else None,
                "checked": value in chosen_modes,
            }
            for value, label in MODE_LABELS.items()
        ],
        "days": [
            {"value": value, "label": label, "checked": value in chosen_days}
            for value, label in WEEKDAY_LABELS.items()
        ],
        "states": [
            {"value": j.id, "label": j.name, "selected": j.id == state}
            for j in sorted(ctx.kb.jurisdictions.values(), key=lambda j: j.name)
            if j.kind in ("state", "district")
        ],
        "techniques": kb_options("techniques", chosen_techniques, "technique"),
        "conditions": kb_options("conditions", chosen_conditions, "condition"),
        "categories": kb_options("categories", chosen_categories, "category"),
        "providers": _provider_options(result, chosen_providers),
        "sorts": [
            {"value": value, "label": label, "selected": value == sort}
            for value, label in SORTS.items()
        ],
    }


def _provider_options(result: SearchResult | None, chosen: list[str]) -> list[dict[str, Any]]:
    """The providers of the results (counted as if no provider were chosen), by name, and
    any chosen provider that has none."""
    listed = {f.value: f for f in (result.facets.get("provider", []) if result else [])}
    options = [
        {"value": f.value, "label": f.label, "count": f.count, "selected": f.value in chosen}
        for f in listed.values()
    ]
    options += [
        {"value": key, "label": key, "count": 0, "selected": True}
        for key in chosen
        if key not in listed
    ]
    return sorted(options, key=lambda o: str(o["label"]).lower())


def _when(hit: SessionHit) -> str:
    s = hit.session
    if s.start_date is None:
        return "Start any time (self-paced)"
    text = date_range(s.start_date, s.end_date)
    if s.start_time is not None:
        text += f", {clock(s.start_time)}"
        if s.end_time is not None:
            text += f"–{clock(s.end_time)}"
    return text


def _where(hit: SessionHit) -> str:
    s = hit.session
    if s.mode in ONLINE_MODES:
        return "Online"
    place = ", ".join(p for p in (s.city, s.region) if p) or "Place not published"
    if hit.distance_miles is not None:
        miles = hit.distance_miles
        place += " · under 1 mi away" if miles < 1 else f" · {miles:.0f} mi away"
    return place


def _results(
    ctx: Ctx, db: Db, result: SearchResult, params: list[tuple[str, str]]
) -> dict[str, Any]:
    hits = [h for c in result.courses for h in c.sessions[:1]] if result.grouped else result.results
    more = {c.course.id: c.sessions_matching - 1 for c in result.courses} if result.grouped else {}
    course_ids = list(dict.fromkeys(h.course.id for h in hits))
    provider_keys = list(
        dict.fromkeys(h.course.provider_key for h in hits if h.course.provider_key)
    )
    approvals = queries.approvals_for_courses(db, course_ids, ctx.kb)
    samples = queries.sample_provider_ids(db, provider_keys)
    provider_ids = queries.provider_ids(db, provider_keys)
    cards = []
    for hit in hits:
        why = [f"Mentions {t}" for t in hit.explanation.matched_terms[:4]]
        why += hit.explanation.expansions[:3]
        if hit.explanation.distance and hit.session.mode not in ONLINE_MODES:
            why.append(hit.explanation.distance)
        why += hit.explanation.counts_for[:2]
        key = hit.course.provider_key
        cards.append(
            {
                "session_id": hit.session.id,
                "session_key": hit.session.key,
                "course_id": hit.course.id,
                "licenses": [],
                "title": hit.course.title,
                "course_url": f"/courses/{hit.course.id}",
                "session_url": f"/courses/{hit.course.id}#session-{hit.session.id}",
                "provider": hit.course.provider_name or "Unknown provider",
                "provider_url": f"/providers/{provider_ids[key]}" if key in provider_ids else None,
                "is_sample": key in samples,
                "mode": mode_label(hit.session.mode),
                "when": _when(hit),
                "where": _where(hit),
                "price": money(hit.session.price, hit.session.currency),
                "hours": hours(hit.course.ce_hours),
                "approvals": approvals.get(hit.course.id, []),
                "why": why,
                "ics_url": f"/sessions/{hit.session.id}.ics" if hit.session.start_date else None,
                "more_sessions": more.get(hit.course.id, 0),
            }
        )
    reading = result.interpretation
    notes = [f"Did you mean: {c}" for c in reading.corrections] + list(result.warnings)
    if reading.ignored_words:
        left_out = ", ".join(f"\u201c{w}\u201d" for w in reading.ignored_words)
        notes.append(f"Courses need not say {left_out}: the search looks for the other words.")
    return {
        "cards": cards,
        "understood": reading.concepts,
        "notes": notes,
        "pages": _pages(result, params),
        "breakdown": _breakdown(result, params),
        "sample_notice": SAMPLE_NOTICE if samples else None,
        "nothing": _nothing(result, params),
    }


def _nothing(result: SearchResult, params: list[tuple[str, str]]) -> dict[str, Any] | None:
    """Why nothing matched, and links to the searches that find something."""
    found = result.nothing_found
    if found is None:
        return None
    unit = "course" if result.grouped else "session"
    options = []
    for relaxation in found.relaxations[:5]:
        changes: dict[str, Any] = {"page": None}
        for key, value in relaxation.changes.items():
            changes[key] = str(value).lower() if isinstance(value, bool) else value
        total = relaxation.total
        options.append(
            {
                "label": f"{total} {unit}{'' if total == 1 else 's'} {relaxation.label}",
                "url": _query_url("/", params, **changes),
            }
        )
    return {"words": found.unmatched_words, "options": options}


def _pages(result: SearchResult, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
    last = max(result.pages, 1)
    if last <= 1:
        return []
    current = result.page
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    items: list[dict[str, Any]] = []

    def item(label: str, page: int | None, rel: str = "") -> None:
        url = _query_url("/", params, page=page) if page is not None else None
        items.append({"label": label, "url": url, "rel": rel, "current": page == current})

    if current > 1:
        item("Previous", current - 1, "prev")
    previous = 0
    for number in shown:
        if number - previous > 1:
            item("…", None)
        item(str(number), number)
        previous = number
    if current < last:
        item("Next", current + 1, "next")
    return items


def _breakdown(result: SearchResult, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
    titles = {
        "price": "Price",
        "ce_hours": "CE hours",
        "month": "Month",
        "state": "Where",
        "provider": "Provider",
    }
    groups = []
    for name, title in titles.items():
        facets = result.facets.get(name, [])
        if not facets:
            continue
        items = []
        for f in facets[:12]:
            url = (
                _query_url("/", params, providers=f.value, page=None)
                if name == "provider"
                else None
            )
            items.append({"label": f.label, "count": f.count, "url": url})
        groups.append({"title": title, "facets": items})
    return groups

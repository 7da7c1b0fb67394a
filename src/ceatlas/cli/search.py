"""``ceatlas search``: find course sessions with text, budget, schedule, place and more."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from ceatlas.cli.common import fail, out, print_json, services
from ceatlas.search import SearchError, SearchQuery, SearchResult
from ceatlas.search import search as run_search
from ceatlas.search.results import NothingFound


def _opt(help_text: str, *names: str) -> Any:
    return typer.Option(*names, help=help_text)


def search(
    q: Annotated[str | None, typer.Argument(help="Free text (any string is safe).")] = None,
    max_price: Annotated[float | None, _opt("Highest price; free sessions match.")] = None,
    currency: Annotated[str, _opt("Currency of --max-price.")] = "USD",
    date_from: Annotated[str | None, _opt("Starts on or after (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, _opt("Starts on or before (YYYY-MM-DD).")] = None,
    days: Annotated[str | None, _opt("Meets only on these days: weekend, sat,sun, ...")] = None,
    time_of_day: Annotated[str | None, _opt("morning, afternoon and/or evening.")] = None,
    no_self_paced: Annotated[
        bool, _opt("Leave out self-paced sessions.", "--no-self-paced")
    ] = False,
    mode: Annotated[
        str | None, _opt("self_paced_online, live_online, in_person, hybrid (comma list).")
    ] = None,
    near: Annotated[str | None, _opt("US ZIP code, 'City, ST' or a places key.")] = None,
    lat: Annotated[float | None, _opt("Latitude (with --lon).")] = None,
    lon: Annotated[float | None, _opt("Longitude (with --lat).")] = None,
    radius: Annotated[float | None, _opt("Radius around the place.")] = None,
    unit: Annotated[str, _opt("mi or km.")] = "mi",
    min_hours: Annotated[float | None, _opt("At least this many CE hours.")] = None,
    max_hours: Annotated[float | None, _opt("At most this many CE hours.")] = None,
    state: Annotated[str | None, _opt("Counts for this state's license (e.g. FL).")] = None,
    category: Annotated[str | None, _opt("CE subject category (comma list).")] = None,
    level: Annotated[str | None, _opt("Level (comma list).")] = None,
    technique: Annotated[str | None, _opt("Technique (comma list).")] = None,
    condition: Annotated[str | None, _opt("Condition (comma list).")] = None,
    competency: Annotated[str | None, _opt("Competency (comma list).")] = None,
    pathway: Annotated[str | None, _opt("Career pathway (KB id or name).")] = None,
    provider: Annotated[str | None, _opt("Provider key or name (comma list).")] = None,
    language: Annotated[str | None, _opt("Language code (comma list).")] = None,
    min_seats: Annotated[int | None, _opt("At least this many seats left.")] = None,
    open_only: Annotated[
        bool, _opt("Registration still open.", "--open", "--registration-open")
    ] = False,
    sort: Annotated[
        str | None, _opt("relevance, price, start_date, distance or hours_per_dollar.")
    ] = None,
    page: Annotated[int, _opt("Page number.")] = 1,
    per_page: Annotated[int, _opt("Results per page (<= 100).")] = 20,
    group: Annotated[bool, _opt("Group sessions by course.", "--group-by-course")] = False,
    today: Annotated[str | None, _opt("Pretend today is this date (YYYY-MM-DD).")] = None,
    literal: Annotated[
        bool,
        _opt(
            "Search the words only (words that find nothing are otherwise read as a "
            "complaint, e.g. 'my back hurts').",
            "--literal",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Search course sessions; every filter is optional and they all combine."""
    params: dict[str, Any] = {
        "q": q,
        "max_price": max_price,
        "currency": currency,
        "date_from": date_from,
        "date_to": date_to,
        "days": days,
        "time_of_day": time_of_day,
        "include_self_paced": not no_self_paced,
        "modes": mode,
        "near": near,
        "lat": lat,
        "lon": lon,
        "radius": radius,
        "unit": unit,
        "min_hours": min_hours,
        "max_hours": max_hours,
        "state": state,
        "categories": category,
        "levels": level,
        "techniques": technique,
        "conditions": condition,
        "competencies": competency,
        "pathway": pathway,
        "providers": provider,
        "languages": language,
        "min_seats": min_seats,
        "registration_open": open_only,
        "sort": sort,
        "page": page,
        "per_page": per_page,
        "group_by_course": group,
        "literal": literal,
        "facets": as_json,
    }
    try:
        query = SearchQuery.model_validate({k: v for k, v in params.items() if v is not None})
        day = dt.date.fromisoformat(today) if today else None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "query"
        raise fail(f"{where}: {first['msg']}") from None
    except ValueError as error:
        raise fail(f"--today: {error}") from None
    from ceatlas.kb import default_kb

    with services() as built:
        try:
            from ceatlas.recommend.matching import make_matcher
            from ceatlas.recommend.query import understood_search

            # the matcher (and its model) loads only when the words find nothing
            result = understood_search(
                lambda: make_matcher(built.kb, "auto", cache_dir=built.settings.data_dir / "cache"),
                query,
                lambda q: run_search(built.engine, q, default_kb(), day),
            )
        except SearchError as error:
            raise fail(str(error)) from None
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    if result.some_words_only:
        out.print(
            f"No course mentions all of \u201c{q}\u201d; showing courses that mention some of "
            "it, the closest first.",
            soft_wrap=True,
            markup=False,
        )
    reading = result.read_as_complaint
    if reading is not None:
        out.print(
            f"{reading.sentence} (--literal searches the words)", soft_wrap=True, markup=False
        )
    _print(result)


def _print(result: SearchResult) -> None:
    reading = result.interpretation
    for line in reading.corrections + result.warnings:
        out.print(f"note: {line}", soft_wrap=True)
    unit = "courses" if result.grouped else "sessions"
    out.print(f"{result.total} {unit} (page {result.page} of {max(result.pages, 1)})")
    if result.nothing_found is not None:
        _print_nothing(result.nothing_found, unit)
    hits = [h for c in result.courses for h in c.sessions[:1]] if result.grouped else result.results
    for position, hit in enumerate(hits):
        if position == result.some_words_from:
            out.print(f"{unit.capitalize()} that mention only some of the words:")
        complaint = result.read_as_complaint
        if position == result.mentions_from and complaint is not None:
            out.print(f"Other {unit} that mention {complaint.names}:", markup=False)
        if position == result.techniques_from and complaint is not None:
            used = ", ".join(complaint.techniques)
            out.print(
                f"{unit.capitalize()} on techniques used for {complaint.names} ({used}):",
                markup=False,
            )
        s, c = hit.session, hit.course
        when = str(s.start_date) if s.start_date else "self-paced"
        where = ", ".join(v for v in (s.city, s.region) if v) or s.mode.replace("_", " ")
        price = f"{s.price} {s.currency or ''}".strip() if s.price is not None else "price n/a"
        out.print(
            f"- {c.title} [{c.provider_name or 'unknown provider'}] {when} · {where} · {price}"
            + (f" · {hit.explanation.distance}" if hit.explanation.distance else ""),
            soft_wrap=True,
            markup=False,
        )
        for reason in hit.explanation.expansions + hit.explanation.counts_for:
            out.print(f"    {reason}", soft_wrap=True, markup=False)


def _print_nothing(found: NothingFound, unit: str) -> None:
    """Why nothing matched, and the changes that find something."""
    if found.unmatched_words:
        words = ", ".join(f"\u201c{w}\u201d" for w in found.unmatched_words)
        out.print(f"No course mentions {words}.", soft_wrap=True, markup=False)
    for relaxation in found.relaxations[:5]:
        one = unit.rstrip("s") if relaxation.total == 1 else unit
        out.print(f"  {relaxation.total} {one} {relaxation.label}", soft_wrap=True, markup=False)

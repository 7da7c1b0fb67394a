"""``ceatlas recommend``: from the complaints clients bring to techniques and courses.

Exit codes: 0 recommendations printed; 1 printed, but some complaints were too uncertain to
count (pick a condition, or pass --assume-best); 2 bad input (including anything that looks
like a client identifier) or configuration.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from ceatlas.cli.common import fail, out, print_json, services


def _opt(help_text: str, *names: str) -> Any:
    return typer.Option(*names, help=help_text)


def recommend(
    complaints: Annotated[
        list[str] | None,
        typer.Argument(
            help="Complaints with clients a month: 'sciatica:9' "
            '"can\'t lift my arm over my head:3" (no client names).'
        ),
    ] = None,
    files: Annotated[
        list[Path] | None,
        _opt(
            "A caseload file: one 'complaint: count' a line, or caseload JSON. Repeat it for "
            "several caseloads in one call (each file is one caseload; complaints given as "
            "arguments are one more).",
            "--file",
        ),
    ] = None,
    near: Annotated[str | None, _opt("Home ZIP code or 'City, ST'.", "--zip", "--near")] = None,
    radius: Annotated[float | None, _opt("Miles you travel to in-person classes (50).")] = None,
    budget: Annotated[float | None, _opt("Most you would pay for one course.")] = None,
    modes: Annotated[
        str | None, _opt("self_paced_online, live_online, in_person, hybrid (comma list).")
    ] = None,
    days: Annotated[str | None, _opt("Days you can attend: weekend, sat,sun, ...")] = None,
    time_of_day: Annotated[str | None, _opt("morning, afternoon and/or evening.")] = None,
    state: Annotated[str | None, _opt("Only courses that count for this state (e.g. FL).")] = None,
    rank_by: Annotated[str, _opt("Rank courses by coverage per 'dollar' or per 'hour'.")] = (
        "dollar"
    ),
    matcher: Annotated[str, _opt("lexical, embedding or auto (both when installed).")] = "auto",
    assume_best: Annotated[
        bool, _opt("Count uncertain complaints as their best match.", "--assume-best")
    ] = False,
    techniques: Annotated[int, _opt("How many techniques to recommend.")] = 5,
    courses: Annotated[int, _opt("How many courses to recommend.")] = 10,
    today: Annotated[str | None, _opt("Pretend today is this date (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Recommend techniques and courses for the complaints your clients bring."""
    from ceatlas.recommend import (
        Constraints,
        MatcherUnavailableError,
        Recommendations,
        Recommender,
    )

    try:
        caseloads = _caseloads(complaints or [], files or [])
        constraints = Constraints.model_validate(
            {
                k: v
                for k, v in {
                    "near": near,
                    "radius_miles": radius,
                    "budget": budget,
                    "modes": modes,
                    "days": days,
                    "time_of_day": time_of_day,
                    "state": state,
                    "rank_by": rank_by,
                }.items()
                if v is not None
            }
        )
        day = dt.date.fromisoformat(today) if today else None
    except ValidationError as error:
        raise fail(_message(error)) from None
    except ValueError as error:
        raise fail(str(error)) from None
    if techniques < 1 or courses < 0:
        raise fail("--techniques must be at least 1 and --courses at least 0")
    from ceatlas.search import SearchError

    results: list[tuple[str, Recommendations]] = []
    with services() as built:
        try:
            recommender = Recommender(
                built.kb,
                built.engine,
                matcher=matcher,
                cache_dir=built.settings.data_dir / "cache",
            )
            for source, caseload in caseloads:
                result = recommender.recommend(
                    caseload,
                    constraints,
                    today=day,
                    assume_best=assume_best,
                    max_techniques=techniques,
                    max_courses=courses,
                )
                results.append((source, result))
        except (MatcherUnavailableError, SearchError, ValueError) as error:
            raise fail(str(error)) from None
    if as_json:
        documents = [_document(source, result, len(results) > 1) for source, result in results]
        print_json(documents[0] if len(documents) == 1 else {"caseloads": documents})
    else:
        for number, (source, result) in enumerate(results, 1):
            if len(results) > 1:
                rule = "\n" if number > 1 else ""
                out.print(
                    f"{rule}== Caseload {number} of {len(results)}: {source} ==",
                    markup=False,
                    soft_wrap=True,
                )
            _print(result)
    if any(result.unresolved_clients_per_month for _, result in results):
        raise typer.Exit(1)


def _caseloads(complaints: list[str], files: list[Path]) -> list[tuple[str, Any]]:
    """(where it came from, caseload) for the arguments and for each file."""
    from ceatlas.recommend import Caseload, parse_complaint

    found: list[tuple[str, Any]] = []
    if complaints:
        items: list[Any] = []
        for number, spec in enumerate(complaints, 1):
            try:
                items.append(parse_complaint(spec))
            except ValidationError as error:
                raise ValueError(f"complaint {number}: {_message(error)}") from None
        found.append(
            ("complaints given as arguments", Caseload.model_validate({"complaints": items}))
        )
    for path in files:
        items = _read_file(path)
        if not items:
            raise ValueError(f"--file: {path} holds no complaints")
        try:
            found.append((str(path), Caseload.model_validate({"complaints": items})))
        except ValidationError as error:
            raise ValueError(f"--file {path}: {_message(error)}") from None
    if not found:
        raise ValueError("give complaints as arguments ('sciatica:9') or with --file")
    return found


def _document(source: str, result: Any, several: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"source": source} if several else {}
    data.update(result.model_dump(mode="json"))
    data["planner"] = result.planner_handover().model_dump()
    return data


def _read_file(path: Path) -> list[Any]:
    from ceatlas.recommend import parse_complaint

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"--file: cannot read {path}: {error.strerror}") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"--file: {path} is not valid JSON: {error.msg}") from None
        found = data.get("complaints") if isinstance(data, dict) else data
        if not isinstance(found, list):
            raise ValueError(f"--file: {path}: expected {{'complaints': [...]}} or a list")
        if isinstance(data, dict):
            from ceatlas.recommend import Caseload

            try:
                return list(Caseload.model_validate(data).complaints)
            except ValidationError as error:
                raise ValueError(f"--file {path}: {_message(error)}") from None
        return found
    items: list[Any] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            items.append(parse_complaint(line))
        except ValidationError as error:
            raise ValueError(f"--file {path}, line {number}: {_message(error)}") from None
    return items


def _message(error: ValidationError) -> str:
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    message = str(first["msg"]).removeprefix("Value error, ")
    if loc and message.startswith(f"{loc[-1]} "):
        return ".".join(loc) + message[len(loc[-1]) :]  # "complaints.0.text looks like ..."
    return f"{'.'.join(loc)}: {message}" if loc else message


def _print(result: Any) -> None:
    from ceatlas.recommend import Recommendations

    assert isinstance(result, Recommendations)
    p = out.print
    p(f"Your caseload: {_n(result.clients_per_month)} clients a month ({result.matcher} matcher)")
    for reading in result.readings:
        if reading.needs_choice:
            options = "; ".join(
                f"{c.condition_id} ({c.confidence:.0%})" for c in reading.candidates
            )
            p(
                f"  ? {reading.complaint!r} ({_n(reading.clients_per_month)}/month) is uncertain: "
                f"pick one and give it as 'ID:{_n(reading.clients_per_month)}': "
                f"{options or 'no candidates'}",
                markup=False,
                soft_wrap=True,
            )
        else:
            best = reading.candidates[0] if reading.candidates else None
            via = f" ({best.via}, {best.confidence:.0%})" if best else ""
            p(
                f"  {reading.complaint!r} → {reading.condition_id}{via}",
                markup=False,
                soft_wrap=True,
            )
    for line in result.warnings:
        p(f"note: {line}", markup=False, soft_wrap=True)
    p("\nTechniques worth learning:")
    for i, technique in enumerate(result.techniques, 1):
        p(f"  {i}. {technique.name}: {technique.explanation}", markup=False, soft_wrap=True)
    if result.uncovered:
        names = ", ".join(s.name for s in result.uncovered)
        p(f"  (no technique in the knowledge base for: {names})", markup=False, soft_wrap=True)
    if result.courses:
        p("\nCourses that teach them, best value first:")
    for i, course in enumerate(result.courses, 1):
        s = course.session
        when = str(s.start_date) if s.start_date else "self-paced"
        where = ", ".join(v for v in (s.city, s.region) if v) or s.mode.replace("_", " ")
        provider = course.course.provider_name or "unknown provider"
        p(
            f"  {i}. {course.course.title} [{provider}] {when} · {where}",
            markup=False,
            soft_wrap=True,
        )
        p(f"     {course.explanation}", markup=False, soft_wrap=True)
    p("\nCautions from the knowledge base:")
    for condition in result.conditions:
        for caution in condition.cautions:
            p(f"  {condition.name}: {caution}", markup=False, soft_wrap=True)
    for technique in result.techniques:
        for caution in technique.cautions:
            p(f"  {technique.name}: {caution}", markup=False, soft_wrap=True)
    p("\nNext: plan these with")
    p(f"  {result.planner_command()}", markup=False, soft_wrap=True)


def _n(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"

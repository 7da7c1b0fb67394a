"""``ceatlas plan``: the optimal plan of sessions to reach a goal within budget and schedule.

The planner (and OR-Tools, which brings pandas) is imported when the command runs, not when
the ``ceatlas`` command starts: other commands do not pay for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ceatlas.cli.ce import local_profile
from ceatlas.cli.common import fail, out, print_json, services
from ceatlas.compliance import CeRecords, ComplianceError
from ceatlas.db import migrate

if TYPE_CHECKING:
    from ceatlas.planner.service import PlanOutcome
    from ceatlas.planner.solve import Plan


def _list(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for item in values or [] for v in item.split(",") if v.strip())


def _print_plan(p: Plan) -> None:
    from ceatlas.planner.words import hours_text, money

    state = "proven optimal" if p.optimal else f"best found, gap {100 * (p.gap or 0):.1f}%"
    out.print(
        f"{p.label}: {money(p.cost)}, {hours_text(p.hours)}, {p.trips} trip(s), "
        f"{p.days_away} day(s) away, {p.distance_km:g} km, finish {p.finish or '-'} ({state})",
        markup=False,
        soft_wrap=True,
    )
    for s in p.sessions:
        c = s.candidate
        when = str(c.first_day) if c.first_day else "self-paced"
        mode = c.mode.replace("_", " ")
        where = "" if c.location == mode else f"{c.location}, "
        out.print(
            f"  {when}  {c.title} [{c.provider}] {mode}, {where}{money(c.price)}, "
            f"{hours_text(c.hours)}",
            markup=False,
            soft_wrap=True,
        )
        out.print(f"      {s.why}", markup=False, soft_wrap=True)


def plan(
    account: Annotated[str | None, typer.Option("--account", help="Therapist e-mail.")] = None,
    pathway: Annotated[list[str] | None, typer.Option("--pathway", help="KB pathway.")] = None,
    license_: Annotated[
        list[str] | None, typer.Option("--license", help="Close the CE gap of this license.")
    ] = None,
    competency: Annotated[list[str] | None, typer.Option("--competency")] = None,
    technique: Annotated[list[str] | None, typer.Option("--technique")] = None,
    caseload: Annotated[
        list[str] | None, typer.Option("--caseload", help="Technique or condition ids.")
    ] = None,
    budget: Annotated[str | None, typer.Option("--budget", help="Dollars.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD.")] = None,
    days: Annotated[list[str] | None, typer.Option("--days", help="weekend, mon,tue ...")] = None,
    times: Annotated[list[str] | None, typer.Option("--times")] = None,
    modes: Annotated[list[str] | None, typer.Option("--mode")] = None,
    near: Annotated[str | None, typer.Option("--near", help="Home ZIP or 'City, ST'.")] = None,
    max_km: Annotated[float | None, typer.Option("--max-km")] = None,
    per_month: Annotated[int | None, typer.Option("--per-month")] = None,
    objective: Annotated[
        str, typer.Option("--objective", help="cost, finish, trips, mix")
    ] = "cost",
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds per solve.")] = 10.0,
    ics: Annotated[Path | None, typer.Option("--ics", help="Write the plan as iCalendar.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the plan as PDF.")] = None,
    today: Annotated[str | None, typer.Option("--today", help="YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Plan the sessions that reach your goals at least cost (or earliest, or fewest trips)."""
    from ceatlas.planner.goals import GoalError, GoalSpec
    from ceatlas.planner.serialize import plan_json
    from ceatlas.planner.service import Planner, PlanOptions

    try:
        day = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        raise fail(f"today: {today!r} is not a date; use YYYY-MM-DD", 1) from None
    spec = GoalSpec(
        pathways=_list(pathway),
        licenses=_list(license_),
        competencies=_list(competency),
        techniques=_list(technique),
        caseload=_list(caseload),
    )
    options = PlanOptions(
        budget=budget,
        date_from=date_from,
        date_to=date_to,
        days=list(_list(days)) if days else None,
        times=list(_list(times)) if times else None,
        modes=list(_list(modes)) if modes else None,
        near=near,
        max_km=max_km,
        per_month=per_month,
        objective=objective,
        time_limit=time_limit,
    )
    with services() as built:
        migrate(built.engine)
        records = CeRecords(built.engine, built.kb, built.settings.data_dir)
        try:
            if account is None and license_ and built.engine.dialect.name == "sqlite":
                account = local_profile(built.engine)  # the terminal's own CE record
            user_id = records.therapist_id(account) if account else None
            outcome = Planner(built.engine, built.kb, records).plan(user_id, spec, options, day)
        except (ComplianceError, GoalError) as error:
            raise fail(str(error), 1) from None
    r = outcome.result
    if as_json:
        print_json(plan_json(outcome))
    else:
        out.print(f"status: {r.status}" + (" (a partial plan: see 'unmet')" if r.partial else ""))
        if r.plan:
            _print_plan(r.plan)
            for alt in r.alternatives:
                out.print("alternative:")
                _print_plan(alt)
        for line in r.explanation:
            out.print(f"why: {line}", markup=False, soft_wrap=True)
        for line in r.unmet:
            out.print(f"unmet: {line}", markup=False, soft_wrap=True)
        for line in r.notes:
            out.print(f"note: {line}", markup=False, soft_wrap=True)
    _export(outcome, ics, pdf)
    if r.status == "infeasible":
        raise typer.Exit(1)


def _export(outcome: PlanOutcome, ics: Path | None, pdf: Path | None) -> None:
    from ceatlas.planner.export import plan_calendar, plan_pdf

    r = outcome.result
    try:
        if ics is not None:
            if r.plan is None:
                out.print("note: no plan, so no calendar was written", markup=False)
            else:
                ics.write_bytes(plan_calendar(r.plan, outcome.deadlines))
        if pdf is not None:
            pdf.write_bytes(plan_pdf(r))
    except OSError as error:
        raise fail(f"cannot write the export: {error.strerror}", 1) from None
